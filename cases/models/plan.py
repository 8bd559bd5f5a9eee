"""One family, one plan: the plan and its goals and actions, the informal network, self-sufficiency
assessments (ZRM) and case reviews.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.querysets import HouseholdChildManager, PlanManager
from wijkteam.history import AuditedQuerySet


class NetworkMember(models.Model):
    """Someone important around the household: informal carer, volunteer, family, a professional."""

    class Kind(models.TextChoices):
        INFORMAL_CARER = "informal_carer", _("Informal carer (mantelzorger)")
        VOLUNTEER = "volunteer", _("Volunteer")
        FAMILY = "family", _("Family")
        FRIEND_NEIGHBOUR = "friend_neighbour", _("Friend or neighbour")
        PROFESSIONAL = "professional", _("Professional")

    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="network"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_members",
        help_text=_("For a professional: where they work."),
    )
    involvement = models.TextField(
        _("how they are involved"),
        max_length=1000,
        blank=True,
        help_text=_("E.g. does the shopping on Fridays."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    family_agrees = models.BooleanField(
        _("the family agrees to involve them"),
        default=False,
        help_text=_("Only involve someone in the plan when the family agrees."),
    )
    active = models.BooleanField(_("still involved"), default=True)

    objects = HouseholdChildManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        ordering = ["-active", "name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.PROFESSIONAL and not self.organisation_id:
            raise ValidationError({"organisation": _("Choose the organisation this professional works for.")})


class Plan(models.Model):
    """One version of the household's plan (1Gezin1Plan). Exactly one is current per household.

    Evaluating the current version closes it and starts the next; old versions stay readable.
    `lock_version` counts saves of the plan text, so two workers cannot overwrite each other.
    """

    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        EVALUATED = "evaluated", _("Evaluated")

    class Approval(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("Not requested")
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")

    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="plans"
    )
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CURRENT)
    lock_version = models.PositiveIntegerField(default=1, editable=False)

    family_view = models.TextField(
        _("the family's own view"),
        max_length=5000,
        blank=True,
        help_text=_("What the family says the problems and the solutions are, in their own words."),
    )
    strengths = models.TextField(
        _("what goes well"),
        max_length=3000,
        blank=True,
        help_text=_("Strengths of the family and around it."),
    )
    worries = models.TextField(_("worries"), max_length=3000, blank=True)
    earlier_help = models.TextField(_("earlier help"), max_length=3000, blank=True)
    safety_plan = models.TextField(
        _("safety plan"),
        max_length=3000,
        blank=True,
        help_text=_("When the situation is unsafe: who does what to keep everyone safe."),
    )
    evaluation_date = models.DateField(_("next evaluation"), null=True, blank=True)

    approval = models.CharField(
        _("approval"), max_length=15, choices=Approval.choices, default=Approval.NOT_REQUESTED
    )
    approval_comment = models.TextField(_("comment of the coordinator"), max_length=2000, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    evaluation_note = models.TextField(_("evaluation"), max_length=5000, blank=True)

    objects = PlanManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["household", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="current"),
                name="one_current_plan_per_household",
                violation_error_message=_("This household already has a current plan."),
            ),
            models.UniqueConstraint(fields=["household", "number"], name="plan_version_unique"),
            models.CheckConstraint(
                condition=Q(status="current", evaluated_at__isnull=True)
                | Q(status="evaluated", evaluated_at__isnull=False),
                name="plan_evaluated_at_iff_evaluated",
            ),
        ]
        indexes = [
            # A household's current plan with its key, from the index alone (the constraint's
            # index above has the household only): the handover check (cases/services/handover.py)
            # goes from every open household of a team to its plan's open actions (issue 21).
            models.Index(
                fields=["household"],
                include=["id"],
                condition=Q(status="current"),
                name="plan_current_by_household",
            ),
        ]

    def __str__(self):
        return f"{self.household} – {_('plan')} {self.number}"

    @property
    def evaluation_overdue(self) -> bool:
        return (
            self.status == self.Status.CURRENT
            and self.evaluation_date is not None
            and self.evaluation_date < timezone.localdate()
            and self.household.status == self.household.Status.OPEN  # closed: nothing is late
        )


class Goal(models.Model):
    """A goal on one life domain, in the family's own words."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="goals")
    domain = models.ForeignKey(
        "cases.Domain", verbose_name=_("life domain"), on_delete=models.PROTECT, related_name="goals"
    )
    family_words = models.TextField(
        _("the goal in the family's words"),
        max_length=2000,
        help_text=_("Write it down as the family says it."),
    )
    achieved = models.BooleanField(_("achieved"), default=False)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["domain__position", "id"]

    def __str__(self):
        return self.family_words[:60]


class ServiceOutcome(models.TextChoices):
    HELPED = "helped", _("Yes, it led to help")
    NOT_HELPED = "not_helped", _("No, it did not lead to help")


class Action(models.Model):
    """What someone does, by when: the family, the network, the worker or a partner organisation."""

    class Who(models.TextChoices):
        FAMILY = "family", _("Family member")
        NETWORK = "network", _("Network member")
        WORKER = "worker", _("Worker")
        PARTNER = "partner", _("Partner organisation")

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("No longer needed")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="actions")
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    what = models.CharField(_("what"), max_length=300)
    who = models.CharField(_("who"), max_length=10, choices=Who.choices)
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("family member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    network_member = models.ForeignKey(
        NetworkMember,
        verbose_name=_("network member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    review = models.ForeignKey(
        "cases.CaseReview",
        verbose_name=_("from case review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    # A referral to a service of the social map (directory/): the link itself shares nothing with
    # the organisation; a warm handover goes through the sharing gate (cases/services/sharing.py).
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("referred to service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    service_outcome = models.CharField(
        _("did the service help?"),
        max_length=12,
        choices=ServiceOutcome.choices,
        blank=True,
        help_text=_("What came of the referral, for what the team learns about the service."),
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(who="family") & Q(person__isnull=False))
                | (Q(who="network") & Q(network_member__isnull=False))
                | (Q(who="worker") & Q(worker__isnull=False))
                | (Q(who="partner") & Q(organisation__isnull=False)),
                name="action_who_is_named",
            ),
        ]
        indexes = [
            # A plan's open actions with who holds them, from the index alone: the triage queue's
            # handover check (cases/services/handover.py, orphans) reads them for every open
            # household of the team (issue 21).
            models.Index(
                fields=["plan"],
                include=["worker", "id"],
                condition=Q(status="open"),
                name="action_open_by_plan",
            ),
        ]

    def __str__(self):
        return self.what

    @property
    def who_name(self) -> str:
        return str(
            {
                self.Who.FAMILY: self.person,
                self.Who.NETWORK: self.network_member,
                self.Who.WORKER: self.worker,
                self.Who.PARTNER: self.organisation,
            }[self.who]
        )

    @property
    def overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    def clean(self):
        needed = {
            self.Who.FAMILY: ("person", _("Choose the family member.")),
            self.Who.NETWORK: ("network_member", _("Choose the network member.")),
            self.Who.WORKER: ("worker", _("Choose the worker.")),
            self.Who.PARTNER: ("organisation", _("Choose the organisation.")),
        }
        if self.who in needed:
            field, message = needed[self.who]
            if getattr(self, f"{field}_id") is None:
                raise ValidationError({field: message})
            for other, _message in needed.values():
                if other != field:
                    setattr(self, other, None)


class Instrument(models.Model):
    """An assessment instrument (ZRM 2017 by default): its scale labels, kept as data."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    scale = models.JSONField(_("scale labels"), help_text=_("The labels of 1 to 5, in order."))

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return self.name

    def label(self, score: int) -> str:
        return self.scale[score - 1] if 1 <= score <= len(self.scale) else ""


class Domain(models.Model):
    """A life domain of an instrument (Financiën, Huisvesting, …), kept as data."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="domains")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"))

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "name"], name="domain_name_per_instrument")
        ]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """A dated self-sufficiency assessment of one person: a score on every domain."""

    person = models.ForeignKey(
        "cases.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="assessments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["person", "assessed_on", "id"]

    def __str__(self):
        return f"{self.person} {self.assessed_on:%d-%m-%Y}"

    def clean(self):
        if self.assessed_on and self.assessed_on > timezone.localdate():
            raise ValidationError({"assessed_on": _("An assessment cannot be dated in the future.")})


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="scores")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["domain__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="one_score_per_domain"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_one_to_five"),
        ]

    def __str__(self):
        return f"{self.domain}: {self.score}"


class CaseReview(models.Model):
    """A case review (casuïstiekoverleg): who took part, the question, what was decided."""

    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="reviews"
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("workers present"), blank=True, related_name="+"
    )
    organisations = models.ManyToManyField(
        "teams.Organisation", verbose_name=_("partner organisations present"), blank=True, related_name="+"
    )
    question = models.TextField(_("question"), max_length=2000)
    considerations = models.TextField(_("considerations"), max_length=5000, blank=True)
    decisions = models.TextField(_("decisions"), max_length=5000, blank=True)
    follow_up = models.TextField(
        _("follow-up actions"),
        max_length=3000,
        blank=True,
        help_text=_("One action per line; each can be added to the plan."),
    )

    objects = HouseholdChildManager()
    history = HistoricalRecords(m2m_fields=[workers, organisations])

    class Meta:
        verbose_name = _("case review")
        verbose_name_plural = _("case reviews")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{_('Case review')} {self.held_on:%d-%m-%Y}"

    @property
    def follow_up_lines(self) -> list[str]:
        return [line.strip() for line in self.follow_up.splitlines() if line.strip()]

    def clean(self):
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": _("A case review cannot be dated in the future.")})

"""Consent and sharing: per person, to whom, for what, on which legal basis; and each share made.

Both are append-only: withdrawing consent is a new decision, the old one stays (docs/domain.md).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wijkteam.history import AuditedQuerySet


class AccessRequestQuerySet(AuditedQuerySet):
    def late(self, team_ids, today) -> "AccessRequestQuerySet":
        """Unanswered requests of these teams' households past their due date."""
        return self.filter(person__household__team_id__in=team_ids, handled_on__isnull=True, due_on__lt=today)


class ConsentDecisionQuerySet(AuditedQuerySet):
    def latest(self) -> list["ConsentDecision"]:
        """The decision that counts now for each person, recipient and purpose: the latest one.

        The one definition of "current consent": whether it is in force is its `in_force`.
        """
        latest = {}
        for decision in self.order_by("-recorded_at", "-id"):
            latest.setdefault((decision.person_id, decision.recipient_id, decision.purpose), decision)
        return list(latest.values())


class Purpose(models.TextChoices):
    # The team's own basis to work with the household (no recipient): until one is recorded,
    # prior information from partners is for the coordinator and the lead worker only.
    TEAM = "team", _("Support by the team itself")
    FEEDBACK = "feedback", _("Feedback to the organisation that sent the signal")
    COORDINATION = "coordination", _("Coordinating help together")
    HANDOVER = "handover", _("Warm handover")
    OTHER = "other", _("Other")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    LEGAL_TASK = "legal_task", _("Legal task (e.g. Wmo 2015 art. 5.1.1)")
    VITAL_INTEREST = "vital_interest", _("Vital interest")
    OTHER = "other", _("Other")


# What may be shared with an organisation: every purpose but the team's own.
SHARE_PURPOSES = [(value, label) for value, label in Purpose.choices if value != Purpose.TEAM]


class DataCategory(models.TextChoices):
    CONTACT = "contact", _("Contact details")
    SITUATION = "situation", _("The situation and concerns")
    PLAN = "plan", _("The plan")
    HEALTH = "health", _("Health and mental health")
    YOUTH_CARE = "youth_care", _("Youth care")
    DEBT = "debt", _("Money and debts")
    # Letters, forms, decisions, photos of the case file (documents/): shared only as this category.
    DOCUMENTS = "documents", _("Documents")


class ConsentDecision(models.Model):
    class Decision(models.TextChoices):
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Obtained(models.TextChoices):
        VERBAL = "verbal", _("Verbally")
        WRITTEN = "written", _("In writing")

    person = models.ForeignKey(
        "cases.Person", verbose_name=_("about"), on_delete=models.PROTECT, related_name="consent_decisions"
    )
    recipient = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for support by the team itself."),
    )
    purpose = models.CharField(_("purpose"), max_length=15, choices=Purpose.choices)
    categories = models.JSONField(_("data"), default=list)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=15, choices=LegalBasis.choices)
    basis_text = models.CharField(_("basis, explained"), max_length=200, blank=True)
    obtained = models.CharField(_("obtained"), max_length=10, choices=Obtained.choices, blank=True)
    information_given = models.TextField(_("information given"), max_length=1000, blank=True)
    decided_by = models.JSONField(
        _("decided by"),
        default=list,
        # Empty for a decision on another legal basis than consent: then nobody of the family
        # decided, the team recorded the basis (and its explanation, basis_text).
        blank=True,
        help_text=_("The people who decided: the person, or the parents with authority."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ConsentDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["person", "recipient", "purpose", "-recorded_at"], name="consent_lookup")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="team", recipient__isnull=True)
                | (~Q(purpose="team") & Q(recipient__isnull=False)),
                name="consent_recipient_unless_team",
            )
        ]

    def __str__(self):
        return f"{self.get_decision_display()} – {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        return str(self.recipient) if self.recipient_id else str(_("the team itself"))

    @property
    def in_force(self) -> bool:
        return self.decision == self.Decision.GIVEN and (
            self.valid_until is None or self.valid_until >= timezone.localdate()
        )

    def clean(self):
        if (
            self.decision == self.Decision.GIVEN
            and self.legal_basis == LegalBasis.CONSENT
            and not self.obtained
        ):
            raise ValidationError({"obtained": _("How was the consent obtained?")})
        if self.legal_basis == LegalBasis.OTHER and not self.basis_text:
            raise ValidationError({"basis_text": _("Explain the basis.")})
        if self.purpose == Purpose.TEAM and self.recipient_id:
            raise ValidationError(
                {"recipient": _("Support by the team itself has no recipient: leave it empty.")}
            )
        if self.purpose and self.purpose != Purpose.TEAM and not self.recipient_id:
            raise ValidationError({"recipient": _("To which organisation?")})


class Share(models.Model):
    """One share of household data with an organisation, and the ground it was shared on."""

    class Ground(models.TextChoices):
        CONSENT = "consent", _("Consent of the person")
        BASIS = "basis", _("A legal basis recorded for the person")
        MANDATE = "mandate", _("The mandate's basis")
        OVERRIDE = "override", _("Coordinator's decision without consent or basis")

    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="shares"
    )
    referral = models.ForeignKey(
        "cases.Referral",
        verbose_name=_("signal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shares",
    )
    recipient = models.ForeignKey(
        "teams.Organisation", verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=15, choices=SHARE_PURPOSES)
    # What the share is about and contains: the gate checked each person for each category.
    persons = models.ManyToManyField("cases.Person", verbose_name=_("about"), related_name="shares")
    # The documents the share contains (category "documents", checked by the gate for every person).
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="shares"
    )
    categories = models.JSONField(_("data"), default=list)
    content = models.TextField(_("what is shared"), max_length=3000)
    ground = models.CharField(_("ground"), max_length=10, choices=Ground.choices)
    ground_reference = models.CharField(_("ground, detail"), max_length=200)
    override_reason = models.TextField(_("why without consent or basis"), max_length=1000, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shared by"), on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared at"), default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["-shared_at", "-id"]

    def __str__(self):
        return f"{self.recipient} {self.shared_at:%d-%m-%Y}"


class AccessRequest(models.Model):
    """A resident's request to see their data (AVG art. 15): answered within one month."""

    person = models.ForeignKey(
        "cases.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="access_requests"
    )
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    due_on = models.DateField(_("answer due"))
    handled_on = models.DateField(_("answered on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = AccessRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.person} {self.requested_on:%d-%m-%Y}"

    @property
    def overdue(self) -> bool:
        return self.handled_on is None and self.due_on < timezone.localdate()

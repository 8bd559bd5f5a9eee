"""Signals from partners (Referral), the triage decisions on them, and follow-up tasks."""

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import workflow
from cases.fields import BSNField, PostcodeField
from cases.models.household import EndResult
from cases.querysets import HouseholdChildManager, ReferralManager
from wijkteam.history import AuditedQuerySet
from wijkteam.links import object_url

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone


# How far a merged signal is followed to the one it joined (partner_status, with_partner_status).
MERGE_HOPS = 5


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"WT-{code[:4]}-{code[4:]}"


class Referral(models.Model):
    """A signal (signaal, zorgmelding) about a household: a partner's concern and ask.

    Three interests meet here and stay apart: what the partner asks (`request`), what the
    household itself says (`household_view`) and the worker's own judgement
    (`professional_judgement`). The partner's ask never silently becomes the plan.
    """

    Status = workflow.Status

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Partner portal")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Letter")
        SELF_REFERRAL = "self_referral", _("Self-referral by the resident")
        OWN_OBSERVATION = "own_observation", _("Own observation")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")
        CRISIS = "crisis", _("Crisis")

    class Confidentiality(models.TextChoices):
        NORMAL = "normal", _("For the team handling it")
        CONFIDENTIAL = "confidential", _("Confidential: coordinator and lead worker only")

    class DeclineReason(models.TextChoices):
        OUTSIDE_AREA = "outside_area", _("Outside the team's area")
        NOT_TARGET_GROUP = "not_target_group", _("Not the team's target group")
        HELP_IN_PLACE = "help_in_place", _("Suitable help is already in place")
        TOO_LITTLE_INFORMATION = "too_little_information", _("Too little information to act on")
        NO_MANDATE = "no_mandate", _("No mandate or legal basis to act")
        OTHER = "other", _("Other")

    class GuardianRelation(models.TextChoices):
        PARENT = "parent", _("Parent")
        GUARDIAN = "guardian", _("Guardian")
        FOSTER_PARENT = "foster_parent", _("Foster parent")
        OTHER = "other", _("Other")

    class FamilyAware(models.TextChoices):
        YES = "yes", _("Yes, the family knows")
        NO = "no", _("No, not yet")
        UNKNOWN = "unknown", _("I do not know")

    EndResult = EndResult

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        _("reference number"), max_length=15, unique=True, default=new_reference, editable=False
    )
    submission_id = models.UUIDField(
        _("submission"),
        unique=True,
        default=uuid.uuid4,
        editable=False,
        help_text=_("Issued with the form, so a double submit creates one signal."),
    )
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="referrals"
    )
    municipality = models.ForeignKey(
        "teams.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="referrals",
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=workflow.Status.choices, default=workflow.Status.RECEIVED
    )

    # Who sent it, how and when.
    sender_organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("sending organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_sent",
        help_text=_("Empty for a self-referral or the team's own observation."),
    )
    sender_name = models.CharField(_("name of the sender"), max_length=120, blank=True)
    sender_phone = models.CharField(_("phone of the sender"), max_length=30, blank=True)
    sender_email = models.EmailField(_("e-mail of the sender"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="referrals_entered",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    # What worries the partner and what they ask.
    concern = models.TextField(
        _("concern"), max_length=4000, help_text=_("What worries you, in your own words.")
    )
    request = models.TextField(
        _("what you ask the team to change"),
        max_length=2000,
        blank=True,
        help_text=_("The 'opdracht': what should be different after the team's involvement?"),
    )
    prior_information = models.TextField(
        _("prior information"),
        max_length=4000,
        blank=True,
        help_text=_("What the team should know before contact, e.g. earlier help or risks."),
    )
    prior_information_confidentiality = models.CharField(
        _("confidentiality of the prior information"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.CONFIDENTIAL,
    )
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    warm_handover = models.BooleanField(
        _("warm handover"),
        default=False,
        help_text=_("The sender wants to introduce the team to the household in person."),
    )

    # About whom, as given by the sender (a signal often comes without a BSN).
    subject_first_name = models.CharField(_("first name"), max_length=80, blank=True)
    subject_last_name_prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    subject_last_name = models.CharField(_("last name"), max_length=120, blank=True)
    subject_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    subject_bsn = BSNField(_("BSN"), blank=True)
    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.PositiveIntegerField(
        _("house number"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99999)]
    )
    house_number_addition = models.CharField(_("addition"), max_length=10, blank=True)
    postcode = PostcodeField(_("postcode"), blank=True)
    city = models.CharField(_("place"), max_length=80, blank=True)
    # A parent or guardian, when the signal is about a child (the head of household, once accepted).
    guardian_name = models.CharField(_("name of a parent or guardian"), max_length=120, blank=True)
    guardian_relation = models.CharField(
        _("relation to the child"), max_length=15, choices=GuardianRelation.choices, blank=True
    )
    family_aware = models.CharField(
        _("does the family know of this signal?"),
        max_length=8,
        choices=FamilyAware.choices,
        default=FamilyAware.UNKNOWN,
    )
    # The sender's own name for the signal (their list shows it): only they and the team see it.
    partner_label = models.CharField(
        _("your own label"),
        max_length=80,
        blank=True,
        help_text=_(
            "A few words so your organisation knows which signal this is, e.g. “Group 5, brother of T.”. "
            "Only your organisation and the team see it."
        ),
    )

    # The other two interests, once known.
    household_view = models.TextField(
        _("the household's own view"),
        max_length=4000,
        blank=True,
        help_text=_("What the household itself says about the concern, in its own words."),
    )
    professional_judgement = models.TextField(
        _("professional judgement"),
        max_length=4000,
        blank=True,
        help_text=_("The team's own assessment: what is needed, whatever was asked."),
    )

    # Triage outcome.
    first_contact_due = models.DateField(_("first contact due"), editable=False)
    household = models.ForeignKey(
        "cases.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_assigned",
    )
    forwarded_to = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("forwarded to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_forwarded",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )

    objects = ReferralManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-received_at"]
        indexes = [
            # Also counts the queue per status from the index alone (an index-only scan).
            models.Index(
                fields=["team", "status", "received_at"],
                include=["first_contact_due"],
                name="referral_queue_counts",
            ),
            models.Index(fields=["sender_organisation", "received_at"], name="referral_sender"),
            # The partners a team hears from (the triage queue's partner filter).
            models.Index(fields=["team", "sender_organisation"], name="referral_team_sender"),
            models.Index(fields=["household", "received_at"], name="referral_household"),
            models.Index(fields=["assigned_to", "status"], name="referral_assigned"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "assigned"]) | Q(household__isnull=False),
                name="referral_accepted_has_household",
            ),
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(assigned_to__isnull=False),
                name="referral_assigned_has_worker",
            ),
            models.CheckConstraint(
                condition=~Q(status="forwarded") | Q(forwarded_to__isnull=False),
                name="referral_forwarded_has_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="referral_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[1-9][0-9]{3}[A-Z]{2}$"),
                name="referral_postcode_compact",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return object_url("cases:referral_detail", self.pk)

    @property
    def subject_name(self) -> str:
        parts = (self.subject_first_name, self.subject_last_name_prefix, self.subject_last_name)
        return " ".join(p for p in parts if p)

    @property
    def subject_address(self) -> str:
        if not (self.street or self.postcode):
            return ""
        from cases.validators import format_postcode

        addition = f" {self.house_number_addition}" if self.house_number_addition else ""
        number = f"{self.house_number or ''}{addition}"
        return f"{self.street} {number}, {format_postcode(self.postcode)} {self.city}".strip(" ,")

    @property
    def sender_label(self) -> str:
        if self.sender_organisation_id:
            return str(self.sender_organisation)
        return self.get_channel_display()

    @property
    def is_overdue(self) -> bool:
        """Still waiting for a decision after the first-contact deadline.

        Once assigned, the first contact itself is what counts; contacts are not recorded
        yet, so an assigned signal is not called overdue.
        """
        return self.status in workflow.UNDECIDED and self.first_contact_due < timezone.localdate()

    @property
    def partner_status(self) -> str:
        """What the sender may know (docs/domain.md): *that* it was picked up, never why."""
        referral = self
        for _hop in range(MERGE_HOPS):  # a merged signal shows the status of the one it joined
            status = workflow.PARTNER_STATUS[referral.status]
            if status is not None:
                return status
            referral = referral.merged_into
        return workflow.PartnerStatus.RECEIVED

    def clean(self):
        if self.team_id is not None:
            self.municipality_id = self.team.municipality_id
        if self.received_at and self.received_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError({"received_at": _("A signal cannot be received in the future.")})
        if self.subject_birth_date and self.subject_birth_date > timezone.localdate():
            raise ValidationError({"subject_birth_date": _("The date of birth cannot be in the future.")})


class ReferralDecision(models.Model):
    """One triage decision on a signal: who decided what, when, and why. Append-only."""

    Kind = workflow.Decision

    referral = models.ForeignKey(
        Referral, verbose_name=_("signal"), on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(_("decision"), max_length=10, choices=workflow.Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="referral_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    reason_code = models.CharField(_("reason"), max_length=30, blank=True)
    reason = models.TextField(_("explanation"), max_length=2000, blank=True)
    household = models.ForeignKey(
        "cases.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_to = models.ForeignKey(
        "teams.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal decision")
        verbose_name_plural = _("signal decisions")
        ordering = ["decided_at", "id"]
        indexes = [
            # The partner overview's end results (mandates/figures.py): each of a team's year of
            # signals is looked up for its closing decisions' reasons, from this index alone.
            models.Index(
                fields=["referral"],
                include=["reason_code"],
                condition=Q(kind="close"),
                name="referraldecision_close",
            ),
        ]

    def __str__(self):
        return f"{self.referral} {self.get_kind_display()}"

    @property
    def reason_label(self) -> str:
        for choices in (Referral.DeclineReason, Referral.EndResult):
            if self.reason_code in choices.values:
                return choices(self.reason_code).label
        return ""


class Task(models.Model):
    """A follow-up for the household's lead worker, e.g. checking that matched partners met."""

    class Kind(models.TextChoices):
        MATCH_CHECK = "match_check", _("Make sure the professionals who signalled have contacted each other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="tasks"
    )
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("signal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_note = models.TextField(_("what was done"), max_length=2000, blank=True)

    objects = HouseholdChildManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(status="open"),
                name="one_open_task_per_household_kind",
            ),
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True)
                | Q(status="done", done_at__isnull=False, done_by__isnull=False),
                name="task_done_has_who_and_when",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

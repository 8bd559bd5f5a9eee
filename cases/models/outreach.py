"""Outreach: contact attempts, safety warnings, and decisions about households drifting away."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.querysets import HouseholdChildManager, SafetyWarningManager
from wijkteam.history import AuditedQuerySet


class Contact(models.Model):
    """One contact attempt with a household: at the door, by phone, in the street, …"""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Home visit")
        CARD_LEFT = "card_left", _("Card or note left at the door")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        EMAIL = "email", _("E-mail")
        MESSAGE = "message", _("SMS or WhatsApp")
        STREET = "street", _("In the street or neighbourhood")
        AT_PARTNER = "at_partner", _("At a partner's premises")
        ADMINISTRATIVE = "administrative", _("Administrative")

    class PartOfDay(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    household = models.ForeignKey(
        "cases.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="contacts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("date and time"), default=timezone.now)
    reached = models.BooleanField(_("reached"), default=False)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("workers"), blank=True, related_name="contacts"
    )
    persons = models.ManyToManyField(
        "cases.Person", verbose_name=_("household members"), blank=True, related_name="contacts"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = HouseholdChildManager()
    history = HistoricalRecords(m2m_fields=[workers, persons])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-at", "-id"]
        indexes = [
            # A household's contacts newest first with what the caseload asks of them (last
            # contact, last success, follow-up, failed attempts since): read from the index
            # alone, without a heap page per contact.
            models.Index(
                fields=["household", "-at", "-id"],
                include=("reached", "follow_up_on"),
                name="contact_household_latest",
            ),
            models.Index(fields=["household", "reached", "-at"], name="contact_household_reached"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.at):%d-%m-%Y %H:%M}"

    @property
    def part_of_day(self) -> str:
        """Morning (< 12:00), afternoon (12-18) or evening (>= 18:00), Amsterdam time (docs/domain.md)."""
        hour = timezone.localtime(self.at).hour
        if hour < 12:
            return self.PartOfDay.MORNING
        return self.PartOfDay.AFTERNOON if hour < 18 else self.PartOfDay.EVENING

    def get_part_of_day_display(self) -> str:
        return self.PartOfDay(self.part_of_day).label

    @property
    def weekend(self) -> bool:
        return timezone.localtime(self.at).weekday() >= 5

    def clean(self):
        if self.at and self.at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(
                {"at": _("A contact cannot be in the future. Plan it as a follow-up instead.")}
            )
        if self.follow_up_on and self.at and self.follow_up_on < timezone.localdate(self.at):
            raise ValidationError({"follow_up_on": _("The follow-up cannot be before the contact.")})


class SafetyWarning(models.Model):
    """A warning after an incident, shown to everyone who opens the household or plans a visit."""

    class Incident(models.TextChoices):
        VERBAL = "verbal", _("Verbal aggression")
        PHYSICAL = "physical", _("Physical aggression")
        THREAT = "threat", _("Threat")
        WEAPON = "weapon", _("Weapon")
        ANIMAL = "animal", _("Dangerous animal")
        OTHER = "other", _("Other")

    class Advice(models.TextChoices):
        IN_PAIRS = "in_pairs", _("Visit in pairs")
        NO_HOME_VISITS = "no_home_visits", _("No home visits")
        POLICE_FIRST = "police_first", _("Contact the police first")
        DAYTIME_ONLY = "daytime_only", _("Only in daytime")
        MEET_OUTSIDE = "meet_outside", _("Meet at the office or a public place")

    household = models.ForeignKey(
        "cases.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="safety_warnings",
    )
    incident = models.CharField(_("incident"), max_length=10, choices=Incident.choices)
    incident_on = models.DateField(_("date of the incident"), default=timezone.localdate)
    description = models.TextField(_("what happened"), max_length=2000)
    advice = models.JSONField(_("advice"), default=list)
    advice_note = models.CharField(_("other advice"), max_length=300, blank=True)
    active_from = models.DateField(_("active from"), default=timezone.localdate)
    active_until = models.DateField(_("active until"), null=True, blank=True)
    end_reason = models.TextField(_("why the warning ended"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = SafetyWarningManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("safety warning")
        verbose_name_plural = _("safety warnings")
        ordering = ["-active_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=models.F("active_from")),
                name="warning_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | ~Q(end_reason=""),
                name="warning_end_needs_reason",
            ),
        ]

    def __str__(self):
        return self.get_incident_display()

    @property
    def advice_labels(self) -> list[str]:
        labels = [str(self.Advice(code).label) for code in self.advice if code in self.Advice.values]
        return [*labels, self.advice_note] if self.advice_note else labels

    def clean(self):
        if self.incident_on and self.incident_on > timezone.localdate():
            raise ValidationError({"incident_on": _("The incident cannot be in the future.")})
        unknown = set(self.advice) - set(self.Advice.values)
        if unknown:
            raise ValidationError({"advice": _("Choose advice from the list.")})


class FollowUpDecision(models.Model):
    """What the team decided about a household that drifted out of contact ("afhaker").

    Until `revisit_on` the household is off the follow-up list; a successful contact clears it
    for good. Closing the household is done by closing it (with an end result).
    """

    class Kind(models.TextChoices):
        TRY_AGAIN = "try_again", _("Try again")
        CASE_REVIEW = "case_review", _("Discuss in a case review")
        BEMOEIZORG = "bemoeizorg", _("Refer for bemoeizorg")

    household = models.ForeignKey(
        "cases.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="follow_up_decisions",
    )
    kind = models.CharField(_("decision"), max_length=12, choices=Kind.choices)
    next_kind = models.CharField(
        _("next attempt by"), max_length=20, choices=Contact.Kind.choices, blank=True
    )
    next_part_of_day = models.CharField(
        _("next attempt in the"), max_length=10, choices=Contact.PartOfDay.choices, blank=True
    )
    revisit_on = models.DateField(_("look again on"))
    note = models.TextField(_("why"), max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up decision")
        verbose_name_plural = _("follow-up decisions")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["household", "revisit_on"], name="followup_household_revisit")]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        if self.revisit_on and self.revisit_on <= timezone.localdate():
            raise ValidationError({"revisit_on": _("Choose a date after today.")})

"""Mandates: on whose behalf a team may act, per partner organisation, and their reviews."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wijkteam.history import AuditedQuerySet

SOON = datetime.timedelta(days=31)


class MandateQuerySet(AuditedQuerySet):
    def in_force(self, on: datetime.date | None = None) -> "MandateQuerySet":
        on = on or timezone.localdate()
        return self.filter(status=Mandate.Status.ACTIVE, valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )

    def in_force_for(self, team, organisation) -> "MandateQuerySet":
        """The mandate in force between a team and an organisation (values or OuterRefs)."""
        return self.in_force().filter(team=team, organisation=organisation)

    def of_sender(self, referral) -> "Mandate | None":
        """The sender's mandate with the signal's team: the one in force, else the latest of any status."""
        if referral.sender_organisation_id is None:
            return None
        mandates = self.filter(team_id=referral.team_id, organisation_id=referral.sender_organisation_id)
        return mandates.in_force().first() or mandates.order_by("-valid_from").first()

    def needing_attention(self, on: datetime.date | None = None) -> "MandateQuerySet":
        """Active or suspended mandates whose review is due, or that end within a month."""
        on = on or timezone.localdate()
        return self.filter(status__in=[Mandate.Status.ACTIVE, Mandate.Status.SUSPENDED]).filter(
            Q(next_review_on__lte=on) | Q(valid_until__lte=on + SOON)
        )


class Mandate(models.Model):
    """What a team may do on behalf of one partner organisation, and on what basis."""

    class Domain(models.TextChoices):
        YOUTH_CARE = "youth_care", _("Youth care")
        GGZ = "ggz", _("Mental health care (GGZ)")
        JGZ = "jgz", _("Youth health care (JGZ)")
        DEBT_HELP = "debt_help", _("Debt help")
        EDUCATION = "education", _("Education")
        HOUSING = "housing", _("Housing")
        POLICE = "police", _("Police and safety")
        WMO = "wmo", _("Social support (Wmo)")
        HEALTH = "health", _("Health care")
        OTHER = "other", _("Other")

    class Kind(models.TextChoices):
        MANDAAT = "mandaat", _("Mandaat (decides in the partner's name)")
        VOLMACHT = "volmacht", _("Volmacht (acts in law for the partner)")
        MACHTIGING = "machtiging", _("Machtiging (may perform certain acts)")

    class SharingBasis(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement or covenant")
        LEGAL_TASK = "legal_task", _("Legal task")
        CONSENT_ONLY = "consent_only", _("Consent only")

    class FeedbackLevel(models.TextChoices):
        STATUS = "status", _("Status only (picked up or not)")
        SUMMARY = "summary", _("A short summary, with consent")
        FULL = "full", _("Full feedback, on consent or the mandate's basis")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Ended")

    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="mandates"
    )
    organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    domain = models.CharField(_("on behalf of (domain)"), max_length=20, choices=Domain.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    scope = models.TextField(
        _("scope"), max_length=3000, help_text=_("Which decisions and actions the team may take.")
    )
    route_in = models.TextField(_("how referrals come in"), max_length=1000, blank=True)
    route_out = models.TextField(_("how referrals go back"), max_length=1000, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_details = models.CharField(_("contact details"), max_length=200, blank=True)
    sharing_basis = models.CharField(_("basis for sharing data"), max_length=15, choices=SharingBasis.choices)
    legal_basis_text = models.CharField(
        _("legal basis"),
        max_length=200,
        blank=True,
        help_text=_("E.g. Wmo 2015 art. 5.1.1, or the covenant's name."),
    )
    categories = models.JSONField(
        _("data the basis covers"),
        default=list,
        blank=True,
        help_text=_("Which kinds of data may be shared on this basis without consent."),
    )
    feedback_level = models.CharField(
        _("feedback the partner may receive"), max_length=10, choices=FeedbackLevel.choices
    )
    escalation_holder = models.CharField(
        _("who holds doorzettingsmacht"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the municipality's regisseur."),
    )
    escalation_how = models.TextField(_("how to invoke it"), max_length=1000, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    objects = MandateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["organisation__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="mandate_until_after_from",
            ),
            models.UniqueConstraint(
                fields=["team", "organisation", "domain"],
                condition=Q(status="active"),
                name="one_active_mandate_per_team_partner_domain",
                violation_error_message=_(
                    "This team already has an active mandate for this partner and domain."
                ),
            ),
        ]
        indexes = [models.Index(fields=["team", "organisation", "status"], name="mandate_team_org_status")]

    def __str__(self):
        return f"{self.organisation} – {self.get_domain_display()}"

    @property
    def review_due(self) -> bool:
        return self.next_review_on is not None and self.next_review_on <= timezone.localdate()

    @property
    def ending_soon(self) -> bool:
        return self.valid_until is not None and self.valid_until <= timezone.localdate() + SOON

    @property
    def covered_categories(self) -> list[str]:
        """The data categories this mandate's basis covers: none when only consent counts."""
        return [] if self.sharing_basis == self.SharingBasis.CONSENT_ONLY else list(self.categories)

    def clean(self):
        if self.status == self.Status.ACTIVE and not self.next_review_on:
            raise ValidationError({"next_review_on": _("An active mandate needs a review date.")})
        from cases.models import DataCategory

        if set(self.categories or ()) - set(DataCategory.values):
            raise ValidationError({"categories": _("Choose from the list of data categories.")})
        if self.sharing_basis == self.SharingBasis.CONSENT_ONLY and self.categories:
            raise ValidationError({"categories": _("On consent only, the basis itself covers no data.")})


class MandateReview(models.Model):
    class Decision(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        CHANGE = "change", _("Change")
        END = "end", _("End")

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandate"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_on = models.DateField(_("date"), default=timezone.localdate)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    notes = models.TextField(_("notes"), max_length=3000)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandate review")
        verbose_name_plural = _("mandate reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"{self.mandate} {self.reviewed_on:%d-%m-%Y}"

    def clean(self):
        if self.decision != self.Decision.END and not self.next_review_on:
            raise ValidationError({"next_review_on": _("When will the mandate be reviewed again?")})
        if self.next_review_on and self.next_review_on <= self.reviewed_on:
            raise ValidationError({"next_review_on": _("The next review comes after this one.")})

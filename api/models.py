"""API clients of partner organisations, and the signals they sent.

An ApiClient joins an OAuth 2 application of django-oauth-toolkit (client credentials, its secret
stored hashed) to the partner organisation it speaks for. Its calls run as the client's own
account: a user of that organisation without any position, so the policy table treats it as a
partner reporter of that organisation and nothing more (teams/policy.py, "referral.send").
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wijkteam.history import AuditedQuerySet

SCOPE_CREATE = "signals:create"
SCOPE_READ = "signals:read"
# The social map through the HSDS API (directory/api.py): its services, organisations and
# locations; with the second also their contact persons (professional data).
SCOPE_DIRECTORY_READ = "directory:read"
SCOPE_DIRECTORY_CONTACTS = "directory:contacts"
SCOPES = {
    SCOPE_CREATE: _("Send signals"),
    SCOPE_READ: _("Read the status and feedback of the organisation's signals"),
    SCOPE_DIRECTORY_READ: _("Read the social map (HSDS API)"),
    SCOPE_DIRECTORY_CONTACTS: _("Also read the social map's contact persons"),
}
# What a client gets unless the manager ticks otherwise: the signals, not the social map.
DEFAULT_SCOPES = [SCOPE_CREATE, SCOPE_READ]


def default_scopes() -> list[str]:
    return list(DEFAULT_SCOPES)


def organisations_managed_by(user, *, in_force: bool = False):
    """Partner organisations with a mandate (not a draft; with `in_force`, one in force today) of
    a team in which the user holds "api_client.manage" (teams/policy.py)."""
    from mandates.models import Mandate
    from teams import policy
    from teams.models import Organisation

    mandates = Mandate.objects.filter(team_id__in=policy.teams_for(user, "api_client.manage"))
    mandates = mandates.in_force() if in_force else mandates.exclude(status=Mandate.Status.DRAFT)
    return Organisation.objects.filter(is_partner=True, pk__in=mandates.values("organisation_id"))


class ApiClientQuerySet(AuditedQuerySet):
    def active(self) -> "ApiClientQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def visible_to(self, user) -> "ApiClientQuerySet":
        """Clients of the partner organisations the user's teams hold a mandate with, for a
        manager (organisations_managed_by); none for anyone else."""
        return self.filter(organisation__in=organisations_managed_by(user))


class ApiClient(models.Model):
    """One partner organisation's system: who it is, what it may do, and whether it still may."""

    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. the name of the partner's system."))
    organisation = models.ForeignKey(
        "teams.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_clients",
        limit_choices_to={"is_partner": True},
    )
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        verbose_name=_("OAuth application"),
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
        help_text=_("The account the client's calls run as: the organisation's, without a position."),
    )
    scopes = models.JSONField(_("scopes"), default=default_scopes)
    webhook_url = models.URLField(
        _("webhook URL"),
        max_length=500,
        blank=True,
        help_text=_("Where status changes and new feedback are sent (https). Empty: none are sent."),
    )
    # The key of the HMAC-SHA256 signature of every event: shown once (when made or rotated) and
    # kept readable, because signing needs it. Kept out of the history tables.
    webhook_secret = models.CharField(_("webhook secret"), max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiClientQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["webhook_secret"])

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["organisation__name", "name"]

    def __str__(self):
        return f"{self.organisation} – {self.name}"

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.user.is_active


class SignalSubmission(models.Model):
    """A signal sent through the API: by which client, for which person at the partner, and a
    hash of what was sent (a retry with the same id and other content is a conflict)."""

    referral = models.OneToOneField(
        "cases.Referral", verbose_name=_("signal"), on_delete=models.PROTECT, related_name="api_submission"
    )
    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.PROTECT, related_name="submissions"
    )
    acting_person = models.CharField(_("acting person"), max_length=200)
    content_hash = models.CharField(_("content hash"), max_length=64)
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal sent through the API")
        verbose_name_plural = _("signals sent through the API")

    def __str__(self):
        return str(self.referral_id)


class WebhookDelivery(models.Model):
    """One event for one client's webhook: what is sent (no personal data), and how it went.

    The id is the event's id: every attempt sends the same, so the partner can drop a repeat.
    """

    class Event(models.TextChoices):
        STATUS_CHANGED = "signal.status_changed", _("Status changed")
        FEEDBACK = "signal.feedback", _("New feedback")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(_("event id"), primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.PROTECT, related_name="deliveries"
    )
    event_type = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # The signal's id only (no foreign key: retention may remove the signal, the record stays).
    signal_id = models.UUIDField(_("signal"))
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="delivered") | models.Q(delivered_at__isnull=False),
                name="webhook_delivered_has_time",
            )
        ]

    def __str__(self):
        return f"{self.get_event_type_display()} – {self.signal_id}"

"""API clients of partner organisations, and the signals they sent.

An ApiClient joins an OAuth 2 application of django-oauth-toolkit (client credentials, its secret
stored hashed) to the partner organisation it speaks for. Its calls run as the client's own
account: a user of that organisation without any position, so the policy table treats it as a
partner reporter of that organisation and nothing more (teams/policy.py, "referral.send").
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wijkteam.history import AuditedQuerySet

SCOPE_CREATE = "signals:create"
SCOPE_READ = "signals:read"
SCOPES = {
    SCOPE_CREATE: _("Send signals"),
    SCOPE_READ: _("Read the status and feedback of the organisation's signals"),
}


def default_scopes() -> list[str]:
    return list(SCOPES)


class ApiClientQuerySet(AuditedQuerySet):
    def active(self) -> "ApiClientQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


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
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiClientQuerySet.as_manager()
    history = HistoricalRecords()

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

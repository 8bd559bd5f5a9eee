"""The access log (NEN 7513): who read which household's data, when, in which role, on what basis.

Append-only (a PostgreSQL trigger rejects UPDATE and DELETE). Views write one row per page of
household data; lists and searches one row per page, without the search words (they are often
names).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkteam.history import AuditedQuerySet


class AccessEventQuerySet(AuditedQuerySet):
    def emergencies(self, team_ids, days: int = 14) -> "AccessEventQuerySet":
        """Emergency accesses of these teams in the last `days`: reported to the coordinator."""
        since = timezone.now() - datetime.timedelta(days=days)
        return self.filter(action=AccessEvent.Action.EMERGENCY, team_id__in=team_ids, at__gte=since)


class AccessEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("View")
        SEARCH = "search", _("Search or list")
        PRINT = "print", _("Print")
        EXPORT = "export", _("Export")
        EMERGENCY = "emergency", _("Emergency access")
        CREATE = "create", _("Create")

    class Result(models.TextChoices):
        ALLOWED = "allowed", _("Shown")
        DENIED = "denied", _("Refused")
        ERROR = "error", _("Error")

    at = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=60, blank=True)
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("on behalf of team"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    household = models.ForeignKey(
        "cases.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        related_name="access_events",
    )
    persons = models.JSONField(_("persons involved"), default=list, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.ALLOWED)
    basis = models.CharField(_("basis"), max_length=120, blank=True)
    reason = models.CharField(
        _("reason"), max_length=500, blank=True, help_text=_("Required for emergency access.")
    )
    origin = models.GenericIPAddressField(_("origin address"), null=True, blank=True)
    # To find the request in the app server's and the proxy's logs (X-Request-ID), and to tell
    # one session's reads from another's without keeping the session key itself (LG-1).
    request_id = models.CharField(_("request id"), max_length=32, blank=True, db_default="")
    session_hash = models.CharField(_("session"), max_length=64, blank=True, db_default="")
    # A call of a partner's system (api/): the OAuth client id, and the person at the partner
    # who acts (the X-Acting-Person header); `user` is the client's own account.
    api_client = models.CharField(_("API client"), max_length=100, blank=True, db_default="")
    acting_person = models.CharField(_("acting person"), max_length=200, blank=True, db_default="")

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["household", "-at"], name="access_household_at"),
            models.Index(fields=["user", "-at"], name="access_user_at"),
            # The triage queue reports a team's emergency accesses of the last two weeks.
            models.Index(fields=["team", "action", "-at"], name="access_team_action_at"),
        ]

    def __str__(self):
        return f"{self.at:%d-%m-%Y %H:%M} {self.user} {self.action} {self.object_type}"


class RetentionRun(models.Model):
    """One run of the retention job: when, and how many rows of each kind. No content."""

    ran_on = models.DateField(_("ran on"))
    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    counts = models.JSONField(_("counts"), default=dict)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{self.ran_at:%d-%m-%Y %H:%M}"


class Submission(models.Model):
    """One submitted create form (docs/security.md CC-3): the id comes with the form, so a double
    click, a back-button resubmit or a retry finds the first result instead of making a second."""

    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    result_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return str(self.id)

"""What a user is in the teams today: the one place positions are read from (teams/policy.py
says what each role may do)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, Subquery

from teams.models import Notification, Position


@dataclass(frozen=True)
class Roles:
    """The access roles a user holds today, per team, and whether they report for a partner."""

    by_team: dict[int, set[str]] = field(default_factory=dict)
    team_names: dict[int, str] = field(default_factory=dict)
    is_partner_reporter: bool = False
    # The bell (teams/notifications.py): read with the positions, so it costs no query of its own.
    unread_notifications: int = 0
    # Whether the user has a TOTP device (wijkteam.middleware.RequireMFAMiddleware), read with the
    # positions too; None where no position was read (then `has_totp` asks on its own).
    totp: bool | None = None

    @property
    def all(self) -> set[str]:
        return set().union(*self.by_team.values()) if self.by_team else set()

    @property
    def is_team_member(self) -> bool:
        return bool(self.by_team)

    def team_ids(self) -> set[int]:
        return set(self.by_team)


def _unread_count(user) -> Subquery:
    """How many of the user's notifications are unread, as a column of the positions query."""
    unread = (
        Notification.objects.filter(user=user, read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Subquery(unread, output_field=IntegerField())


def _totp_devices(user):
    """The user's TOTP devices: a column of the positions query, or asked on its own."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)


def has_totp(user) -> bool:
    """Whether the user has set up a TOTP device: read with the roles (no query of its own for a
    team member), and like them once per request, never kept across requests."""
    totp = roles_of(user).totp
    return _totp_devices(user).exists() if totp is None else totp


def roles_of(user) -> Roles:
    """The user's roles, read once per request (cached on the user object)."""
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_wijkteam_roles", None)
    if cached is not None:
        return cached
    by_team: dict[int, set[str]] = {}
    names: dict[int, str] = {}
    unread = 0
    totp = None
    # Administrators and partner reporters hold no case roles, whatever positions they were
    # given (teams.services.position_save refuses them; this holds for any left from before).
    if not (user.is_superuser or user.is_staff or user.organisation_id is not None):
        positions = Position.objects.active().filter(user=user)
        columns = ["team_id", "team__name", "access_role", _unread_count(user)]
        if settings.WIJKTEAM_REQUIRE_MFA:
            columns.append(Exists(_totp_devices(user)))
        for team_id, team_name, role, count, *device in positions.values_list(*columns):
            by_team.setdefault(team_id, set()).add(role)
            names[team_id] = team_name
            unread = count or 0
            totp = device[0] if device else None
    roles = Roles(
        by_team=by_team,
        team_names=names,
        is_partner_reporter=user.organisation_id is not None,
        unread_notifications=unread,
        totp=totp,
    )
    user._wijkteam_roles = roles
    return roles

"""What a user is in the teams today: the one place positions are read from (teams/policy.py
says what each role may do)."""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Subquery

from teams.models import Notification, Position


@dataclass(frozen=True)
class Roles:
    """The access roles a user holds today, per team, and whether they report for a partner."""

    by_team: dict[int, set[str]] = field(default_factory=dict)
    team_names: dict[int, str] = field(default_factory=dict)
    is_partner_reporter: bool = False
    # The bell (teams/notifications.py): read with the positions, so it costs no query of its own.
    unread_notifications: int = 0

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
    # Administrators and partner reporters hold no case roles, whatever positions they were
    # given (teams.services.position_save refuses them; this holds for any left from before).
    if not (user.is_superuser or user.is_staff or user.organisation_id is not None):
        positions = Position.objects.active().filter(user=user)
        for team_id, team_name, role, count in positions.values_list(
            "team_id", "team__name", "access_role", _unread_count(user)
        ):
            by_team.setdefault(team_id, set()).add(role)
            names[team_id] = team_name
            unread = count or 0
    roles = Roles(
        by_team=by_team,
        team_names=names,
        is_partner_reporter=user.organisation_id is not None,
        unread_notifications=unread,
    )
    user._wijkteam_roles = roles
    return roles

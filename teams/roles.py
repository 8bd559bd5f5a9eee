"""What a user is in the teams today: the one place positions are read from (teams/policy.py
says what each role may do)."""

from dataclasses import dataclass, field

from teams.models import Position


@dataclass(frozen=True)
class Roles:
    """The access roles a user holds today, per team, and whether they report for a partner."""

    by_team: dict[int, set[str]] = field(default_factory=dict)
    team_names: dict[int, str] = field(default_factory=dict)
    is_partner_reporter: bool = False

    @property
    def all(self) -> set[str]:
        return set().union(*self.by_team.values()) if self.by_team else set()

    @property
    def is_team_member(self) -> bool:
        return bool(self.by_team)

    def team_ids(self) -> set[int]:
        return set(self.by_team)


def roles_of(user) -> Roles:
    """The user's roles, read once per request (cached on the user object)."""
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_wijkteam_roles", None)
    if cached is not None:
        return cached
    by_team: dict[int, set[str]] = {}
    names: dict[int, str] = {}
    # Administrators and partner reporters hold no case roles, whatever positions they were
    # given (teams.services.position_save refuses them; this holds for any left from before).
    if not (user.is_superuser or user.is_staff or user.organisation_id is not None):
        for team_id, team_name, role in (
            Position.objects.active().filter(user=user).values_list("team_id", "team__name", "access_role")
        ):
            by_team.setdefault(team_id, set()).add(role)
            names[team_id] = team_name
    roles = Roles(by_team=by_team, team_names=names, is_partner_reporter=user.organisation_id is not None)
    user._wijkteam_roles = roles
    return roles

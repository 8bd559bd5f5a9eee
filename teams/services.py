"""Changes to a team's profile and to positions: managers only, history with who and why."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from teams.models import Position, Team, User
from teams.roles import roles_of


def managed_team_ids(user) -> list[int]:
    return roles_of(user).teams_as(Position.AccessRole.MANAGER)


def _check_manages(user, team_id: int) -> None:
    if team_id not in managed_team_ids(user):
        raise PermissionDenied(_("Only a manager of the team can change this."))


@transaction.atomic
def team_profile_update(*, team: Team, by: User, organisations, reason: str) -> Team:
    _check_manages(by, team.pk)
    team._change_reason = reason or _("Team profile changed")
    team._history_user = by
    team.full_clean()
    team.save()
    team.participating_organisations.set(organisations)
    return team


@transaction.atomic
def position_save(*, position: Position, by: User, reason: str) -> Position:
    """Create or change a position in a team the manager manages (never moved to another team)."""
    if position.pk:
        original = Position.objects.select_for_update().get(pk=position.pk)
        _check_manages(by, original.team_id)
        position.team_id = original.team_id
        position.user_id = original.user_id
    _check_manages(by, position.team_id)
    position._change_reason = reason or (_("Position changed") if position.pk else _("Position added"))
    position._history_user = by
    position.full_clean()
    position.save()
    return position

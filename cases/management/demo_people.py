"""Who acts in the demo data: the team's demo accounts (seed_demo's ACCOUNTS)."""

from teams.models import Position, Team


def demo_user(team: Team, access_role: str):
    """The demo account of a team in that role (coordinator.noord, worker.zuid, ...)."""
    prefix = "coord" if access_role == "coordinator" else access_role
    return Position.objects.get(team=team, access_role=access_role, user__username__startswith=prefix).user

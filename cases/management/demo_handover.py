"""Issue 23 in the demo: a worker of Noord whose position ended last week still leads households
and holds a signal, so `coordinator.noord` sees the orphaned work on the start page and hands it
over (Signalen, then *Overdragen*). Used by `seed_demo`; idempotent.
"""

import datetime

from django.utils import timezone

from cases import services, workflow
from cases.models import Household, Referral
from teams.models import Position, Team, User
from teams.services import position_save

LEAVER = "youssef.elamrani"
REASON = "Demo data: uit dienst"


def seed_leaver(team: Team, coordinator: User, manager: User) -> None:
    if team.name != "Noord":
        return
    leaver = User.objects.filter(username=LEAVER).first()
    position = Position.objects.filter(user=leaver, team=team).first() if leaver else None
    if position is None or position.active_until is not None:
        return
    # A signal of the team that waits for a worker: theirs now, before they leave.
    waiting = (
        Referral.objects.filter(team=team, status=workflow.Status.ACCEPTED).order_by("received_at").first()
    )
    if waiting is not None:
        services.referral_assign(referral=waiting, worker=leaver, by=coordinator)
    if not Household.objects.filter(team=team, lead_worker=leaver, status=Household.Status.OPEN).exists():
        household = Household.objects.filter(
            team=team, status=Household.Status.OPEN, lead_worker=None
        ).first()
        if household is not None:
            household.lead_worker = leaver
            services.household_update(household=household, by=coordinator, reason=REASON)
    position.active_until = timezone.localdate() - datetime.timedelta(days=7)
    position_save(position=position, by=manager, reason=REASON)

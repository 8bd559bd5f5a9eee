"""Walk-in objects for the cross-app tests (permission matrix, hostile input, history)."""

import datetime

from django.utils import timezone

from cases import zrm
from walkin import services
from walkin.models import Visit, WalkInHour


def hour_of(team, staff, by, *, place="Buurthuis De Kern", today=True) -> WalkInHour:
    """An hour of `team` on today's weekday (or tomorrow's), staffed by `staff`."""
    weekday = timezone.localdate().weekday() if today else (timezone.localdate().weekday() + 1) % 7
    hour = WalkInHour(
        team=team, place=place, weekday=weekday, starts_at=datetime.time(0, 0), ends_at=datetime.time(23, 59)
    )
    return services.hour_save(hour=hour, staff=staff, by=by)


def visit_at(hour: WalkInHour, by, **fields) -> Visit:
    """An anonymous visit now (with `fields` changed afterwards through the service)."""
    visit = services.visit_record(
        hour=hour, topic=zrm.domains().first(), kind="question", outcome="answered", by=by
    )
    if fields:
        for name, value in fields.items():
            setattr(visit, name, value)
        visit = services.visit_update(visit=visit, by=by)
    return visit


def audited_walkin(world) -> None:
    """One of each audited walk-in record with history (tests/test_history.py)."""
    hour = hour_of(world.team_a, [world.worker_a], world.coordinator_a)
    visit_at(hour, world.worker_a, name="Fatima", phone="0612345678")

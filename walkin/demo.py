"""Walk-in hours for `seed_demo`: three hours of team Noord (the community centre, the library,
a school), the one worker.noord staffs on today's weekday so the demo always has an hour today,
and eight weeks of anonymous visits for the figures. Idempotent: an hour is found by team and
place; visits are added only to an hour without any. Through the services, so the history says
who and why."""

import datetime
import random

from django.utils import timezone

from cases import zrm
from teams.models import Team, User
from walkin import services
from walkin.models import Visit, WalkInHour

# place, address, weekday offset from today (0: today), starts, ends
HOURS = [
    ("Buurthuis De Kern", "Kamperweg 12, Zwolle", 0, datetime.time(9, 0), datetime.time(11, 0)),
    (
        "Bibliotheek Zwolle-Noord",
        "Zwartewaterallee 8, Zwolle",
        2,
        datetime.time(13, 30),
        datetime.time(15, 0),
    ),
    ("Basisschool De Vlier", "Vlierstraat 3, Zwolle", 4, datetime.time(8, 15), datetime.time(9, 15)),
]
# Visitors ask most about money, letters and housing (weights per ZRM domain position).
WEIGHTS = [9, 3, 1, 6, 3, 3, 2, 1, 1, 4, 3, 1, 1]
KINDS = [Visit.Kind.QUESTION] * 5 + [Visit.Kind.LETTER] * 4 + [Visit.Kind.WORRY] * 2 + [Visit.Kind.CRISIS]
OUTCOMES = [Visit.Outcome.ANSWERED] * 6 + [Visit.Outcome.REFERRED] * 3 + [Visit.Outcome.FOLLOW_UP] * 2


def seed_walkin(team: Team, worker: User, coordinator: User, *, seed: int = 24) -> None:
    rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not secrets)
    today = timezone.localdate()
    topics = list(zrm.domains())
    for place, address, offset, starts, ends in HOURS:
        hour = WalkInHour.objects.filter(team=team, place=place).first()
        if hour is None:
            hour = services.hour_save(
                hour=WalkInHour(
                    team=team,
                    place=place,
                    address=address,
                    weekday=(today.weekday() + offset) % 7,
                    starts_at=starts,
                    ends_at=ends,
                ),
                staff=[worker] if offset == 0 else [coordinator],
                by=coordinator,
                reason="Demo data",
            )
        if hour.visits.exists():
            continue
        # Eight weeks back, not today: the demo's worker records today's visits.
        for weeks in range(8, 0, -1):
            day = today - datetime.timedelta(days=(today.weekday() - hour.weekday) % 7 + 7 * weeks)
            for _n in range(rng.randint(1, 4)):
                minutes = rng.randint(0, max(1, (ends.hour - starts.hour) * 60 - 5))
                at = datetime.datetime.combine(day, starts, tzinfo=timezone.get_current_timezone())
                services.visit_record(
                    hour=hour,
                    topic=rng.choices(topics, weights=WEIGHTS[: len(topics)])[0],
                    kind=rng.choice(KINDS),
                    outcome=rng.choice(OUTCOMES),
                    by=hour.staff.first() or coordinator,
                    occurred_at=at + datetime.timedelta(minutes=minutes),
                )

"""The walk-in hours' figures: counts only, never a name. A fixed number of queries for any number
of visits (one per table), in the local time zone: visits per hour and place, per topic, per part
of the week (weekday x morning/afternoon/evening, docs/domain.md: morning < 12:00, afternoon 12-18,
evening >= 18:00), the share referred and the share that became a household."""

import csv
import dataclasses
import datetime
import io

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from walkin.models import Visit, Weekday

PARTS = (
    ("morning", gettext_lazy("Morning"), range(0, 12)),
    ("afternoon", gettext_lazy("Afternoon"), range(12, 18)),
    ("evening", gettext_lazy("Evening"), range(18, 24)),
)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - relativedelta(months=3), today


def _share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclasses.dataclass
class Figures:
    start: datetime.date
    end: datetime.date
    total: int
    referred: int
    households: int
    by_hour: list[dict]
    by_topic: list[dict]
    week: list[dict]  # per weekday: {"day": label, "parts": [n, n, n], "total": n}

    @property
    def referred_share(self) -> int:
        return _share(self.referred, self.total)

    @property
    def household_share(self) -> int:
        return _share(self.households, self.total)

    @property
    def parts(self):
        return [label for _key, label, _hours in PARTS]


def figures(team_ids, start: datetime.date, end: datetime.date) -> Figures:
    """The counted visits of these teams from `start` through `end` (local dates): four queries."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    visits = Visit.objects.counted().of_teams(team_ids).filter(occurred_at__gte=since, occurred_at__lt=until)
    totals = visits.aggregate(
        total=Count("id"),
        referred=Count("id", filter=Q(outcome=Visit.Outcome.REFERRED)),
        households=Count("id", filter=Q(household__isnull=False)),
    )
    by_hour = list(
        visits.values("hour_id", "hour__place", "hour__weekday", "hour__starts_at", "hour__team__name")
        .annotate(
            visits=Count("id"),
            referred=Count("id", filter=Q(outcome=Visit.Outcome.REFERRED)),
            households=Count("id", filter=Q(household__isnull=False)),
        )
        .order_by("hour__place", "hour__weekday", "hour__starts_at", "hour_id")
    )
    for row in by_hour:
        row["weekday"] = Weekday(row["hour__weekday"]).label
    by_topic = list(
        visits.values("topic_id", "topic__name", "topic__position")
        .annotate(visits=Count("id"))
        .order_by("topic__position")
    )
    cells = (
        visits.annotate(
            weekday=ExtractIsoWeekDay("occurred_at", tzinfo=zone), at=ExtractHour("occurred_at", tzinfo=zone)
        )
        .values("weekday", "at")
        .annotate(visits=Count("id"))
        .order_by()
    )
    grid = {day: [0] * len(PARTS) for day in range(7)}
    for cell in cells:
        part = next(i for i, (_key, _label, hours) in enumerate(PARTS) if cell["at"] in hours)
        grid[cell["weekday"] - 1][part] += cell["visits"]
    week = [{"day": Weekday(day).label, "parts": grid[day], "total": sum(grid[day])} for day in range(7)]
    return Figures(
        start=start,
        end=end,
        total=totals["total"],
        referred=totals["referred"],
        households=totals["households"],
        by_hour=by_hour,
        by_topic=by_topic,
        week=week,
    )


def as_csv(data: Figures) -> str:
    """The same numbers as the page, one section after the other (semicolons: Dutch Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Walk-in hours"), f"{data.start:%d-%m-%Y}", f"{data.end:%d-%m-%Y}"])
    writer.writerow([_("Visits"), data.total])
    writer.writerow([_("Referred"), data.referred, f"{data.referred_share}%"])
    writer.writerow([_("Became a household"), data.households, f"{data.household_share}%"])
    writer.writerow([])
    writer.writerow(
        [_("Place"), _("Team"), _("Weekday"), _("From"), _("Visits"), _("Referred"), _("Became a household")]
    )
    for row in data.by_hour:
        writer.writerow(
            [
                row["hour__place"],
                row["hour__team__name"],
                row["weekday"],
                f"{row['hour__starts_at']:%H:%M}",
                row["visits"],
                row["referred"],
                row["households"],
            ]
        )
    writer.writerow([])
    writer.writerow([_("Topic"), _("Visits")])
    for row in data.by_topic:
        writer.writerow([row["topic__name"], row["visits"]])
    writer.writerow([])
    writer.writerow([_("Weekday"), *data.parts, _("Total")])
    for row in data.week:
        writer.writerow([row["day"], *row["parts"], row["total"]])
    return out.getvalue()

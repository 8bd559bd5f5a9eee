"""A period chosen on a page (?from=…&until=…, ISO dates from the date pickers)."""

import datetime

from django.utils import timezone


def period_from(request, *, default_days: int) -> tuple[datetime.date, datetime.date]:
    """(start, end) dates; missing or unreadable values fall back to the last `default_days`."""
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today - datetime.timedelta(days=default_days)
    try:
        end = datetime.date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        end = today
    return min(start, end), max(start, end)


def as_datetimes(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of the first day to the end of the last, in local time."""
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(end, datetime.time.max)),
    )

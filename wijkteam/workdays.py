"""Dutch working days: Monday to Friday minus the public holidays (docs/domain.md).

Easter comes from python-dateutil; the rest follows from it or from fixed dates. Good Friday
and Liberation Day differ between collective agreements, so they are settings:
WIJKTEAM_GOOD_FRIDAY_OFF (default False) and WIJKTEAM_LIBERATION_DAY ("lustrum" — every fifth
year, the default —, "yearly" or "never").
"""

import datetime
from functools import cache

from dateutil.easter import easter
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ONE_DAY = datetime.timedelta(days=1)


def dutch_holidays(year: int) -> dict[datetime.date, str]:
    """The public holidays of a year with their Dutch-translatable names."""
    return dict(
        _holidays(
            year,
            settings.WIJKTEAM_GOOD_FRIDAY_OFF,
            settings.WIJKTEAM_LIBERATION_DAY,
        )
    )


@cache
def _holidays(year: int, good_friday: bool, liberation: str) -> tuple:
    easter_sunday = easter(year)
    kings_day = datetime.date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it moves to the Saturday before
        kings_day -= ONE_DAY
    days = {
        datetime.date(year, 1, 1): _("New Year's Day"),
        easter_sunday: _("Easter Sunday"),
        easter_sunday + ONE_DAY: _("Easter Monday"),
        kings_day: _("King's Day"),
        easter_sunday + datetime.timedelta(days=39): _("Ascension Day"),
        easter_sunday + datetime.timedelta(days=49): _("Whit Sunday"),
        easter_sunday + datetime.timedelta(days=50): _("Whit Monday"),
        datetime.date(year, 12, 25): _("Christmas Day"),
        datetime.date(year, 12, 26): _("Boxing Day"),
    }
    if good_friday:
        days[easter_sunday - 2 * ONE_DAY] = _("Good Friday")
    if liberation == "yearly" or (liberation == "lustrum" and year % 5 == 0):
        days[datetime.date(year, 5, 5)] = _("Liberation Day")
    return tuple(sorted(days.items()))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in dutch_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start`.

    Zero means "the same day": `start` itself when it is a working day, else the next one (a
    crisis signal received on a Saturday is due on Monday).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day):
            day += ONE_DAY
        return day
    while days:
        day += ONE_DAY
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later).

    Counted in whole weeks plus the rest, minus the holidays on weekdays in between, so a long
    span costs no more than a short one.
    """
    if end <= start:
        return 0
    total = end - start
    weeks, rest = divmod(total.days, 7)
    count = weeks * 5
    day = start + datetime.timedelta(days=weeks * 7)
    for _offset in range(rest):
        day += ONE_DAY
        if day.weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(
            1 for holiday in dutch_holidays(year) if start < holiday <= end and holiday.weekday() < 5
        )
    return count

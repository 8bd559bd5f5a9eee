"""Deadlines in Dutch working days, across Easter, King's Day, Liberation Day and Christmas."""

import datetime

import pytest

from wijkteam.workdays import add_working_days, dutch_holidays, is_working_day, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    "year, easter_monday, ascension, whit_monday",
    [
        (2026, D(2026, 4, 6), D(2026, 5, 14), D(2026, 5, 25)),
        (2027, D(2027, 3, 29), D(2027, 5, 6), D(2027, 5, 17)),
        (2028, D(2028, 4, 17), D(2028, 5, 25), D(2028, 6, 5)),
    ],
)
def test_moveable_feasts_follow_easter(year, easter_monday, ascension, whit_monday):
    holidays = dutch_holidays(year)
    assert {easter_monday, ascension, whit_monday} <= set(holidays)
    assert not is_working_day(easter_monday)


def test_easter_weekend_costs_two_working_days_with_good_friday_off(settings):
    """Thursday before Easter 2027 + 2 working days: Good Friday counts unless it is a day off."""
    settings.WIJKTEAM_GOOD_FRIDAY_OFF = False
    assert add_working_days(D(2027, 3, 25), 2) == D(2027, 3, 30)  # Fri 26, (Mon 29 off), Tue 30
    settings.WIJKTEAM_GOOD_FRIDAY_OFF = True
    assert add_working_days(D(2027, 3, 25), 2) == D(2027, 3, 31)  # Tue 30, Wed 31


def test_kings_day_on_a_sunday_moves_to_saturday():
    assert D(2025, 4, 26) in dutch_holidays(2025)  # 27 April 2025 is a Sunday
    assert D(2025, 4, 27) not in dutch_holidays(2025)
    assert not is_working_day(D(2027, 4, 27))  # a Tuesday
    assert add_working_days(D(2027, 4, 26), 1) == D(2027, 4, 28)


def test_liberation_day_in_lustrum_years_by_default(settings):
    assert not is_working_day(D(2025, 5, 5))  # Monday, lustrum year
    assert is_working_day(D(2026, 5, 5))  # Tuesday, not a lustrum year
    settings.WIJKTEAM_LIBERATION_DAY = "yearly"
    assert not is_working_day(D(2026, 5, 5))
    settings.WIJKTEAM_LIBERATION_DAY = "never"
    assert is_working_day(D(2025, 5, 5))


def test_christmas_and_new_year():
    assert add_working_days(D(2025, 12, 24), 2) == D(2025, 12, 30)  # Thu 25, Fri 26 off
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 2)  # Thu 1 January off
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 28)  # Fri 25, weekend


def test_zero_days_means_today_or_the_next_working_day():
    assert add_working_days(D(2026, 11, 27), 0) == D(2026, 11, 27)  # a Friday
    assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 30)  # Saturday -> Monday
    assert add_working_days(D(2026, 12, 25), 0) == D(2026, 12, 28)


def test_weekends_are_skipped():
    assert add_working_days(D(2026, 11, 27), 5) == D(2026, 12, 4)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)


@pytest.mark.parametrize(
    "start, end",
    [
        (D(2026, 11, 27), D(2026, 11, 30)),  # Friday to Monday
        (D(2026, 12, 23), D(2027, 1, 5)),  # over Christmas and New Year
        (D(2026, 3, 30), D(2026, 4, 30)),  # over Easter and King's Day
        (D(2025, 1, 1), D(2026, 6, 1)),  # long spans, Liberation Day 2025
        (D(2026, 5, 5), D(2026, 5, 5)),
    ],
)
def test_working_days_between_agrees_with_counting_day_by_day(start, end):
    counted, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        counted += is_working_day(day)
    assert working_days_between(start, end) == counted


def test_working_days_between_is_the_inverse_of_adding():
    start = D(2026, 12, 22)
    for days in range(0, 30):
        assert working_days_between(start, add_working_days(start, days)) == (days if days else 0)

"""The support calendar's closing days 2025-2030 and the Good Friday / Liberation Day settings."""

from __future__ import annotations

from datetime import date

import pytest

from collector.policy.calendars import CalendarSettings, premium_calendar, support_calendar
from collector.policy.closing_days import easter_sunday, public_holidays

# Weekday holidays that close the support calendar, worked out by hand from the policy.
EXPECTED_WEEKDAY_CLOSINGS = {
    2025: [
        date(2025, 1, 1),
        date(2025, 4, 21),  # Easter Monday
        date(2025, 5, 5),  # Liberation Day (lustrum)
        date(2025, 5, 29),  # Ascension
        date(2025, 6, 9),  # Whit Monday
        date(2025, 12, 25),
        date(2025, 12, 26),
    ],
    2026: [
        date(2026, 1, 1),
        date(2026, 4, 6),
        date(2026, 4, 27),  # King's Day on a Monday
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
    ],
    2027: [
        date(2027, 1, 1),
        date(2027, 3, 29),
        date(2027, 4, 27),
        date(2027, 5, 6),
        date(2027, 5, 17),
    ],
    2028: [
        date(2028, 4, 17),
        date(2028, 4, 27),
        date(2028, 5, 25),
        date(2028, 6, 5),
        date(2028, 12, 25),
        date(2028, 12, 26),
    ],
    2029: [
        date(2029, 1, 1),
        date(2029, 4, 2),
        date(2029, 4, 27),
        date(2029, 5, 10),
        date(2029, 5, 21),
        date(2029, 12, 25),
        date(2029, 12, 26),
    ],
    2030: [
        date(2030, 1, 1),
        date(2030, 4, 22),
        date(2030, 5, 30),
        date(2030, 6, 10),
        date(2030, 12, 25),
        date(2030, 12, 26),
    ],
}


@pytest.mark.parametrize("year", sorted(EXPECTED_WEEKDAY_CLOSINGS))
def test_weekday_closing_days(year: int) -> None:
    closed = support_calendar().closed_days(year)
    weekday_closed = sorted(day for day in closed if day.weekday() < 5)
    assert weekday_closed == EXPECTED_WEEKDAY_CLOSINGS[year]


def test_kings_day_moves_to_saturday_26_april_2025() -> None:
    closed = support_calendar().closed_days(2025)
    assert date(2025, 4, 26) in closed and date(2025, 4, 27) not in closed
    assert date(2025, 4, 26).weekday() == 5


@pytest.mark.parametrize("year", range(2025, 2031))
def test_liberation_day_only_in_lustrum_years(year: int) -> None:
    assert (date(year, 5, 5) in support_calendar().closed_days(year)) == (year % 5 == 0)


@pytest.mark.parametrize("year", range(2025, 2031))
def test_good_friday_is_a_working_day(year: int) -> None:
    good_friday = date.fromordinal(easter_sunday(year).toordinal() - 2)
    assert good_friday.weekday() == 4
    assert good_friday not in support_calendar().closed_days(year)


def test_settings_close_good_friday_and_liberation_day_yearly() -> None:
    days = public_holidays(2026, good_friday_off=True, liberation_day="yearly")
    assert date(2026, 4, 3) in days
    assert date(2026, 5, 5) in days


def test_extra_closing_days() -> None:
    calendar = support_calendar(CalendarSettings(extra_closed_days=(date(2026, 12, 24), date(2027, 12, 31))))
    assert date(2026, 12, 24) in calendar.closed_days(2026)
    assert date(2027, 12, 31) not in calendar.closed_days(2026)
    assert calendar.window_on(date(2026, 12, 24)) is None
    assert calendar.window_on(date(2026, 12, 23)) is not None


def test_easter_dates() -> None:
    assert [easter_sunday(y) for y in (2025, 2026, 2027, 2030)] == [
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
        date(2030, 4, 21),
    ]


def test_premium_calendar_ignores_holidays() -> None:
    assert premium_calendar().closed_days(2026) == {}
    assert premium_calendar().window_on(date(2026, 12, 25)) is not None

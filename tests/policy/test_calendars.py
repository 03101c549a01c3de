"""Calendar arithmetic: openings, closings, weekends, holidays and both DST switches (UTC checked)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from collector.policy.calendars import premium_calendar, support_calendar
from tests.policy.conftest import ams, utc

HOUR = timedelta(hours=1)
support = support_calendar()
premium = premium_calendar()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (ams(2026, 11, 27, 9), True),  # opening is open
        (ams(2026, 11, 27, 16, 59), True),
        (ams(2026, 11, 27, 17), False),  # closing is closed
        (ams(2026, 11, 27, 8, 59), False),
        (ams(2026, 11, 28, 12), False),  # Saturday
        (ams(2026, 12, 25, 12), False),  # Christmas
        (ams(2026, 4, 3, 12), True),  # Good Friday works
    ],
)
def test_support_is_open(moment: datetime, expected: bool) -> None:
    assert support.is_open(moment) is expected


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (ams(2026, 11, 27, 9), 8, ams(2026, 11, 27, 17)),  # exactly at opening, ends at closing
        (ams(2026, 11, 27, 16), 1, ams(2026, 11, 27, 17)),  # lands on closing: stays at 17:00
        (ams(2026, 11, 27, 17), 1, ams(2026, 11, 30, 10)),  # created at closing: next opening
        (ams(2026, 11, 27, 20), 2, ams(2026, 11, 30, 11)),  # evening
        (ams(2026, 11, 28, 10), 2, ams(2026, 11, 30, 11)),  # Saturday
        (ams(2026, 11, 29, 23, 59), 8, ams(2026, 11, 30, 17)),  # Sunday night
        (ams(2026, 12, 25, 10), 4, ams(2026, 12, 28, 13)),  # Christmas (Friday)
        (ams(2026, 12, 24, 16), 2, ams(2026, 12, 28, 10)),  # over Christmas and a weekend
        (ams(2026, 11, 30, 6), 1, ams(2026, 11, 30, 10)),  # early morning
        (ams(2026, 12, 31, 16), 2, ams(2027, 1, 4, 10)),  # over New Year into the next table year
    ],
)
def test_support_add(start: datetime, hours: int, expected: datetime) -> None:
    assert support.add(start, hours * HOUR) == expected


def test_zero_duration_gives_the_clock_start() -> None:
    assert support.add(ams(2026, 11, 28, 10), timedelta(0)) == ams(2026, 11, 30, 9)
    assert support.add(ams(2026, 11, 27, 10), timedelta(0)) == ams(2026, 11, 27, 10)


def test_negative_duration_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        support.add(ams(2026, 11, 27, 10), -HOUR)
    with pytest.raises(ValueError, match="aware datetime"):
        support.add(datetime(2026, 11, 27, 10), HOUR)


def test_next_open() -> None:
    assert support.next_open(ams(2026, 11, 27, 17)) == ams(2026, 11, 30, 9)
    assert support.next_open(ams(2026, 11, 27, 12)) == ams(2026, 11, 27, 12)
    assert premium.next_open(ams(2026, 11, 27, 23, 30)) == ams(2026, 11, 28, 6)


def test_elapsed_counts_only_opening_hours() -> None:
    assert support.elapsed(ams(2026, 11, 27, 16, 30), ams(2026, 11, 30, 10, 30)) == 2 * HOUR
    assert support.elapsed(ams(2026, 11, 28, 0), ams(2026, 11, 29, 23)) == timedelta(0)
    assert support.elapsed(ams(2026, 11, 30, 10), ams(2026, 11, 27, 16)) == -2 * HOUR
    assert premium.elapsed(ams(2026, 11, 27, 0), ams(2026, 11, 28, 0)) == 17 * HOUR


def test_results_are_in_the_calendar_time_zone_whatever_the_input_zone() -> None:
    due = support.add(utc(2026, 11, 27, 15, 30), 2 * HOUR)
    assert due == ams(2026, 11, 30, 10, 30)
    assert due.utcoffset() == HOUR


class TestSpringForward:
    """29 March 2026: 02:00 CET becomes 03:00 CEST."""

    def test_premium_window_in_utc(self) -> None:
        opens, closes = premium.window_on(date(2026, 3, 29)) or (None, None)
        assert opens is not None and closes is not None
        assert opens == utc(2026, 3, 29, 4) and closes == utc(2026, 3, 29, 21)
        before_opens, _ = premium.window_on(date(2026, 3, 28)) or (None, None)
        assert before_opens == utc(2026, 3, 28, 5)

    def test_premium_add_over_the_night(self) -> None:
        due = premium.add(ams(2026, 3, 28, 22, 30), HOUR)
        assert due == utc(2026, 3, 29, 4, 30)
        assert due.isoformat() == "2026-03-29T06:30:00+02:00"

    def test_a_day_of_premium_is_17_hours_of_business_time(self) -> None:
        assert premium.elapsed(ams(2026, 3, 29, 0), ams(2026, 3, 30, 0)) == 17 * HOUR
        assert premium.add(ams(2026, 3, 29, 6), 17 * HOUR) == utc(2026, 3, 29, 21)

    def test_support_over_the_switch(self) -> None:
        due = support.add(ams(2026, 3, 27, 16), 2 * HOUR)
        assert due == utc(2026, 3, 30, 8)  # Monday 10:00 CEST


class TestFallBack:
    """25 October 2026: 03:00 CEST becomes 02:00 CET; the hour 02:00-03:00 happens twice."""

    def test_premium_window_in_utc(self) -> None:
        opens, closes = premium.window_on(date(2026, 10, 25)) or (None, None)
        assert opens == utc(2026, 10, 25, 5) and closes == utc(2026, 10, 25, 22)
        before_opens, before_closes = premium.window_on(date(2026, 10, 24)) or (None, None)
        assert before_opens == utc(2026, 10, 24, 4) and before_closes == utc(2026, 10, 24, 21)

    def test_premium_add_from_inside_the_repeated_hour(self) -> None:
        for fold in (0, 1):
            due = premium.add(ams(2026, 10, 25, 2, 30, fold=fold), HOUR)
            assert due == utc(2026, 10, 25, 6)
            assert due.isoformat() == "2026-10-25T07:00:00+01:00"

    def test_premium_late_evening_over_the_switch(self) -> None:
        due = premium.add(ams(2026, 10, 24, 22, 30), HOUR)
        assert due == utc(2026, 10, 25, 5, 30)

    def test_support_over_the_switch(self) -> None:
        assert support.add(ams(2026, 10, 23, 16), 2 * HOUR) == utc(2026, 10, 26, 9)


def test_years_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="years 1971-9000"):
        support.add(ams(1900, 1, 1), HOUR)


def test_far_past_and_future_are_covered() -> None:
    assert support.add(ams(2019, 12, 31, 16), 2 * HOUR) == ams(2020, 1, 2, 10)
    assert support.add(ams(2026, 1, 5, 9), timedelta(hours=8 * 1000)).year in (2029, 2030)

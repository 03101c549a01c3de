"""Properties of the calendar arithmetic (hypothesis), and agreement with a naive minute-by-minute walk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.sla.naive_walk import NaiveCalendar
from collector.policy.calendars import BusinessCalendar, premium_calendar, support_calendar
from collector.policy.sla import Pause, resumed_add

CALENDARS = [support_calendar(), premium_calendar()]

# Instants in 2025-2030 at microsecond precision; durations from a second to 30 working days.
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(hours=240))
calendars = st.sampled_from(CALENDARS)


def closes_at(calendar: BusinessCalendar, moment: datetime) -> bool:
    window = calendar.window_on(moment.astimezone(calendar.tz).date())
    return window is not None and window[1] == moment


@settings(max_examples=300, deadline=None)
@given(calendars, instants, durations)
def test_deadline_is_open_or_a_closing_time(
    calendar: BusinessCalendar, start: datetime, d: timedelta
) -> None:
    due = calendar.add(start, d)
    assert calendar.is_open(due) or closes_at(calendar, due)
    assert due > start
    assert calendar.elapsed(start, due) == d


@settings(max_examples=300, deadline=None)
@given(calendars, instants, durations, durations)
def test_adding_a_then_b_equals_adding_a_plus_b(
    calendar: BusinessCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@settings(max_examples=300, deadline=None)
@given(calendars, instants, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)), durations)
def test_deadlines_never_decrease(
    calendar: BusinessCalendar, start: datetime, later: timedelta, d: timedelta
) -> None:
    assert calendar.add(start, d) <= calendar.add(start + later, d)


@settings(max_examples=200, deadline=None)
@given(
    calendars,
    instants,
    durations,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5)),
    durations,
)
def test_a_pause_adds_exactly_its_business_time(
    calendar: BusinessCalendar, start: datetime, d: timedelta, offset: timedelta, length: timedelta
) -> None:
    pause_start, pause_end = start + offset, start + offset + length
    pause: Pause = (pause_start, pause_end)
    due = resumed_add(calendar, start, d, [pause])
    assert due is not None
    plain = calendar.add(start, d)
    if plain <= pause_start:
        assert due == plain
    else:
        paused = calendar.elapsed(max(start, pause_start), min(due, pause_end))
        assert calendar.elapsed(start, due) - paused == d


@pytest.mark.parametrize("calendar", CALENDARS, ids=lambda c: c.name)
def test_agrees_with_a_minute_by_minute_walk(calendar: BusinessCalendar) -> None:
    import random

    rng = random.Random(20261127)
    naive = NaiveCalendar(calendar)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(40):
        start = base + timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
        duration = timedelta(minutes=rng.choice([60, 120, 240, 480, 960]) + rng.randrange(60))
        assert calendar.add(start, duration) == naive.add(start, duration), (start, duration)

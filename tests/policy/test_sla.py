"""Deadlines: the worked examples, every target cell, pauses, priority change, agreed dates, 75%."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from collector.policy.calendars import premium_calendar, support_calendar
from collector.policy.policy import load_policy
from collector.policy.sla import (
    Pause,
    breaches,
    business_elapsed,
    compute_deadlines,
    is_breached,
    merge_pauses,
    paused_business_time,
    prebreach_at,
    resumed_add,
)
from collector.policy.triage import Category, Priority
from tests.policy.conftest import ams, utc

HOUR = timedelta(hours=1)
SHIPPED = load_policy().sla  # the shipped catalogue's targets and calendars
INCIDENT = Category.INCIDENT


class TestWorkedExamples:
    """policy.md section 6, support calendar, 2026."""

    def test_a_incident_friday_afternoon_standard(self) -> None:
        d = compute_deadlines(Priority.A, INCIDENT, False, ams(2026, 11, 27, 16, 30), policy=SHIPPED)
        assert d.response_due == ams(2026, 11, 30, 10, 30)
        assert d.resolution_due == ams(2026, 11, 30, 16, 30)
        assert (d.response_calendar, d.resolution_calendar) == ("support", "support")

    def test_a_incident_friday_afternoon_premium(self) -> None:
        d = compute_deadlines(Priority.A, INCIDENT, True, ams(2026, 11, 27, 16, 30), policy=SHIPPED)
        assert d.response_due == ams(2026, 11, 27, 17, 30)
        assert d.resolution_due == ams(2026, 11, 30, 16, 30)
        assert (d.response_calendar, d.resolution_calendar) == ("premium", "support")

    def test_b_incident_before_kings_day(self) -> None:
        d = compute_deadlines(Priority.B, INCIDENT, False, ams(2026, 4, 24, 15), policy=SHIPPED)
        assert d.response_due == ams(2026, 4, 28, 11)


# Registered Monday 2 March 2026 10:00 (no holidays near): (priority, premium) -> response, resolution.
START = ams(2026, 3, 2, 10)
TARGET_CELLS = [
    (Priority.A, False, ams(2026, 3, 2, 12), ams(2026, 3, 3, 10), "support"),
    (Priority.A, True, ams(2026, 3, 2, 11), ams(2026, 3, 3, 10), "premium"),
    (Priority.B, False, ams(2026, 3, 2, 14), ams(2026, 3, 4, 10), "support"),
    (Priority.B, True, ams(2026, 3, 2, 12), ams(2026, 3, 3, 10), "premium"),
    (Priority.C, False, ams(2026, 3, 4, 10), None, "support"),
    (Priority.C, True, ams(2026, 3, 3, 10), None, "support"),
    (Priority.D, False, ams(2026, 3, 9, 10), None, "support"),
    (Priority.D, True, ams(2026, 3, 5, 10), None, "support"),
]


@pytest.mark.parametrize(("priority", "premium", "response", "resolution", "calendar"), TARGET_CELLS)
def test_every_target_cell(
    priority: Priority, premium: bool, response: datetime, resolution: datetime | None, calendar: str
) -> None:
    d = compute_deadlines(priority, INCIDENT, premium, START, policy=SHIPPED)
    assert d.response_due == response
    assert d.resolution_due == resolution
    assert d.response_calendar == calendar
    assert d.resolution_calendar == "support"
    assert d.resolution_by_agreement is (resolution is None)


def test_premium_hours_run_in_the_support_calendar_for_non_incidents() -> None:
    # A question overridden to A by staff: hours, but not an incident, so the support calendar.
    d = compute_deadlines(Priority.A, Category.QUESTION, True, ams(2026, 11, 27, 16, 30), policy=SHIPPED)
    assert d.response_calendar == "support"
    assert d.response_due == ams(2026, 11, 30, 9, 30)


def test_premium_incident_at_night_and_at_the_weekend() -> None:
    d = compute_deadlines(
        Priority.A, INCIDENT, True, ams(2026, 11, 28, 23, 30), policy=SHIPPED
    )  # Saturday night
    assert d.response_due == ams(2026, 11, 29, 7)
    assert d.resolution_due == ams(2026, 11, 30, 17)


def test_premium_question_gets_three_working_days() -> None:
    d = compute_deadlines(Priority.D, Category.QUESTION, True, ams(2026, 11, 27, 16, 30), policy=SHIPPED)
    assert d.response_due == ams(2026, 12, 2, 16, 30)
    assert d.resolution_due is None


class TestPauses:
    def test_pause_moves_the_resolution_deadline_by_the_paused_business_time(self) -> None:
        # B standard, Monday 10:00: resolution 16 h -> Wednesday 10:00. Paused Monday 12:00 -> 15:00 (3 h).
        paused: list[Pause] = [(ams(2026, 3, 2, 12), ams(2026, 3, 2, 15))]
        d = compute_deadlines(Priority.B, INCIDENT, False, START, paused, policy=SHIPPED)
        assert d.resolution_due == ams(2026, 3, 4, 13)
        assert d.response_due == ams(2026, 3, 2, 14)  # the response clock does not pause

    def test_pause_outside_hours_costs_nothing(self) -> None:
        paused: list[Pause] = [(ams(2026, 3, 2, 18), ams(2026, 3, 3, 8))]
        d = compute_deadlines(Priority.B, INCIDENT, False, START, paused, policy=SHIPPED)
        assert d.resolution_due == ams(2026, 3, 4, 10)

    def test_pause_after_the_deadline_changes_nothing(self) -> None:
        paused: list[Pause] = [(ams(2026, 3, 4, 10), ams(2026, 3, 6, 10))]
        d = compute_deadlines(Priority.B, INCIDENT, False, START, paused, policy=SHIPPED)
        assert d.resolution_due == ams(2026, 3, 4, 10)

    def test_overlapping_and_unsorted_pauses(self) -> None:
        paused: list[Pause] = [
            (ams(2026, 3, 2, 14), ams(2026, 3, 2, 16)),
            (ams(2026, 3, 2, 12), ams(2026, 3, 2, 15)),
            (ams(2026, 3, 3, 9), ams(2026, 3, 3, 10)),
        ]
        d = compute_deadlines(Priority.B, INCIDENT, False, START, paused, policy=SHIPPED)
        assert d.resolution_due == ams(2026, 3, 4, 15)  # 4 h + 1 h paused

    def test_open_pause_stops_the_clock(self) -> None:
        paused: list[Pause] = [(ams(2026, 3, 2, 12), None)]
        d = compute_deadlines(Priority.B, INCIDENT, False, START, paused, policy=SHIPPED)
        assert d.resolution_due is None and d.resolution_paused

    def test_pause_before_registration_is_ignored(self) -> None:
        paused: list[Pause] = [(ams(2026, 3, 1, 12), ams(2026, 3, 2, 11))]
        d = compute_deadlines(Priority.B, INCIDENT, False, START, paused, policy=SHIPPED)
        assert d.resolution_due == ams(2026, 3, 4, 11)

    def test_resumed_add_equals_add_plus_paused_business_time(self) -> None:
        cal = support_calendar()
        pauses: list[Pause] = [
            (ams(2026, 3, 2, 12), ams(2026, 3, 3, 11)),
            (ams(2026, 3, 3, 16), ams(2026, 3, 4, 9)),
        ]
        due = resumed_add(cal, START, 16 * HOUR, pauses)
        assert due is not None
        paused_time = paused_business_time(cal, pauses, due)
        assert paused_time == 8 * HOUR  # Monday 12-17, Tuesday 9-11 and 16-17
        assert due == ams(2026, 3, 5, 10)
        assert due == cal.add(START, 16 * HOUR + paused_time)

    def test_bad_pause_is_refused(self) -> None:
        with pytest.raises(ValueError, match="before it starts"):
            merge_pauses([(ams(2026, 3, 2, 12), ams(2026, 3, 2, 11))])


class TestPriorityChange:
    def test_upgrade_with_a_deadline_already_past_is_a_breach(self) -> None:
        registered = ams(2026, 3, 2, 10)
        now = ams(2026, 3, 3, 11)  # the C response (2 working days) is still a day away
        before = compute_deadlines(Priority.C, INCIDENT, False, registered, policy=SHIPPED)
        assert not breaches(before, now).response
        after = compute_deadlines(
            Priority.A, INCIDENT, False, registered, policy=SHIPPED
        )  # staff raise it to A
        assert after.response_due == ams(2026, 3, 2, 12)
        assert after.resolution_due == ams(2026, 3, 3, 10)
        result = breaches(after, now)
        assert result.response and result.resolution

    def test_recompute_keeps_the_paused_time(self) -> None:
        paused: list[Pause] = [(ams(2026, 3, 2, 11), ams(2026, 3, 2, 13))]
        d = compute_deadlines(Priority.A, INCIDENT, False, START, paused, policy=SHIPPED)
        assert d.resolution_due == ams(2026, 3, 3, 12)

    def test_response_met_exactly_at_the_deadline(self) -> None:
        d = compute_deadlines(Priority.A, INCIDENT, False, START, policy=SHIPPED)
        assert not is_breached(d.response_due, ams(2026, 3, 9), done_at=d.response_due)
        assert is_breached(d.response_due, ams(2026, 3, 9), done_at=d.response_due + timedelta(seconds=1))
        assert not is_breached(None, ams(2030, 1, 1))


def test_agreed_date_for_by_agreement() -> None:
    agreed = ams(2026, 3, 20, 17)
    d = compute_deadlines(Priority.C, INCIDENT, False, START, agreed_resolution=agreed, policy=SHIPPED)
    assert d.resolution_due == agreed and d.resolution_by_agreement
    assert breaches(d, ams(2026, 3, 20, 17, 1)).resolution
    # A target with a time keeps its computed deadline.
    d = compute_deadlines(Priority.A, INCIDENT, False, START, agreed_resolution=agreed, policy=SHIPPED)
    assert d.resolution_due == ams(2026, 3, 3, 10)


@pytest.mark.parametrize(
    ("priority", "premium", "expected"),
    [
        (Priority.A, False, ams(2026, 3, 2, 11, 30)),  # 75% of 2 h
        (Priority.A, True, ams(2026, 3, 2, 10, 45)),  # 75% of 1 h, premium calendar
        (Priority.B, False, ams(2026, 3, 2, 13)),  # 75% of 4 h
        (Priority.C, False, ams(2026, 3, 3, 14)),  # 75% of 16 h = 12 h
        (Priority.D, False, ams(2026, 3, 5, 16)),  # 75% of 40 h = 30 h
    ],
)
def test_prebreach_at_75_percent(priority: Priority, premium: bool, expected: datetime) -> None:
    assert prebreach_at(priority, INCIDENT, premium, START, policy=SHIPPED) == expected


def test_business_elapsed_for_reports() -> None:
    assert (
        business_elapsed("support", ams(2026, 11, 27, 16, 30), ams(2026, 11, 30, 10, 30), policy=SHIPPED)
        == 2 * HOUR
    )
    assert (
        business_elapsed("premium", ams(2026, 11, 27, 22), ams(2026, 11, 28, 7), policy=SHIPPED) == 2 * HOUR
    )
    # 21:00-23:00 CET, then 06:00-07:00 CEST
    assert premium_calendar().elapsed(utc(2026, 3, 28, 20), utc(2026, 3, 29, 5)) == 3 * HOUR

"""The evaluation report over the hand-checked October 2026 (see fixture_data.py for the working)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from collector.evaluation import service
from collector.evaluation.model import CustomerReport
from collector.evaluation.period import parse_period
from collector.policy.policy import load_policy
from collector.policy.sla import compute_deadlines
from collector.policy.triage import Category, Priority
from prioritysupport.clock import FixedClock
from tests.report.fixture_data import GENERATED_AT, PREMIUM_TICKET, TICKETS

H = timedelta(hours=1)
POLICY = load_policy()
SHIPPED = POLICY.sla
OCTOBER = parse_period("2026-10")


def _report(engine: Engine, customer: str = "acme") -> CustomerReport:
    return service.customer_report(engine, customer, OCTOBER, clock=FixedClock(GENERATED_AT), policy=POLICY)


@pytest.fixture(scope="module")
def acme(report_engine: Engine) -> CustomerReport:
    return _report(report_engine)


@pytest.mark.parametrize("ticket", [*TICKETS, PREMIUM_TICKET], ids=lambda ticket: ticket["number"])
def test_fixture_deadlines_follow_the_policy(ticket: dict) -> None:
    pauses = ticket.get("pauses", [])
    deadlines = compute_deadlines(
        Priority(ticket["priority"]),
        Category(ticket["category"]),
        ticket.get("premium", False),
        ticket["registered_at"],
        paused=pauses,
        agreed_resolution=ticket.get("agreed_resolution_at"),
        policy=SHIPPED,
    )
    assert deadlines.response_due == ticket["response_due"]
    expected_resolution = ticket["resolution_due"] or ticket.get("agreed_resolution_at")
    assert deadlines.resolution_due == expected_resolution


def test_period_is_the_local_month(acme: CustomerReport) -> None:
    assert acme.start == datetime(2026, 9, 30, 22, tzinfo=UTC)
    assert acme.end == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert acme.measured_until == acme.end
    assert [(c.package, str(c.effective_from)) for c in acme.contracts] == [
        ("small", "2026-01-01"),
        ("medium", "2026-10-15"),
    ]


def test_tickets_by_category_and_priority(acme: CustomerReport) -> None:
    assert [line.number for line in acme.tickets] == [f"PS-2026-0000{n}" for n in range(1, 6)]
    assert acme.counts == {
        "incident": {"A": 1, "B": 1, "C": 1, "D": 0},
        "question": {"A": 0, "B": 0, "C": 0, "D": 1},
        "change": {"A": 0, "B": 0, "C": 0, "D": 1},
    }


def test_first_response_times(acme: CustomerReport) -> None:
    # business 0.5, 1, 5, 8 h; wall 0.5, 1, 24, 69 h
    assert acme.response.count == 4
    assert acme.response.median_business == 3 * H
    assert acme.response.p90_business == 7.1 * H
    assert acme.response.median_wall == 12.5 * H
    assert acme.response.p90_wall == 55.5 * H


def test_resolution_times(acme: CustomerReport) -> None:
    # business 6, 15 (19 minus 4 paused), 26.5 h; wall 6, 74.5, 115 h
    lines = {line.number: line for line in acme.tickets}
    assert lines["PS-2026-00002"].resolution_business == 15 * H
    assert lines["PS-2026-00002"].resolution_wall == 115 * H
    assert acme.resolution.count == 3
    assert acme.resolution.median_business == 15 * H
    assert acme.resolution.p90_business == 24.2 * H
    assert acme.resolution.median_wall == 74.5 * H
    assert acme.resolution.p90_wall == 106.9 * H


def test_sla_attainment(acme: CustomerReport) -> None:
    response, resolution = acme.response_attainment, acme.resolution_attainment
    assert (response.met, response.breached, response.pending, response.share) == (3, 2, 0, 0.6)
    # 00003 and 00004 are "by agreement" without a date; 00005's agreed date lies after generation.
    assert (resolution.met, resolution.breached, resolution.pending, resolution.share) == (2, 0, 1, 1.0)
    outcomes = {line.number: (line.response_outcome, line.resolution_outcome) for line in acme.tickets}
    assert outcomes == {
        "PS-2026-00001": ("met", "met"),
        "PS-2026-00002": ("breached", "met"),
        "PS-2026-00003": ("met", "none"),
        "PS-2026-00004": ("breached", "none"),
        "PS-2026-00005": ("met", "pending"),
    }


def test_breaches(acme: CustomerReport) -> None:
    assert [(b.number, b.target, b.overrun) for b in acme.breaches] == [
        ("PS-2026-00002", "response", 1 * H),
        ("PS-2026-00004", "response", 66 * H),
    ]
    assert acme.breaches[1].done_at is None


def test_open_backlog_with_age_at_period_end(acme: CustomerReport) -> None:
    assert [(b.number, b.age) for b in acme.backlog] == [
        ("PS-2026-00000", timedelta(days=33, hours=15)),
        ("PS-2026-00004", timedelta(days=8, hours=10)),
        ("PS-2026-00005", timedelta(days=3, hours=14)),
    ]


def test_availability_per_instance_and_integration(acme: CustomerReport) -> None:
    found = {(a.instance, a.integration): a for a in acme.availability}
    assert set(found) == {("prod", None), ("prod", "webshop"), ("test", None)}
    prod, webshop, test = found["prod", None], found["prod", "webshop"], found["test", None]
    assert (prod.downtime, prod.outages, prod.maintenance) == (3 * H, 2, 0.5 * H)
    assert prod.share == pytest.approx(1 - 3 / 744.5)
    assert (webshop.downtime, webshop.outages, webshop.maintenance) == (9 * H, 2, 0.5 * H)
    assert webshop.share == pytest.approx(1 - 9 / 744.5)
    assert (test.downtime, test.outages, test.maintenance) == (2 * H, 1, timedelta(0))
    assert test.share == pytest.approx(1 - 2 / 745)


def test_users_and_lines_against_the_limits_in_force(acme: CustomerReport) -> None:
    days = {str(day.day): day for day in acme.usage}
    assert len(days) == 31
    assert (days["2026-10-01"].users, days["2026-10-01"].lines) == (22, 2000)
    assert (days["2026-10-14"].users, days["2026-10-14"].users_limit) == (26, 25)
    assert (days["2026-10-16"].users, days["2026-10-16"].lines, days["2026-10-16"].lines_limit) == (
        30,
        16000,
        15000,
    )
    assert (days["2026-10-31"].users, days["2026-10-31"].lines) == (30, 13000)  # OCA's 1,000 left out
    assert days["2026-10-02"].users is None
    summary = acme.usage_summary
    assert (summary.peak_users, summary.peak_lines, summary.last_users, summary.last_lines) == (
        30,
        16000,
        30,
        13000,
    )
    assert (summary.days_users_over, summary.days_lines_over) == (1, 1)
    assert (summary.users_limit_at_end, summary.lines_limit_at_end) == (75, 15000)


def test_premium_ticket_runs_its_response_clock_in_the_premium_calendar(report_engine: Engine) -> None:
    bakker = _report(report_engine, "bakker")
    (line,) = bakker.tickets
    assert line.response_business == timedelta(minutes=20)
    assert line.resolution_business == timedelta(0)
    assert line.resolution_wall == 13.5 * H
    assert (line.response_outcome, line.resolution_outcome) == ("met", "met")


def test_running_month_is_measured_until_now(report_engine: Engine) -> None:
    midway = datetime(2026, 10, 16, 12, tzinfo=UTC)
    report = service.customer_report(report_engine, "acme", OCTOBER, clock=FixedClock(midway), policy=POLICY)
    assert report.measured_until == midway
    assert len(report.usage) == 16
    # 00004 and 00005 do not exist yet on 16 October; 00003 was resolved on the 15th.
    assert [b.number for b in report.backlog] == ["PS-2026-00000"]


def test_same_figures_on_postgresql(postgres_report_url: str, acme: CustomerReport) -> None:
    from collector.storage.database import make_engine

    engine = make_engine(postgres_report_url)
    try:
        assert _report(engine) == acme
    finally:
        engine.dispose()

"""The ticket core as a service layer: numbers, assessment with override reason, SLA, pause, breaches."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from collector.service import Collector
from collector.storage import tables as t
from collector.storage.after_commit import transaction
from collector.tickets.core import TicketError
from collector.tickets.numbers import next_number
from collector.tickets.opening import TicketRequest
from prioritysupport.clock import FixedClock

AMS = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS).astimezone(UTC)


def customer_id(collector: Collector, key: str) -> int:
    with collector.engine.connect() as conn:
        return int(conn.execute(select(t.customers.c.id).where(t.customers.c.key == key)).scalar_one())


def open_ticket(collector: Collector, key: str = "globex", **fields: str) -> str:
    """A phone ticket; premium or not follows the customer's contract (acme has premium, globex not)."""
    values = {
        "category": "incident",
        "impact": "high",
        "scope": "organisation",
        "subject": "ERP down",
        **fields,
    }
    with transaction(collector.engine) as conn:
        return collector.tickets.open(
            conn,
            TicketRequest(customer_id=customer_id(collector, key), source="phone", **values),  # type: ignore[arg-type]
        ).number


def get(collector: Collector, number: str) -> object:
    with collector.engine.connect() as conn:
        return collector.tickets.get(conn, number)


def test_worked_example_standard_and_premium(collector: Collector, clock: FixedClock) -> None:
    clock.set(local(2026, 11, 27, 16, 30))
    standard = get(collector, open_ticket(collector))
    premium = get(collector, open_ticket(collector, "acme"))
    assert standard.response_due == local(2026, 11, 30, 10, 30)  # type: ignore[attr-defined]
    assert standard.resolution_due == local(2026, 11, 30, 16, 30)  # type: ignore[attr-defined]
    assert premium.response_due == local(2026, 11, 27, 17, 30)  # type: ignore[attr-defined]


def test_numbers_are_per_year_and_sequential(collector: Collector, clock: FixedClock) -> None:
    first, second = open_ticket(collector), open_ticket(collector)
    clock.set(local(2027, 1, 1, 0, 5))
    assert (first, second, open_ticket(collector)) == ("PS-2026-00001", "PS-2026-00002", "PS-2027-00001")


def concurrent_numbers(engine: Engine, threads: int = 8, each: int = 10) -> list[str]:
    got: list[str] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(each):
            with engine.begin() as conn:
                number = next_number(conn, 2026)
            with lock:
                got.append(number)

    workers = [threading.Thread(target=take) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return got


def test_numbers_are_unique_under_concurrency(collector: Collector) -> None:
    got = concurrent_numbers(collector.engine)
    assert len(set(got)) == len(got) == 80
    assert max(got) == "PS-2026-00080"


def test_override_needs_a_reason_and_is_recorded(collector: Collector) -> None:
    number = open_ticket(collector, category="question", impact="", scope="")
    with transaction(collector.engine) as conn, pytest.raises(TicketError, match="reason"):
        collector.tickets.assess(
            conn,
            number,
            category="incident",
            impact="hoog",
            scope="meerdere gebruikers",
            priority="B",
            actor="anne",
        )
    with transaction(collector.engine) as conn:
        row = collector.tickets.assess(
            conn,
            number,
            category="incident",
            impact="hoog",
            scope="meerdere gebruikers",
            priority="B",
            reason="customer has a workaround",
            actor="anne",
        )
    assert (row.proposed_priority, row.priority, row.priority_reason, row.state) == (
        "A",
        "B",
        "customer has a workaround",
        "assessed",
    )


def test_pause_stops_the_resolution_clock_and_breaches_follow_the_clock(
    collector: Collector, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 23, 9, 0))  # Monday
    number = open_ticket(collector)
    before = get(collector, number)
    assert before.resolution_due == local(2026, 11, 23, 17, 0)  # type: ignore[attr-defined]
    clock.set(local(2026, 11, 23, 10, 0))
    with transaction(collector.engine) as conn:
        collector.tickets.pause(conn, number, actor="anne")
    clock.set(local(2026, 11, 23, 13, 0))
    with transaction(collector.engine) as conn:
        collector.tickets.resume(conn, number, actor="customer")
    after = get(collector, number)
    # 1 working day from 09:00 minus the 3 paused hours: Tuesday 12:00.
    assert after.resolution_due == local(2026, 11, 24, 12, 0)  # type: ignore[attr-defined]
    # The response target (2 hours, due 11:00) passed unanswered: flagged as the clock moved.
    assert after.response_breached and not after.resolution_breached  # type: ignore[attr-defined]
    clock.set(local(2026, 11, 24, 12, 1))
    with transaction(collector.engine) as conn:
        assert collector.tickets.refresh_breaches(conn) == 1
    assert get(collector, number).resolution_breached  # type: ignore[attr-defined]


def test_states_resolve_close_reopen_and_agreed_date(collector: Collector, clock: FixedClock) -> None:
    number = open_ticket(collector, category="change", impact="", scope="", subject="new report")
    row = get(collector, number)
    assert row.priority == "D" and row.resolution_due is None  # type: ignore[attr-defined]
    agreed = local(2026, 12, 4, 17, 0)
    with transaction(collector.engine) as conn:
        collector.tickets.set_agreed_date(conn, number, agreed, actor="anne")
        collector.tickets.first_response(conn, number, actor="anne", body="we will plan it")
        collector.tickets.resolve(conn, number, actor="anne")
        closed = collector.tickets.close(conn, number, actor="anne")
    assert (
        closed.state == "closed"
        and closed.resolution_due == agreed
        and closed.first_response_at == clock.now()
    )
    with transaction(collector.engine) as conn:
        reopened = collector.tickets.reopen(conn, number, actor="anne", reason="customer says not done")
        assert reopened.state == "in_progress" and reopened.closed_at is None
        with pytest.raises(TicketError, match="still open"):
            collector.tickets.reopen(conn, number, actor="anne", reason="again")


def test_the_first_response_takes_a_new_or_assessed_ticket_into_progress(collector: Collector) -> None:
    fresh = open_ticket(collector)
    assessed = open_ticket(collector, subject="slow")
    waiting = open_ticket(collector, subject="question")
    with transaction(collector.engine) as conn:
        collector.tickets.assess(
            conn, assessed, category="incident", impact="low", scope="one-user", actor="a"
        )
        collector.tickets.pause(conn, waiting, actor="anne", body="which order?")
        for number in (fresh, assessed, waiting):
            collector.tickets.first_response(conn, number, actor="anne", body="looking at it")
    states = {number: get(collector, number).state for number in (fresh, assessed, waiting)}  # type: ignore[attr-defined]
    assert states == {fresh: "in_progress", assessed: "in_progress", waiting: "waiting_for_customer"}

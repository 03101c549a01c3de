"""A recovery ends a page chain wherever the page is: recovery notices go to exactly whoever it may have
reached. Waiting for its first attempt: cancelled, nobody was paged. Being sent: its tags. Sent or
timed out (it may have arrived, a retry waits): the recipients of those attempts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from alerts.model import EscalationStep, NotificationRequest
from alerts.outbox import Outbox
from alerts.tables import outbox
from prioritysupport.clock import FixedClock
from tests.alerts.helpers import book, enqueue, setup
from tests.alerts.receivers import WebhookReceiver


def _page(ref: str) -> NotificationRequest:
    return NotificationRequest(
        kind="page",
        recipients=("oncall-primary",),
        subject_ref=ref,
        values={"priority": "A", "customer": "Acme", "summary": "Odoo down"},
        escalation=(EscalationStep(timedelta(minutes=15), ("oncall-secondary",)),),
    )


def _recover(box: Outbox, ref: str) -> tuple[str, ...]:
    """What the monitor does on a recovery, in one transaction: end the chain, then ask who was paged."""
    with box.engine.begin() as conn:
        assert box.end_chain(conn, ref, "recovered")
        return box.paged_recipients(conn, ref)


def _states(engine: Engine, ref: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.kind, outbox.c.state).where(outbox.c.subject_ref == ref).order_by(outbox.c.id)
        )
        return [(kind, state) for kind, state in rows]


def test_a_page_not_yet_attempted_is_cancelled_and_paged_nobody(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    enqueue(box, _page("T-700"))
    assert _recover(box, "T-700") == ()
    assert worker.run_once() == 0
    assert _states(engine, "T-700") == [("page", "cancelled")]
    assert receiver.received == []


def test_a_page_being_sent_counts_by_its_tags_and_schedules_no_escalation(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    enqueue(box, _page("T-701"))
    claimed = worker.claim()
    assert claimed is not None
    assert _recover(box, "T-701") == ("oncall-primary",)
    assert worker.process(claimed) == "sent"
    assert _states(engine, "T-701") == [("page", "sent")]
    assert len(receiver.bodies("oncall-primary")) == 1


def test_a_timed_out_page_may_have_arrived_so_its_recipient_hears_of_the_recovery(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    worker.send_timeout = 0.3
    receiver.delay = 1.0  # the channel answers too late: the page may or may not have arrived
    enqueue(box, _page("T-702"))
    assert worker.run_once() == 1
    assert _states(engine, "T-702")[0] == ("page", "pending")  # a retry waits
    assert _recover(box, "T-702") == ("oncall-primary",)
    assert _states(engine, "T-702") == [("page", "cancelled"), ("escalation", "cancelled")]


def test_a_page_that_fails_after_its_chain_ended_is_not_retried(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    receiver.status = 500  # the channel refuses: without the chain's end the page would be retried
    enqueue(box, _page("T-703"))
    claimed = worker.claim()
    assert claimed is not None
    assert _recover(box, "T-703") == ("oncall-primary",)  # recovered while the attempt runs
    assert worker.process(claimed) == "cancelled"
    clock.advance(timedelta(hours=1))
    assert worker.run_once() == 0  # no retry pages after the all-clear
    assert _states(engine, "T-703") == [("page", "cancelled")]

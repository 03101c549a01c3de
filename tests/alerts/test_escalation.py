"""Escalation chains: steps fire on time, run past 23:00 once started, stop on acknowledgement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from alerts.model import EscalationStep, NotificationRequest
from alerts.worker import DeliveryWorker
from prioritysupport.clock import FixedClock
from tests.alerts.helpers import book, enqueue, setup
from tests.alerts.receivers import WebhookReceiver

CHAIN = (
    EscalationStep(timedelta(minutes=15), ("oncall-secondary",)),
    EscalationStep(timedelta(minutes=15), ("support-manager",)),
)


def _page(ref: str) -> NotificationRequest:
    return NotificationRequest(
        kind="page",
        recipients=("oncall-primary",),
        subject_ref=ref,
        values={"priority": "A", "customer": "Acme", "summary": "Odoo down"},
        escalation=CHAIN,
    )


def _tick(worker: DeliveryWorker, clock: FixedClock, minutes: int) -> None:
    for _ in range(minutes):
        clock.advance(timedelta(minutes=1))
        worker.run_once()


def test_chain_fires_on_time_and_runs_past_23h(engine: Engine, receiver: WebhookReceiver) -> None:
    # 22:50 in Amsterdam (UTC+1): the page goes out inside the premium window; the chain crosses 23:00.
    clock = FixedClock(datetime(2026, 11, 27, 21, 50, tzinfo=UTC))
    box, worker = setup(engine, clock, book(receiver))
    enqueue(box, _page("T-100"))
    worker.run_once()
    assert len(receiver.bodies("oncall-primary")) == 1
    assert "/ack/" in receiver.bodies("oncall-primary")[0]["message"]
    _tick(worker, clock, 14)
    assert receiver.bodies("oncall-secondary") == []
    _tick(worker, clock, 1)  # 23:05 local
    assert len(receiver.bodies("oncall-secondary")) == 1
    assert "ESCALATIE 1 " in receiver.bodies("oncall-secondary")[0]["title"]
    _tick(worker, clock, 14)
    assert receiver.bodies("support-manager") == []
    _tick(worker, clock, 1)  # 23:20 local
    assert len(receiver.bodies("support-manager")) == 1
    with engine.connect() as conn:
        paged = box.paged_recipients(conn, "T-100")
    assert paged == ("oncall-primary", "oncall-secondary", "support-manager")


def test_acknowledgement_stops_the_chain(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    enqueue(box, _page("T-101"))
    worker.run_once()
    _tick(worker, clock, 10)
    assert box.acknowledge("T-101", by="anna", via="link")
    _tick(worker, clock, 40)
    assert len(receiver.bodies("oncall-primary")) == 1
    assert receiver.bodies("oncall-secondary") == []
    assert receiver.bodies("support-manager") == []
    assert not box.acknowledge("T-unknown", by="anna")
    with engine.connect() as conn:
        assert [a.by for a in box.acknowledgements(conn, "T-101")] == ["anna"]


def test_ack_after_first_step_stops_the_rest(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    enqueue(box, _page("T-102"))
    worker.run_once()
    _tick(worker, clock, 16)
    assert len(receiver.bodies("oncall-secondary")) == 1
    box.acknowledge("T-102", by="bram")
    _tick(worker, clock, 30)
    assert receiver.bodies("support-manager") == []


def test_held_page_acknowledged_before_release_is_never_sent(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    held = NotificationRequest(
        kind="page",
        recipients=("oncall-primary",),
        subject_ref="T-103",
        not_before=clock.now() + timedelta(hours=7),
        escalation=CHAIN,
    )
    enqueue(box, held)
    box.acknowledge("T-103", by="carla")
    clock.advance(timedelta(hours=8))
    worker.run_once()
    assert receiver.bodies() == []


def test_chain_runs_when_the_primary_channel_is_down(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    receiver.path_delays.clear()
    box, worker = setup(engine, clock, book(receiver), max_attempts=3)
    from alerts.channels import ChannelBook

    broken = ChannelBook.from_urls(
        [("json://127.0.0.1:1/down", ["oncall-primary"])]
        + [(receiver.url(tag), [tag]) for tag in ("oncall-secondary", "support-manager", "ops")]
    )
    worker.channels = broken
    enqueue(box, _page("T-104"))
    worker.run_once()
    _tick(worker, clock, 15)
    assert len(receiver.bodies("oncall-secondary")) == 1  # on time, though the page never arrived
    _tick(worker, clock, 15)
    assert len(receiver.bodies("support-manager")) == 1
    assert len(receiver.bodies("ops")) == 1  # the undeliverable page itself went to ops

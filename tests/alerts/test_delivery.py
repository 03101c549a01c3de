"""Outbox to real local receivers: holds, releases, retries, dead letters, per-target memory."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from alerts.model import NotificationRequest
from alerts.tables import outbox
from prioritysupport.clock import FixedClock
from tests.alerts.helpers import book, enqueue, setup
from tests.alerts.receivers import MailCatcher, WebhookReceiver


def _state(engine: Engine, item_id: int) -> str:
    with engine.connect() as conn:
        return str(conn.execute(select(outbox.c.state).where(outbox.c.id == item_id)).scalar_one())


def test_not_before_holds_then_releases_on_time(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    item = enqueue(
        box,
        NotificationRequest(
            kind="team_notice",
            recipients=("support-team",),
            subject_ref="T-1",
            not_before=clock.now() + timedelta(hours=2),
            values={"summary": "disk full", "customer": "Acme"},
        ),
    )
    assert worker.run_once() == 0
    assert box.refresh_gauges().held == {("support-team", "team_notice"): 1}
    clock.advance(timedelta(hours=2) - timedelta(seconds=1))
    assert worker.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert worker.run_once() == 1
    assert _state(engine, item) == "sent"
    assert receiver.bodies("support-team")[0]["title"].endswith(" · T-1")  # the ticket number last
    assert "disk full" in receiver.bodies("support-team")[0]["message"]


def test_same_dedup_key_while_pending_is_one_item(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    request = NotificationRequest(
        kind="team_notice", recipients=("support-team",), subject_ref="T-2", dedup_key="T-2:notice"
    )
    first = enqueue(box, request)
    assert enqueue(box, request) == first
    worker.run_once()
    assert _state(engine, first) == "sent"
    assert enqueue(box, request) != first  # once sent, the key is free again
    assert len(receiver.bodies()) == 1


def test_failing_channel_is_retried_and_delivered_on_recovery(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    receiver.status = 500
    item = enqueue(
        box, NotificationRequest(kind="team_notice", recipients=("support-team",), subject_ref="T-3")
    )
    worker.run_once()
    assert _state(engine, item) == "pending"
    worker.run_once()
    assert receiver.bodies() == []  # backing off, not hammering
    receiver.status = 200
    clock.advance(timedelta(seconds=31))
    worker.run_once()
    assert _state(engine, item) == "sent"
    with engine.connect() as conn:
        statuses = [d.status for d in box.deliveries(conn, "T-3")]
    assert statuses == ["failed", "sent"]


def test_channel_that_never_recovers_is_dead_lettered_and_ops_told(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver, mail: MailCatcher
) -> None:
    box, worker = setup(engine, clock, book(receiver, mail), max_attempts=3)
    mail.refuse = True
    item = enqueue(
        box,
        NotificationRequest(kind="limit_warning", recipients=("mailto:klant@acme.test",), subject_ref="C-9"),
    )
    for _ in range(3):
        worker.run_once()
        clock.advance(timedelta(minutes=11))
    assert _state(engine, item) == "dead"
    worker.run_once()
    ops = receiver.bodies("ops")
    assert len(ops) == 1 and f"notification {item}" in ops[0]["title"] + ops[0]["message"]
    assert mail.messages == []
    dead = box.metrics.registry.get_sample_value(
        "prioritysupport_notifications_dead_letters_total", {"channel": "mail", "kind": "limit_warning"}
    )
    assert dead == 1.0


def test_smtp_refusing_then_accepting_delivers_html_and_text(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver, mail: MailCatcher
) -> None:
    box, worker = setup(engine, clock, book(receiver, mail))
    mail.refuse = True
    item = enqueue(
        box,
        NotificationRequest(
            kind="ticket_confirmation",
            recipients=("mailto:klant@acme.test",),
            subject_ref="T-77",
            values={"summary": "Factuur & export <kapot>", "contact": "Mevr. Jansen"},
        ),
    )
    worker.run_once()
    mail.refuse = False
    clock.advance(timedelta(minutes=1))
    worker.run_once()
    assert _state(engine, item) == "sent"
    assert mail.wait_for(1)
    message = mail.messages[0]
    assert "T-77" in message["Subject"]
    assert message["To"] == "klant@acme.test"
    assert message.get_content_type() == "multipart/alternative"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Factuur &amp; export &lt;kapot&gt;" in parts["text/html"]
    assert "Factuur & export <kapot>" in parts["text/plain"]


def test_partial_failure_retries_only_the_failed_target(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver, mail: MailCatcher
) -> None:
    box, worker = setup(engine, clock, book(receiver, mail))
    mail.refuse = True
    item = enqueue(
        box,
        NotificationRequest(
            kind="incident_notice", recipients=("support-team", "mailto:klant@acme.test"), subject_ref="T-5"
        ),
    )
    worker.run_once()
    assert len(receiver.bodies("support-team")) == 1
    mail.refuse = False
    clock.advance(timedelta(minutes=1))
    worker.run_once()
    assert _state(engine, item) == "sent"
    assert len(receiver.bodies("support-team")) == 1  # not sent twice
    assert mail.wait_for(1)


def test_no_matching_channel_is_a_configuration_error(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    box, worker = setup(engine, clock, book(receiver))
    item = enqueue(
        box, NotificationRequest(kind="team_notice", recipients=("no-such-tag",), subject_ref="T-6")
    )
    worker.run_once()
    assert _state(engine, item) == "dead"
    worker.run_once()
    assert "no channel matches no-such-tag" in receiver.bodies("ops")[0]["message"]


def test_secrets_never_reach_the_records(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> None:
    from alerts.channels import ChannelBook

    channels = ChannelBook.from_urls([(f"json://bot:hunter2secret@127.0.0.1:{receiver.port}/x", ["ops"])])
    box, worker = setup(engine, clock, channels)
    enqueue(box, NotificationRequest(kind="ops", recipients=("ops",), subject_ref="S-1"))
    worker.run_once()
    with engine.connect() as conn:
        records = box.deliveries(conn, "S-1")
    assert records[0].status == "sent"
    assert "hunter2secret" not in records[0].target and "****" in records[0].target

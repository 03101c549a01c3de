"""End to end through alerts/: a failing check pages on-call (JSON webhook) and mails the customer
(SMTP catcher); the delivery records appear on the ticket's timeline; acting on the ticket stops the
escalation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from alerts.channels import ChannelBook, SmtpSettings
from alerts.tables import outbox
from alerts.worker import DeliveryWorker
from collector.service import Collector
from collector.storage.after_commit import transaction
from collector.tickets.timeline import ticket_timeline
from demo.sinks import MailCatcher, WebhookReceiver
from prioritysupport.clock import FixedClock
from tests.collector.monitoring.test_monitoring_routing import failing, send, tickets


@pytest.fixture
def sinks() -> Iterator[tuple[WebhookReceiver, MailCatcher]]:
    hook, mail = WebhookReceiver().start(), MailCatcher().start()
    yield hook, mail
    hook.stop()
    mail.stop()


def test_page_and_customer_mail_are_delivered_and_shown(
    collector: Collector, clock: FixedClock, sinks: tuple[WebhookReceiver, MailCatcher]
) -> None:
    hook, mail = sinks
    tags = ["oncall-primary", "oncall-secondary", "support-manager", "support-team"]
    channels = ChannelBook.from_urls(
        [(f"json://127.0.0.1:{hook.port}/page", tags)], smtp=SmtpSettings(host="127.0.0.1", port=mail.port)
    )
    worker = DeliveryWorker(collector.outbox, channels, send_timeout=5)
    send(collector, "acme", [failing()])
    send(collector, "acme", [failing()])
    number = tickets(collector)[0].number
    assert worker.run_once() == 2
    assert len(hook.snapshot()) == 1
    caught = mail.snapshot()
    assert [m.recipients for m in caught] == [("jan@acme.example",)] and number in caught[0].subject
    with collector.engine.connect() as conn:
        timeline = ticket_timeline(conn, collector.tickets, collector.outbox, number)
    assert [e.body.split(":")[-1].strip() for e in timeline if e.kind == "delivery"] == ["sent", "sent"]

    with transaction(collector.engine) as conn:  # staff act: the escalation chain stops
        collector.tickets.start_work(conn, number, actor="anne")
    clock.advance(timedelta(minutes=16))
    worker.run_once()
    assert len(hook.snapshot()) == 1
    with collector.engine.connect() as conn:
        states = conn.execute(select(outbox.c.kind, outbox.c.state).order_by(outbox.c.id)).all()
    assert ("page", "sent") in [tuple(s) for s in states]
    assert all(state != "pending" for _, state in states)

"""Rota tags page the person on call; YAML channels; time-outs; metrics; waking on enqueue."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from alerts.channels import ChannelBook
from alerts.model import NotificationRequest
from alerts.oncall import parse_rota
from prioritysupport.clock import FixedClock, SystemClock
from tests.alerts.helpers import book, enqueue, setup
from tests.alerts.receivers import WebhookReceiver
from tests.alerts.test_oncall import PEOPLE, ROTA


def test_rota_tag_pages_the_person_and_recovery_follows_them(
    sqlite_only: Engine, receiver: WebhookReceiver
) -> None:
    people = {pid: {**dict(p), "notify": [receiver.url(f"person-{pid}")]} for pid, p in PEOPLE.items()}
    data = {**ROTA, "people": people}
    rota = parse_rota(data)
    yaml = f"""
urls:
  - {receiver.url("pager")}:
      tag: oncall-primary
  - {receiver.url("team")}:
      tag: support-team, ops
"""
    channels = ChannelBook.from_yaml(yaml, people=rota.notify_urls(), rota=rota.person_on_call)
    # Sunday 8 March 23:30 local: anna's week; the handover to bram is Monday 09:00.
    clock = FixedClock(datetime(2026, 3, 8, 22, 30, tzinfo=UTC))
    box, worker = setup(sqlite_only, clock, channels)
    enqueue(box, NotificationRequest(kind="page", recipients=("oncall-primary",), subject_ref="T-400"))
    worker.run_once()
    assert len(receiver.bodies("person-anna")) == 1 and len(receiver.bodies("pager")) == 1
    with sqlite_only.connect() as conn:
        paged = box.paged_recipients(conn, "T-400")
    assert paged == ("person:anna", "tag:oncall-primary")
    clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))  # bram is on call now; anna was paged
    enqueue(box, NotificationRequest(kind="recovery", recipients=paged, subject_ref="T-400"))
    worker.run_once()
    assert len(receiver.bodies("person-anna")) == 2
    assert receiver.bodies("person-bram") == []
    assert len(receiver.bodies("pager")) == 2
    assert "Hersteld" in receiver.bodies("person-anna")[1]["title"]


def test_timeout_retries_a_page_but_not_customer_mail(sqlite_only: Engine, receiver: WebhookReceiver) -> None:
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    box, worker = setup(sqlite_only, clock, book(receiver))
    worker.send_timeout = 0.3
    receiver.delay = 1.0
    page = enqueue(box, NotificationRequest(kind="page", recipients=("oncall-primary",), subject_ref="T-500"))
    notice = enqueue(
        box, NotificationRequest(kind="incident_notice", recipients=("support-team",), subject_ref="T-501")
    )
    worker.run_once()
    with sqlite_only.connect() as conn:
        assert [d.status for d in box.deliveries(conn, "T-500")] == ["timeout"]
        assert [d.status for d in box.deliveries(conn, "T-501")] == ["uncertain"]
    receiver.delay = 0.0
    clock.advance(timedelta(minutes=1))
    assert worker.run_once() == 1  # only the page comes back
    with sqlite_only.connect() as conn:
        assert [d.status for d in box.deliveries(conn, "T-500")] == ["timeout", "sent"]
    assert page != notice


def test_metrics_count_sent_failed_latency_and_depth(engine: Engine, receiver: WebhookReceiver) -> None:
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    box, worker = setup(engine, clock, book(receiver))
    registry = box.metrics.registry
    enqueue(box, NotificationRequest(kind="team_notice", recipients=("support-team",), subject_ref="M-1"))
    enqueue(
        box,
        NotificationRequest(
            kind="team_notice",
            recipients=("support-team",),
            subject_ref="M-2",
            not_before=clock.now() + timedelta(hours=1),
        ),
    )
    clock.advance(timedelta(seconds=3))
    stats = box.refresh_gauges()
    assert stats.depth == 2 and stats.oldest_due_age == timedelta(seconds=3)
    assert registry.get_sample_value("prioritysupport_outbox_oldest_due_age_seconds") == 3.0
    worker.run_once()
    labels = {"channel": "support-team", "kind": "team_notice"}
    assert registry.get_sample_value("prioritysupport_notifications_sent_total", labels) == 1.0
    assert (
        registry.get_sample_value(
            "prioritysupport_notification_delivery_seconds_sum", {"kind": "team_notice"}
        )
        == 3.0
    )
    box.refresh_gauges()
    assert registry.get_sample_value("prioritysupport_outbox_depth") == 1.0
    assert registry.get_sample_value("prioritysupport_notifications_held", labels) == 1.0
    receiver.status = 500
    clock.advance(timedelta(hours=1))
    worker.run_once()
    assert registry.get_sample_value("prioritysupport_notifications_failed_total", labels) == 1.0


def test_enqueue_wakes_the_worker_within_a_second(engine: Engine, receiver: WebhookReceiver) -> None:
    box, worker = setup(engine, SystemClock(), book(receiver))
    worker.poll_interval = 5.0  # prove the wake-up, not the poll, delivers it
    worker.start()
    try:
        latencies = []
        for n in range(10):
            started = time.monotonic()
            enqueue(box, NotificationRequest(kind="page", recipients=("support-team",), subject_ref=f"W-{n}"))
            assert receiver.wait_for(n + 1, timeout=5)
            latencies.append(receiver.received[-1][2] - started)
    finally:
        worker.stop()
    assert max(latencies) < 1.0, latencies
    assert statistics.median(latencies) < 0.5
    assert datetime.now(UTC) > datetime(2026, 1, 1, tzinfo=UTC)

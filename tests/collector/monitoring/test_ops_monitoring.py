"""Metrics and the watchdog for monitoring the monitoring: series that exist at 0 before anything happens,
a breach count that a reassessment does not move, silence counted from enrolment, the Watchdog notice."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry
from sqlalchemy import select

from alerts import tables as at
from alerts.metrics import DeliveryMetrics
from collector.monitoring.metrics import DatabaseGauges, delivery_label_sets
from collector.routing.rules import DEFAULT_RULES
from collector.service import Collector
from collector.storage.after_commit import transaction
from prioritysupport.clock import FixedClock
from tests.collector.conftest import make_collector, token_for
from tests.collector.tickets.test_tickets import local, open_ticket


def sample(collector: Collector, name: str, **labels: str) -> float | None:
    return collector.registry.get_sample_value(name, labels)


def test_open_tickets_and_customer_info_exist_at_zero(collector: Collector) -> None:
    for priority in "ABCD":
        assert sample(collector, "prioritysupport_tickets_open", customer="acme", priority=priority) == 0
    info = {"customer": "acme", "name": "Acme BV"}
    assert collector.registry.get_sample_value("prioritysupport_customer_info", info) == 1
    open_ticket(collector, "acme")
    assert sample(collector, "prioritysupport_tickets_open", customer="acme", priority="A") == 1


def test_delivery_counters_start_at_zero_for_every_pair_the_rules_produce(collector: Collector) -> None:
    pairs = delivery_label_sets(DEFAULT_RULES)
    for expected in [
        ("mail", "incident_notice"),
        ("oncall-primary", "page"),
        ("oncall-secondary", "escalation"),
        ("support-manager", "escalation"),
        ("support-team", "team_notice"),
        ("person", "page"),
        ("ops", "ops"),
    ]:
        assert expected in pairs
    assert ("mail", "page") not in pairs
    for metric in ("sent", "failed", "dead_letters"):
        name = f"prioritysupport_notifications_{metric}_total"
        assert sample(collector, name, channel="mail", kind="incident_notice") == 0
    assert (
        sample(collector, "prioritysupport_notifications_held", channel="support-team", kind="team_notice")
        == 0
    )
    collector.outbox.refresh_gauges()  # a refresh keeps the known pairs at 0
    assert (
        sample(collector, "prioritysupport_notifications_held", channel="support-team", kind="team_notice")
        == 0
    )


def test_held_gauge_refresh_drops_unknown_pairs_and_keeps_known() -> None:
    metrics = DeliveryMetrics(CollectorRegistry(), known=[("ops", "ops")])
    metrics.held.labels(channel="x", kind="y").set(3)
    metrics.reset_held()
    assert (
        metrics.registry.get_sample_value("prioritysupport_notifications_held", {"channel": "x", "kind": "y"})
        is None
    )
    assert (
        metrics.registry.get_sample_value(
            "prioritysupport_notifications_held", {"channel": "ops", "kind": "ops"}
        )
        == 0
    )


def test_reassessing_a_breached_ticket_keeps_its_breach_where_it_was(
    collector: Collector, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 27, 16, 30))  # globex, standard A: response due Monday 10:30
    number = open_ticket(collector)
    clock.set(local(2026, 11, 30, 10, 45))
    with transaction(collector.engine) as conn:
        assert collector.tickets.refresh_breaches(conn) == 1
    breaches = "prioritysupport_sla_breaches_total"
    assert sample(collector, breaches, customer="globex", target="response", priority="A") == 1
    with transaction(collector.engine) as conn:
        collector.tickets.assess(
            conn, number, category="incident", impact="high", scope="organisation", priority="B",
            reason="workaround found", actor="anne",
        )  # fmt: skip
    # Still one A breach (a drop would read as a counter reset), and no B breach that never happened.
    assert sample(collector, breaches, customer="globex", target="response", priority="A") == 1
    assert sample(collector, breaches, customer="globex", target="response", priority="B") == 0


def test_an_agent_that_never_reported_is_silent_from_its_enrolment(
    collector: Collector, clock: FixedClock
) -> None:
    name = "prioritysupport_agent_last_seen_age_seconds"
    assert (
        sample(collector, name, customer="acme", odoo_instance="prod") is None
    )  # not enrolled: no agent yet
    token_for(collector, "acme")
    clock.advance(timedelta(minutes=11))
    assert sample(collector, name, customer="acme", odoo_instance="prod") == 11 * 60


def test_database_size_and_backup_age(collector: Collector, tmp_path: Path) -> None:
    assert (sample(collector, "prioritysupport_database_size_bytes") or 0) > 0
    assert sample(collector, "prioritysupport_backup_last_timestamp_seconds") is None  # not configured
    gauges = DatabaseGauges(collector.engine, collector.clock, str(tmp_path / "backups" / "*.db"))
    registry = CollectorRegistry()
    registry.register(gauges)
    assert registry.get_sample_value("prioritysupport_backup_last_timestamp_seconds") == 0  # none yet
    (tmp_path / "backups").mkdir()
    for name, mtime in (("a.db", 1_000_000), ("b.db", 2_000_000)):
        path = tmp_path / "backups" / name
        path.write_bytes(b"x")
        os.utime(path, (mtime, mtime))
    assert registry.get_sample_value("prioritysupport_backup_last_timestamp_seconds") == 2_000_000


def test_build_info_and_process_metrics(collector: Collector) -> None:
    text = "\n".join(f"{m.name} {s.labels}" for m in collector.registry.collect() for s in m.samples)
    assert "prioritysupport_build_info" in text and "'component': 'collector'" in text
    assert "process_resident_memory_bytes" in text and "process_start_time_seconds" in text


def _ops_notices(collector: Collector) -> list[str]:
    with collector.engine.connect() as conn:
        return [
            str(row.values["summary"])
            for row in conn.execute(
                select(at.outbox).where(at.outbox.c.subject_ref == "alertmanager-watchdog")
            )
        ]


def test_watchdog_silence_tells_the_ops_channel_once(sqlite_url: str, clock: FixedClock) -> None:
    collector = make_collector(sqlite_url, clock, watchdog_minutes=15)
    assert collector.watchdog is not None
    collector.watchdog.received()
    clock.advance(timedelta(minutes=15))
    collector.tick()
    assert _ops_notices(collector) == []  # at the limit: in time
    clock.advance(timedelta(minutes=1))
    collector.tick()
    collector.tick()
    notices = _ops_notices(collector)
    assert len(notices) == 1 and "No Watchdog alert from Alertmanager for 16 min" in notices[0]
    collector.watchdog.received()  # back: a later silence is news again
    clock.advance(timedelta(minutes=20))
    collector.tick()
    assert len(_ops_notices(collector)) == 2
    collector.engine.dispose()


def test_watchdog_off_by_default(collector: Collector, clock: FixedClock) -> None:
    clock.advance(timedelta(days=2))
    collector.tick()
    assert _ops_notices(collector) == []

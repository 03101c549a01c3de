"""Limits (policy section 2) with hysteresis and notices; uncontracted integrations; Odoo versions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from alerts.tables import outbox
from collector.contracts.limit_watch import counted_lines
from collector.monitoring.odoo_versions import is_supported, major_of
from collector.service import Collector
from collector.storage import tables as t
from prioritysupport.clock import FixedClock
from tests.collector.conftest import report
from tests.collector.monitoring.test_monitoring_routing import ids


def send_counts(collector: Collector, users: int, lines: int = 100, **extra: Any) -> None:
    customer_id, instance_id = ids(collector, "acme")
    counts = {"counted_at": "2026-11-27T11:00:00+00:00", "internal_users": users, "custom_lines": lines}
    collector.ingest_now(report(counts=counts, **extra), customer_id, instance_id)


def sent(collector: Collector) -> list[tuple[str, str, tuple[str, ...]]]:
    with collector.engine.connect() as conn:
        rows = conn.execute(select(outbox).order_by(outbox.c.id)).all()
    return [(r.kind, r.values.get("event", ""), tuple(r.recipients)) for r in rows]


def test_user_limit_warns_once_reminds_and_notices_back_under(
    collector: Collector, clock: FixedClock
) -> None:
    contacts, manager = ("mailto:jan@acme.example",), ("mailto:am@erpm.example",)
    send_counts(collector, 22)  # small package: 25 users; 22 is under 90%
    assert sent(collector) == []
    send_counts(collector, 23)
    send_counts(collector, 22)  # still above 85%: stays near, no second warning
    send_counts(collector, 23)
    assert sent(collector) == [("limit_warning", "warn_near", contacts)]
    send_counts(collector, 26)
    send_counts(collector, 26)
    assert sent(collector)[1:] == [
        ("limit_warning", "warn_over", contacts),
        ("package_advice", "warn_over", manager),
    ]
    clock.advance(timedelta(days=30))
    send_counts(collector, 27)
    assert [s[1] for s in sent(collector)[3:]] == ["remind_over", "remind_over"]
    send_counts(collector, 25)
    assert sent(collector)[5:] == [("limit_warning", "back_under", contacts)]


def test_limit_notices_wait_for_the_support_calendar(collector: Collector, clock: FixedClock) -> None:
    clock.set(clock.now().replace(hour=20))  # Friday 21:00 in Amsterdam
    send_counts(collector, 30)
    with collector.engine.connect() as conn:
        not_before = conn.execute(select(outbox.c.not_before)).scalars().first()
    assert not_before is not None and not_before.weekday() == 0 and not_before.hour == 8  # Monday 09:00 CET


def test_third_party_authors_can_be_left_out_of_the_line_count() -> None:
    counts = {
        "custom_lines": 900,
        "modules": [
            {"name": "acme_sale", "code": 400, "author": "Acme"},
            {"name": "web_responsive", "code": 500, "author": "Odoo Community Association (OCA), Tecnativa"},
        ],
    }
    assert counted_lines(counts, []) == 900
    assert counted_lines(counts, ["Odoo Community Association (OCA)"]) == 400


def test_uncontracted_integration_is_reported_once(collector: Collector) -> None:
    checks = [
        {"key": "integration:webshop", "kind": "http", "status": "ok", "integration": "webshop"},
        {"key": "integration:crm", "kind": "http", "status": "ok", "integration": "crm-sync"},
    ]
    customer_id, instance_id = ids(collector, "acme")
    collector.ingest_now(report(checks=checks), customer_id, instance_id)
    collector.ingest_now(report(checks=checks), customer_id, instance_id)
    assert sent(collector) == [("account_notice", "", ("mailto:am@erpm.example",))]


def test_versions_outside_the_window_and_the_migration_request(collector: Collector) -> None:
    assert major_of("saas~17.2") == "17.0" and is_supported("18.0+e") and not is_supported("15.0")
    customer_id, instance_id = ids(collector, "acme")
    modules = [{"name": "acme_sale", "code": 400, "author": "Acme"}]
    body = report(counts={"counted_at": "2026-11-27T11:00:00+00:00", "internal_users": 3, "modules": modules})
    body["instance"]["odoo_version"] = "15.0"
    collector.ingest_now(body, customer_id, instance_id)
    assert collector.tick()["migration_requests"] == 1
    assert collector.tick()["migration_requests"] == 0
    with collector.engine.connect() as conn:
        ticket = conn.execute(select(t.tickets)).one()
        flagged = conn.execute(
            select(t.instances.c.version_supported).where(t.instances.c.id == instance_id)
        ).scalar()
    assert flagged is False
    assert (ticket.category, ticket.priority, ticket.source) == ("change", "D", "versions")
    assert "acme_sale (Acme)" in ticket.description and "Not included" in ticket.description


def test_a_fleet_of_new_versions_is_judged_in_a_few_statements(collector: Collector) -> None:
    """The first tick after a fleet arrives judges every instance with a statement per version, not per
    instance (one per instance held the write lock for half a second at 10,000 instances)."""
    from sqlalchemy import event

    customer_id, _ = ids(collector, "acme")
    versions = ["17.0"] * 150 + ["saas~18.2"] * 149 + ["15.0"]
    with collector.engine.begin() as conn:
        conn.execute(
            t.instances.insert(),
            [
                {"customer_id": customer_id, "name": f"fleet{i}", "url": "https://x", "odoo_version": version}
                for i, version in enumerate(versions)
            ],
        )
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(collector.engine, "before_cursor_execute", count)
    try:
        assert collector.tick()["migration_requests"] == 1  # the one on 15.0, acme has Migration
    finally:
        event.remove(collector.engine, "before_cursor_execute", count)
    assert sum("instances" in sql for sql in statements) < 15, statements
    with collector.engine.connect() as conn:
        judged = dict(
            conn.execute(
                select(t.instances.c.odoo_version, t.instances.c.version_supported)
                .where(t.instances.c.name.like("fleet%"))
                .where(t.instances.c.version_checked == t.instances.c.odoo_version)
                .distinct()
            ).all()
        )
        unjudged = conn.execute(
            select(t.instances.c.id).where(
                t.instances.c.name.like("fleet%") & t.instances.c.version_checked.is_(None)
            )
        ).all()
    assert judged == {"17.0": True, "saas~18.2": True, "15.0": False} and unjudged == []
    with collector.engine.begin() as conn:  # one instance moves back to an old version: judged again
        conn.execute(t.instances.update().where(t.instances.c.name == "fleet0").values(odoo_version="14.0"))
    assert collector.tick()["migration_requests"] == 1
    assert collector.tick()["migration_requests"] == 0


def test_a_restart_preloads_limit_states_and_a_contract_change_is_seen(
    collector: Collector, clock: FixedClock
) -> None:
    from collector.contracts.limit_watch import LimitWatch

    send_counts(collector, 23)  # near the small package's 25 users: warned once
    assert [s[1] for s in sent(collector)] == ["warn_near"]
    restarted = LimitWatch(clock, collector.router, collector.policy)
    with collector.engine.connect() as conn:
        restarted.preload(conn)
    customer_id, instance_id = ids(collector, "acme")
    assert restarted._last[(customer_id, "users")][:2] == (23, 25)
    counts = {"internal_users": 24, "custom_lines": 100}
    with collector.engine.begin() as conn:
        restarted(conn, customer_id, instance_id, counts)  # still near: no second warning after a restart
        assert restarted._contract(conn, customer_id, clock.now().date()).package == "small"  # type: ignore[union-attr]
        conn.execute(t.contracts.insert().values(customer_id=customer_id, effective_from=clock.now().date()))
        restarted.shared_ttl = 0.0  # the next look-up checks the contracts table for changes
        assert restarted._contract(conn, customer_id, clock.now().date()).package is None  # type: ignore[union-attr]
    assert [s[1] for s in sent(collector)] == ["warn_near"]

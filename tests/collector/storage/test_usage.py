"""The counts history (usage_samples): one row per instance, local day and snapshot, the day's highest
user count, stored on the driver's cursor and read back through the Core tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from collector.service import Collector
from collector.storage.usage import record_usage, usage_between
from prioritysupport.clock import FixedClock
from tests.collector.conftest import FRIDAY_NOON, fresh_postgres_database, make_collector
from tests.collector.monitoring.test_monitoring_routing import ids

MODULES = [{"name": "sale_extra", "author": "Acme", "code": 120}]


def test_a_day_keeps_one_row_per_snapshot_with_its_highest_user_count(collector: Collector) -> None:
    check_usage_day(collector)


def test_the_same_on_postgresql(postgres_url: str) -> None:
    built = make_collector(fresh_postgres_database(postgres_url), FixedClock(FRIDAY_NOON))
    try:
        check_usage_day(built)
    finally:
        built.engine.dispose()


def check_usage_day(collector: Collector) -> None:
    customer_id, instance_id = ids(collector, "acme")
    first = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Amsterdam
    counts = {"internal_users": 10, "custom_lines": 120, "modules": MODULES}
    with collector.engine.begin() as conn:
        assert record_usage(conn, customer_id, instance_id, first, counts)
        record_usage(
            conn, customer_id, instance_id, first + timedelta(hours=1), {**counts, "internal_users": 14}
        )
        record_usage(
            conn, customer_id, instance_id, first + timedelta(hours=2), {**counts, "internal_users": None}
        )
        record_usage(
            conn, customer_id, instance_id, first + timedelta(hours=3), {**counts, "custom_lines": 90}
        )
        assert not record_usage(conn, customer_id, instance_id, first, {"modules": []})
    with collector.engine.connect() as conn:
        rows = usage_between(conn, customer_id, first - timedelta(days=1), first + timedelta(days=1))
    assert [(r.at, r.users, r.lines) for r in rows] == [
        (first, 14, 120),  # the first report of the snapshot dates it; the day's highest count wins
        (first + timedelta(hours=3), 10, 90),
    ]
    assert rows[0].modules == tuple(MODULES)

"""The same core on a real PostgreSQL: migrations, ingest over HTTP, tickets, numbers under concurrency."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from collector.service import Collector
from collector.storage import tables as t
from collector.storage.database import check_schema
from prioritysupport.clock import FixedClock
from tests.collector.conftest import (
    FRIDAY_NOON,
    LiveServer,
    failing,
    fresh_postgres_database,
    make_collector,
    report,
    staff_headers,
    token_for,
)
from tests.collector.tickets.test_tickets import concurrent_numbers


@pytest.fixture(scope="module")
def pg_collector(postgres_url: str) -> Iterator[Collector]:
    built = make_collector(fresh_postgres_database(postgres_url), FixedClock(FRIDAY_NOON))
    yield built
    built.engine.dispose()


def test_schema_is_current(pg_collector: Collector) -> None:
    check_schema(pg_collector.engine)


def test_ingest_and_one_ticket_over_http(pg_collector: Collector) -> None:
    token = token_for(pg_collector, "acme")
    with LiveServer(pg_collector) as live, httpx.Client(base_url=live.url) as client:
        headers = {"Authorization": f"Bearer {token}"}
        bodies = [report(checks=[failing()]) for _ in range(3)]
        for body in bodies:
            assert client.post("/api/v1/reports", json=body, headers=headers).status_code == 201
        assert client.post("/api/v1/reports", json=bodies[0], headers=headers).status_code == 200
        listed = client.get("/api/v1/tickets", headers=staff_headers(pg_collector)).json()
    assert [(t["priority"], t["source"]) for t in listed] == [("A", "monitoring")]
    with pg_collector.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.reports)).scalar_one() == 3


def test_numbers_are_unique_under_concurrency(pg_collector: Collector) -> None:
    got = concurrent_numbers(pg_collector.engine)
    assert len(set(got)) == len(got) == 80


def test_batch_semantics(postgres_url: str) -> None:
    from tests.collector.ingest.test_group_commit import check_batch_semantics

    built = make_collector(fresh_postgres_database(postgres_url), FixedClock(FRIDAY_NOON))
    try:
        check_batch_semantics(built)
    finally:
        built.engine.dispose()


def test_0005_moves_existing_reports_on_postgresql(postgres_url: str) -> None:
    from tests.collector.storage.test_migrations import check_reports_move_to_bounded_storage

    check_reports_move_to_bounded_storage(fresh_postgres_database(postgres_url))


def test_the_version_check_does_not_wait_for_a_batch_referencing_its_instances(postgres_url: str) -> None:
    """A batch's report INSERT holds a KEY SHARE lock on its instance (the foreign key check) until the
    batch commits; the version check must lock pending instances in a mode that does not wait for it,
    or a batch that then updates a row the check locked first deadlocks with it."""
    from sqlalchemy import text

    from collector.monitoring.odoo_versions import VersionWatch
    from tests.collector.monitoring.test_monitoring_routing import ids

    collector = make_collector(fresh_postgres_database(postgres_url), FixedClock(FRIDAY_NOON))
    try:
        customer_id, instance_id = ids(collector, "acme")
        with collector.engine.begin() as conn:
            conn.execute(t.instances.update().values(odoo_version="17.0", version_checked=None))
        with collector.engine.connect() as batch, batch.begin():
            batch.execute(
                t.reports.insert().values(
                    report_id="00000000-0000-4000-8000-000000000001",
                    customer_id=customer_id,
                    instance_id=instance_id,
                    received_at=FRIDAY_NOON,
                    sequence=1,
                    body_z=b"",
                    agent_id="agent-1",
                )
            )
            with collector.engine.begin() as sweep:
                sweep.execute(text("SET LOCAL lock_timeout = '2s'"))  # FOR UPDATE would wait here
                VersionWatch(collector.clock, collector.tickets).check(sweep)
        with collector.engine.connect() as conn:
            judged = conn.execute(
                select(t.instances.c.version_checked).where(t.instances.c.id == instance_id)
            ).scalar_one()
        assert judged == "17.0"
    finally:
        collector.engine.dispose()

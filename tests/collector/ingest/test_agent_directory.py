"""The agent directory: tokens and instances in memory from the start, kept fresh by change tracking.

The refresh timer is a fake monotonic clock stepped by hand; grace periods follow the collector's clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
from sqlalchemy import event, insert, select

from collector.ingest import enrolment
from collector.ingest.agent_auth import STALE_LIMIT_SECONDS, AgentDirectory
from collector.service import Collector
from collector.storage import tables as t
from tests.collector.conftest import LiveServer, report, token_for


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def counted_queries(collector: Collector) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(collector.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(collector.engine, "before_cursor_execute", record)


def directory_for(collector: Collector) -> tuple[AgentDirectory, Ticker]:
    ticker = Ticker()
    return AgentDirectory(collector.engine, collector.clock, monotonic=ticker), ticker


def customer_id(collector: Collector, key: str) -> int:
    with collector.engine.connect() as conn:
        return enrolment.customer_id_for(conn, key)


def test_warm_start_answers_every_agent_without_a_query(collector: Collector) -> None:
    acme, globex = token_for(collector, "acme"), token_for(collector, "globex")
    directory, _ = directory_for(collector)
    directory.sync()
    with counted_queries(collector) as statements:
        assert directory.cached_customer(acme) == customer_id(collector, "acme")
        statements.clear()  # customer_id() above asked the database, the directory did not
        assert directory.cached_customer(globex) is not AgentDirectory._MISS
        assert isinstance(directory.cached_instance(customer_id(collector, "acme"), "prod"), int)
        statements.clear()
        assert directory.cached_customer("psa_unknown") is AgentDirectory._MISS
    assert statements == []


def test_nothing_expires_on_a_timer(collector: Collector) -> None:
    token = token_for(collector, "acme")
    directory, ticker = directory_for(collector)
    directory.sync()
    ticker.now += 3600  # an hour without changes: one cheap check, no reload, no miss
    assert directory.stale()
    with counted_queries(collector) as statements:
        directory.sync()
    assert [s.split()[0] for s in statements if s.startswith("SELECT")] == ["SELECT"] * 2  # two fingerprints
    assert isinstance(directory.cached_customer(token), int)


def test_revoked_token_stops_within_the_stale_limit(collector: Collector) -> None:
    token = token_for(collector, "acme")
    directory, ticker = directory_for(collector)
    directory.sync()
    with collector.engine.begin() as conn:
        enrolment.revoke_all(conn, "acme", collector.clock.now())
    ticker.now += STALE_LIMIT_SECONDS - 0.1
    assert not directory.stale()  # the documented lag: still answered from memory
    ticker.now += 0.1
    assert directory.stale()  # past the bound the endpoint syncs before answering
    directory.sync()
    assert directory.cached_customer(token) is None
    assert directory.customer_for_token(token) is None


def test_rotated_token_ends_with_its_grace_period_without_a_sync(collector: Collector) -> None:
    old = token_for(collector, "acme")
    with collector.engine.begin() as conn:
        new = enrolment.rotate(conn, "acme", collector.clock.now(), timedelta(hours=1))
    directory, _ = directory_for(collector)
    directory.sync()
    acme = customer_id(collector, "acme")
    assert directory.cached_customer(old) == acme and directory.cached_customer(new) == acme
    collector.clock.advance(timedelta(hours=1, seconds=1))  # type: ignore[attr-defined]
    assert directory.cached_customer(old) is None
    assert directory.cached_customer(new) == acme


def test_tokens_enrolled_later_are_found_and_added_rows_loaded(collector: Collector) -> None:
    directory, ticker = directory_for(collector)
    directory.sync()
    first = token_for(collector, "acme")
    assert directory.cached_customer(first) is AgentDirectory._MISS
    assert directory.customer_for_token(first) == customer_id(collector, "acme")  # one lookup, then memory
    second = token_for(collector, "globex")
    ticker.now += 1.0
    directory.sync()
    with counted_queries(collector) as statements:
        assert directory.cached_customer(second) == directory.cached_customer(second)
        assert isinstance(directory.cached_customer(second), int)
        assert isinstance(directory.cached_customer(first), int)
    assert statements == []


def test_unknown_tokens_are_asked_once_until_tokens_change(collector: Collector) -> None:
    directory, ticker = directory_for(collector)
    directory.sync()
    assert directory.customer_for_token("psa_forged") is None
    with counted_queries(collector) as statements:
        assert directory.customer_for_token("psa_forged") is None
    assert statements == []
    token_for(collector, "acme")
    ticker.now += 1.0
    directory.sync()  # the token table changed: unknown tokens are asked again
    assert directory.cached_customer("psa_forged") is AgentDirectory._MISS


def test_instances_added_by_a_contract_load_are_found(collector: Collector) -> None:
    directory, ticker = directory_for(collector)
    directory.sync()
    acme = customer_id(collector, "acme")
    assert directory.instance_id(acme, "staging") is None
    with collector.engine.begin() as conn:
        conn.execute(insert(t.instances).values(customer_id=acme, name="staging", url="http://127.0.0.1:9/"))
    assert directory.cached_instance(acme, "staging") is None  # remembered as unknown until a change is seen
    ticker.now += 1.0
    directory.sync()
    with collector.engine.connect() as conn:
        staging = conn.execute(select(t.instances.c.id).where(t.instances.c.name == "staging")).scalar()
    assert directory.cached_instance(acme, "staging") == staging


def test_endpoint_refuses_a_revoked_token_after_forget(collector: Collector) -> None:
    token = token_for(collector, "acme")
    headers = {"Authorization": f"Bearer {token}"}
    with LiveServer(collector) as live, httpx.Client(base_url=live.url, headers=headers) as client:
        assert client.post("/api/v1/reports", json=report()).status_code == 201
        with collector.engine.begin() as conn:
            enrolment.revoke_all(conn, "acme", collector.clock.now())
        collector.directory.forget()  # what a change made in this process does; others wait <= 3 s
        refused = client.post("/api/v1/reports", json=report())
    assert refused.status_code == 401 and "enrol" in refused.json()["error"]

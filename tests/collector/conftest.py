"""Collector test helpers: a migrated database (SQLite file or a fresh PostgreSQL database), a fixed
clock, the collector wired to them, and uvicorn serving it on a free port in a thread."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from collector.config import CollectorConfig, MonitoringSettings
from collector.contracts.book import apply_contracts, read_contracts_file
from collector.ingest.enrolment import enroll
from collector.service import Collector, build_collector
from collector.storage.database import make_engine, migrate, writing
from prioritysupport.clock import FixedClock
from tests.support.components import free_port, wait_for_port

DATA = Path(__file__).parent / "data"
CONTRACTS = DATA / "contracts.toml"
# Friday 27 November 2026, 12:00 in Amsterdam: support and premium calendars both open.
FRIDAY_NOON = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


def fresh_postgres_database(server_url: str) -> str:
    """A new database on the session's PostgreSQL server, so modules never see each other's rows."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def prepared_engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    apply_contracts(engine, read_contracts_file(CONTRACTS))
    return engine


def make_collector(url: str, clock: FixedClock, **monitoring: Any) -> Collector:
    settings = MonitoringSettings(**{"damping": {"default": 2}, **monitoring})
    config = replace(CollectorConfig(database_url=url), monitoring=settings)
    return build_collector(config, clock=clock, engine=prepared_engine(url), probe=lambda _url, _t: False)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FRIDAY_NOON)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'collector.db'}"


@pytest.fixture
def collector(sqlite_url: str, clock: FixedClock) -> Iterator[Collector]:
    built = make_collector(sqlite_url, clock)
    yield built
    built.engine.dispose()


def token_for(collector: Collector, customer: str) -> str:
    with collector.engine.begin() as conn:
        return enroll(conn, customer, collector.clock.now())


def staff_headers(collector: Collector) -> dict[str, str]:
    """A staff token (admin) for the management API, which is guarded by default; made once per collector."""
    from collector.helpdesk.staff.accounts import create_user
    from collector.helpdesk.staff.tokens import create_staff_token

    if "test_staff_token" not in collector.extras:
        with writing(collector.engine).begin() as conn:  # IMMEDIATE: waits for a busy writer
            create_user(conn, "test-admin", "a long test password", "admin", collector.clock.now())
            collector.extras["test_staff_token"] = create_staff_token(
                conn, "test-admin", collector.clock.now()
            )
    return {"Authorization": f"Bearer {collector.extras['test_staff_token']}"}


class LiveServer:
    """uvicorn in a thread on 127.0.0.1; stops when the test ends."""

    def __init__(self, collector: Collector) -> None:
        import uvicorn

        from collector.web.app import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(collector, run_background=False)
        self.server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False, lifespan="on"
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        wait_for_port(self.port)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def live(collector: Collector) -> Iterator[LiveServer]:
    with LiveServer(collector) as server:
        yield server


_SEQUENCES = itertools.count(1)


def report(
    instance: str = "prod",
    checks: list[dict[str, Any]] | None = None,
    report_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "report_id": report_id or str(uuid.uuid4()),
        "agent_id": "agent-1",
        "sequence": next(_SEQUENCES),  # each report a new observation (the collector de-duplicates)
        "sent_at": "2026-11-27T11:00:00+00:00",
        "instance": {
            "name": instance,
            "url": "https://odoo.example",
            "database": "prod",
            "odoo_version": "17.0",
        },
        "checks": checks
        if checks is not None
        else [{"key": "odoo.login", "kind": "login_page", "status": "ok"}],
        **extra,
    }


def failing(key: str = "odoo.login", kind: str = "login_page", **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "status": "failing", "detail": "HTTP 502", **extra}

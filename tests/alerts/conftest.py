from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from prioritysupport.clock import FixedClock
from tests.alerts.db import postgres_schema_url, sqlite_engine
from tests.alerts.receivers import MailCatcher, WebhookReceiver, mail_catcher, webhook_receiver
from tests.support.components import free_port

# A Friday morning in Amsterdam (UTC+1 in November).
START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """How to reach a fresh database: `sqlite:PATH` or `postgresql:URL#SCHEMA`."""
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'alerts.db'}"
    url, schema = postgres_schema_url(request.getfixturevalue("postgres_url"))
    return f"postgresql:{url}#{schema}"


@pytest.fixture
def engine(db_spec: str) -> Iterator[Engine]:
    from alerts.tables import metadata
    from tests.alerts.db import engine_for

    eng = engine_for(db_spec)
    metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_only(tmp_path: Path) -> Iterator[Engine]:
    from alerts.tables import metadata

    eng = sqlite_engine(str(tmp_path / "alerts.db"))
    metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver(free_port()) as r:
        yield r


@pytest.fixture
def mail() -> Iterator[MailCatcher]:
    with mail_catcher(free_port()) as m:
        yield m

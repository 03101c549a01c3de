"""The fixture month in a real database: SQLite by default, PostgreSQL for the cross-check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.report.fixture_data import populate


def _migrated(url: str) -> Engine:
    from collector.storage.database import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    populate(engine)
    return engine


@pytest.fixture(scope="package")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("report") / "collector.db"
    url = f"sqlite:///{path}"
    engine = _migrated(url)
    engine.dispose()
    yield url


@pytest.fixture(scope="package")
def report_engine(sqlite_url: str) -> Iterator[Engine]:
    from collector.storage.database import make_engine

    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="package")
def postgres_report_url(postgres_url: str) -> Iterator[str]:
    """A database of its own on the shared server, so no other suite's tables get in the way."""
    from sqlalchemy import create_engine, text

    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS report_fixture"))
        conn.execute(text("CREATE DATABASE report_fixture"))
    admin.dispose()
    url = postgres_url.rsplit("/", 1)[0] + "/report_fixture"
    engine = _migrated(url)
    engine.dispose()
    yield url

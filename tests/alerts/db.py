"""Engines for the alert tests: a SQLite file in WAL mode, or a fresh schema on the session PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, create_engine, event, text


def sqlite_engine(path: str) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def postgres_schema_url(postgres_url: str) -> tuple[str, str]:
    """Create a schema of our own; return (url, schema). Connect with `search_path` set to it."""
    schema = f"alerts_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return postgres_url, schema


def postgres_engine(url: str, schema: str) -> Engine:
    return create_engine(url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=5)


def engine_for(spec: str) -> Engine:
    """`sqlite:PATH` or `postgresql:URL#SCHEMA` (how tests hand a database to a worker subprocess)."""
    kind, _, rest = spec.partition(":")
    if kind == "sqlite":
        return sqlite_engine(rest)
    url, _, schema = rest.rpartition("#")
    return postgres_engine(url, schema)

"""The migrations build exactly the tables the code declares (the collector's, alerts/ and the helpdesk's)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData

from alerts.tables import metadata as alerts_metadata
from collector.storage.database import alembic_config, check_schema, make_engine, migrate
from collector.storage.helpdesk_tables import metadata as helpdesk_metadata
from collector.storage.tables import metadata


def test_migrated_sqlite_matches_the_metadata(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    migrate(engine)
    check_schema(engine)
    combined = MetaData()
    tables = [*metadata.tables.values(), *alerts_metadata.tables.values(), *helpdesk_metadata.tables.values()]
    for table in tables:
        table.to_metadata(combined)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, combined) == []


def test_helpdesk_tables_made_before_0002_are_kept(sqlite_url: str) -> None:
    """Collectors that ran the helpdesk's old create-at-start upgrade without losing rows."""
    from alembic import command
    from sqlalchemy import text

    engine = make_engine(sqlite_url)
    command.upgrade(alembic_config(sqlite_url), "0001")
    helpdesk_metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO helpdesk_secrets (name, value) VALUES ('session', 'kept')"))
    migrate(engine)
    check_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM helpdesk_secrets")).scalar_one() == "kept"

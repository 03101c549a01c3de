"""The migrations build exactly the tables the code declares (the collector's and those of alerts/)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData

from alerts.tables import metadata as alerts_metadata
from collector.database import check_schema, make_engine, migrate
from collector.tables import metadata


def test_migrated_sqlite_matches_the_metadata(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    migrate(engine)
    check_schema(engine)
    combined = MetaData()
    for table in [*metadata.tables.values(), *alerts_metadata.tables.values()]:
        table.to_metadata(combined)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, combined) == []

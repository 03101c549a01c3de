"""Alembic environment: the collector's tables plus those of alerts/ and the helpdesk (same database)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData

from collector.storage.helpdesk_tables import metadata as helpdesk_metadata
from collector.storage.tables import metadata as collector_metadata


def _target_metadata() -> list[MetaData]:
    targets = [collector_metadata, helpdesk_metadata]
    try:
        from alerts.tables import metadata as alerts_metadata
    except ImportError:  # alerts/ not installed yet: its tables come with a later revision
        return targets
    return [*targets, alerts_metadata]


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from collector.storage.database import make_engine

        engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=_target_metadata(),
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()


run_migrations()

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


def check_reports_move_to_bounded_storage(url: str) -> None:
    """0005 on a database with reports: bodies compressed, counts folded into usage_samples by day."""
    import json
    import zlib
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import select, text

    from collector.storage import raw_bodies
    from collector.storage.tables import usage_samples

    command.upgrade(alembic_config(url), "0004")
    engine = make_engine(url)
    counts = {"internal_users": 14, "custom_lines": 900, "modules": [{"name": "acme_sale", "author": "Acme"}]}
    bodies = [
        json.dumps({"sequence": 1, "counts": counts}),
        json.dumps({"sequence": 2, "checks": []}),
        "not json",
    ]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (id, key, name, language) VALUES (1, 'acme', 'Acme', 'nl')"))
        conn.execute(text("INSERT INTO instances (id, customer_id, name, url, agent_silent) "
                          "VALUES (1, 1, 'prod', 'https://x', false)"))  # fmt: skip
        for sequence, body in enumerate(bodies, start=1):
            conn.execute(
                text("INSERT INTO reports (report_id, customer_id, instance_id, received_at, sequence, body, "
                     "agent_id) VALUES (:id, 1, 1, :at, :sequence, :body, 'agent-1')"),
                {"id": f"r{sequence}", "at": datetime(2026, 11, 30, 23, 30, tzinfo=UTC).replace(tzinfo=None),
                 "sequence": sequence, "body": body},
            )  # fmt: skip
    migrate(engine)
    check_schema(engine)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT body_z FROM reports ORDER BY sequence")).scalars().all()
        usage = conn.execute(select(usage_samples.c.day, usage_samples.c.users, usage_samples.c.lines)).one()
    assert raw_bodies.unpack(stored[0]) == {"sequence": 1, "counts": counts}
    assert zlib.decompress(stored[2]) == b"not json"  # kept as sent, compressed (at any level)
    # 23:30 UTC on 30 Nov is 00:30 on 1 December in Amsterdam: the evaluation's day.
    assert (usage.day.isoformat(), usage.users, usage.lines) == ("2026-12-01", 14, 900)
    engine.dispose()


def test_0005_compresses_existing_reports_and_keeps_their_counts(sqlite_url: str) -> None:
    check_reports_move_to_bounded_storage(sqlite_url)
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:  # the one-time VACUUM of migrate(): space given back from now on
        assert conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one() == 2


def test_0005_folds_counts_as_the_application_did_when_it_was_written(tmp_path: object) -> None:
    """0005 carries its own copy of the counts folding; on varied counts it gives the rows that
    collector.storage.usage.record_usage gives (same days, snapshots, highest users, first and last)."""
    import json
    from datetime import UTC, datetime
    from pathlib import Path
    from typing import Any

    from alembic import command
    from sqlalchemy import select, text

    from collector.storage.tables import usage_samples
    from collector.storage.usage import record_usage

    assert isinstance(tmp_path, Path)
    modules = [{"name": "acme_sale", "author": "Acme", "code": 40}]
    day = datetime(2026, 11, 30, tzinfo=UTC)
    reports: list[tuple[datetime, dict[str, Any]]] = [  # (received_at, counts)
        (day.replace(hour=9), {"internal_users": 10, "custom_lines": 100, "modules": modules}),
        (day.replace(hour=10), {"internal_users": 12, "custom_lines": 100, "modules": modules}),
        (day.replace(hour=11), {"custom_lines": 100, "modules": modules}),
        (day.replace(hour=12), {"internal_users": True, "custom_lines": "many"}),
        (day.replace(hour=13), {"internal_users": 5, "custom_lines": 200}),
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), {"internal_users": 7}),
        (datetime(2026, 12, 1, 8, 0, tzinfo=UTC), {"internal_users": 9, "modules": ["not a module", {}]}),
    ]  # fmt: skip

    def rows(url: str) -> list[tuple[object, ...]]:
        engine = make_engine(url)
        c = usage_samples.c
        with engine.connect() as conn:
            found = conn.execute(
                select(c.day, c.snapshot, c.users, c.lines, c.modules_z, c.first_at, c.last_at).order_by(
                    c.day, c.snapshot
                )
            ).all()
        engine.dispose()
        return [tuple(row) for row in found]

    migrated = f"sqlite:///{tmp_path / 'migrated.db'}"
    command.upgrade(alembic_config(migrated), "0004")
    engine = make_engine(migrated)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (id, key, name, language) VALUES (1, 'acme', 'Acme', 'nl')"))
        conn.execute(text("INSERT INTO instances (id, customer_id, name, url, agent_silent) "
                          "VALUES (1, 1, 'prod', 'https://x', false)"))  # fmt: skip
        for sequence, (at, counts) in enumerate(reports, start=1):
            conn.execute(
                text("INSERT INTO reports (report_id, customer_id, instance_id, received_at, sequence, body, "
                     "agent_id) VALUES (:id, 1, 1, :at, :sequence, :body, 'agent-1')"),
                {"id": f"r{sequence}", "at": at.replace(tzinfo=None), "sequence": sequence,
                 "body": json.dumps({"sequence": sequence, "counts": counts})},
            )  # fmt: skip
    migrate(engine)
    engine.dispose()

    direct = f"sqlite:///{tmp_path / 'direct.db'}"
    engine = make_engine(direct)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (id, key, name, language) VALUES (1, 'acme', 'Acme', 'nl')"))
        conn.execute(text("INSERT INTO instances (id, customer_id, name, url, agent_silent) "
                          "VALUES (1, 1, 'prod', 'https://x', false)"))  # fmt: skip
        for at, counts in reports:
            record_usage(conn, 1, 1, at, counts)
    engine.dispose()

    expected = rows(direct)
    assert len(expected) == 4  # the boolean/text counts fold nothing; 23:30 UTC is the next local day
    assert rows(migrated) == expected

"""The three statements every report runs, on the driver's cursor: no statement building or result
processing per call. Written for SQLite (qmark) and PostgreSQL (psycopg, format) with the same meaning
as the Core tables in tables.py; tests compare what they store with what the Core layer reads back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection

_SQL = {
    "insert_report": (
        "INSERT INTO reports (report_id, customer_id, instance_id, received_at, sequence, body_z, agent_id, "
        "observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id"
    ),
    "touch_instance": (
        "UPDATE instances SET last_report_at = ?, odoo_version = ?, "
        "last_observed_at = MAX(COALESCE(last_observed_at, ?), ?) WHERE id = ? RETURNING agent_silent"
    ),
    "conditions_of": (
        "SELECT id, check_key, state, consecutive_failures FROM conditions WHERE instance_id = ?"
    ),
}
_PG_SQL = {name: sql.replace("?", "%s").replace("MAX(", "GREATEST(") for name, sql in _SQL.items()}


class ConditionHead(NamedTuple):
    id: int
    check_key: str
    state: str
    consecutive_failures: int


def _cursor(conn: Connection) -> tuple[Any, dict[str, str], bool]:
    sqlite = conn.dialect.name == "sqlite"
    return conn.connection.driver_connection.cursor(), (_SQL if sqlite else _PG_SQL), sqlite  # type: ignore[union-attr]


def _instant(value: datetime, sqlite: bool) -> Any:
    # SQLite keeps naive UTC text in SQLAlchemy's own format; PostgreSQL takes the aware value.
    if sqlite:
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return value


def insert_report(
    conn: Connection,
    report_id: str,
    customer_id: int,
    instance_id: int,
    at: datetime,
    sequence: int,
    body: bytes,
    agent_id: str | None = None,
    observed_at: datetime | None = None,
) -> bool:
    """False when this report id, or this agent's sequence number, was stored before."""
    cursor, sql, sqlite = _cursor(conn)
    observed = _instant(observed_at or at, sqlite)
    try:
        cursor.execute(
            sql["insert_report"],
            (report_id, customer_id, instance_id, _instant(at, sqlite), sequence, body, agent_id, observed),
        )
        return cursor.fetchone() is not None
    finally:
        cursor.close()


def touch_instance(
    conn: Connection,
    instance_id: int,
    at: datetime,
    odoo_version: str | None,
    observed: datetime | None = None,
) -> bool:
    """Record the report's arrival; returns whether the instance was marked silent."""
    cursor, sql, sqlite = _cursor(conn)
    seen = _instant(observed or at, sqlite)
    try:
        cursor.execute(sql["touch_instance"], (_instant(at, sqlite), odoo_version, seen, seen, instance_id))
        row = cursor.fetchone()
        return bool(row[0]) if row else False
    finally:
        cursor.close()


def conditions_of(conn: Connection, instance_id: int) -> list[ConditionHead]:
    cursor, sql, _ = _cursor(conn)
    try:
        cursor.execute(sql["conditions_of"], (instance_id,))
        return [ConditionHead(*row) for row in cursor.fetchall()]
    finally:
        cursor.close()


# -- the same work for a whole group-commit batch: a few round trips instead of three per report ------


def _sql(sqlite: bool, text: str) -> str:
    return text if sqlite else text.replace("?", "%s")


ReportRow = tuple[str, int, int, datetime, int, bytes, str | None, datetime]  # body: raw_bodies.pack


def insert_reports(conn: Connection, rows: list[ReportRow]) -> set[str]:
    """Insert many reports in one statement; returns the report ids that were new (neither the id nor
    the agent's sequence number seen before)."""
    if not rows:
        return set()
    cursor, _, sqlite = _cursor(conn)
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows))
    params: list[Any] = []
    for report_id, customer_id, instance_id, at, sequence, body, agent_id, observed in rows:
        params += [report_id, customer_id, instance_id, _instant(at, sqlite), sequence, body]
        params += [agent_id, _instant(observed, sqlite)]
    try:
        cursor.execute(
            _sql(
                sqlite,
                "INSERT INTO reports (report_id, customer_id, instance_id, received_at, sequence, body_z, "
                f"agent_id, observed_at) VALUES {values} ON CONFLICT DO NOTHING RETURNING report_id",
            ),
            params,
        )
        return {row[0] for row in cursor.fetchall()}
    finally:
        cursor.close()


def touch_instances(conn: Connection, rows: list[tuple[int, datetime, str | None, datetime]]) -> set[int]:
    """Record arrivals (instance id, time, version, observed); returns the instances marked silent."""
    if not rows:
        return set()
    cursor, _, sqlite = _cursor(conn)
    ids = sorted({row[0] for row in rows})
    marks = ", ".join(["?"] * len(ids))
    try:
        cursor.execute(_sql(sqlite, f"SELECT id FROM instances WHERE agent_silent AND id IN ({marks})"), ids)
        silent = {row[0] for row in cursor.fetchall()}
        cursor.executemany(
            _sql(
                sqlite,
                "UPDATE instances SET last_report_at = ?, odoo_version = ?, "
                f"last_observed_at = {_greatest(sqlite)}(COALESCE(last_observed_at, ?), ?) WHERE id = ?",
            ),
            [
                (_instant(at, sqlite), version, _instant(seen, sqlite), _instant(seen, sqlite), instance_id)
                # In instance order: the row locks are taken in one order by every replica's batch.
                for instance_id, at, version, seen in sorted(rows, key=lambda row: row[0])
            ],
        )
        return silent
    finally:
        cursor.close()


def _greatest(sqlite: bool) -> str:
    return "MAX" if sqlite else "GREATEST"


def last_observed(conn: Connection, instance_ids: list[int]) -> dict[int, datetime | None]:
    """Each instance's latest stored observation time (the lower bound for its next report)."""
    if not instance_ids:
        return {}
    cursor, _, sqlite = _cursor(conn)
    marks = ", ".join(["?"] * len(instance_ids))
    try:
        cursor.execute(
            _sql(sqlite, f"SELECT id, last_observed_at FROM instances WHERE id IN ({marks})"), instance_ids
        )
        return {row[0]: _read_instant(row[1]) for row in cursor.fetchall()}
    finally:
        cursor.close()


def _read_instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite: naive UTC text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def conditions_for(conn: Connection, instance_ids: list[int]) -> dict[int, list[ConditionHead]]:
    found: dict[int, list[ConditionHead]] = {instance_id: [] for instance_id in instance_ids}
    if not instance_ids:
        return found
    cursor, _, sqlite = _cursor(conn)
    marks = ", ".join(["?"] * len(instance_ids))
    try:
        cursor.execute(
            _sql(
                sqlite,
                "SELECT instance_id, id, check_key, state, consecutive_failures FROM conditions "
                f"WHERE instance_id IN ({marks})",
            ),
            instance_ids,
        )
        for instance_id, *rest in cursor.fetchall():
            found[instance_id].append(ConditionHead(*rest))
        return found
    finally:
        cursor.close()


def pruned_through(conn: Connection, agents: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Per (customer, agent): the highest sequence whose raw report retention deleted (absent: none)."""
    if not agents:
        return {}
    cursor, _, sqlite = _cursor(conn)
    customers = sorted({customer for customer, _ in agents})
    marks = ", ".join(["?"] * len(customers))
    wanted = set(agents)
    try:
        cursor.execute(
            _sql(
                sqlite,
                "SELECT customer_id, agent_id, through_sequence FROM pruned_sequences "
                f"WHERE customer_id IN ({marks})",
            ),
            customers,
        )
        return {(row[0], row[1]): row[2] for row in cursor.fetchall() if (row[0], row[1]) in wanted}
    finally:
        cursor.close()


_UPSERT_USAGE = (
    "INSERT INTO usage_samples (customer_id, instance_id, day, snapshot, users, lines, modules_z, first_at, "
    "last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instance_id, day, snapshot) DO UPDATE SET {}"
)
# The higher user count of the two, either may be NULL (GREATEST skips NULLs; SQLite's MAX would not).
_USAGE_SQLITE = (
    "users = MAX(COALESCE(users, excluded.users), COALESCE(excluded.users, users)), "
    "last_at = MAX(last_at, excluded.last_at)"
)
_USAGE_PG = (
    "users = GREATEST(usage_samples.users, excluded.users), "
    "last_at = GREATEST(usage_samples.last_at, excluded.last_at)"
)


def upsert_usage(
    conn: Connection,
    customer_id: int,
    instance_id: int,
    day: date,
    snapshot: str,
    users: int | None,
    lines: int | None,
    modules_z: bytes | None,
    at: datetime,
) -> None:
    """Fold one counts snapshot into its (instance, day, snapshot) row of usage_samples."""
    cursor, _, sqlite = _cursor(conn)
    sql = _sql(sqlite, _UPSERT_USAGE.format(_USAGE_SQLITE if sqlite else _USAGE_PG))
    stamp, on = _instant(at, sqlite), (day.isoformat() if sqlite else day)
    try:
        cursor.execute(sql, (customer_id, instance_id, on, snapshot, users, lines, modules_z, stamp, stamp))
    finally:
        cursor.close()

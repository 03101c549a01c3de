"""Ticket numbers PS-YYYY-NNNNN from a per-year counter row, safe under concurrent writers.

The UPDATE takes the row's write lock (PostgreSQL) or the database write lock (SQLite, BEGIN IMMEDIATE),
so two transactions never receive the same value; a rolled-back transaction gives its value back.
"""

from __future__ import annotations

from sqlalchemy import Connection, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from collector.storage import tables as t


def format_number(year: int, value: int) -> str:
    return f"PS-{year:04d}-{value:05d}"


def next_number(conn: Connection, year: int) -> str:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(t.ticket_sequences).values(year=year, last_value=0).on_conflict_do_nothing())
    value = conn.execute(
        update(t.ticket_sequences)
        .where(t.ticket_sequences.c.year == year)
        .values(last_value=t.ticket_sequences.c.last_value + 1)
        .returning(t.ticket_sequences.c.last_value)
    ).scalar_one()
    return format_number(year, int(value))

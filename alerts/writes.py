"""Transactions that read and then write take SQLite's write lock at BEGIN (BEGIN IMMEDIATE).

A deferred transaction that read first cannot upgrade to a write while another process writes: SQLite
answers "database is locked" at once, without waiting for busy_timeout. Engines made by
collector.storage.database.make_engine emit the BEGIN mode this option names; others ignore it.
"""

from __future__ import annotations

from sqlalchemy import Engine


def writing(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions begin IMMEDIATE on SQLite."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(sqlite_begin="IMMEDIATE")

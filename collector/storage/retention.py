"""Retention: raw reports are deleted after retention.raw_report_hours; conditions, flips, tickets and
the counts history (usage_samples) stay.

Deletes run in small transactions with a pause between them, so the ingest writer (which needs the same
SQLite write lock) waits at most one small batch. Each batch first raises its agents' pruned sequence
(pruned_sequences), so a replay of a deleted report is still recognised as a duplicate. On SQLite the
freed pages go back to the file system in small steps (auto_vacuum=INCREMENTAL, see database.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, select

from collector.storage import tables as t
from collector.storage.database import writing
from prioritysupport.clock import Clock

log = logging.getLogger("prioritysupport.collector.retention")


@dataclass(frozen=True)
class PrunePace:
    batch_rows: int = 2000  # rows per transaction: a few milliseconds of write lock
    pause_seconds: float = 0.05  # between batches, for the ingest writer
    vacuum_pages: int = 256  # SQLite pages given back per step (1 MB at 4 kB pages)


def prune_reports(
    engine: Engine,
    older_than: datetime,
    batch: int | None = None,
    *,
    pace: PrunePace | None = None,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Delete raw reports received before `older_than`; returns how many were deleted."""
    pace = pace or PrunePace()
    size = batch or pace.batch_rows
    total = 0
    while not should_stop():
        with writing(engine).begin() as conn:
            deleted = _prune_batch(conn, older_than, size)
        total += deleted
        if deleted < size:
            break
        sleep(pace.pause_seconds)
    if total:
        give_back_space(engine, pace, sleep=sleep, should_stop=should_stop)
    return total


def _prune_batch(conn: Connection, older_than: datetime, size: int) -> int:
    r = t.reports.c
    rows = conn.execute(
        select(r.id, r.customer_id, r.agent_id, r.sequence)
        .where(r.received_at < older_than)
        .order_by(r.received_at)
        .limit(size)
    ).all()
    if not rows:
        return 0
    highest: dict[tuple[int, str], int] = {}
    for row in rows:
        if row.agent_id is not None:
            key = (row.customer_id, row.agent_id)
            highest[key] = max(highest.get(key, row.sequence), row.sequence)
    _raise_floors(conn, highest)
    conn.execute(delete(t.reports).where(r.id.in_([row.id for row in rows])))
    return len(rows)


def _raise_floors(conn: Connection, highest: dict[tuple[int, str], int]) -> None:
    if not highest:
        return
    p = t.pruned_sequences.c
    known = {
        (row.customer_id, row.agent_id): row.through_sequence
        for row in conn.execute(
            select(p.customer_id, p.agent_id, p.through_sequence).where(
                p.customer_id.in_(sorted({customer for customer, _ in highest}))
            )
        )
    }
    for (customer_id, agent_id), sequence in highest.items():
        if (customer_id, agent_id) not in known:
            conn.execute(
                t.pruned_sequences.insert().values(
                    customer_id=customer_id, agent_id=agent_id, through_sequence=sequence
                )
            )
        elif sequence > known[(customer_id, agent_id)]:
            conn.execute(
                t.pruned_sequences.update()
                .where(p.customer_id == customer_id, p.agent_id == agent_id)
                .values(through_sequence=sequence)
            )


def give_back_space(
    engine: Engine,
    pace: PrunePace | None = None,
    *,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """SQLite with auto_vacuum=INCREMENTAL: free pages back to the file system, a step at a time.
    Returns the pages given back (0 on PostgreSQL, where autovacuum reuses the space)."""
    if engine.dialect.name != "sqlite":
        return 0
    pace = pace or PrunePace()
    given = 0
    while not should_stop():
        with engine.connect() as conn:
            free = int(conn.exec_driver_sql("PRAGMA freelist_count").scalar_one())
            if free == 0 or conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one() != 2:
                return given
        step = min(free, pace.vacuum_pages)
        raw = engine.raw_connection()
        try:
            # executescript runs the statement to the end (one step of a plain execute frees one page),
            # in its own short write transaction.
            raw.driver_connection.executescript(f"PRAGMA incremental_vacuum({int(step)});")  # type: ignore[union-attr]
        finally:
            raw.close()
        given += step
        sleep(pace.pause_seconds)
    return given


class RetentionTask:
    """Prunes raw reports every `every` (real time) in its own thread; the cutoff comes from the clock."""

    def __init__(
        self, engine: Engine, clock: Clock, keep: timedelta, every: timedelta, pace: PrunePace | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.keep = keep
        self.every = every
        self.pace = pace or PrunePace()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="collector-retention", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def run_once(self) -> int:
        return prune_reports(
            self.engine,
            self.clock.now() - self.keep,
            pace=self.pace,
            sleep=self._stop.wait,
            should_stop=self._stop.is_set,
        )

    def _run(self) -> None:
        while not self._stop.wait(self.every.total_seconds()):
            try:
                deleted = self.run_once()
            except Exception as exc:  # keep the schedule through a database hiccup
                log.error("pruning raw reports failed: %s", exc)
                continue
            if deleted:
                log.info("pruned %d raw report(s) older than %s", deleted, self.keep)

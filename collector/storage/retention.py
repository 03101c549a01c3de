"""Retention: raw reports are deleted after retention.raw_report_hours; conditions, flips, tickets and
the counts history (usage_samples) stay.

A round is gentle with ingest, which needs the same SQLite write lock:
- the rows to delete are found once, through the received_at index (the lowest and highest id older than
  the cutoff); after that every batch is a primary-key range, so no batch searches or sorts;
- what a batch must remember (its agents' highest sequence, for pruned_sequences, so a replay of a
  deleted report is still a duplicate) is read before the write transaction, which readers may do
  beside the writer in WAL mode: the write lock covers only the floor upsert and the range delete;
- each write transaction takes the process's writer turn (GroupCommitWriter.turn), so the group-commit
  writer gets in between two batches at once instead of polling SQLite's busy timeout, and a pause
  follows every batch;
- after each batch a PASSIVE checkpoint copies its pages into the file, so the WAL stays small;
- freed pages go back to the file system in small incremental_vacuum steps, under the same turn.
How long each batch held the write lock is measured (PruneStats) and logged after every round.
"""

from __future__ import annotations

import logging
import signal
import statistics
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from collector.storage import tables as t
from collector.storage.database import writing
from prioritysupport.clock import Clock

log = logging.getLogger("prioritysupport.collector.retention")

# Holds the process's other writer off while a batch writes (GroupCommitWriter.turn); none by default.
WriterTurn = Callable[[], AbstractContextManager[Any]]


@dataclass(frozen=True)
class PrunePace:
    batch_rows: int = 250  # ids per delete: 8 ms of write lock (p50) on 2 busy cores, docs/benchmarks.md
    pause_seconds: float = 0.02  # after every batch, for the ingest writer
    vacuum_pages: int = 128  # SQLite pages given back per step (512 kB at 4 kB pages)


@dataclass
class PruneStats:
    """One round: rows deleted, and how long each write transaction held the lock (seconds)."""

    deleted: int = 0
    batch_holds: list[float] = field(default_factory=list)
    vacuum_holds: list[float] = field(default_factory=list)
    pages_given_back: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.deleted} row(s) in {len(self.batch_holds)} batch(es), {self.seconds:.1f} s; "
            f"write lock per batch {_spread(self.batch_holds)}; {self.pages_given_back} page(s) given "
            f"back in {len(self.vacuum_holds)} step(s), lock per step {_spread(self.vacuum_holds)}"
        )


def _spread(holds: list[float]) -> str:
    if not holds:
        return "-"
    ordered = sorted(holds)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    middle = statistics.median(ordered)
    return f"p50 {middle * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def prune_reports(
    engine: Engine,
    older_than: datetime,
    batch: int | None = None,
    *,
    pace: PrunePace | None = None,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    turn: WriterTurn = nullcontext,
) -> int:
    """Delete raw reports received before `older_than`; returns how many were deleted."""
    stats = prune_round(engine, older_than, batch, pace=pace, sleep=sleep, should_stop=should_stop, turn=turn)
    return stats.deleted


def prune_round(
    engine: Engine,
    older_than: datetime,
    batch: int | None = None,
    *,
    pace: PrunePace | None = None,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    turn: WriterTurn = nullcontext,
) -> PruneStats:
    """prune_reports, measured: per batch the time the write lock was held."""
    pace = pace or PrunePace()
    size = batch or pace.batch_rows
    stats = PruneStats()
    began = time.perf_counter()
    span = _id_span(engine, older_than)
    start = span[0] if span else None
    while span is not None and start is not None and start <= span[1] and not should_stop():
        end = min(start + size - 1, span[1])
        deleted, held = _prune_range(engine, older_than, start, end, turn)
        stats.deleted += deleted
        stats.batch_holds.append(held)
        _checkpoint(engine)
        start = _next_id(engine, end)
        if start is not None and start <= span[1]:
            sleep(pace.pause_seconds)
    if stats.deleted:
        stats.pages_given_back = give_back_space(
            engine, pace, sleep=sleep, should_stop=should_stop, turn=turn, holds=stats.vacuum_holds
        )
    stats.seconds = time.perf_counter() - began
    return stats


def _checkpoint(engine: Engine) -> None:
    """SQLite: copy the batch's pages from the WAL into the file now (PASSIVE: never blocks the writer or
    readers). A batch dirties hundreds of index pages; without this the WAL outgrows the checkpointer
    (gigabytes for 1 M rows) and every read searches a longer WAL index. It also paces the round to
    what the disk can take."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # type: ignore[union-attr]
    finally:
        raw.close()


def _id_span(engine: Engine, older_than: datetime) -> tuple[int, int] | None:
    """The lowest and highest id received before the cutoff, read once through the received_at index.
    Later rows get higher ids, so nothing above the span can become old enough during the round."""
    r = t.reports.c
    with engine.connect() as conn:
        low, high = conn.execute(
            select(func.min(r.id), func.max(r.id)).where(r.received_at < older_than)
        ).one()
    return None if low is None else (int(low), int(high))


def _next_id(engine: Engine, after: int) -> int | None:
    """The next stored id (primary key lookup): ranges emptied earlier are skipped, not walked."""
    with engine.connect() as conn:
        found = conn.execute(select(func.min(t.reports.c.id)).where(t.reports.c.id > after)).scalar()
    return None if found is None else int(found)


def _prune_range(
    engine: Engine, older_than: datetime, low: int, high: int, turn: WriterTurn
) -> tuple[int, float]:
    """Delete the old rows with ids in [low, high]; returns (rows deleted, seconds the lock was held)."""
    r = t.reports.c
    in_range = and_(r.id >= low, r.id <= high, r.received_at < older_than)
    with engine.connect() as conn:  # a reader: it runs beside the writer
        highest = conn.execute(
            select(r.customer_id, r.agent_id, func.max(r.sequence))
            .where(in_range, r.agent_id.is_not(None))
            .group_by(r.customer_id, r.agent_id)
        ).all()
    with turn(), writing(engine).begin() as conn:
        taken = time.perf_counter()
        _raise_floors(conn, [(row[0], row[1], row[2]) for row in highest])
        deleted = conn.execute(delete(t.reports).where(in_range)).rowcount
    return int(deleted or 0), time.perf_counter() - taken


def _raise_floors(conn: Connection, highest: list[tuple[int, str, int]]) -> None:
    """Per agent, pruned_sequences becomes the higher of what it held and the batch's highest sequence."""
    if not highest:
        return
    pg = conn.dialect.name == "postgresql"
    insert = (postgresql.insert if pg else sqlite.insert)(t.pruned_sequences)
    held, new = t.pruned_sequences.c.through_sequence, insert.excluded.through_sequence
    higher = func.greatest(held, new) if pg else func.max(held, new)  # SQLite's two-argument max
    statement = insert.on_conflict_do_update(
        index_elements=["customer_id", "agent_id"], set_={"through_sequence": higher}
    )
    conn.execute(
        statement,
        [
            {"customer_id": customer, "agent_id": agent, "through_sequence": sequence}
            for customer, agent, sequence in highest
        ],
    )


def give_back_space(
    engine: Engine,
    pace: PrunePace | None = None,
    *,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    turn: WriterTurn = nullcontext,
    holds: list[float] | None = None,
) -> int:
    """SQLite with auto_vacuum=INCREMENTAL: free pages back to the file system, a small step at a time,
    each its own short write transaction under the writer turn. Returns the pages given back (0 on
    PostgreSQL, where autovacuum reuses the space). `holds` collects each step's lock time."""
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
            with turn():
                taken = time.perf_counter()
                # executescript runs the statement to the end (one step of a plain execute frees one
                # page), in its own short write transaction.
                raw.driver_connection.executescript(f"PRAGMA incremental_vacuum({int(step)});")  # type: ignore[union-attr]
                if holds is not None:
                    holds.append(time.perf_counter() - taken)
        finally:
            raw.close()
        given += step
        sleep(pace.pause_seconds)
    return given


class RetentionTask:
    """Prunes raw reports every `every` (real time) in its own thread; the cutoff comes from the clock.
    run_soon() (or SIGUSR1, see run_on_signal) starts a round now."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        keep: timedelta,
        every: timedelta,
        pace: PrunePace | None = None,
        turn: WriterTurn = nullcontext,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.keep = keep
        self.every = every
        self.pace = pace or PrunePace()
        self.turn = turn
        self.last: PruneStats | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="collector-retention", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(5)

    def run_soon(self) -> None:
        self._wake.set()

    def run_once(self) -> int:
        self.last = prune_round(
            self.engine,
            self.clock.now() - self.keep,
            pace=self.pace,
            sleep=self._stop.wait,
            should_stop=self._stop.is_set,
            turn=self.turn,
        )
        return self.last.deleted

    def _run(self) -> None:
        while True:
            self._wake.wait(self.every.total_seconds())
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                deleted = self.run_once()
            except Exception as exc:  # keep the schedule through a database hiccup
                log.error("pruning raw reports failed: %s", exc)
                continue
            if deleted and self.last is not None:
                log.info("pruned raw reports older than %s: %s", self.keep, self.last.summary())


def run_on_signal(task: RetentionTask, signum: int = signal.SIGUSR1) -> bool:
    """`kill -USR1 <collector pid>` starts a pruning round now (after lowering the retention, or for the
    prune benchmark). Only the main thread may install a handler; elsewhere (an app in a test's thread)
    this does nothing and returns False."""
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signum, lambda _signum, _frame: task.run_soon())
    return True

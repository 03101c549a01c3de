"""One writer thread that batches work from concurrent requests into one transaction.

Each request waits on a future that is completed only after its batch has committed, so a report is
acknowledged only once it is durable. A failing item is retried alone, so it cannot sink the others.

Two ways in: `submit` from any thread (a concurrent Future per item), and `submit_from_loop` from an
asyncio event loop, where every item submitted in one loop turn is handed to the writer together and
every answer of a batch comes back in one call on the loop: one cross-thread wake-up each way per
batch, instead of a queue notify and a loop wake-up per item.

With `on_loop` (SQLite) the loop's items are written on the loop itself, a batch per linger, whenever
the write turn and SQLite's write lock are free at that moment: no thread hand-off at all. The thread
takes a batch when either is held (the loop never waits for a lock) and on PostgreSQL, whose round
trips would stall the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

from collector.storage.database import writing

Item = TypeVar("Item")

# The on-loop writer's page cache (SQLite's default is 2 MB): the index leaves a fleet's reports land
# on, at random, stay in memory instead of being read from the file for every batch.
LOOP_WRITER_CACHE_KIB = 64 * 1024

_STOP = object()


@dataclass
class _Pending(Generic[Item]):
    item: Item
    future: Future[Any] | asyncio.Future[Any]


@dataclass
class _LoopTurn(Generic[Item]):
    """Items submitted on one event loop in one turn of it, handed over in one queue put."""

    loop: asyncio.AbstractEventLoop
    items: list[_Pending[Item]] = field(default_factory=list)


@dataclass
class _Outcome:
    value: Any = None
    error: BaseException | None = None


def _settle(answers: list[tuple[asyncio.Future[Any], _Outcome]]) -> None:
    """On the event loop: complete the futures of one batch (a request may have gone away meanwhile)."""
    for future, outcome in answers:
        if future.done():
            continue
        if outcome.error is not None:
            future.set_exception(outcome.error)
        else:
            future.set_result(outcome.value)


class GroupCommitWriter(Generic[Item]):
    def __init__(
        self,
        engine: Engine,
        handle: Callable[[Connection, Item], Any],
        *,
        max_batch: int = 256,
        name: str = "group-commit",
        on_rollback: Callable[[], None] | None = None,
        handle_batch: Callable[[Connection, list[Item]], list[Any]] | None = None,
        observe: Callable[[int, float], None] | None = None,
        linger: float = 0.005,
        on_loop: bool = False,
    ) -> None:
        # After the first item of a batch the writer waits `linger` seconds for more: a batch's BEGIN,
        # look-ups and commit cost as much as storing several reports, and agents arriving one by one
        # would otherwise each pay for them. Fleet benchmark, 10,000 agents at 1,000/s on a quiet
        # machine: the writer's CPU per report 0.33 ms at 5 ms, 0.24 ms at 10 ms ([server]
        # ingest_linger_ms, 10 by default); 2 ms cost more again.
        self._linger = linger
        # SQLite only: batches submitted from the event loop are written on the loop itself while the
        # write lock is free (see _flush_on_loop); the thread takes them when it is not.
        self._on_loop = on_loop
        self._loop_batch: list[_Pending[Item]] = []
        self._loop_timer: asyncio.TimerHandle | None = None
        self._loop_conn: Connection | None = None
        self.observe = observe  # (batch size, seconds) after every committed batch
        self._on_rollback = on_rollback
        self._handle_batch = handle_batch
        self._engine = engine
        self._handle = handle
        self._max_batch = max_batch
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False
        self._turn = threading.Lock()  # the write turn, shared with retention (see turn())
        self._collecting: _LoopTurn[Item] | None = None  # this event loop turn's items, not handed over yet
        self.batches = 0
        self.items = 0

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def turn(self) -> AbstractContextManager[bool]:
        """Held while a batch writes: another writer of this process (retention) takes it around its own
        short transactions, so the two alternate at once instead of polling SQLite's busy timeout."""
        return self._turn

    def submit(self, item: Item) -> Future[Any]:
        future: Future[Any] = Future()
        self._queue.put(_Pending(item, future))
        return future

    def submit_from_loop(self, item: Item) -> asyncio.Future[Any]:
        """From the running event loop: the item joins this loop turn's hand-over to the writer."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if self._on_loop:
            self._loop_batch.append(_Pending(item, future))
            if self._loop_timer is None:
                self._loop_timer = loop.call_later(self._linger, self._flush_on_loop, loop)
            return future
        turn = self._collecting
        if turn is None or turn.loop is not loop:
            turn = self._collecting = _LoopTurn(loop)
            loop.call_soon(self._hand_over, turn)
        turn.items.append(_Pending(item, future))
        return future

    def _flush_on_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Write the items gathered on the loop during the linger, on the loop: no thread hand-off, no
        interpreter lock passed back and forth, answers set directly. Only while nobody holds the write
        turn and SQLite's write lock is free at once (the loop never waits for a lock); otherwise, and
        for any failure (the thread retries each item alone), the writer thread takes the batch."""
        self._loop_timer = None
        batch, self._loop_batch = self._loop_batch, []
        for start in range(0, len(batch), self._max_batch):
            chunk = batch[start : start + self._max_batch]
            outcomes = self._write_now(chunk)
            if outcomes is None:
                self._queue.put(_LoopTurn(loop, chunk))
            else:
                _settle([(p.future, outcome) for p, outcome in zip(chunk, outcomes, strict=True)])  # type: ignore[misc]

    def _write_now(self, batch: list[_Pending[Item]]) -> list[_Outcome] | None:
        if not self._turn.acquire(blocking=False):
            return None
        try:
            started = time.perf_counter()
            items = [pending.item for pending in batch]
            began = False
            conn = self._loop_connection()
            with conn.begin():
                began = True
                values = (
                    self._handle_batch(conn, items)
                    if self._handle_batch is not None
                    else [self._handle(conn, item) for item in items]
                )
        except Exception:
            # Busy at BEGIN: nothing happened, the thread waits its turn. Failed after: caches may hold
            # what was rolled back, and the thread retries each item alone.
            if began and self._on_rollback is not None:
                self._on_rollback()
            self._drop_loop_connection()
            return None
        finally:
            self._turn.release()
        self.batches += 1
        self.items += len(batch)
        if self.observe is not None:
            self.observe(len(batch), time.perf_counter() - started)
        return [_Outcome(value) for value in values]

    def _loop_connection(self) -> Connection:
        """The on-loop writer's own connection, kept between batches: SQLite empties a connection's page
        cache whenever another connection wrote, so a pooled one (changing hands) starts every batch
        cold and reads each index page again."""
        conn = self._loop_conn
        if conn is None:
            conn = self._engine.connect()
            raw: Any = conn.connection.driver_connection
            raw.execute("PRAGMA busy_timeout=0")  # BEGIN IMMEDIATE fails at once instead of waiting
            raw.execute(f"PRAGMA cache_size=-{LOOP_WRITER_CACHE_KIB}")
            conn.execution_options(sqlite_begin="IMMEDIATE")  # as writing() asks, on this connection
            self._loop_conn = conn
        return conn

    def _drop_loop_connection(self) -> None:
        # Closed for good, not returned to the pool: nobody else may get its zero busy timeout.
        conn, self._loop_conn = self._loop_conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.invalidate()
                conn.close()

    def _hand_over(self, turn: _LoopTurn[Item]) -> None:
        if self._collecting is turn:
            self._collecting = None
        self._queue.put(turn)

    def stop(self, timeout: float = 10.0) -> None:
        self._drop_loop_connection()
        if self._started:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._started = False

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch: list[_Pending[Item]] = []
            self._add(batch, first)
            if self._linger > 0 and len(batch) < self._max_batch:
                time.sleep(self._linger)
            stop_after = False
            while len(batch) < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop_after = True
                    break
                self._add(batch, more)
            # A loop turn may bring more than max_batch: keep each transaction (and statement) bounded.
            for start in range(0, len(batch), self._max_batch):
                chunk = batch[start : start + self._max_batch]
                self._answer(chunk, self._write(chunk))
            if stop_after:
                return

    @staticmethod
    def _add(batch: list[_Pending[Item]], entry: Any) -> None:
        if isinstance(entry, _LoopTurn):
            batch.extend(entry.items)
        else:
            batch.append(entry)

    def _write(self, batch: list[_Pending[Item]]) -> list[_Outcome]:
        """The whole batch in one transaction; if anything fails, each item alone, so one bad item
        sinks only itself (no savepoint per item on the fast path)."""
        started = time.perf_counter()
        try:
            with self._turn, writing(self._engine).begin() as conn:
                if self._handle_batch is not None:
                    values = self._handle_batch(conn, [pending.item for pending in batch])
                else:
                    values = [self._handle(conn, pending.item) for pending in batch]
        except Exception:
            if self._on_rollback is not None:
                self._on_rollback()
            return [self._write_one(pending) for pending in batch]
        self.batches += 1
        self.items += len(batch)
        if self.observe is not None:
            self.observe(len(batch), time.perf_counter() - started)
        return [_Outcome(value) for value in values]

    def _write_one(self, pending: _Pending[Item]) -> _Outcome:
        try:
            with self._turn, writing(self._engine).begin() as conn:
                value = self._handle(conn, pending.item)
        except Exception as exc:
            return _Outcome(error=exc)
        self.batches += 1
        self.items += 1
        return _Outcome(value)

    @staticmethod
    def _answer(batch: list[_Pending[Item]], outcomes: list[_Outcome]) -> None:
        """Thread futures at once; the loop's futures in one call per event loop."""
        on_loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], _Outcome]]] = {}
        for pending, outcome in zip(batch, outcomes, strict=True):
            future = pending.future
            if isinstance(future, Future):
                if outcome.error is not None:
                    future.set_exception(outcome.error)
                else:
                    future.set_result(outcome.value)
            else:
                on_loops.setdefault(future.get_loop(), []).append((future, outcome))
        for loop, answers in on_loops.items():
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, answers)

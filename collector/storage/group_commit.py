"""One writer thread that batches work from concurrent requests into one transaction.

Each request waits on a future that is completed only after its batch has committed, so a report is
acknowledged only once it is durable. A failing item is retried alone, so it cannot sink the others.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

from collector.storage.database import writing

Item = TypeVar("Item")

_STOP = object()


@dataclass
class _Pending(Generic[Item]):
    item: Item
    future: Future[Any]


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
    ) -> None:
        self.observe = observe  # (batch size, seconds) after every committed batch
        self._on_rollback = on_rollback
        self._handle_batch = handle_batch
        self._engine = engine
        self._handle = handle
        self._max_batch = max_batch
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False
        self._turn = threading.Lock()
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

    def stop(self, timeout: float = 10.0) -> None:
        if self._started:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._started = False

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch: list[_Pending[Item]] = [first]
            stop_after = False
            while len(batch) < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop_after = True
                    break
                batch.append(more)
            self._write(batch)
            if stop_after:
                return

    def _write(self, batch: list[_Pending[Item]]) -> None:
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
            for pending in batch:
                self._write_one(pending)
            return
        self.batches += 1
        self.items += len(batch)
        if self.observe is not None:
            self.observe(len(batch), time.perf_counter() - started)
        for pending, value in zip(batch, values, strict=True):
            pending.future.set_result(value)

    def _write_one(self, pending: _Pending[Item]) -> None:
        try:
            with self._turn, writing(self._engine).begin() as conn:
                value = self._handle(conn, pending.item)
        except Exception as exc:
            pending.future.set_exception(exc)
            return
        self.batches += 1
        self.items += 1
        pending.future.set_result(value)

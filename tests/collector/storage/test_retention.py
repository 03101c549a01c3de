"""Retention: raw reports pruned in small batches, replays of pruned reports still duplicates, the counts
history kept, and SQLite giving the freed space back."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import func, select

from collector.ingest.pipeline import store_batch
from collector.service import Collector
from collector.storage import raw_bodies
from collector.storage import tables as t
from collector.storage.after_commit import transaction
from collector.storage.retention import (
    PrunePace,
    RetentionTask,
    give_back_space,
    prune_reports,
    prune_round,
    run_on_signal,
)
from tests.collector.conftest import report
from tests.collector.ingest.test_group_commit import incoming


def _count(collector: Collector, table: object = t.reports) -> int:
    with collector.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_bodies_are_stored_compressed_and_read_back(collector: Collector) -> None:
    document = report()
    with transaction(collector.engine) as conn:
        assert store_batch(collector.store, conn, [incoming(collector, document)]) == [True]
    with collector.engine.connect() as conn:
        stored = conn.execute(select(t.reports.c.body_z)).scalar_one()
    assert raw_bodies.unpack(stored) == document


def test_prune_goes_in_batches_with_a_pause_and_replays_stay_duplicates(collector: Collector) -> None:
    old = [incoming(collector, report()) for _ in range(7)]
    with transaction(collector.engine) as conn:
        assert store_batch(collector.store, conn, old) == [True] * 7
    collector.clock.advance(timedelta(hours=30))
    recent = incoming(collector, report())
    with transaction(collector.engine) as conn:
        store_batch(collector.store, conn, [recent])
    pauses: list[float] = []
    deleted = prune_reports(
        collector.engine,
        collector.clock.now() - timedelta(hours=24),
        pace=PrunePace(batch_rows=3, pause_seconds=0.25),
        sleep=pauses.append,
    )
    assert deleted == 7 and _count(collector) == 1
    assert pauses[:2] == [0.25, 0.25]  # 3 + 3 + 1 rows: a pause after each full batch
    with collector.engine.connect() as conn:
        floor = conn.execute(select(t.pruned_sequences.c.through_sequence)).scalar_one()
    assert floor == max(r.document["sequence"] for r in old)  # type: ignore[type-var]
    # An agent replaying a pruned report (same id, or only the same sequence) is told it was stored.
    replays = [
        old[2],
        incoming(collector, {**old[-1].document, "report_id": "6f1c1a8e-0000-4000-8000-000000000001"}),
    ]
    with transaction(collector.engine) as conn:
        assert store_batch(collector.store, conn, replays) == [False, False]
    with transaction(collector.engine) as conn:
        assert collector.store(conn, old[0]) is False
    assert _count(collector) == 1


def test_prune_leaves_the_counts_history(collector: Collector) -> None:
    counts = {"counted_at": "2026-11-27T11:00:00+00:00", "internal_users": 12, "custom_lines": 800}
    with transaction(collector.engine) as conn:
        store_batch(collector.store, conn, [incoming(collector, report(counts=counts))])
    collector.clock.advance(timedelta(days=3))
    assert prune_reports(collector.engine, collector.clock.now() - timedelta(hours=24)) == 1
    with collector.engine.connect() as conn:
        kept = conn.execute(select(t.usage_samples.c.users, t.usage_samples.c.lines)).one()
    assert tuple(kept) == (12, 800)


def test_the_service_task_prunes_by_its_clock(collector: Collector) -> None:
    with transaction(collector.engine) as conn:
        store_batch(collector.store, conn, [incoming(collector, report()) for _ in range(3)])
    task = RetentionTask(collector.engine, collector.clock, timedelta(hours=24), timedelta(minutes=10))
    assert task.run_once() == 0
    collector.clock.advance(timedelta(hours=25))
    assert task.run_once() == 3 and _count(collector) == 0


def test_sqlite_gives_the_space_back(collector: Collector) -> None:
    path = collector.engine.url.database
    assert path is not None
    with collector.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one() == 2  # INCREMENTAL
    big = [incoming(collector, report(checks=[{"key": f"k{i}", "kind": "http", "status": "ok",
                                               "detail": os.urandom(200).hex()} for i in range(20)]))
           for _ in range(200)]  # fmt: skip
    with transaction(collector.engine) as conn:
        store_batch(collector.store, conn, big)
    collector.clock.advance(timedelta(days=2))
    prune_reports(collector.engine, collector.clock.now(), pace=PrunePace(pause_seconds=0))
    with collector.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA freelist_count").scalar_one() == 0
    assert give_back_space(collector.engine, PrunePace(pause_seconds=0)) == 0


def _store(collector: Collector, count: int) -> None:
    with transaction(collector.engine) as conn:
        store_batch(collector.store, conn, [incoming(collector, report()) for _ in range(count)])


def test_a_newer_row_inside_the_old_id_range_is_kept(collector: Collector) -> None:
    """Batches are id ranges, but each still asks for received_at before the cutoff (a clock set back)."""
    start = collector.clock.now()
    _store(collector, 3)
    collector.clock.advance(timedelta(days=3))
    _store(collector, 1)  # newer, with an id between old ones
    collector.clock.set(start)
    _store(collector, 3)
    stats = prune_round(
        collector.engine, start + timedelta(hours=1), pace=PrunePace(batch_rows=2, pause_seconds=0)
    )
    assert stats.deleted == 6 and _count(collector) == 1
    with collector.engine.connect() as conn:
        kept = conn.execute(select(t.reports.c.received_at)).scalar_one()
    assert kept == start + timedelta(days=3)


def test_each_batch_takes_the_writer_turn_and_its_lock_time_is_measured(collector: Collector) -> None:
    _store(collector, 5)
    collector.clock.advance(timedelta(days=2))
    turns: list[str] = []

    @contextmanager
    def turn() -> Iterator[None]:
        turns.append("taken")
        yield

    stats = prune_round(
        collector.engine,
        collector.clock.now(),
        pace=PrunePace(batch_rows=2, pause_seconds=0),
        sleep=lambda _s: None,
        turn=turn,
    )
    assert stats.deleted == 5 and len(stats.batch_holds) == 3  # ids 1-2, 3-4, 5
    assert all(hold >= 0 for hold in stats.batch_holds)
    assert len(turns) == len(stats.batch_holds) + len(stats.vacuum_holds)
    assert "5 row(s) in 3 batch(es)" in stats.summary()


def test_emptied_id_ranges_are_skipped_not_walked(collector: Collector) -> None:
    _store(collector, 10)
    with transaction(collector.engine) as conn:
        conn.execute(t.reports.delete().where(t.reports.c.id.between(2, 9)))
    collector.clock.advance(timedelta(days=2))
    stats = prune_round(
        collector.engine, collector.clock.now(), pace=PrunePace(batch_rows=2, pause_seconds=0)
    )
    assert stats.deleted == 2 and len(stats.batch_holds) == 2  # id 1, then straight to id 10


def test_a_batch_waits_while_the_group_commit_writer_holds_its_turn(collector: Collector) -> None:
    _store(collector, 2)
    collector.clock.advance(timedelta(days=2))
    result: list[int] = []
    with collector.writer.turn():
        pruner = threading.Thread(
            target=lambda: result.append(
                prune_reports(collector.engine, collector.clock.now(), turn=collector.writer.turn)
            )
        )
        pruner.start()
        pruner.join(0.2)  # held off: it has not deleted anything
        assert result == [] and _count(collector) == 2
    pruner.join(10)
    assert result == [2] and _count(collector) == 0


def test_run_soon_and_sigusr1_start_a_round_without_waiting_for_the_schedule(collector: Collector) -> None:
    _store(collector, 2)
    collector.clock.advance(timedelta(days=2))
    task = RetentionTask(collector.engine, collector.clock, timedelta(hours=24), timedelta(hours=6))
    before = signal.getsignal(signal.SIGUSR1)
    try:
        assert run_on_signal(task)  # pytest runs tests in the main thread
        task.start()
        os.kill(os.getpid(), signal.SIGUSR1)
        for _ in range(200):
            if task.last is not None:
                break
            threading.Event().wait(0.05)
    finally:
        task.stop()
        signal.signal(signal.SIGUSR1, before)
    assert task.last is not None and task.last.deleted == 2


def test_run_on_signal_does_nothing_outside_the_main_thread(collector: Collector) -> None:
    task = RetentionTask(collector.engine, collector.clock, timedelta(hours=24), timedelta(hours=6))
    installed: list[bool] = []
    thread = threading.Thread(target=lambda: installed.append(run_on_signal(task)))
    thread.start()
    thread.join(5)
    assert installed == [False]

"""Batched storage: what one group-commit batch does equals what the reports would do one by one."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from sqlalchemy import func, select

from collector.ingest.pipeline import IncomingReport, compact_body, store_batch
from collector.service import Collector
from collector.storage import tables as t
from collector.storage.after_commit import transaction
from collector.storage.database import writing
from collector.storage.group_commit import GroupCommitWriter
from tests.collector.conftest import failing, report
from tests.collector.monitoring.test_monitoring_routing import ids


def incoming(collector: Collector, document: dict[str, object]) -> IncomingReport:
    customer_id, instance_id = ids(collector, "acme")
    return IncomingReport(
        report_id=str(document["report_id"]),
        customer_id=customer_id,
        instance_id=instance_id,
        received_at=collector.clock.now(),
        document=document,
        body=compact_body(document),
    )


def check_batch_semantics(collector: Collector) -> None:
    first = incoming(collector, report(checks=[failing()]))
    batch = [
        first,
        incoming(collector, report(checks=[failing()])),
        first,
        incoming(collector, report(checks=[failing()])),
    ]
    with transaction(collector.engine) as conn:
        assert store_batch(collector.store, conn, batch) == [True, True, False, True]
    with transaction(collector.engine) as conn:
        assert store_batch(collector.store, conn, [first]) == [False]
    with collector.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.reports)).scalar_one() == 3
        assert conn.execute(select(func.count()).select_from(t.tickets)).scalar_one() == 1
        condition = conn.execute(select(t.conditions)).one()
    assert (condition.state, condition.consecutive_failures) == ("failing", 3)


def test_a_batch_stores_each_report_once_and_opens_one_ticket(collector: Collector) -> None:
    check_batch_semantics(collector)


def test_a_failing_batch_falls_back_to_one_by_one(collector: Collector) -> None:
    calls: list[int] = []

    def handle(conn: object, item: int) -> int:
        if item == 2:
            raise ValueError("bad item")
        calls.append(item)
        return item * 10

    writer: GroupCommitWriter[int] = GroupCommitWriter(writing(collector.engine), handle)
    # Submitted before the thread starts, the three items form one batch.
    futures: list[Future[int]] = [writer.submit(i) for i in (1, 2, 3)]
    writer.start()
    assert futures[0].result(5) == 10 and futures[2].result(5) == 30
    try:
        futures[1].result(5)
    except ValueError as exc:
        assert "bad item" in str(exc)
    else:
        raise AssertionError("the bad item must fail alone")
    writer.stop()


def test_items_submitted_in_one_loop_turn_are_one_batch(collector: Collector) -> None:
    import asyncio

    batches: list[list[int]] = []

    def handle(conn: object, item: int) -> int:
        if item == 2:
            raise ValueError("bad item")
        return item * 10

    def handle_batch(conn: object, items: list[int]) -> list[int]:
        batches.append(list(items))
        return [handle(conn, item) for item in items]

    writer: GroupCommitWriter[int] = GroupCommitWriter(
        writing(collector.engine), handle, handle_batch=handle_batch, max_batch=2
    )
    writer.start()

    async def submit_all() -> list[object]:
        futures = [writer.submit_from_loop(i) for i in (1, 3, 4)]
        first = await asyncio.gather(*futures)
        bad = writer.submit_from_loop(2)
        return [*first, await asyncio.gather(bad, return_exceptions=True)]

    try:
        answers = asyncio.run(submit_all())
    finally:
        writer.stop()
    assert answers[:3] == [10, 30, 40]
    assert isinstance(answers[3], list) and isinstance(answers[3][0], ValueError)
    # One loop turn handed over three items; max_batch 2 splits them into two transactions.
    assert batches[:2] == [[1, 3], [4]]
    assert writer.items == 3  # the bad item was retried alone and never committed


def test_on_the_loop_while_free_and_by_the_thread_while_the_lock_is_taken(collector: Collector) -> None:
    """SQLite: a batch is written on the event loop itself when the write turn and SQLite's write lock
    are free; when another writer holds either, the thread takes the batch and waits; a bad item still
    sinks only itself."""
    import asyncio
    import sqlite3
    import threading

    writers: list[str] = []

    def handle(conn: object, item: int) -> int:
        if item == 2:
            raise ValueError("bad item")
        writers.append(threading.current_thread().name)
        return item * 10

    def handle_batch(conn: object, items: list[int]) -> list[int]:
        return [handle(conn, item) for item in items]

    writer: GroupCommitWriter[int] = GroupCommitWriter(
        collector.engine, handle, handle_batch=handle_batch, linger=0.001, on_loop=True, name="writer"
    )
    writer.start()
    database = collector.engine.url.database
    assert database is not None

    async def scenario() -> list[object]:
        free = await asyncio.gather(*(writer.submit_from_loop(i) for i in (1, 3)))
        with writer.turn():  # retention or the sweep is writing: the loop must not wait for it
            held = [writer.submit_from_loop(4)]
            await asyncio.sleep(0.05)
            assert not held[0].done()
        other = sqlite3.connect(database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
        locked = writer.submit_from_loop(5)
        await asyncio.sleep(0.05)
        assert not locked.done()
        other.execute("ROLLBACK")
        other.close()
        bad = await asyncio.gather(
            writer.submit_from_loop(2), writer.submit_from_loop(6), return_exceptions=True
        )
        return [*free, await held[0], await locked, *bad]

    from sqlalchemy import event

    begins: list[str] = []

    def seen(*args: object) -> None:
        if str(args[2]).startswith("BEGIN"):
            begins.append(str(args[2]))

    event.listen(collector.engine, "before_cursor_execute", seen)
    try:
        answers = asyncio.run(scenario())
    finally:
        writer.stop()
        event.remove(collector.engine, "before_cursor_execute", seen)
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}  # on the loop too: a write lock from the start
    assert answers[:4] == [10, 30, 40, 50]
    assert isinstance(answers[4], ValueError) and answers[5] == 60
    main = threading.main_thread().name
    # 1 and 3 on the loop; 4 and 5 by the thread once the turn and the lock were let go; the batch
    # with the bad item failed on the loop and was retried by the thread one item at a time.
    assert writers[:2] == [main, main] and writers[2:4] == ["writer", "writer"] and writers[-1] == "writer"


def test_the_loop_writer_keeps_its_own_connection(collector: Collector) -> None:
    """Batches on the loop share one connection (its page cache stays warm); a failed batch gives it up,
    and the zero busy timeout it writes with never reaches a pooled connection."""
    import asyncio

    used: list[Any] = []  # the connections themselves: an id() could be reused once one is closed

    def handle_batch(conn: Any, items: list[int]) -> list[int]:
        if 2 in items:
            raise ValueError("bad item")
        used.append(conn.connection.driver_connection)
        return items

    writer: GroupCommitWriter[int] = GroupCommitWriter(
        collector.engine, lambda conn, item: item, handle_batch=handle_batch, linger=0.001, on_loop=True
    )
    writer.start()

    async def batches() -> None:
        for items in ([1], [3], [2], [4], [5]):
            await asyncio.gather(*(writer.submit_from_loop(i) for i in items), return_exceptions=True)

    try:
        asyncio.run(batches())
    finally:
        writer.stop()
    first, second, *after_failure = used
    assert first is second  # one connection for the batches on the loop
    assert after_failure[0] is after_failure[-1] and after_failure[0] is not first  # fresh after the failure
    with collector.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 30_000

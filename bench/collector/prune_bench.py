"""Pruning under load: the ingest writer's latency while 1 M old raw reports are deleted, against the
same load without pruning in the same run (SQLite, the embedded default).

Open loop: reports are offered at a fixed rate (default 500/s) to the group-commit writer the service
uses, and each latency is measured from its scheduled time to its commit, so queueing behind the prune's
write lock shows. Phase 1 ingests alone; phase 2 ingests while RetentionTask-paced batches delete.

Run:  .venv/bin/python bench/collector/prune_bench.py [--rows 1000000] [--rate 500] [--seconds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from ingest_bench import realistic_report  # type: ignore[import-not-found]  # noqa: E402
from sqlalchemy import Engine, insert, text  # noqa: E402

from collector.ingest.pipeline import IncomingReport, ReportStore, compact_body, store_batch  # noqa: E402
from collector.storage import raw_bodies  # noqa: E402
from collector.storage import tables as t  # noqa: E402
from collector.storage.database import SqliteCheckpointer, make_engine, migrate  # noqa: E402
from collector.storage.group_commit import GroupCommitWriter  # noqa: E402
from collector.storage.retention import PrunePace, prune_reports  # noqa: E402

NOW = datetime.now(UTC)  # the agents' sent_at is the real time: no clock-skew warnings
AGENTS = 200


def seed(engine: Engine, rows: int) -> None:
    """`rows` raw reports, three days old, spread over the agents."""
    with engine.begin() as conn:
        for i in range(AGENTS):
            conn.execute(insert(t.customers).values(id=i + 1, key=f"c{i}", name=f"C{i}", language="nl"))
            conn.execute(
                insert(t.instances).values(id=i + 1, customer_id=i + 1, name="prod", url="https://x")
            )
    body = raw_bodies.pack(compact_body(realistic_report("prod", "agent", 1, False)))
    old = (NOW - timedelta(days=3)).replace(tzinfo=None)
    sql = text(
        "INSERT INTO reports (report_id, customer_id, instance_id, received_at, sequence, body_z, agent_id, "
        "observed_at) VALUES (:id, :c, :c, :at, :seq, :body, :agent, :at)"
    )
    for start in range(0, rows, 20_000):
        chunk = [
            {"id": str(uuid.uuid4()), "c": n % AGENTS + 1, "at": old + timedelta(milliseconds=n), "seq": n,
             "body": body, "agent": f"agent-{n % AGENTS}"}
            for n in range(start, min(rows, start + 20_000))
        ]  # fmt: skip
        with engine.begin() as conn:
            conn.execute(sql, chunk)


def offered(
    rate: float, seconds: float, writer: GroupCommitWriter[IncomingReport], sequence: list[int]
) -> list[float]:
    """Submit at a fixed rate; returns each report's latency from its scheduled time (seconds)."""
    latencies: list[float] = []
    pending: list[tuple[float, Future[object]]] = []
    start = time.perf_counter()
    n = 0
    while (scheduled := start + n / rate) < start + seconds:
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        agent = n % AGENTS
        sequence[0] += 1
        document = realistic_report("prod", f"live-{agent}", sequence[0], False)
        report = IncomingReport(
            document["report_id"], agent + 1, agent + 1, NOW, document, compact_body(document)
        )
        future = writer.submit(report)
        future.add_done_callback(_recorder(latencies, scheduled))
        pending.append((scheduled, future))
        n += 1
    for _, future in pending:
        future.result(30)
    return latencies


def _recorder(latencies: list[float], scheduled: float) -> Callable[[Future[object]], None]:
    def done(_future: Future[object]) -> None:
        latencies.append(time.perf_counter() - scheduled)

    return done


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--pause-ms", type=float, default=50.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'prune.db'}", background_checkpoints=True)
        migrate(engine)
        began = time.perf_counter()
        seed(engine, args.rows)
        print(f"seeded {args.rows:,} raw reports in {time.perf_counter() - began:.0f} s")
        checkpointer = SqliteCheckpointer(engine)
        checkpointer.start()
        store = ReportStore()
        writer: GroupCommitWriter[IncomingReport] = GroupCommitWriter(
            engine, store, handle_batch=lambda conn, items: store_batch(store, conn, items)
        )
        writer.start()
        sequence = [0]
        alone = offered(args.rate, args.seconds, writer, sequence)
        result: dict[str, float] = {}

        def prune() -> None:
            began = time.perf_counter()
            pace = PrunePace(batch_rows=args.batch, pause_seconds=args.pause_ms / 1000)
            result["deleted"] = prune_reports(engine, NOW - timedelta(days=1), pace=pace)
            result["seconds"] = time.perf_counter() - began

        pruner = threading.Thread(target=prune)
        pruner.start()
        during: list[float] = []
        while pruner.is_alive():
            during += offered(args.rate, min(args.seconds, 10.0), writer, sequence)
        pruner.join()
        writer.stop()
        checkpointer.stop()
        engine.dispose()
    deleted, seconds = result["deleted"], result["seconds"]
    print(f"pruned {deleted:,.0f} rows in {seconds:.0f} s ({deleted / seconds:,.0f} rows/s), "
          f"batches of {args.batch} with {args.pause_ms:.0f} ms pauses")  # fmt: skip
    for name, values in (("ingest alone", alone), ("ingest while pruning", during)):
        print(f"{name}: {len(values):,} reports at {args.rate:.0f}/s, p50 {percentile(values, 0.5):.1f} ms, "
              f"p99 {percentile(values, 0.99):.1f} ms, max {max(values) * 1000:.1f} ms, "
              f"mean {statistics.fmean(values) * 1000:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()

"""Pruning under load: ingest latency while the collector prunes 1 M old raw reports, against the same
ingest without a prune in the same run (SQLite, the embedded default, one collector process).

The collector runs as a real process (`prioritysupport collector serve`), its RetentionTask doing the
prune; the open-loop load generator (loadgen.py) runs in this process and measures each report's
latency from its scheduled time, so queueing behind the prune's write lock shows. One run: old rows are
filled directly into the file (one transaction, collector stopped, outside the timed window), the
collector starts, phase 1 ingests alone, then SIGUSR1 starts a pruning round and phase 2 ingests until
the collector logs that the round (deletes and incremental vacuum) is over. Medians over the runs.

Run:  .venv/bin/python bench/collector/prune_bench.py [--rows 1000000] [--rate 500] [--repeats 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from ingest_bench import CLI, collector_agents, realistic_report, summarise  # type: ignore[import-not-found]  # noqa: E402
from loadgen import Agent, Result, run_in_process  # type: ignore[import-not-found]  # noqa: E402

from collector.ingest.pipeline import compact_body  # noqa: E402
from collector.storage import raw_bodies  # noqa: E402
from tests.support.components import free_port, wait_for_port  # noqa: E402

ROUND_DONE = re.compile(r"pruned raw reports older than .*?: (?P<summary>\d+ row\(s\) in .*)$")


def fill_old_reports(path: Path, rows: int, run: int) -> float:
    """`rows` raw reports three days old, spread over the enrolled instances; returns the seconds taken."""
    began = time.perf_counter()
    body = raw_bodies.pack(compact_body(realistic_report("prod", "agent", 1, False)))
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=3)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        instances = db.execute("SELECT id, customer_id FROM instances ORDER BY id").fetchall()
        db.execute("BEGIN IMMEDIATE")

        def row(n: int) -> tuple[Any, ...]:
            instance, customer = instances[n % len(instances)]
            at = (old + timedelta(milliseconds=n)).strftime("%Y-%m-%d %H:%M:%S.%f")
            return (str(uuid.uuid4()), customer, instance, at, n, body, f"old-{run}-{instance}", at)

        db.executemany(
            "INSERT INTO reports (report_id, customer_id, instance_id, received_at, sequence, body_z, "
            "agent_id, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row(n) for n in range(rows)),
        )
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return time.perf_counter() - began


def live_agents(tokens: list[tuple[str, str]], run: int) -> list[Agent]:
    """One simulated agent per enrolled customer; a fresh agent id per run, and each agent counts its own
    sequence across the phases (loadgen restarts its count per call), so no report is a replay."""
    agents = []
    for key, token in tokens:
        sent = itertools.count()

        def body(_loadgen_sequence: int, key: str = key, sent: Iterator[int] = sent) -> bytes:
            sequence = next(sent)
            document = realistic_report("prod", f"live-{run}-{key}", sequence, sequence % 10 == 0)
            return json.dumps(document).encode()

        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        agents.append(Agent("/api/v1/reports", headers, body))
    return agents


@contextmanager
def collector(config: Path, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as sink:
        proc = subprocess.Popen([*CLI, "collector", "serve", "-c", str(config)], stdout=sink, stderr=sink)
        try:
            wait_for_port(port, timeout=60)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def round_summary(log: Path, seen: int) -> str | None:
    """The summary of the first pruning round logged after the first `seen` rounds, if there is one."""
    done = [m["summary"] for line in log.read_text().splitlines() if (m := ROUND_DONE.search(line))]
    return done[seen] if len(done) > seen else None


def merged(results: list[Result]) -> Result:
    total = Result()
    for part in results:
        total.sent += part.sent
        total.errors += part.errors
        total.elapsed += part.elapsed
        total.latencies += part.latencies
        for status, n in part.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + n
    return total


def one_run(
    run: int, args: argparse.Namespace, workdir: Path, tokens: list[tuple[str, str]]
) -> dict[str, Any]:
    db = workdir / "prune.db"
    filled = fill_old_reports(db, args.rows, run)
    print(f"run {run}: {args.rows:,} old raw reports filled in {filled:.0f} s", flush=True)
    port = free_port()
    config = workdir / f"run{run}.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db}"\n[server]\nport = {port}\nrun_worker = false\n'
        f"[monitoring]\nsweep_seconds = 30\n"
        f"[retention]\nraw_report_hours = 24\nprune_every_minutes = 100000\n"
        f"prune_batch_rows = {args.batch}\nprune_pause_ms = {args.pause_ms}\n",
        encoding="utf-8",
    )
    log = workdir / "collector.log"
    log.touch()
    rounds_before = len([line for line in log.read_text().splitlines() if ROUND_DONE.search(line)])
    agents = live_agents(tokens, run)
    with collector(config, port, log) as proc:
        run_in_process("127.0.0.1", port, agents, args.rate, 5.0)  # warm-up: caches, first sweep
        alone = run_in_process("127.0.0.1", port, agents, args.rate, args.seconds)
        proc.send_signal(signal.SIGUSR1)
        began = time.perf_counter()
        during: list[Result] = []
        summary = None
        while summary is None:
            during.append(run_in_process("127.0.0.1", port, agents, args.rate, args.chunk))
            summary = round_summary(log, rounds_before)
            if time.perf_counter() - began > args.timeout:
                raise SystemExit(f"no pruning round finished within {args.timeout:.0f} s; see {log}")
    result = {
        "run": run,
        "alone": summarise("alone", alone, (201,)),
        "during": summarise("during", merged(during), (201,)),
        "prune": summary,
    }
    for phase in ("alone", "during"):
        r = result[phase]
        print(f"run {run} {phase:<7} {r['ok']:>6} ok of {r['sent']} at {r['ok_per_s']:.0f}/s, "
              f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.1f} ms, "
              f"errors {r['errors']}, statuses {r['statuses']}", flush=True)  # fmt: skip
    print(f"run {run} prune: {summary}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="old raw reports to prune per run")
    parser.add_argument("--rate", type=float, default=500.0, help="offered reports per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the ingest-alone phase")
    parser.add_argument("--chunk", type=float, default=5.0, help="load slices while the prune runs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--batch", type=int, default=250, help="retention.prune_batch_rows")
    parser.add_argument("--pause-ms", type=int, default=20, help="retention.prune_pause_ms")
    parser.add_argument("--timeout", type=float, default=900.0, help="longest a pruning round may take")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ps-prune-") as tmp:
        workdir = Path(tmp)
        tokens = collector_agents(f"sqlite:///{workdir / 'prune.db'}", args.agents, workdir)
        runs = [one_run(run, args, workdir, tokens) for run in range(1, args.repeats + 1)]
    alone = statistics.median(r["alone"]["p99_ms"] for r in runs)
    during = statistics.median(r["during"]["p99_ms"] for r in runs)
    print(f"\nmedians over {args.repeats} runs, {args.rows:,} rows pruned per run, {args.rate:.0f} reports/s "
          f"offered, batches of {args.batch} ids with {args.pause_ms} ms pauses:")  # fmt: skip
    for phase in ("alone", "during"):
        print(f"  ingest {phase:<7} p50 {statistics.median(r[phase]['p50_ms'] for r in runs):.1f} ms, "
              f"p99 {statistics.median(r[phase]['p99_ms'] for r in runs):.1f} ms, "
              f"max {statistics.median(r[phase]['max_ms'] for r in runs):.1f} ms")  # fmt: skip
    print(f"  p99 while pruning / alone: x{during / alone:.2f}")


if __name__ == "__main__":
    main()

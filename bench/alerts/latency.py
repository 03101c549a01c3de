"""Benchmark: time from enqueue of a notification due now to its arrival at a local json:// receiver,
beside the anchor, Alertmanager's default path (group_wait 30 s) for one alert to a webhook.

    .venv/bin/python -m bench.alerts.latency [--items 200] [--repeat 3] [--postgres] [--skip-alertmanager]

Ours runs three ways: the worker in the enqueueing process (woken by the commit), the worker in another
process (it only polls, every 0.5 s, the collector's default), and on PostgreSQL when --postgres is given.
Prints per-repeat p50/p99 and the medians over repeats, and the ratio to Alertmanager.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from alerts.channels import ChannelBook
from alerts.model import NotificationRequest
from alerts.outbox import Outbox
from alerts.tables import metadata
from alerts.worker import DeliveryWorker
from bench.alerts.receiver import Arrivals, serve
from prioritysupport.clock import SystemClock

ROOT = Path(__file__).resolve().parents[2]
ALERTMANAGER = "/usr/bin/prometheus-alertmanager"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def sqlite_engine(path: str) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(dbapi_conn: object, _record: object) -> None:
        cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def message_key(_path: str, body: dict[str, object]) -> list[str]:
    return [str(body.get("title", "")).rsplit("(", 1)[-1].rstrip(")")]


def run_ours(
    engine: Engine, items: int, worker_in_process: bool, url: str, port: int, arrivals: Arrivals
) -> list[float]:
    metadata.drop_all(engine)
    metadata.create_all(engine)
    box = Outbox(engine, SystemClock())
    channels = ChannelBook.from_urls([(f"json://127.0.0.1:{port}/ours", ["support-team"])])
    worker: DeliveryWorker | None = None
    proc: subprocess.Popen[bytes] | None = None
    if worker_in_process:
        worker = DeliveryWorker(box, channels)
        worker.start()
    else:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.alerts.worker_process", url, str(port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    latencies: list[float] = []
    run_id = f"{random.randrange(10**9):09d}"
    try:
        for n in range(items):
            ref = f"B{run_id}-{n}"
            started = time.monotonic()
            with engine.begin() as conn:
                box.enqueue(
                    conn,
                    NotificationRequest(kind="team_notice", recipients=("support-team",), subject_ref=ref),
                )
            arrived = arrivals.wait(ref, timeout=10)
            if arrived is None:
                raise SystemExit(f"item {ref} did not arrive within 10 s")
            latencies.append(arrived - started)
            # The next item arrives at a random phase of the other process's 0.5 s poll.
            time.sleep(random.uniform(0.0, 0.03 if worker_in_process else 0.5))
    finally:
        if worker is not None:
            worker.stop()
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    return latencies


def enqueue_cost(engine: Engine, calls: int = 1000) -> tuple[float, float]:
    """Median and p99 seconds of one `enqueue` (with a dedup key) inside an open transaction."""
    metadata.drop_all(engine)
    metadata.create_all(engine)
    box = Outbox(engine, SystemClock())
    times = []
    with engine.begin() as conn:
        for n in range(calls):
            request = NotificationRequest(
                kind="page", recipients=("oncall-primary",), subject_ref=f"E-{n}", dedup_key=f"E-{n}:page"
            )
            started = time.perf_counter()
            box.enqueue(conn, request)
            times.append(time.perf_counter() - started)
    metadata.drop_all(engine)
    return statistics.median(times), percentile(times, 0.99)


@contextmanager
def alertmanager(hook_port: int) -> Iterator[int]:
    base = tempfile.mkdtemp(prefix="bench-am-")
    config = Path(base, "alertmanager.yml")
    # The default route: only the receiver and group_by are set, so group_wait stays at its 30 s default.
    config.write_text(
        "route:\n  receiver: hook\n  group_by: [alertname]\n"
        f"receivers:\n  - name: hook\n    webhook_configs:\n      - url: http://127.0.0.1:{hook_port}/am\n"
    )
    from socket import socket

    with socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={config}",
            f"--storage.path={base}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(base, ignore_errors=True)


def am_key(_path: str, body: dict[str, Any]) -> list[str]:
    return [str(alert["labels"]["alertname"]) for alert in body.get("alerts", [])]


def run_alertmanager(repeat: int, arrivals: Arrivals, hook_port: int) -> list[float]:
    """`repeat` alerts with distinct names (each its own group), posted 1 s apart, timed in parallel."""
    results: list[float] = []
    with alertmanager(hook_port) as port:
        threads = []

        def one(name: str) -> None:
            body = json.dumps(
                [
                    {
                        "labels": {"alertname": name, "severity": "page"},
                        "startsAt": datetime.now(UTC).isoformat(),
                    }
                ]
            ).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v2/alerts", body, {"Content-Type": "application/json"}
            )
            started = time.monotonic()
            urllib.request.urlopen(request, timeout=5)
            arrived = arrivals.wait(name, timeout=90)
            if arrived is not None:
                results.append(arrived - started)

        for n in range(repeat):
            thread = threading.Thread(target=one, args=(f"bench-{os.getpid()}-{n}",))
            thread.start()
            threads.append(thread)
            time.sleep(1.0)
        for thread in threads:
            thread.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="also run on a throw-away PostgreSQL")
    parser.add_argument("--skip-alertmanager", action="store_true")
    args = parser.parse_args()

    arrivals = Arrivals()
    server = serve(
        arrivals, lambda path, body: am_key(path, body) if path == "/am" else message_key(path, body)
    )
    port = server.server_address[1]
    am_results: list[float] = []
    am_thread = None
    if not args.skip_alertmanager and os.access(ALERTMANAGER, os.X_OK):
        # The anchor runs in the background while ours runs: it is mostly waiting out group_wait.
        am_thread = threading.Thread(
            target=lambda: am_results.extend(run_alertmanager(args.repeat, arrivals, port))
        )
        am_thread.start()

    setups: list[tuple[str, str, bool]] = []
    tmp = tempfile.mkdtemp(prefix="bench-alerts-")
    sqlite_url = f"sqlite:///{tmp}/outbox.db"
    setups.append(("sqlite, worker in process (woken)", sqlite_url, True))
    setups.append(("sqlite, worker in another process (0.5 s poll)", sqlite_url, False))
    pg_context = None
    if args.postgres:
        sys.path.insert(0, str(ROOT))
        from tests.support.postgres import postgres_server

        pg_context = postgres_server()
        pg_url = pg_context.__enter__()
        setups.append(("postgresql, worker in process (woken)", pg_url, True))
        setups.append(("postgresql, worker in another process (0.5 s poll)", pg_url, False))

    summary: dict[str, tuple[float, float]] = {}
    try:
        for label, url, in_process in setups:
            engine = (
                sqlite_engine(url.removeprefix("sqlite:///"))
                if url.startswith("sqlite")
                else create_engine(url)
            )
            if in_process:
                cost, cost99 = enqueue_cost(engine)
                name = label.split(",")[0]
                print(f"{name:52s} enqueue: median {cost * 1e6:6.0f} us  p99 {cost99 * 1e6:6.0f} us")
            p50s, p99s = [], []
            for run in range(args.repeat):
                latencies = run_ours(engine, args.items, in_process, url, port, arrivals)
                p50s.append(percentile(latencies, 0.5))
                p99s.append(percentile(latencies, 0.99))
                print(
                    f"{label:52s} run {run + 1}: p50 {p50s[-1] * 1000:7.1f} ms  p99 {p99s[-1] * 1000:7.1f} ms"
                )
            summary[label] = (statistics.median(p50s), statistics.median(p99s))
            engine.dispose()
    finally:
        if pg_context is not None:
            pg_context.__exit__(None, None, None)
        shutil.rmtree(tmp, ignore_errors=True)

    if am_thread is not None:
        am_thread.join()
    print()
    print(f"{'setup':52s} {'median p50':>12s} {'median p99':>12s}")
    for label, (p50, p99) in summary.items():
        print(f"{label:52s} {p50 * 1000:9.1f} ms {p99 * 1000:9.1f} ms")
    if am_results:
        am = statistics.median(am_results)
        label = "alertmanager default route (group_wait 30 s)"
        print(f"{label:52s} {am * 1000:9.1f} ms   (n={len(am_results)}, its p50 = its p99: one fixed wait)")
        for setup, (_p50, p99) in summary.items():
            print(f"ratio alertmanager / ours p99, {setup}: {am / p99:8.1f}x")
    elif not args.skip_alertmanager:
        print(f"alertmanager not found at {ALERTMANAGER}: install the Debian package prometheus-alertmanager")


if __name__ == "__main__":
    main()

"""Ingest benchmark: the collector (SQLite, then PostgreSQL) beside two anchors in the same run.

Anchors: Prometheus Pushgateway receiving pushes of the same size, and a bare ASGI endpoint that reads
and discards (the ceiling of uvicorn on this machine). Open-loop load from many simulated agents on
keep-alive connections; medians over repeats; zero lost or duplicated reports checked by counting rows.

Run:  .venv/bin/python bench/collector/ingest_bench.py [--rate 1200] [--seconds 10] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from loadgen import Agent, Result, run_in_process  # type: ignore[import-not-found]  # noqa: E402

from tests.support.components import free_port, wait_for_port  # noqa: E402

PYTHON = sys.executable
CLI = [PYTHON, "-m", "prioritysupport"]


def realistic_report(instance: str, agent_id: str, sequence: int, with_counts: bool) -> dict[str, Any]:
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    kinds = [
        "login_page",
        "health",
        "version",
        "authentication",
        "read",
        "latency",
        "database",
        "odoo_cron",
        "queue_job",
        "mail",
        "freshness",
        "disk",
        "host",
    ]
    checks = [
        {
            "key": f"odoo.{kind}",
            "kind": kind,
            "name": kind.replace("_", " "),
            "status": "ok",
            "value": 12.5 + i,
            "unit": "ms",
            "detail": None,
            "checked_at": now,
            "duration_ms": 3.2,
        }
        for i, kind in enumerate(kinds)
    ]
    checks.append(
        {
            "key": "integration:webshop",
            "kind": "http",
            "status": "ok",
            "integration": "webshop",
            "value": 88.0,
            "unit": "ms",
            "checked_at": now,
        }
    )
    document: dict[str, Any] = {
        "schema_version": 1,
        "report_id": str(uuid.uuid4()),
        "agent_id": agent_id,
        "sequence": sequence,
        "sent_at": now,
        "instance": {
            "name": instance,
            "url": "https://odoo.example",
            "database": "prod",
            "odoo_version": "17.0",
            "odoo_serie": "17.0",
            "protocol": "xmlrpc",
        },
        "checks": checks,
        "host": {
            "hostname": "odoo1",
            "cpu_percent": 12.0,
            "load1": 0.4,
            "load5": 0.3,
            "load15": 0.2,
            "memory_percent": 41.0,
            "swap_percent": 0.0,
            "disks": [{"mount": "/", "percent": 41.0, "total_bytes": 10**11, "used_bytes": 4 * 10**10}],
            "odoo_workers": 4,
            "odoo_workers_rss_bytes": 900_000_000,
            "postgres_running": True,
        },
    }
    if with_counts:
        document["counts"] = {
            "counted_at": now,
            "internal_users": 18,
            "share_users": 40,
            "active_users_15d": 12,
            "custom_lines": 1900,
            "custom_lines_source": "addons",
            "modules": [
                {"name": f"acme_module_{i}", "code": 40, "total": 60, "author": "Acme", "source": "file"}
                for i in range(40)
            ],
        }
    return document


def contracts_toml(customers: int) -> str:
    parts = []
    for i in range(customers):
        parts.append(
            f'[[customer]]\nkey = "c{i}"\nname = "Customer {i}"\n'
            f'  [[customer.contact]]\n  name = "Contact"\n  email = "c{i}@example.com"\n'
            f'  [[customer.instance]]\n  name = "prod"\n  url = "http://127.0.0.1:9/"\n'
            f'  [[customer.contract]]\n  effective_from = 2020-01-01\n  package = "small"\n'
            f'  integrations = ["webshop"]\n'
        )
    return "\n".join(parts)


@contextmanager
def process(
    args: list[str], port: int, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        wait_for_port(port, timeout=30)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def collector_agents(db_url: str, customers: int, workdir: Path) -> list[tuple[str, str]]:
    """Migrate, load contracts, enrol one agent per customer; returns (customer key, token)."""
    import tomllib

    from collector.contracts.book import apply_contracts, parse_contracts
    from collector.ingest.enrolment import enroll
    from collector.storage.database import make_engine, migrate
    from prioritysupport.clock import SystemClock

    engine = make_engine(db_url)
    migrate(engine)
    apply_contracts(engine, parse_contracts(tomllib.loads(contracts_toml(customers))))
    tokens = []
    with engine.begin() as conn:
        for i in range(customers):
            tokens.append((f"c{i}", enroll(conn, f"c{i}", SystemClock().now())))
    engine.dispose()
    return tokens


def count_reports(db_url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from collector.storage import tables as t
    from collector.storage.database import make_engine

    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(t.reports)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(t.reports.c.report_id)))).scalar_one()
    engine.dispose()
    return int(rows), int(distinct)


def report_agents(tokens: list[tuple[str, str]]) -> list[Agent]:
    agents = []
    for key, token in tokens:

        def body(sequence: int, key: str = key) -> bytes:
            return json.dumps(realistic_report("prod", f"agent-{key}", sequence, sequence % 10 == 0)).encode()

        agents.append(
            Agent(
                "/api/v1/reports",
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                body,
            )
        )
    return agents


def same_size_metrics(size: int) -> bytes:
    """Text exposition of about `size` bytes, for the Pushgateway anchor."""
    lines = ["# TYPE odoo_check_value gauge"]
    i = 0
    while sum(len(line) + 1 for line in lines) < size:
        lines.append(f'odoo_check_value{{key="odoo.check_{i}",kind="health",status="ok"}} {12.5 + i}')
        i += 1
    return ("\n".join(lines) + "\n").encode()


def summarise(name: str, result: Result, ok_statuses: tuple[int, ...]) -> dict[str, Any]:
    ok = sum(n for status, n in result.statuses.items() if status in ok_statuses)
    latencies = sorted(result.latencies)

    def p(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")
        )

    return {
        "target": name,
        "ok_per_s": ok / result.elapsed,
        "p50_ms": p(0.50),
        "p90_ms": p(0.90),
        "p99_ms": p(0.99),
        "p999_ms": p(0.999),
        "max_ms": latencies[-1] * 1000 if latencies else float("nan"),
        "ok": ok,
        "sent": result.sent,
        "errors": result.errors,
        "statuses": dict(result.statuses),
        "generator_late_ms": result.late_ms,
    }


def bench_collector(db_url: str, label: str, args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    tokens = collector_agents(db_url, args.agents, workdir)
    config = workdir / f"{label}.toml"
    port = free_port()
    config.write_text(
        f'[database]\nurl = "{db_url}"\n[server]\nport = {port}\nrun_worker = false\n'
        f"[monitoring]\nsweep_seconds = 30\n",
        encoding="utf-8",
    )
    runs = []
    with process([*CLI, "collector", "serve", "-c", str(config)], port):
        run_in_process("127.0.0.1", port, report_agents(tokens), 300, 2.0)  # warm-up: every agent once
        for _ in range(args.repeats):
            before, _ = count_reports(db_url)
            result = run_in_process("127.0.0.1", port, report_agents(tokens), args.rate, args.seconds)
            rows, distinct = count_reports(db_url)
            summary = summarise(f"collector-{label}", result, (201,))
            if args.verbose:
                per_second: dict[int, list[float]] = {}
                for at, latency in zip(result.scheduled, result.latencies, strict=True):
                    per_second.setdefault(int(at), []).append(latency * 1000)
                print({s: round(max(v), 1) for s, v in sorted(per_second.items())}, flush=True)
                import urllib.request

                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as answer:
                    for line in answer.read().decode().splitlines():
                        if line.startswith("prioritysupport_ingest_batch") and "_bucket" in line:
                            print(line)
            summary["rows_added"] = rows - before
            summary["lost"] = summary["ok"] - (rows - before)
            summary["duplicated"] = rows - distinct
            runs.append(summary)
            print(json.dumps(summary), flush=True)
    return runs


def bench_pushgateway(args: argparse.Namespace, size: int) -> list[dict[str, Any]]:
    binary = shutil.which("prometheus-pushgateway") or "/usr/bin/prometheus-pushgateway"
    port = free_port()
    body = same_size_metrics(size)
    agents = [
        Agent(
            f"/metrics/job/agent/instance/i{i}",
            {"Content-Type": "text/plain; version=0.0.4"},
            lambda _seq, body=body: body,
        )
        for i in range(args.agents)
    ]
    runs = []
    with process([binary, f"--web.listen-address=127.0.0.1:{port}"], port):
        run_in_process("127.0.0.1", port, agents[:4], 200, 1.0)
        for _ in range(args.repeats):
            summary = summarise(
                "pushgateway", run_in_process("127.0.0.1", port, agents, args.rate, args.seconds), (200,)
            )
            runs.append(summary)
            print(json.dumps(summary), flush=True)
    return runs


def bench_bare(args: argparse.Namespace, size: int) -> list[dict[str, Any]]:
    port = free_port()
    body = b"x" * size
    agents = [
        Agent("/", {"Content-Type": "application/json"}, lambda _seq, body=body: body)
        for _ in range(args.agents)
    ]
    runs = []
    with process([PYTHON, str(Path(__file__).with_name("bare_asgi.py")), str(port)], port):
        run_in_process("127.0.0.1", port, agents[:4], 200, 1.0)
        for _ in range(args.repeats):
            summary = summarise(
                "bare-asgi", run_in_process("127.0.0.1", port, agents, args.rate, args.seconds), (200,)
            )
            runs.append(summary)
            print(json.dumps(summary), flush=True)
    return runs


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1200.0, help="offered reports per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--agents", type=int, default=100, help="simulated agents (one connection each)")
    parser.add_argument(
        "--targets", default="bare,pushgateway,sqlite,postgres", help="comma-separated subset to run"
    )
    parser.add_argument("--verbose", action="store_true", help="print the worst latency per second")
    args = parser.parse_args()
    size = len(json.dumps(realistic_report("prod", "agent-x", 1, False)).encode())
    print(
        f"report size {size} bytes (every 10th report carries counts: "
        f"{len(json.dumps(realistic_report('prod', 'a', 0, True)).encode())} bytes)",
        flush=True,
    )
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="ps-bench-") as tmp:
        workdir = Path(tmp)
        targets = set(args.targets.split(","))
        if "bare" in targets:
            results["bare-asgi"] = bench_bare(args, size)
        if "pushgateway" in targets:
            results["pushgateway"] = bench_pushgateway(args, size)
        if "sqlite" in targets:
            results["collector-sqlite"] = bench_collector(
                f"sqlite:///{workdir / 'bench.db'}", "sqlite", args, workdir
            )
        if "postgres" in targets:
            from tests.support.postgres import postgres_server

            with postgres_server() as url:
                results["collector-postgres"] = bench_collector(url, "postgres", args, workdir)
    print("\nmedians over", args.repeats, "runs at", args.rate, "offered reports/s:")
    print(f"{'target':<20}{'ok/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'lost':>6}{'dup':>6}")
    for name, runs in results.items():
        lost = sum(r.get("lost", 0) for r in runs)
        dup = sum(r.get("duplicated", 0) for r in runs)
        print(
            f"{name:<20}{median_of(runs, 'ok_per_s'):>10.0f}{median_of(runs, 'p50_ms'):>10.1f}"
            f"{median_of(runs, 'p99_ms'):>10.1f}{lost:>6}{dup:>6}"
        )
    for ours in ("collector-sqlite", "collector-postgres"):
        for anchor in ("bare-asgi", "pushgateway"):
            if ours in results and anchor in results:
                throughput = median_of(results[ours], "ok_per_s") / median_of(results[anchor], "ok_per_s")
                p99 = median_of(results[ours], "p99_ms") / median_of(results[anchor], "p99_ms")
                print(f"{ours} / {anchor}: throughput x{throughput:.2f}, p99 x{p99:.2f}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

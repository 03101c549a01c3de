"""Fleet-shaped ingest benchmark: thousands of distinct agents, cold connections, a replay burst.

For each fleet size N (default 2,000 and 10,000): a fresh SQLite database with N customers, each with
its own instance and token, enrolled through the product; then in one run, beside the anchors (the bare
ASGI endpoint and Prometheus Pushgateway with N groups, same body size, same load generator):

- burst: the collector comes back from a 10-minute outage; every agent wakes once within `--window`
  seconds (its next scheduled push) and replays its spool of `--spool` reports, one after the other;
- steady: `--rate` reports/s in total, open loop, every agent on its own jittered schedule, one new
  connection per push, `--repeats` runs of `--seconds`.

Per run: accepted/s, latency percentiles from the scheduled send time, lost (acknowledged minus rows
added) and duplicated rows, and the server process's CPU time per accepted report (psutil).

Run:  .venv/bin/python bench/collector/fleet_bench.py [--agents 2000,10000] [--rate 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import psutil  # noqa: E402
from fleet_load import FleetAgent, run_fleet, run_replay, run_sync  # type: ignore[import-not-found]  # noqa: E402
from ingest_bench import (  # type: ignore[import-not-found]  # noqa: E402
    contracts_toml,
    count_reports,
    realistic_report,
    same_size_metrics,
    summarise,
)

from tests.support.components import free_port, wait_for_port  # noqa: E402

PYTHON = sys.executable
PUSHGATEWAY = "/usr/bin/prometheus-pushgateway"
MOUNTS = ["/", "/var/lib/postgresql", "/opt/odoo", "/var/lib/odoo/filestore", "/var/log", "/backup", "/tmp"]


def fleet_report(key: str, sequence: int, sent_at: datetime | None = None) -> dict[str, Any]:
    """The ingest benchmark's report (14 checks, host) with a host of several mounts: ~4.2 KB;
    every 10th carries counts with 40 modules, as there, at a different turn for each agent (a fleet's
    agents did not all start together)."""
    with_counts = (sequence + int(key.lstrip("c") or 0)) % 10 == 0
    document = realistic_report("prod", f"agent-{key}", sequence, with_counts)
    document["report_id"] = str(uuid.uuid4())
    document["host"]["disks"] = [
        {"mount": mount, "percent": 41.0 + i, "total_bytes": 10**11, "used_bytes": 4 * 10**10 + i}
        for i, mount in enumerate(MOUNTS)
    ]
    for check in document["checks"]:
        check["detail"] = f"{check['key']} answered in {check['value']} ms"
    if sent_at is not None:
        stamp = sent_at.isoformat(timespec="seconds")
        document["sent_at"] = stamp
        for check in document["checks"]:
            check["checked_at"] = stamp
    return document


def enrol_fleet(db_url: str, agents: int) -> list[tuple[str, str]]:
    """Migrate, load N contracts (one customer, one instance each), enrol one token per customer."""
    import tomllib

    from collector.contracts.book import apply_contracts, parse_contracts
    from collector.ingest.enrolment import enroll
    from collector.storage.database import make_engine, migrate
    from prioritysupport.clock import SystemClock

    engine = make_engine(db_url)
    migrate(engine)
    apply_contracts(engine, parse_contracts(tomllib.loads(contracts_toml(agents))))
    with engine.begin() as conn:
        tokens = [(f"c{i}", enroll(conn, f"c{i}", SystemClock().now())) for i in range(agents)]
    engine.dispose()
    return tokens


@contextmanager
def server(args: list[str], port: int, log: Path, code: str | None = None) -> Iterator[psutil.Process]:
    """`code`: run from that checkout (`python -m` imports from the working directory first)."""
    with log.open("ab") as sink:
        proc = subprocess.Popen(args, stdout=sink, stderr=sink, cwd=code)
    try:
        wait_for_port(port, timeout=60)
        yield psutil.Process(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


TIMELINES: list[Path] = []  # --timeline: the directory for each run's (scheduled, latency) pairs


def measured(
    name: str, process: psutil.Process, load: Callable[[], Any], ok: tuple[int, ...]
) -> dict[str, Any]:
    before = cpu_seconds(process)
    system_before = process.cpu_times().system
    threads_before = {t.id: t.user_time + t.system_time for t in process.threads()}
    result = load()
    summary = summarise(name, result, ok)
    # Per thread, largest first (the event loop, the ingest writer, ...): where the CPU per report goes.
    spent = [t.user_time + t.system_time - threads_before.get(t.id, 0.0) for t in process.threads()]
    per_report = [seconds * 1000 / max(summary["ok"], 1) for seconds in sorted(spent, reverse=True)]
    summary["thread_cpu_ms_per_report"] = [round(ms, 4) for ms in per_report if ms > 0]
    # The kernel's share (sockets, the WAL's writes and reads): what no Python change removes.
    system = process.cpu_times().system - system_before
    summary["system_cpu_ms_per_report"] = round(system * 1000 / max(summary["ok"], 1), 4)
    if TIMELINES:
        runs = len(list(TIMELINES[0].glob(f"{name}.*.tsv")))
        with (TIMELINES[0] / f"{name}.{runs}.tsv").open("w", encoding="utf-8") as out:
            for at, latency in sorted(zip(result.scheduled, result.latencies, strict=True)):
                out.write(f"{at:.4f}\t{latency * 1000:.2f}\n")
    summary["cpu_ms_per_report"] = (cpu_seconds(process) - before) * 1000 / max(summary["ok"], 1)
    return summary


def steady(port: int, agents: list[FleetAgent], args: argparse.Namespace, seed: int) -> Any:
    return run_sync(lambda: run_fleet("127.0.0.1", port, agents, args.rate, args.seconds, seed))


def collector_agents(tokens: list[tuple[str, str]], first: int) -> list[FleetAgent]:
    """Each agent numbers its reports on from `first` across runs (the collector refuses a sequence
    number it has stored before, as a replay)."""
    agents = []
    for key, token in tokens:
        sequences = itertools.count(first)

        def body(_push: int, key: str = key, sequences: Iterator[int] = sequences) -> bytes:
            return json.dumps(fleet_report(key, next(sequences))).encode()

        agents.append(
            FleetAgent(
                "/api/v1/reports",
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                body,
            )
        )
    return agents


def spool_agents(tokens: list[tuple[str, str]], spool: int) -> list[FleetAgent]:
    """Each agent's spool: one report a minute through an outage of `spool` minutes that just ended."""
    outage_start = datetime.now(UTC) - timedelta(minutes=spool)
    agents = []
    for key, token in tokens:
        bodies = [
            json.dumps(fleet_report(key, n, outage_start + timedelta(minutes=n))).encode()
            for n in range(spool)
        ]
        agents.append(
            FleetAgent(
                "/api/v1/reports",
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                lambda n, bodies=bodies: bodies[n],
            )
        )
    return agents


def bench_collector(
    n: int, args: argparse.Namespace, workdir: Path, label: str, code: str | None
) -> dict[str, list[dict[str, Any]]]:
    """`code`: a checkout whose collector to run instead of this one (the before of a before/after)."""
    db_url = f"sqlite:///{workdir / f'{label}-{n}.db'}"
    started = time.perf_counter()
    tokens = enrol_fleet(db_url, n)
    print(f"enrolled {n} agents in {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    config = workdir / f"{label}-{n}.toml"
    config.write_text(
        f'[database]\nurl = "{db_url}"\n[server]\nport = {port}\nrun_worker = false\n'
        + (f"ingest_linger_ms = {args.linger_ms}\n" if args.linger_ms is not None else "")
        + "[monitoring]\nsweep_seconds = 30\n",
        encoding="utf-8",
    )
    runs: dict[str, list[dict[str, Any]]] = {"burst": [], "steady": []}
    command = [PYTHON, "-m", "prioritysupport", "collector", "serve", "-c", str(config)]
    with server(command, port, workdir / f"{label}.log", code) as proc:
        if args.spool:
            agents = spool_agents(tokens, args.spool)
            before, _ = count_reports(db_url)
            summary = measured(
                f"{label}-burst-{n}",
                proc,
                lambda: run_sync(lambda: run_replay("127.0.0.1", port, agents, args.spool, args.window)),
                (201,),
            )
            runs["burst"].append(with_rows(summary, db_url, before))
        agents = collector_agents(tokens, args.spool)
        profiler = profiling(proc.pid, workdir, f"{label}-{n}", args)
        for repeat in range(args.repeats):
            before, _ = count_reports(db_url)
            summary = measured(
                f"{label}-{n}",
                proc,
                partial(steady, port, agents, args, repeat),
                (201,),
            )
            runs["steady"].append(with_rows(summary, db_url, before))
        if profiler is not None:
            profiler.wait(60)
    return runs


def profiling(pid: int, workdir: Path, name: str, args: argparse.Namespace) -> subprocess.Popen[bytes] | None:
    """py-spy samples the collector through the steady runs (--profile): where its CPU goes."""
    if not args.profile:
        return None
    Path(args.profile).mkdir(parents=True, exist_ok=True)
    seconds = int(args.repeats * (args.seconds + 3))
    command = [str(Path(PYTHON).with_name("py-spy")), "record", "-p", str(pid), "-r", "100", "-f", "raw"]
    command += ["--nonblocking", "-d", str(seconds), "-o", str(Path(args.profile) / f"{name}.txt")]
    with (workdir / "py-spy.log").open("ab") as sink:
        return subprocess.Popen(command, stdout=sink, stderr=sink)


def with_rows(summary: dict[str, Any], db_url: str, before: int) -> dict[str, Any]:
    rows, distinct = count_reports(db_url)
    summary["rows_added"] = rows - before
    summary["lost"] = summary["ok"] - (rows - before)
    summary["duplicated"] = rows - distinct
    print(json.dumps(summary), flush=True)
    return summary


def bench_anchor(
    name: str, n: int, args: argparse.Namespace, workdir: Path, size: int
) -> list[dict[str, Any]]:
    port = free_port()
    if name == "pushgateway":
        command = [PUSHGATEWAY, f"--web.listen-address=127.0.0.1:{port}"]
        body = same_size_metrics(size)
        agents = [
            FleetAgent(
                f"/metrics/job/agent/instance/i{i}",
                {"Content-Type": "text/plain; version=0.0.4"},
                lambda _n, b=body: b,
            )
            for i in range(n)
        ]
    else:
        command = [PYTHON, str(Path(__file__).with_name("bare_asgi.py")), str(port)]
        body = b"x" * size
        agents = [
            FleetAgent("/", {"Content-Type": "application/json"}, lambda _n, b=body: b) for _ in range(n)
        ]
    label = "bare-asgi" if name == "bare" else name
    runs = []
    with server(command, port, workdir / f"{name}.log") as proc:
        for repeat in range(args.repeats):
            summary = measured(
                f"{label}-{n}",
                proc,
                partial(steady, port, agents, args, repeat),
                (200,),
            )
            print(json.dumps(summary), flush=True)
            runs.append(summary)
            if summary["ok"] < summary["sent"] / 2:
                break  # it cannot keep up at this rate: more runs only wait for timeouts
    return runs


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def print_table(results: dict[str, list[dict[str, Any]]]) -> None:
    print(
        f"\n{'target':<24}{'ok/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>10}{'CPU ms':>8}"
        f"{'lost':>6}{'dup':>5}{'err':>5}"
    )
    for name, runs in results.items():
        if not runs:
            continue
        print(
            f"{name:<24}{median_of(runs, 'ok_per_s'):>8.0f}{median_of(runs, 'p50_ms'):>9.1f}"
            f"{median_of(runs, 'p99_ms'):>9.1f}{median_of(runs, 'max_ms'):>10.0f}"
            f"{median_of(runs, 'cpu_ms_per_report'):>8.3f}{sum(r.get('lost', 0) for r in runs):>6}"
            f"{sum(r.get('duplicated', 0) for r in runs):>5}{sum(r['errors'] for r in runs):>5}"
        )
    for name, runs in results.items():
        n = name.rsplit("-", 1)[-1]
        bare = results.get(f"bare-asgi-{n}")
        if name.startswith(("collector-", "before-")) and "burst" not in name and bare:
            cpu = median_of(runs, "cpu_ms_per_report") / median_of(bare, "cpu_ms_per_report")
            p99 = median_of(runs, "p99_ms") / median_of(bare, "p99_ms")
            print(f"{name} / bare-asgi-{n}: CPU per report x{cpu:.2f}, p99 x{p99:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", default="2000,10000", help="fleet sizes, comma-separated")
    parser.add_argument("--rate", type=float, default=1000.0, help="offered reports per second in total")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--spool", type=int, default=10, help="reports each agent replays (0: no burst)")
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the agents wake up")
    parser.add_argument("--targets", default="bare,pushgateway,collector")
    parser.add_argument("--profile", help="directory for py-spy profiles of each collector's steady runs")
    parser.add_argument("--linger-ms", type=float, help="the collector's [server] ingest_linger_ms")
    parser.add_argument("--timeline", help="directory for each run's send times and latencies (TSV)")
    parser.add_argument(
        "--baseline", help="also run the collector of this checkout (e.g. a `git archive` of the old commit)"
    )
    args = parser.parse_args()
    size = len(json.dumps(fleet_report("c0", 1)).encode())
    print(
        f"report {size} bytes, with counts {len(json.dumps(fleet_report('c0', 0)).encode())} bytes",
        flush=True,
    )
    targets = set(args.targets.split(","))
    if args.timeline:
        TIMELINES.append(Path(args.timeline))
        TIMELINES[0].mkdir(parents=True, exist_ok=True)
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="ps-fleet-") as tmp:
        workdir = Path(tmp)
        for n in (int(x) for x in args.agents.split(",")):
            for anchor in ("bare", "pushgateway"):
                if anchor in targets:
                    name = "bare-asgi" if anchor == "bare" else anchor
                    results[f"{name}-{n}"] = bench_anchor(anchor, n, args, workdir, size)
            collectors = [("collector", None)] if "collector" in targets else []
            if args.baseline:
                collectors.insert(0, ("before", args.baseline))
            for label, code in collectors:
                runs = bench_collector(n, args, workdir, label, code)
                results[f"{label}-burst-{n}"] = runs["burst"]
                results[f"{label}-{n}"] = runs["steady"]
    print_table(results)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

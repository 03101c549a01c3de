"""Replicas benchmark: one vs two `collector serve` processes on one PostgreSQL, same offered load.

The agents are split over the processes as a connection-balancing load balancer would (each agent keeps
its connection to one replica); one open-loop generator drives both cases (bench/collector/loadgen.py),
so the offered load and the way latency is measured are the same. Medians of the repeats; lost and
duplicated reports are counted in the database after every run.

Run:  .venv/bin/python bench/collector/replicas_bench.py [--rate 2400] [--seconds 8] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from ingest_bench import (  # type: ignore[import-not-found]  # noqa: E402
    CLI,
    collector_agents,
    count_reports,
    process,
    realistic_report,
    summarise,
)
from loadgen import Agent, Result, run_load  # type: ignore[import-not-found]  # noqa: E402

from tests.support.components import free_port  # noqa: E402


def agents_for(tokens: list[tuple[str, str]], run: str) -> list[Agent]:
    """One agent per customer; `run` makes the agent ids new, so every run's sequence numbers are fresh."""
    agents = []
    for key, token in tokens:

        def body(sequence: int, key: str = key) -> bytes:
            document = realistic_report("prod", f"agent-{key}-{run}", sequence, sequence % 10 == 0)
            return json.dumps(document).encode()

        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        agents.append(Agent("/api/v1/reports", headers, body))
    return agents


async def _balanced(ports: list[int], agents: list[Agent], rate: float, seconds: float) -> Result:
    """Agent i talks to replica i mod n for the whole run; each replica gets its share of the rate."""
    shares = [agents[i :: len(ports)] for i in range(len(ports))]
    parts = await asyncio.gather(
        *(
            run_load("127.0.0.1", port, share, rate * len(share) / len(agents), seconds)
            for port, share in zip(ports, shares, strict=True)
        )
    )
    merged = Result(elapsed=max(part.elapsed for part in parts))
    for part in parts:
        merged.sent += part.sent
        merged.errors += part.errors
        merged.latencies += part.latencies
        merged.scheduled += part.scheduled
        for status, count in part.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + count
    return merged


def balanced_load(ports: list[int], agents: list[Agent], rate: float, seconds: float) -> Result:
    try:
        import uvloop

        return uvloop.run(_balanced(ports, agents, rate, seconds))
    except ImportError:
        return asyncio.run(_balanced(ports, agents, rate, seconds))


@contextmanager
def replicas(db_url: str, count: int, workdir: Path) -> Iterator[list[int]]:
    """`count` collector processes on the database, delivery worker off (ingest is what is measured)."""
    ports = [free_port() for _ in range(count)]
    with ExitStack() as stack:
        for index, port in enumerate(ports):
            config = workdir / f"replica{count}-{index}.toml"
            config.write_text(
                f'[database]\nurl = "{db_url}"\n[server]\nport = {port}\nrun_worker = false\n'
                "[monitoring]\nsweep_seconds = 30\n",
                encoding="utf-8",
            )
            stack.enter_context(process([*CLI, "collector", "serve", "-c", str(config)], port))
        yield ports


def bench(
    db_url: str, count: int, tokens: list[tuple[str, str]], args: argparse.Namespace, workdir: Path
) -> list[dict[str, Any]]:
    runs = []
    with replicas(db_url, count, workdir) as ports:
        balanced_load(ports, agents_for(tokens, f"warm{count}"), 300, 2.0)  # every agent once: caches warm
        for repeat in range(args.repeats):
            before, _ = count_reports(db_url)
            result = balanced_load(ports, agents_for(tokens, f"p{count}r{repeat}"), args.rate, args.seconds)
            rows, distinct = count_reports(db_url)
            summary = summarise(f"{count}-process", result, (201,))
            summary["lost"] = summary["ok"] - (rows - before)
            summary["duplicated"] = rows - distinct
            summary["load1"] = os.getloadavg()[0]  # the machine is shared: how busy it was
            runs.append(summary)
            print(json.dumps(summary), flush=True)
    return runs


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=2400.0, help="offered reports per second (total)")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--agents", type=int, default=100, help="simulated agents (one connection each)")
    args = parser.parse_args()
    from tests.support.postgres import postgres_server

    results: dict[int, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="ps-replicas-") as tmp, postgres_server() as url:
        workdir = Path(tmp)
        tokens = collector_agents(url, args.agents, workdir)
        for count in (1, 2):
            results[count] = bench(url, count, tokens, args, workdir)
    print(
        f"\nmedians over {args.repeats} runs at {args.rate:.0f} offered reports/s, {args.seconds:.0f} s each:"
    )
    print(f"{'processes':<12}{'ok/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'lost':>6}{'dup':>6}{'load1':>7}")
    for count, runs in results.items():
        print(
            f"{count:<12}{median_of(runs, 'ok_per_s'):>10.0f}{median_of(runs, 'p50_ms'):>10.1f}"
            f"{median_of(runs, 'p99_ms'):>10.1f}{sum(r['lost'] for r in runs):>6}"
            f"{sum(r['duplicated'] for r in runs):>6}{median_of(runs, 'load1'):>7.1f}"
        )
    throughput = median_of(results[2], "ok_per_s") / median_of(results[1], "ok_per_s")
    p99 = median_of(results[2], "p99_ms") / median_of(results[1], "p99_ms")
    print(f"2 vs 1 process: throughput x{throughput:.2f}, p99 x{p99:.2f}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

"""`python -m bench NAME [ARGS...]` (or `make bench ARGS="NAME ..."`): run one benchmark by name."""

from __future__ import annotations

import runpy
import sys

BENCHMARKS = {
    "sla": ("bench.sla.run", "deadlines for 100,000 tickets against a minute-by-minute walk"),
    "cloc": ("bench.cloc.run", "custom code lines against Odoo's literal algorithm and Debian's cloc"),
    "agent": ("bench.agent.footprint", "the agent's memory and CPU beside node_exporter"),
    "alerts": ("bench.alerts.latency", "outbox delivery latency beside Alertmanager"),
    "collector": ("bench.collector.ingest_bench", "report ingest beside Pushgateway and a bare endpoint"),
    "replicas": ("bench.collector.replicas_bench", "one vs two collector processes on one PostgreSQL"),
    "fleet": (
        "bench.collector.fleet_bench",
        "thousands of distinct agents and a replay burst, beside bare ASGI and Pushgateway",
    ),
    "storage": (
        "bench.collector.storage_bench",
        "bytes per report and the 30-day projection beside the old layout",
    ),
    "prune": ("bench.collector.prune_bench", "ingest latency while retention prunes, beside ingest alone"),
    "queue": ("bench.collector.queue_bench", "the staff queue and /metrics with 10,000 open tickets"),
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        print("usage: python -m bench NAME [ARGS...]; NAME is one of:", file=sys.stderr)
        for name, (_, what) in BENCHMARKS.items():
            print(f"  {name:10} {what}", file=sys.stderr)
        sys.exit(2)
    module, _ = BENCHMARKS[sys.argv[1]]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__")


if __name__ == "__main__":
    main()

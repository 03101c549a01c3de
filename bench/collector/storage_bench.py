"""Storage benchmark: bytes per report at steady state, and the 30-day projection for a fleet.

Same run, same reports: the new layout (compressed raw rows kept `--raw-hours`, counts by day, pruning
every simulated hour) and the old layout as anchor (revision 0004: every full body kept). Reports are
the ingest benchmark's realistic ones with varied measurements, counts once an hour per agent.

Run:  .venv/bin/python bench/collector/storage_bench.py [--agents 40] [--days 3] [--raw-hours 24]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from ingest_bench import realistic_report  # type: ignore[import-not-found]  # noqa: E402
from sqlalchemy import Engine, insert, text  # noqa: E402

from collector.ingest.pipeline import IncomingReport, ReportStore, compact_body, store_batch  # noqa: E402
from collector.storage import tables as t  # noqa: E402
from collector.storage.database import alembic_config, make_engine, migrate, writing  # noqa: E402
from collector.storage.retention import PrunePace, prune_reports  # noqa: E402

START = datetime(2026, 11, 2, tzinfo=UTC)


def varied_report(agent: int, sequence: int, at: datetime, rng: random.Random) -> dict[str, Any]:
    document = realistic_report("prod", f"agent-{agent}", sequence, with_counts=sequence % 60 == 0)
    stamp = at.isoformat()
    document["sent_at"] = stamp
    for check in document["checks"]:  # measurements change from minute to minute, as they do live
        check["value"] = round(rng.uniform(2, 400), 1)
        check["checked_at"] = stamp
        if "duration_ms" in check:
            check["duration_ms"] = round(rng.uniform(0.5, 40), 1)
    host = document["host"]
    for key in ("cpu_percent", "memory_percent", "load1", "load5", "load15"):
        host[key] = round(rng.uniform(0, 90), 1)
    host["odoo_workers_rss_bytes"] = rng.randrange(500_000_000, 2_000_000_000)
    if "counts" in document:
        document["counts"]["counted_at"] = stamp
        document["counts"]["internal_users"] = 18 + (sequence // 1440) % 3
    return document


def used_bytes(engine: Engine) -> int:
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
        size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
    return int((pages - free) * size)


def seed(engine: Engine, agents: int) -> None:
    with engine.begin() as conn:
        for i in range(agents):
            conn.execute(insert(t.customers).values(id=i + 1, key=f"c{i}", name=f"C{i}", language="nl"))
            conn.execute(
                insert(t.instances).values(id=i + 1, customer_id=i + 1, name="prod", url="https://x")
            )


def run_new(folder: Path, agents: int, days: int, raw_hours: int) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{folder / 'new.db'}")
    migrate(engine)
    seed(engine, agents)
    store, rng, per_day = ReportStore(), random.Random(7), []
    for minute in range(days * 1440):
        at = START + timedelta(minutes=minute)
        documents = [varied_report(a, minute, at, rng) for a in range(agents)]
        batch = [
            IncomingReport(str(uuid.uuid4()), a + 1, a + 1, at, document, compact_body(document))
            for a, document in enumerate(documents)
        ]
        with writing(engine).begin() as conn:
            store_batch(store, conn, batch)
        if minute % 60 == 59:
            prune_reports(engine, at - timedelta(hours=raw_hours), pace=PrunePace(pause_seconds=0))
        if minute % 1440 == 1439:
            per_day.append(used_bytes(engine))
    with engine.connect() as conn:
        raw_rows = conn.execute(text("SELECT count(*) FROM reports")).scalar_one()
    engine.dispose()
    window = raw_hours * 60 * agents
    steady = per_day[-1]
    lasting = (per_day[-1] - per_day[-2]) / (1440 * agents)  # growth per report once the window is full
    return {"steady_bytes": steady, "raw_rows": raw_rows, "per_raw_row": steady / max(window, 1),
            "lasting_per_report": lasting}  # fmt: skip


def run_old(folder: Path, agents: int, minutes: int) -> float:
    """The layout before 0005: every full body kept; bytes per report from the database's growth."""
    from alembic import command

    url = f"sqlite:///{folder / 'old.db'}"
    command.upgrade(alembic_config(url), "0004")
    engine = make_engine(url)
    seed(engine, agents)
    rng = random.Random(7)
    before = used_bytes(engine)
    sql = text(
        "INSERT INTO reports (report_id, customer_id, instance_id, received_at, sequence, body, agent_id, "
        "observed_at) VALUES (:id, :c, :c, :at, :seq, :body, :agent, :at)"
    )
    for minute in range(minutes):
        at = (START + timedelta(minutes=minute)).replace(tzinfo=None)
        rows = [
            {"id": str(uuid.uuid4()), "c": a + 1, "at": at, "seq": minute, "agent": f"agent-{a}",
             "body": compact_body(varied_report(a, minute, at.replace(tzinfo=UTC), rng))}
            for a in range(agents)
        ]  # fmt: skip
        with engine.begin() as conn:
            conn.execute(sql, rows)
    growth = (used_bytes(engine) - before) / (minutes * agents)
    engine.dispose()
    return growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--raw-hours", type=int, default=24)
    parser.add_argument("--fleet", type=int, default=1000, help="agents in the projection")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        new = run_new(Path(tmp), args.agents, args.days, args.raw_hours)
        old = run_old(Path(tmp), args.agents, 1440)
    month = args.fleet * 1440 * 30
    window = args.fleet * 60 * args.raw_hours
    new_total = window * new["per_raw_row"] + month * max(new["lasting_per_report"], 0.0)
    old_total = month * old
    print(
        f"agents simulated: {args.agents} x 1/min for {args.days} day(s), raw reports kept {args.raw_hours} h"
    )
    print(f"old layout: {old:,.0f} bytes per report (all kept)")
    print(f"new layout: {new['per_raw_row']:,.0f} bytes per raw report while kept; steady database "
          f"{new['steady_bytes'] / 1e6:,.1f} MB with {new['raw_rows']:,} raw rows; "
          f"{new['lasting_per_report']:,.1f} bytes per report kept after retention")  # fmt: skip
    print(f"30 days x {args.fleet} agents x 1/min: old {old_total / 1e9:,.1f} GB, "
          f"new {new_total / 1e9:,.2f} GB ({old_total / new_total:,.0f}x smaller)")  # fmt: skip


if __name__ == "__main__":
    main()

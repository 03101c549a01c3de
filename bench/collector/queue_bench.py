"""Staff queue and /metrics with many open tickets, beside the bare /healthz in the same run.

Seeds a migrated database (SQLite file, or a private PostgreSQL server) with `--tickets` open tickets
spread over 40 customers, every priority and open state, a quarter breached, a third assigned, one
registration event each and a breach event per breached ticket. Then serves the collector with uvicorn
on 127.0.0.1 (a thread of this process) and times sequential keep-alive requests, interleaved so a
busy moment hits every endpoint alike: /healthz (the anchor), the queue's first page, a later page, the
queue filtered by priority, and /metrics.

Run:  .venv/bin/python bench/collector/queue_bench.py [--tickets 10000] [--requests 30] [--database sqlite]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import Engine, insert, select  # noqa: E402

from collector.config import CollectorConfig  # noqa: E402
from collector.helpdesk.settings import HelpdeskSettings  # noqa: E402
from collector.helpdesk.staff.accounts import create_user  # noqa: E402
from collector.service import Collector, build_collector  # noqa: E402
from collector.storage import tables as core  # noqa: E402
from collector.storage.database import make_engine, migrate  # noqa: E402
from collector.storage.helpdesk_tables import assignments  # noqa: E402
from collector.storage.helpdesk_tables import metadata as helpdesk_metadata  # noqa: E402
from collector.tickets.core import OPEN_STATES  # noqa: E402
from prioritysupport.clock import FixedClock  # noqa: E402
from tests.support.components import free_port, wait_for_port  # noqa: E402

NOW = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # a Friday noon in Amsterdam
PASSWORD = "bench horse battery staple"
RESPONSE_HOURS = {"A": 1, "B": 4, "C": 8, "D": 16}
ENDPOINTS = {
    "healthz": "/healthz",
    "queue": "/staff",
    "queue_page_50": "/staff?page=50",
    "queue_priority_B": "/staff?priority=B",
    "metrics": "/metrics",
}


def seed(engine: Engine, tickets: int, rng: random.Random) -> None:
    """Customers, open tickets with their deadlines, events and assignments; one bulk insert per table."""
    with engine.begin() as conn:
        conn.execute(
            insert(core.customers),
            [{"key": f"klant{n:02d}", "name": f"Klant {n:02d} B.V.", "language": "nl"} for n in range(40)],
        )
        customer_ids = list(conn.execute(select(core.customers.c.id)).scalars())
        rows = [ticket_row(number, rng.choice(customer_ids), rng) for number in range(1, tickets + 1)]
        conn.execute(insert(core.tickets), rows)
        ids = dict(conn.execute(select(core.tickets.c.number, core.tickets.c.id)).all())
        events = [
            {"ticket_id": ids[r["number"]], "at": r["registered_at"], "kind": "registered", "body": "web"}
            for r in rows
        ]
        events += [
            {
                "ticket_id": ids[r["number"]],
                "at": r["response_due"],
                "kind": "breach",
                "body": "response target breached",
                "data": {"priority": r["priority"]},
            }
            for r in rows
            if r["response_breached"]
        ]
        conn.execute(insert(core.ticket_events), events)
        conn.execute(
            insert(assignments),
            [
                {"ticket_id": ids[r["number"]], "username": "eva", "assigned_at": r["registered_at"]}
                for r in rows
                if rng.random() < 0.33
            ],
        )


def ticket_row(number: int, customer_id: int, rng: random.Random) -> dict[str, Any]:
    priority = rng.choice("ABCD")
    registered = NOW - timedelta(minutes=rng.randint(5, 30 * 24 * 60))
    response_due = registered + timedelta(hours=RESPONSE_HOURS[priority])
    answered = rng.random() < 0.6
    first_response = registered + timedelta(minutes=rng.randint(1, 50)) if answered else None
    return {
        "number": f"PS-2026-{number:05d}",
        "customer_id": customer_id,
        "source": rng.choice(("web", "mail", "phone", "api", "monitoring")),
        "subject": f"Storing {number}: de koppeling met de webshop geeft een foutmelding",
        "description": "",
        "language": "nl",
        "category": "incident",
        "proposed_priority": priority,
        "priority": priority,
        "state": rng.choice(OPEN_STATES),
        "premium": rng.random() < 0.2,
        "registered_at": registered,
        "first_response_at": first_response,
        "response_due": response_due,
        "resolution_due": registered + timedelta(days=rng.randint(1, 40)),
        "prebreach_at": registered + timedelta(hours=RESPONSE_HOURS[priority] * 0.75),
        "prebreach_warned": False,
        "response_breached": not answered and response_due < NOW,
        "resolution_breached": False,
        "updated_at": registered,
    }


@contextmanager
def served(collector: Collector) -> Iterator[str]:
    import uvicorn

    from collector.web.app import create_app

    port = free_port()
    app = create_app(collector, run_background=False)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def timed(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    answer = session.get(url, allow_redirects=False)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}; the benchmark needs 200")
    return elapsed * 1000


def measure(base: str, repeats: int) -> dict[str, list[float]]:
    session = requests.Session()
    login = session.post(f"{base}/staff/login", data={"username": "eva", "password": PASSWORD})
    if login.status_code != 200 or "/staff/login" in login.url:
        raise SystemExit("could not sign in as the benchmark's staff user")
    for path in ENDPOINTS.values():  # warm-up: templates compiled, connections pooled
        timed(session, base + path)
    samples: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    for _ in range(repeats):
        for name, path in ENDPOINTS.items():
            samples[name].append(timed(session, base + path))
    return samples


def summary(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    anchor = statistics.median(samples["healthz"])
    result = {}
    for name, values in samples.items():
        median = statistics.median(values)
        p95 = statistics.quantiles(values, n=20, method="inclusive")[18]
        result[name] = {"median_ms": round(median, 1), "p95_ms": round(p95, 1), "x_healthz": median / anchor}
        result[name]["x_healthz"] = round(result[name]["x_healthz"], 1)
    return result


def database_url(kind: str, stack: ExitStack, workdir: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir}/queue-bench.db"
    from tests.support.postgres import postgres_server

    return str(stack.enter_context(postgres_server()))


def run(tickets: int, repeats: int, kind: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as workdir, ExitStack() as stack:
        url = database_url(kind, stack, workdir)
        clock = FixedClock(NOW)
        engine = make_engine(url)
        migrate(engine)
        helpdesk_metadata.create_all(engine)
        config = CollectorConfig(database_url=url)
        collector = build_collector(config, clock=clock, engine=engine, probe=lambda _url, _t: False)
        collector.extras["helpdesk"] = HelpdeskSettings(cookie_secure=False, secret_key="bench-secret")
        started = time.perf_counter()
        seed(engine, tickets, random.Random(7))
        with engine.begin() as conn:
            create_user(conn, "eva", PASSWORD, "engineer", NOW, display_name="Eva Engineer")
        seeded = time.perf_counter() - started
        with served(collector) as base:
            samples = measure(base, repeats)
        engine.dispose()
    return {
        "database": kind,
        "tickets": tickets,
        "requests": repeats,
        "seed_seconds": round(seeded, 1),
        "results": summary(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    if args.tickets < 100 or args.requests < 5:
        parser.error("use at least 100 tickets and 5 requests, or the numbers say nothing")
    print(json.dumps(run(args.tickets, args.requests, args.database), indent=2))


if __name__ == "__main__":
    main()

"""Several `collector serve` processes on one PostgreSQL database, as ops runs them behind a load balancer.

`ReplicaSet` writes one configuration per replica (same database, same fixed clock, own port, delivery
worker on or off), loads a fleet of premium customers with one instance and one enrolled agent each, and
starts and stops the processes. `fleet_report` builds a schema-v1 report whose `sent_at` encodes its
sequence number, so the flips it causes can be traced back to the report."""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.support.components import free_port, wait_for_port

COMMAND = str(Path(sys.executable).with_name("prioritysupport"))
NOW = datetime.fromisoformat("2026-11-27T12:00:00+01:00")  # the replicas' fixed clock: Friday, support hours
# Reports are dated before the clock (spooled, as it were), one step per sequence number: the collector
# keeps an agent's sent_at when it lies this far in the past, so flips carry their report's time.
FIRST_SENT = NOW - timedelta(hours=2)
STEP = timedelta(seconds=10)
HEALTH_CHECKS = ("odoo.login_page", "odoo.health", "odoo.read", "odoo.database")


def sent_at(sequence: int) -> datetime:
    return FIRST_SENT + sequence * STEP


def fleet_report(instance: str, agent_id: str, sequence: int, failing: frozenset[str]) -> dict[str, Any]:
    """A small but complete report: the availability checks (those in `failing` fail) and one latency."""
    at = sent_at(sequence).isoformat()
    checks: list[dict[str, Any]] = [
        {
            "key": key,
            "kind": key.removeprefix("odoo."),
            "status": "failing" if key in failing else "ok",
            "detail": "HTTP 502 from the proxy" if key in failing else None,
            "checked_at": at,
        }
        for key in HEALTH_CHECKS
    ]
    checks.append({"key": "odoo.latency", "kind": "latency", "status": "ok", "value": 80.0, "checked_at": at})
    return {
        "schema_version": 1,
        "report_id": str(uuid.uuid4()),
        "agent_id": agent_id,
        "sequence": sequence,
        "sent_at": at,
        "instance": {
            "name": instance,
            "url": "http://127.0.0.1:9/",
            "database": "prod",
            "odoo_version": "17.0",
        },
        "checks": checks,
    }


def _contracts(customers: int) -> str:
    return "\n".join(
        f'[[customer]]\nkey = "c{i}"\nname = "Customer {i}"\nlanguage = "en"\n'
        f'  [[customer.contact]]\n  name = "Contact"\n  email = "c{i}@example.com"\n'
        f'  [[customer.instance]]\n  name = "prod"\n  url = "http://127.0.0.1:9/"\n'
        f'  [[customer.contract]]\n  effective_from = 2026-01-01\n  package = "small"\n  premium = true\n'
        "  notify_customer_incidents = false\n"
        for i in range(customers)
    )


@dataclass
class Replica:
    index: int
    config: Path
    port: int
    worker: bool
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class ReplicaSet:
    base: Path
    database_url: str
    sink_port: int
    sweep_seconds: float = 0.2
    replicas: list[Replica] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # customer key -> agent token

    def prepare(self, customers: int, workers: list[bool]) -> None:
        """Schema, contracts and tokens (in this process: a command per step costs seconds), configs."""
        import tomllib

        from collector.contracts.book import apply_contracts, parse_contracts
        from collector.ingest.enrolment import enroll
        from collector.storage.database import make_engine, migrate

        engine = make_engine(self.database_url)
        migrate(engine)
        apply_contracts(engine, parse_contracts(tomllib.loads(_contracts(customers))))
        with engine.begin() as conn:
            for i in range(customers):
                self.tokens[f"c{i}"] = enroll(conn, f"c{i}", NOW)
        engine.dispose()
        sink = f"json://127.0.0.1:{self.sink_port}"
        (self.base / "apprise.yml").write_text(
            "version: 1\nurls:\n"
            + "".join(
                f"  - {sink}/{tag}:\n      - tag: {tag}\n"
                for tag in ("oncall-primary", "oncall-secondary", "support-team", "support-manager", "ops")
            ),
            encoding="utf-8",
        )
        for index, worker in enumerate(workers):
            replica = Replica(index, self.base / f"replica{index}.toml", free_port(), worker)
            replica.config.write_text(
                f'[database]\nurl = "{self.database_url}"\n'
                f'[server]\nhost = "127.0.0.1"\nport = {replica.port}\nrun_worker = {str(worker).lower()}\n'
                f'[clock]\nmode = "fixed"\nstart = "{NOW.isoformat()}"\n'
                f"[monitoring]\nsweep_seconds = {self.sweep_seconds}\nprobe_timeout_seconds = 1.0\n"
                "[monitoring.damping]\ndefault = 2\n"
                f'[notifications]\napprise_config = "{self.base / "apprise.yml"}"\n',
                encoding="utf-8",
            )
            self.replicas.append(replica)

    def start(self) -> None:
        for replica in self.replicas:  # all at once: each spends a few seconds importing
            log = (self.base / f"replica{replica.index}.log").open("ab")
            replica.process = subprocess.Popen(
                [COMMAND, "collector", "serve", "--config", str(replica.config)],
                cwd=self.base,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            log.close()
        for replica in self.replicas:
            try:
                wait_for_port(replica.port, timeout=60)
            except TimeoutError as exc:  # say why: the replicas' own words
                raise AssertionError(f"{exc}\n{self.logs()[-6000:]}") from None
        for replica in self.replicas:  # listening, and ours: not another program on a reused port
            assert replica.process is not None and replica.process.poll() is None, self.logs()[-4000:]

    def stop(self) -> None:
        for replica in self.replicas:
            if replica.process is not None and replica.process.poll() is None:
                replica.process.terminate()
        for replica in self.replicas:
            if replica.process is None:
                continue
            try:
                replica.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                replica.process.kill()
                replica.process.wait()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.base.glob("replica*.log")))

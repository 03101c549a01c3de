"""The router the collector mounts (on-call, iCal, ack by link and API) and the commands."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from alerts.http import alerts_router
from alerts.model import EscalationStep, NotificationRequest
from alerts.oncall import parse_rota
from alerts.outbox import Outbox
from alerts.signing import AckSigner
from alerts.worker import DeliveryWorker
from prioritysupport.clock import FixedClock
from tests.alerts.helpers import SECRET, book, enqueue, setup
from tests.alerts.receivers import WebhookReceiver
from tests.alerts.test_oncall import ROTA

ROOT = Path(__file__).resolve().parents[2]
ROTA_TOML = """
timezone = "Europe/Amsterdam"
[people.anna]
name = "Anna de Vries"
phone = "+31600000001"
[people.bram]
name = "Bram Bakker"
phone = "+31600000002"
[[rotations]]
tag = "oncall-primary"
members = ["anna", "bram"]
handover = "monday 09:00"
start = 2026-03-02
"""


def _client(
    engine: Engine, clock: FixedClock, receiver: WebhookReceiver
) -> tuple[TestClient, Outbox, DeliveryWorker]:
    box, worker = setup(engine, clock, book(receiver))
    rota = parse_rota(ROTA)
    app = FastAPI()
    app.include_router(
        alerts_router(clock=clock, rota=lambda: rota, outbox=box, signer=AckSigner(SECRET, clock))
    )
    return TestClient(app), box, worker


def test_oncall_current_and_ical(sqlite_only: Engine, receiver: WebhookReceiver) -> None:
    clock = FixedClock(datetime(2026, 3, 28, 20, 0, tzinfo=UTC))
    client, _, _ = _client(sqlite_only, clock, receiver)
    current = client.get("/api/v1/oncall/current")
    assert current.status_code == 200
    assert current.json()["name"] == "Carla Smit" and current.json()["phone"] == "+31600000003"
    assert client.get("/api/v1/oncall/current", params={"tag": "nope"}).status_code == 404
    feed = client.get("/api/v1/oncall.ics")
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in feed.text


def test_ack_by_signed_link_stops_the_chain(sqlite_only: Engine, receiver: WebhookReceiver) -> None:
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    client, box, worker = _client(sqlite_only, clock, receiver)
    enqueue(
        box,
        NotificationRequest(
            kind="page",
            recipients=("oncall-primary",),
            subject_ref="T-200",
            escalation=(EscalationStep(timedelta(minutes=15), ("oncall-secondary",)),),
        ),
    )
    worker.run_once()
    message = receiver.bodies("oncall-primary")[0]["message"]
    link = next(word for word in message.split() if "/ack/" in word)
    path = link.removeprefix("http://127.0.0.1:8080")
    assert "Bevestigen" in client.get(path).text  # GET only asks: link scanners must not acknowledge
    clock.advance(timedelta(minutes=5))
    assert client.post(path, data={"by": "anna"}).status_code == 200
    clock.advance(timedelta(minutes=20))
    worker.run_once()
    assert receiver.bodies("oncall-secondary") == []
    assert client.get("/ack/forged-token").status_code == 403
    clock.advance(timedelta(days=2))
    assert client.post(path, data={"by": "anna"}).status_code == 403  # expired


def test_ack_by_api(sqlite_only: Engine, receiver: WebhookReceiver) -> None:
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    client, box, _ = _client(sqlite_only, clock, receiver)
    enqueue(box, NotificationRequest(kind="page", recipients=("oncall-primary",), subject_ref="T-201"))
    assert client.post("/api/v1/ack", json={"subject_ref": "T-201", "by": "bram"}).json()["acknowledged"]
    assert client.post("/api/v1/ack", json={"subject_ref": "T-999", "by": "bram"}).status_code == 404
    assert client.post("/api/v1/ack", json={"subject_ref": "", "by": "bram"}).status_code == 422


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from prioritysupport.cli import main; main()", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_cli_who_ical_and_ack(tmp_path: Path, receiver: WebhookReceiver) -> None:
    rota_file = tmp_path / "oncall.toml"
    rota_file.write_text(ROTA_TOML)
    who = _run("oncall", "who", "--config", str(rota_file), "--at", "2026-03-09T09:00")
    assert who.returncode == 0, who.stderr
    assert who.stdout.startswith("Bram Bakker, phone +31600000002, ")
    assert "until Mon 16 Mar 09:00 (Europe/Amsterdam)" in who.stdout
    bad = _run("oncall", "who", "--config", str(tmp_path / "missing.toml"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "--config" in bad.stderr
    ical = _run("oncall", "ical", "--config", str(rota_file))
    assert ical.returncode == 0 and ical.stdout.startswith("BEGIN:VCALENDAR")

    from tests.alerts.db import sqlite_engine

    db = tmp_path / "ack.db"
    engine = sqlite_engine(str(db))
    clock = FixedClock(datetime.now(UTC))
    box, _ = setup(engine, clock, book(receiver))
    box.create_tables()
    enqueue(box, NotificationRequest(kind="page", recipients=("oncall-primary",), subject_ref="T-300"))
    done = _run("ack", "T-300", "--by", "carla", env={"PRIORITYSUPPORT_DATABASE_URL": f"sqlite:///{db}"})
    assert done.returncode == 0, done.stderr
    assert "T-300 acknowledged by carla" in done.stdout
    unknown = _run("ack", "T-404", "--database", f"sqlite:///{db}")
    assert unknown.returncode == 1 and "nothing was paged" in unknown.stderr

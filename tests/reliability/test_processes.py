"""Collector, worker, mail intake and the command line writing one SQLite database at once, with
kill -9 of the collector and the worker part-way: no 5xx, no "database is locked", every failed sign-in
counted, and every acknowledged report and mail stored exactly once."""

from __future__ import annotations

import smtplib
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from demo.sinks import WebhookReceiver
from tests.reliability.figures import record
from tests.reliability.processes import NOW, PASSWORD, Site

REPORTS = 80  # in two halves, the collector and worker killed in between
SIGN_INS = 8
WRONG_PASSWORDS = 4  # below the lock-out (5): each must be counted
MAILS = 6
CLI_RUNS = 2
DEADLINE = 120.0  # seconds for any one phase; the phases normally take a few


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    sink = WebhookReceiver().start()
    running = Site(tmp_path, sink.url)
    running.sink = sink  # type: ignore[attr-defined]
    try:
        running.prepare()
        yield running
    finally:
        running.stop_all()
        sink.stop()


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.acked: set[str] = set()
        self.errors: list[str] = []

    def note(self, kind: str, status: int | str) -> None:
        with self.lock:
            self.statuses[f"{kind}:{status}"] += 1

    def server_errors(self) -> list[str]:
        return [key for key in self.statuses if key.split(":")[1].startswith("5")]


def _report(number: int) -> dict[str, object]:
    status = "failing" if number % 3 == 0 else "ok"
    return {
        "schema_version": 1,
        "report_id": str(uuid.uuid4()),
        "agent_id": "agent-1",
        "sequence": number,
        "sent_at": NOW,
        "instance": {"name": "prod", "url": "http://127.0.0.1:9", "database": "prod"},
        "checks": [{"key": "odoo.login", "kind": "login_page", "status": status, "detail": f"#{number}"}],
    }


def _deliver_reports(site: Site, tally: Tally, numbers: range) -> None:
    """As the agent does: each report until the collector acknowledges it (connection errors retried)."""
    headers = {"Authorization": f"Bearer {site.token}"}
    with httpx.Client(base_url=site.url, headers=headers, timeout=60) as client:
        for number in numbers:
            document = _report(number)
            deadline = time.monotonic() + DEADLINE
            while True:
                try:
                    answer = client.post("/api/v1/reports", json=document)
                except httpx.TransportError:
                    tally.note("report", "connection")
                    assert time.monotonic() < deadline, "the collector did not come back"
                    time.sleep(0.2)
                    continue
                tally.note("report", answer.status_code)
                if answer.status_code in (200, 201):
                    with tally.lock:
                        tally.acked.add(str(document["report_id"]))
                    break
                if answer.status_code < 500:
                    tally.errors.append(f"report {number}: {answer.status_code} {answer.text[:200]}")
                    break
                time.sleep(0.2)  # a 5xx is noted (and fails the test) but the agent retries


def _sign_ins(site: Site, tally: Tally) -> None:
    attempts = [("eva", PASSWORD)] * SIGN_INS + [("victim", "wrong password!")] * WRONG_PASSWORDS
    with httpx.Client(base_url=site.url, timeout=60) as client:
        for username, password in attempts:
            answer = client.post("/staff/login", data={"username": username, "password": password})
            tally.note(f"sign-in-{username}", answer.status_code)


def _mails(site: Site, tally: Tally) -> list[str]:
    numbers = []
    for index in range(MAILS):
        message = EmailMessage()
        message["From"], message["To"] = "jan@acme.example", "support@erpm.example"
        message["Subject"] = f"Vraag {index}: factuur {uuid.uuid4().hex[:6]}"
        message.set_content("Hallo, een vraag.")
        with smtplib.SMTP("127.0.0.1", site.smtp_port, timeout=60) as smtp:
            try:
                smtp.send_message(message)
                tally.note("mail", 250)
            except smtplib.SMTPResponseException as refused:
                tally.note("mail", refused.smtp_code)
                continue
        numbers.append(message["Subject"])
    return numbers


def _cli(site: Site, tally: Tally) -> None:
    for _ in range(CLI_RUNS):
        site.cli("enroll-agent", "acme")
        tally.note("cli", 0)


def _run_all(*jobs: threading.Thread) -> None:
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(DEADLINE * 2)
        assert not job.is_alive(), f"{job.name} did not finish"


def _rows(site: Site, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(site.database, timeout=60) as conn:
        return conn.execute(sql).fetchall()


def test_writers_in_every_process_at_once_with_kill9(site: Site) -> None:
    tally = Tally()
    for role in ("serve", "worker", "mail"):
        site.start(role)
    half = REPORTS // 2
    subjects: list[str] = []
    _run_all(
        threading.Thread(target=_deliver_reports, args=(site, tally, range(1, half + 1)), name="reports"),
        threading.Thread(target=_sign_ins, args=(site, tally), name="sign-ins"),
        threading.Thread(target=lambda: subjects.extend(_mails(site, tally)), name="mails"),
        threading.Thread(target=_cli, args=(site, tally), name="cli"),
    )
    # kill -9 while the second half is being delivered; both come back on the same database.
    second = threading.Thread(
        target=_deliver_reports, args=(site, tally, range(half + 1, REPORTS + 1)), name="reports-2"
    )
    second.start()
    deadline = time.monotonic() + DEADLINE
    while len(tally.acked) < half + 5 and time.monotonic() < deadline:  # a few in, then the kill
        time.sleep(0.01)
    site.kill("serve")
    site.kill("worker")
    site.start("serve")
    site.start("worker")
    second.join(DEADLINE * 2)
    assert not second.is_alive()

    stored = {row[0] for row in _rows(site, "SELECT report_id FROM reports")}
    (victim_failures,) = _rows(site, "SELECT failed_logins FROM helpdesk_staff WHERE username = 'victim'")[0]
    mail_tickets = {row[0] for row in _rows(site, "SELECT subject FROM tickets WHERE source = 'mail'")}
    # The fixed clock never lets a killed worker's lease run out (tests/alerts covers that): figures only.
    outbox = dict(_rows(site, "SELECT state, count(*) FROM alerts_outbox GROUP BY state"))
    figures = {
        "reports_acknowledged": len(tally.acked),
        "reports_stored": len(stored),
        "reports_lost": len(tally.acked - stored),
        "stored_unacknowledged": len(stored - tally.acked),
        "answers": dict(sorted(tally.statuses.items())),
        "wrong_passwords": WRONG_PASSWORDS,
        "wrong_passwords_counted": victim_failures,
        "mails_accepted": len(subjects),
        "mail_tickets": len(mail_tickets),
        "outbox_states": outbox,
        "webhook_posts": len(site.sink.snapshot()),  # type: ignore[attr-defined]
        "database_locked_in_logs": site.logs().count("database is locked"),
        "kills": 2,
    }
    record("processes_concurrent_writers_kill9", **figures)
    assert tally.errors == []
    assert tally.server_errors() == [], tally.statuses
    assert figures["database_locked_in_logs"] == 0, site.logs()[-3000:]
    assert tally.acked == stored and len(stored) == REPORTS
    assert tally.statuses["sign-in-eva:303"] == SIGN_INS
    assert victim_failures == WRONG_PASSWORDS
    assert mail_tickets == set(subjects) and len(subjects) == MAILS

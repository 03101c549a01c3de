"""Helpdesk test rig: the collector on SQLite with a fixed clock, uvicorn on 127.0.0.1, a real SMTP
catcher (aiosmtpd) receiving what the delivery worker sends, and two staff accounts."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from alerts.channels import ChannelBook, SmtpSettings
from alerts.worker import DeliveryWorker
from collector.helpdesk.public.clients import create_client
from collector.helpdesk.settings import HelpdeskSettings
from collector.helpdesk.staff.accounts import create_user
from collector.service import Collector
from collector.storage.helpdesk_tables import metadata
from demo.sinks import CaughtMail, MailCatcher
from prioritysupport.clock import FixedClock
from tests.collector.conftest import FRIDAY_NOON, LiveServer, make_collector

PASSWORD = "correct horse battery"
NUMBER = re.compile(r"PS-\d{4}-\d{5}")


@dataclass
class Rig:
    collector: Collector
    clock: FixedClock
    url: str
    mails: MailCatcher
    worker: DeliveryWorker
    tokens: dict[str, str]

    def deliver(self, expect: int, timeout: float = 10.0) -> list[CaughtMail]:
        """Run the delivery worker until `expect` mails in total have reached the catcher."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.worker.run_once()
            if len(self.mails.snapshot()) >= expect:
                return self.mails.snapshot()
            time.sleep(0.05)
        raise AssertionError(f"expected {expect} mails, got {[m.subject for m in self.mails.snapshot()]}")

    def mails_to(self, address: str) -> list[CaughtMail]:
        return [m for m in self.mails.snapshot() if address in m.recipients]

    def api(self, customer: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.tokens[customer]}"
        return session

    def staff(self, username: str = "eva", password: str = PASSWORD) -> requests.Session:
        session = requests.Session()
        answer = session.post(
            f"{self.url}/staff/login",
            data={"username": username, "password": password},
            allow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return session

    def csrf(self, session: requests.Session, path: str = "/staff") -> str:
        page = session.get(f"{self.url}{path}")
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found, page.text[:500]
        return found.group(1)


def ticket_count(collector: Collector) -> int:
    from sqlalchemy import func, select

    from collector.storage import tables as core

    with collector.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(core.tickets)).scalar_one())


@contextmanager
def running_rig(url: str, *, protect_management_api: bool = True) -> Iterator[Rig]:
    clock = FixedClock(FRIDAY_NOON)
    collector = make_collector(url, clock)
    collector.extras["helpdesk"] = HelpdeskSettings(
        cookie_secure=False, secret_key="test-secret", protect_management_api=protect_management_api
    )
    metadata.create_all(collector.engine)
    with collector.engine.begin() as conn:
        create_user(conn, "eva", PASSWORD, "engineer", clock.now(), display_name="Eva Engineer")
        create_user(conn, "max", PASSWORD, "manager", clock.now(), display_name="Max Manager", language="en")
        tokens = {key: create_client(conn, key, "tests", clock.now()) for key in ("acme", "globex")}
    mails = MailCatcher().start()
    smtp = SmtpSettings(host="127.0.0.1", port=mails.port, sender="support@erpm.example")
    worker = DeliveryWorker(collector.outbox, ChannelBook(smtp=smtp))
    try:
        with LiveServer(collector) as server:
            yield Rig(collector, clock, server.url, mails, worker, tokens)
    finally:
        mails.stop()
        collector.engine.dispose()


@pytest.fixture
def rig(tmp_path: Any) -> Iterator[Rig]:
    with running_rig(f"sqlite:///{tmp_path / 'helpdesk.db'}") as running:
        yield running

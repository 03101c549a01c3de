"""Delivery wiring from the [notifications] settings: the rota's person on call is paged through their own
URL, the page carries a signed acknowledgement link, and following it (GET confirms, POST acknowledges)
stops the escalation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from collector.config import CollectorConfig, MonitoringSettings, NotificationSettings
from collector.delivery import build_delivery_worker
from collector.service import Collector, build_collector
from demo.sinks import WebhookReceiver
from prioritysupport.clock import FixedClock
from tests.collector.conftest import LiveServer, prepared_engine
from tests.collector.monitoring.test_monitoring_routing import failing, send, tickets

PUBLIC_URL = "https://support.partner.example"


def _rota(path: Path, hook_port: int) -> Path:
    path.write_text(
        f"""
timezone = "Europe/Amsterdam"
[people.anna]
name = "Anna"
phone = "+31 6 1111 1111"
email = "anna@partner.example"
notify = ["json://127.0.0.1:{hook_port}/anna"]
[people.bram]
name = "Bram"
phone = "+31 6 2222 2222"
email = "bram@partner.example"
notify = ["json://127.0.0.1:{hook_port}/bram"]
[[rotations]]
tag = "oncall-primary"
members = ["anna"]
handover = "monday 09:00"
start = 2026-01-05
[[rotations]]
tag = "oncall-secondary"
members = ["bram"]
handover = "monday 09:00"
start = 2026-01-05
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def wired(tmp_path: Path, clock: FixedClock, hook: WebhookReceiver) -> Iterator[Collector]:
    url = f"sqlite:///{tmp_path / 'collector.db'}"
    notifications = NotificationSettings(
        rota=str(_rota(tmp_path / "oncall.toml", hook.port)),
        ack_secret="a-test-secret-of-some-length",
        public_url=PUBLIC_URL,
    )
    config = replace(
        CollectorConfig(database_url=url),
        monitoring=MonitoringSettings(damping={"default": 2}),
        notifications=notifications,
    )
    built = build_collector(config, clock=clock, engine=prepared_engine(url), probe=lambda _u, _t: False)
    yield built
    built.engine.dispose()


def test_page_to_the_person_on_call_carries_a_link_that_stops_escalation(
    wired: Collector, clock: FixedClock, hook: WebhookReceiver
) -> None:
    worker = build_delivery_worker(wired.config.notifications, wired.outbox)
    assert worker is not None
    send(wired, "acme", [failing()])
    send(wired, "acme", [failing()])
    number = tickets(wired)[0].number
    worker.run_once()
    pages = [post.body for post in hook.snapshot() if post.path == "/anna"]
    assert len(pages) == 1, hook.snapshot()
    links = re.findall(rf"{re.escape(PUBLIC_URL)}/ack/\S+", str(pages[0]))
    assert links, pages[0]
    path = urlsplit(links[0].rstrip("\"',.)")).path

    with LiveServer(wired) as live:
        confirm = httpx.get(live.url + path)
        assert confirm.status_code == 200 and "<form" in confirm.text and number in confirm.text
        clock.advance(timedelta(minutes=14))
        worker.run_once()
        assert not [
            post for post in hook.snapshot() if post.path == "/bram"
        ]  # a GET (a mail scanner) acks nothing
        done = httpx.post(live.url + path)
        assert done.status_code == 200 and "Bevestigd door Anna om" in done.text
    clock.advance(timedelta(minutes=30))
    worker.run_once()
    assert [post.path for post in hook.snapshot()] == ["/anna"]  # no escalation to the secondary


def test_a_missing_rota_is_a_configuration_error(tmp_path: Path, clock: FixedClock) -> None:
    from collector.config import ConfigError

    url = f"sqlite:///{tmp_path / 'collector.db'}"
    config = replace(
        CollectorConfig(database_url=url),
        notifications=NotificationSettings(rota=str(tmp_path / "nope.toml")),
    )
    built = build_collector(config, clock=clock, engine=prepared_engine(url))
    try:
        with pytest.raises(ConfigError, match=r"notifications\.rota"):
            build_delivery_worker(built.config.notifications, built.outbox)
    finally:
        built.engine.dispose()

"""The real Alertmanager fires at the collector's webhook: one ticket per fingerprint, resolution noted."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from collector.service import Collector
from tests.collector.conftest import LiveServer, staff_headers
from tests.support.components import free_port, require_binary, wait_for_port

CONFIG = """
route:
  receiver: collector
  group_by: ['...']
  group_wait: 100ms
  group_interval: 200ms
  repeat_interval: 1h
receivers:
  - name: collector
    webhook_configs:
      - url: {url}/api/v1/alertmanager
        send_resolved: true
"""


@pytest.fixture
def alertmanager(tmp_path: Path, live: LiveServer) -> Iterator[str]:
    binary = require_binary("prometheus-alertmanager", "/usr/bin/prometheus-alertmanager", "alertmanager")
    port = free_port()
    config = tmp_path / "alertmanager.yml"
    config.write_text(CONFIG.format(url=live.url), encoding="utf-8")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def wait_for(condition: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_alertmanager_opens_and_resolves_a_ticket(
    collector: Collector, live: LiveServer, alertmanager: str
) -> None:
    staff = staff_headers(collector)
    now = datetime.now(UTC)
    alert = {
        "labels": {
            "alertname": "OdooDown",
            "customer": "acme",
            "instance_name": "prod",
            "severity": "critical",
        },
        "annotations": {"summary": "Odoo does not answer"},
        "startsAt": (now - timedelta(minutes=1)).isoformat(),
    }
    assert httpx.post(f"{alertmanager}/api/v2/alerts", json=[alert]).status_code == 200

    def tickets() -> list[dict[str, Any]]:
        return list(httpx.get(f"{live.url}/api/v1/tickets", headers=staff).json())

    opened = wait_for(tickets)
    assert len(opened) == 1
    ticket = opened[0]
    assert (ticket["source"], ticket["priority"], ticket["subject"]) == (
        "alertmanager",
        "A",
        "OdooDown: Odoo does not answer",
    )
    time.sleep(0.5)  # a repeat within the group interval must not open a second ticket
    assert len(tickets()) == 1

    resolved = {**alert, "endsAt": (datetime.now(UTC) - timedelta(seconds=1)).isoformat()}
    assert httpx.post(f"{alertmanager}/api/v2/alerts", json=[resolved]).status_code == 200

    def resolution_noted() -> bool:
        url = f"{live.url}/api/v1/tickets/{ticket['number']}"
        timeline = httpx.get(url, headers=staff).json()["timeline"]
        return any(e["kind"] == "recovered" for e in timeline)

    wait_for(resolution_noted)
    assert len(tickets()) == 1


def test_webhook_payload_errors_are_4xx(collector: Collector, live: LiveServer) -> None:
    bad = httpx.post(
        f"{live.url}/api/v1/alertmanager", json={"version": "3", "status": "firing", "alerts": []}
    )
    assert bad.status_code == 422 and "version" in bad.json()["error"]
    unknown = {
        "version": "4",
        "status": "firing",
        "alerts": [{"status": "firing", "labels": {"customer": "nobody"}, "fingerprint": "abc"}],
    }
    counted = "prioritysupport_alertmanager_unknown_customer_alerts_total"
    assert collector.registry.get_sample_value(counted) == 0
    answer = httpx.post(f"{live.url}/api/v1/alertmanager", json=unknown)
    # A 4xx: Alertmanager counts a failed notification and does not retry it; the collector counts it too.
    assert answer.status_code == 422 and answer.json()["results"][0]["result"] == "unknown customer"
    assert "nobody" in answer.json()["error"] and "contracts.toml" in answer.json()["error"]
    assert collector.registry.get_sample_value(counted) == 1


def test_known_alerts_of_a_batch_are_kept_when_one_names_an_unknown_customer(
    collector: Collector, live: LiveServer
) -> None:
    alerts = [
        {"status": "firing", "labels": {"customer": "acme", "alertname": "Disk"}, "fingerprint": "f1"},
        {"status": "firing", "labels": {"customer": "acmee", "alertname": "Disk"}, "fingerprint": "f2"},
    ]
    payload = {"version": "4", "status": "firing", "alerts": alerts}
    answer = httpx.post(f"{live.url}/api/v1/alertmanager", json=payload)
    assert answer.status_code == 422
    assert [r["result"] for r in answer.json()["results"]] == ["opened", "unknown customer"]
    staff = staff_headers(collector)
    assert len(httpx.get(f"{live.url}/api/v1/tickets", headers=staff).json()) == 1

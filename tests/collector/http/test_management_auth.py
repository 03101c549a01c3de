"""The management API is staff-only by default; agent ingest, the Alertmanager webhook, /healthz and /metrics
keep their own rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from collector.config import CollectorConfig, ServerSettings
from collector.helpdesk.public.clients import create_client
from collector.service import Collector, build_collector
from prioritysupport.clock import FixedClock
from tests.collector.conftest import LiveServer, prepared_engine, report, staff_headers, token_for

OPEN = ("/api/v1/reports", "/api/v1/alertmanager")
WEBHOOK = {"version": "4", "status": "firing", "alerts": []}


def management_routes(live: LiveServer) -> list[tuple[str, str]]:
    """Every (method, path) under /api/v1/ the app serves, path parameters filled with plausible values."""
    app = live.server.config.app
    found = []
    for template, operations in app.openapi()["paths"].items():  # included routers too
        if not template.startswith("/api/v1/") or template.startswith(OPEN):
            continue
        path = template.replace("{key}", "acme").replace("{number}", "PS-2026-00001")
        path = re.sub(r"\{[^}]+\}", "1", path)
        found += [(method.upper(), path) for method in sorted(operations)]
    return found


def test_anonymous_callers_get_401_on_every_management_route(collector: Collector, live: LiveServer) -> None:
    routes = management_routes(live)
    assert len(routes) >= 15 and ("PUT", "/api/v1/contracts") in routes and ("POST", "/api/v1/ack") in routes
    with httpx.Client(base_url=live.url) as client:
        answers = {(method, path): client.request(method, path, json={}) for method, path in routes}
    assert {key: r.status_code for key, r in answers.items() if r.status_code != 401} == {}
    assert all("staff" in r.json()["error"] for r in answers.values())


def test_a_customer_ticket_token_cannot_read_the_management_api(
    collector: Collector, live: LiveServer
) -> None:
    with collector.engine.begin() as conn:
        customer_token = create_client(conn, "acme", "tests", collector.clock.now())
    customer = {"Authorization": f"Bearer {customer_token}"}
    agent = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    with httpx.Client(base_url=live.url) as client:
        for path in ("/api/v1/tickets", "/api/v1/customers/acme", "/api/v1/customers", "/api/v1/maintenance"):
            assert client.get(path, headers=customer).status_code == 401, path
            assert client.get(path, headers=agent).status_code == 401, path  # agent tokens neither
        assert client.get("/api/v1/tickets", headers=staff_headers(collector)).status_code == 200
        assert client.get("/api/client/v1/tickets", headers=customer).status_code == 200  # its own API


def test_agents_health_and_metrics_stay_open(collector: Collector, live: LiveServer) -> None:
    agent = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    with httpx.Client(base_url=live.url) as client:
        assert client.post("/api/v1/reports", json=report(), headers=agent).status_code == 201
        assert client.get("/healthz").status_code == 200
        assert client.get("/metrics").status_code == 200
        assert client.post("/api/v1/alertmanager", json=WEBHOOK).status_code == 200  # no token configured


@pytest.fixture
def token_webhook(tmp_path: Path, clock: FixedClock) -> Iterator[Collector]:
    url = f"sqlite:///{tmp_path / 'collector.db'}"
    base = build_collector(
        replace(
            CollectorConfig(database_url=url),
            server=ServerSettings(alertmanager_token="alertmanager-secret-token"),
        ),
        clock=clock,
        engine=prepared_engine(url),
        probe=lambda _u, _t: False,
    )
    yield base
    base.engine.dispose()


def test_the_webhook_token_when_configured(token_webhook: Collector) -> None:
    with LiveServer(token_webhook) as live, httpx.Client(base_url=live.url) as client:
        anonymous = client.post("/api/v1/alertmanager", json=WEBHOOK)
        wrong = client.post("/api/v1/alertmanager", json=WEBHOOK, headers={"Authorization": "Bearer nope"})
        right = client.post(
            "/api/v1/alertmanager",
            json=WEBHOOK,
            headers={"Authorization": "Bearer alertmanager-secret-token"},
        )
    assert anonymous.status_code == 401 and "Bearer" in anonymous.json()["error"]
    assert wrong.status_code == 401
    assert right.status_code == 200

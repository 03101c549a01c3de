"""The HTTP API fuzzed: bad input is always a 4xx with a message, never a 5xx, and never stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collector.service import Collector
from collector.storage import tables as t
from prioritysupport.clock import FixedClock
from tests.collector.conftest import FRIDAY_NOON, LiveServer, make_collector, report, staff_headers, token_for

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


class Api:
    def __init__(self, collector: Collector, client: httpx.Client, token: str) -> None:
        self.collector = collector
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def rows(self) -> tuple[int, int]:
        with self.collector.engine.connect() as conn:
            return (
                conn.execute(select(func.count()).select_from(t.reports)).scalar_one(),
                conn.execute(select(func.count()).select_from(t.tickets)).scalar_one(),
            )


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "collector.db"
    collector = make_collector(f"sqlite:///{path}", FixedClock(FRIDAY_NOON))
    staff = staff_headers(collector)  # the management API is staff-only; agents use their own tokens
    with LiveServer(collector) as live, httpx.Client(base_url=live.url, timeout=10, headers=staff) as client:
        yield Api(collector, client, token_for(collector, "acme"))
    collector.engine.dispose()


def assert_rejected_cleanly(api: Api, response: httpx.Response, before: tuple[int, int]) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"], response.text
        assert api.rows() == before


@FUZZ
@given(body=json_values)
def test_any_json_as_a_report(api: Api, body: Any) -> None:
    before = api.rows()
    response = api.client.post("/api/v1/reports", json=body, headers=api.headers)
    assert_rejected_cleanly(api, response, before)
    assert response.status_code >= 400


@FUZZ
@given(
    path=st.sampled_from(["instance", "checks", "sequence", "sent_at", "report_id", "counts", "host"]),
    value=json_values,
)
def test_a_mutated_report(api: Api, path: str, value: Any) -> None:
    body = report(checks=[{"key": "odoo.login", "kind": "login_page", "status": "ok"}])
    body[path] = value
    before = api.rows()
    response = api.client.post("/api/v1/reports", json=body, headers=api.headers)
    assert_rejected_cleanly(api, response, before)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_raw_bytes(api: Api, raw: bytes) -> None:
    before = api.rows()
    response = api.client.post("/api/v1/reports", content=raw, headers=api.headers)
    assert_rejected_cleanly(api, response, before)


@FUZZ
@given(
    endpoint=st.sampled_from(
        [
            "/api/v1/tickets",
            "/api/v1/alertmanager",
            "/api/v1/maintenance",
            "/api/v1/tickets/PS-2026-00001/assess",
            "/api/v1/ack",
            "/api/v1/conditions/1/silence",
        ]
    ),
    body=json_values,
)
def test_management_endpoints(api: Api, endpoint: str, body: Any) -> None:
    before = api.rows()
    response = api.client.post(
        endpoint, content=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert_rejected_cleanly(api, response, before)


@FUZZ
@given(
    category=st.text(max_size=12) | st.sampled_from(["incident", "vraag", "change"]),
    impact=st.none() | st.text(max_size=8) | st.sampled_from(["hoog", "low"]),
    scope=st.none() | st.text(max_size=8) | st.sampled_from(["organisation", "een gebruiker"]),
    customer=st.sampled_from(["acme", "nobody", ""]),
)
def test_ticket_fields(api: Api, category: str, impact: str | None, scope: str | None, customer: str) -> None:
    before = api.rows()
    body = {"customer": customer, "subject": "x", "category": category, "impact": impact, "scope": scope}
    response = api.client.post("/api/v1/tickets", json=body)
    assert_rejected_cleanly(api, response, before)


@FUZZ
@given(body=json_values)
def test_contracts_document(api: Api, body: Any) -> None:
    response = api.client.put("/api/v1/contracts", content=json.dumps(body))
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]

"""Reports that can never be stored are refused for good (422, which the agent drops), never 503;
a second report with the same agent and sequence is acknowledged as a duplicate, not stored twice."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import func, select

from collector.service import Collector
from collector.storage import tables as t
from tests.collector.conftest import LiveServer, report, token_for
from tests.reliability.figures import record


def _stored(collector: Collector) -> int:
    with collector.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.reports)).scalar_one())


def _post(live: LiveServer, collector: Collector, raw: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token_for(collector, 'acme')}", "Content-Type": "application/json"}
    return httpx.post(f"{live.url}/api/v1/reports", content=raw, headers=headers, timeout=30)


LONE = "\\ud800"  # a JSON escape of half a surrogate pair: valid JSON, never valid Unicode text


def _with_raw(document: dict[str, Any], placeholder: str, raw: str) -> bytes:
    return json.dumps(document).replace(placeholder, raw).encode()


CASES: list[tuple[dict[str, Any], str | None, str | None, str]] = [
    (report(sequence=10**30), None, None, "sequence"),
    (report(sequence=2**63), None, None, "sequence"),
    (report(sent_at="9999-12-31T23:59:59+00:00"), None, None, "sent_at"),
    (report(sent_at="0001-01-01T00:00:00+01:00"), None, None, "sent_at"),
    (
        report(checks=[{"key": "k", "kind": "http", "status": "ok", "name": "N@"}]),
        "N@",
        f"N{LONE}",
        "checks/0/name",
    ),
    (
        report(checks=[{"key": "k", "kind": "http", "status": "failing", "detail": "D@"}]),
        "D@",
        f"{LONE}D",
        "checks/0/detail",
    ),
    (report(checks=[{"key": "K@", "kind": "http", "status": "failing"}]), "K@", LONE, "checks/0/key"),
    (
        report(counts={"counted_at": "2026-11-27T11:00:00+00:00", "internal_users": 2**40}),
        None,
        None,
        "counts/internal_users",
    ),
]


def test_never_storable_reports_are_refused_for_good(collector: Collector, live: LiveServer) -> None:
    answers = []
    for document, placeholder, raw, field in CASES:
        body = _with_raw(document, placeholder, raw) if placeholder and raw else json.dumps(document).encode()
        response = _post(live, collector, body)
        answers.append((field, response.status_code, response.json().get("field")))
    stored = _stored(collector)
    record(
        "reports_never_storable",
        attempts=len(CASES),
        refused_422=sum(status == 422 for _, status, _ in answers),
        server_errors=sum(status >= 500 for _, status, _ in answers),
        stored=stored,
    )
    assert answers == [(field, 422, field) for _, _, _, field in CASES]
    assert stored == 0


def test_the_largest_sequence_is_stored(collector: Collector, live: LiveServer) -> None:
    response = _post(live, collector, json.dumps(report(sequence=2**63 - 1)).encode())
    assert response.status_code == 201, response.text
    assert _stored(collector) == 1


def test_a_valid_surrogate_pair_is_stored(collector: Collector, live: LiveServer) -> None:
    document = report(checks=[{"key": "k", "kind": "http", "status": "failing", "detail": "D@"}])
    response = _post(live, collector, _with_raw(document, "D@", "\\ud83d\\ude00"))
    assert response.status_code == 201, response.text


def test_same_agent_and_sequence_is_a_duplicate(collector: Collector, live: LiveServer) -> None:
    first = _post(live, collector, json.dumps(report(sequence=7)).encode())
    second = _post(live, collector, json.dumps(report(sequence=7)).encode())  # a new report id
    other_agent = _post(live, collector, json.dumps(report(sequence=7, agent_id="agent-2")).encode())
    assert first.status_code == 201
    assert second.status_code == 200 and second.json()["stored"] is False
    assert other_agent.status_code == 201
    record("reports_same_sequence", sent=3, stored=_stored(collector), expected=2)
    assert _stored(collector) == 2

"""POST /api/v1/reports over real HTTP: auth, instance binding, schema, size, idempotency."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import func, select

from collector.service import Collector
from collector.storage import tables as t
from tests.collector.conftest import LiveServer, report, staff_headers, token_for


def _reports(collector: Collector) -> int:
    with collector.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.reports)).scalar_one())


def test_stored_once_and_replay_answers_200(collector: Collector, live: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    body = report()
    with httpx.Client(base_url=live.url, headers=headers) as client:
        first = client.post("/api/v1/reports", json=body)
        replay = client.post("/api/v1/reports", json=body)
    assert first.status_code == 201, first.text
    assert replay.status_code == 200 and replay.json()["stored"] is False
    assert _reports(collector) == 1
    with collector.engine.connect() as conn:
        seen = conn.execute(select(t.instances.c.last_report_at, t.instances.c.odoo_version)).first()
    assert seen is not None and seen.odoo_version == "17.0" and seen.last_report_at == collector.clock.now()


def test_token_and_instance_binding(collector: Collector, live: LiveServer) -> None:
    acme = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    with httpx.Client(base_url=live.url) as client:
        assert client.post("/api/v1/reports", json=report()).status_code == 401
        wrong = client.post("/api/v1/reports", json=report(), headers={"Authorization": "Bearer psa_nope"})
        assert wrong.status_code == 401 and "enrol" in wrong.json()["error"]
        other = client.post("/api/v1/reports", json=report(instance="erp"), headers=acme)
        assert other.status_code == 403 and "erp" in other.json()["error"]
    assert _reports(collector) == 0


def test_another_customers_instance_is_forbidden(collector: Collector, live: LiveServer) -> None:
    from sqlalchemy import insert

    with collector.engine.begin() as conn:
        globex = conn.execute(select(t.customers.c.id).where(t.customers.c.key == "globex")).scalar_one()
        conn.execute(insert(t.instances).values(customer_id=globex, name="globex-only", url="http://g"))
    acme = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    response = httpx.post(f"{live.url}/api/v1/reports", json=report(instance="globex-only"), headers=acme)
    assert response.status_code == 403
    assert _reports(collector) == 0


def test_schema_errors_name_the_field(collector: Collector, live: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    bad_status = report(checks=[{"key": "odoo.login", "kind": "login_page", "status": "broken"}])
    bad_time = report(sent_at="yesterday")
    with httpx.Client(base_url=live.url, headers=headers) as client:
        first = client.post("/api/v1/reports", json=bad_status)
        second = client.post("/api/v1/reports", json=bad_time)
        third = client.post("/api/v1/reports", content=b"{not json")
        nan = client.post("/api/v1/reports", content=json.dumps(report(sequence=float("nan"))).encode())
    assert first.status_code == 422 and first.json()["field"] == "checks/0/status"
    assert second.status_code == 422 and second.json()["field"] == "sent_at"
    assert third.status_code == 400
    assert nan.status_code == 400 and "NaN" in nan.json()["error"]
    assert _reports(collector) == 0


def test_oversized_reports_are_refused(collector: Collector, live: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {token_for(collector, 'acme')}", "Content-Type": "application/json"}
    big = report(checks=[{"key": "k", "kind": "http", "status": "ok", "detail": "x" * 4000}] * 300)
    payload = json.dumps(big).encode()
    assert len(payload) > collector.config.server.max_report_bytes
    response = httpx.post(f"{live.url}/api/v1/reports", content=payload, headers=headers)
    assert response.status_code == 413

    def chunks() -> object:
        yield payload  # no Content-Length: the limit is enforced while reading

    streamed = httpx.post(f"{live.url}/api/v1/reports", content=chunks(), headers=headers)  # type: ignore[arg-type]
    assert streamed.status_code == 413
    assert _reports(collector) == 0


def test_healthz_and_metrics(collector: Collector, live: LiveServer) -> None:
    assert httpx.get(f"{live.url}/healthz").json()["status"] == "ok"
    metrics = httpx.get(f"{live.url}/metrics").text
    assert "prioritysupport_ingest_seconds" in metrics


def test_alerts_endpoints_are_served(collector: Collector, live: LiveServer) -> None:
    from tests.collector.conftest import failing

    headers = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    for _ in range(2):
        httpx.post(f"{live.url}/api/v1/reports", json=report(checks=[failing()]), headers=headers)
    staff = staff_headers(collector)
    number = httpx.get(f"{live.url}/api/v1/tickets", headers=staff).json()[0]["number"]
    acked = httpx.post(f"{live.url}/api/v1/ack", json={"subject_ref": number, "by": "anne"}, headers=staff)
    assert acked.status_code == 200, acked.text
    nobody = httpx.get(f"{live.url}/api/v1/oncall/current", headers=staff)
    assert nobody.status_code == 404 and "rota" in nobody.json()["error"]


def test_an_agent_that_goes_away_mid_report_stores_nothing(collector: Collector, live: LiveServer) -> None:
    """Half a body, then the connection closes: nothing is stored and the next report is served."""
    import socket
    from urllib.parse import urlsplit

    token = token_for(collector, "acme")
    body = json.dumps(report()).encode()
    address = urlsplit(live.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        head = (
            f"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        sock.sendall(head.encode() + body[: len(body) // 2])
    response = httpx.post(
        f"{live.url}/api/v1/reports", json=report(), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text
    assert _reports(collector) == 1

"""Bodies that used to answer 500: other encodings, deep nesting, lone surrogates, absurd ack expiries."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from itsdangerous import URLSafeSerializer

from alerts.signing import _SALT, AckSigner, InvalidAckToken
from collector.helpdesk.public.clients import create_client
from collector.helpdesk.settings import HelpdeskSettings
from collector.service import Collector
from collector.storage.text_checks import unstorable_path
from collector.web.app import create_app
from prioritysupport.clock import FixedClock
from tests.collector.asgi_probe import call
from tests.collector.conftest import FRIDAY_NOON, report, token_for

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
def app(collector: Collector) -> Any:
    collector.extras["helpdesk"] = HelpdeskSettings(cookie_secure=False, secret_key="test-secret")
    return create_app(collector, run_background=False)


def post(app: Any, path: str, body: bytes, token: str | None = None) -> Any:
    headers = {"content-type": "application/json", "content-length": str(len(body))}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return call(app, "POST", path, headers=headers, chunk=body)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_a_report_in_another_encoding_is_refused_with_send_utf8(
    app: Any, collector: Collector, encoding: str
) -> None:
    body = json.dumps(report()).encode(encoding)
    answer = post(app, "/api/v1/reports", body, token_for(collector, "acme"))
    assert answer.status == 415
    assert "send UTF-8 JSON" in answer.json()["error"]


def test_a_report_nested_100000_deep_is_a_400(app: Any, collector: Collector) -> None:
    answer = post(app, "/api/v1/reports", DEEP, token_for(collector, "acme"))
    assert answer.status == 400
    assert "nested too deeply" in answer.json()["error"]


def test_deep_nesting_on_the_other_json_routes_is_a_client_error(app: Any, collector: Collector) -> None:
    with collector.engine.begin() as conn:
        client = create_client(conn, "acme", "tests", collector.clock.now())
    for path, token in (("/api/client/v1/tickets", client), ("/api/v1/alertmanager", None)):
        answer = post(app, path, DEEP, token)
        assert 400 <= answer.status < 500, (path, answer.status, answer.body[:200])


def test_an_alertmanager_label_with_a_lone_surrogate_is_refused(app: Any) -> None:
    body = (
        b'{"version": "4", "status": "firing", "alerts": [{"status": "firing", "fingerprint": "f1",'
        b' "labels": {"customer": "acme", "alertname": "Disk\\ud800full"}}]}'
    )
    answer = post(app, "/api/v1/alertmanager", body)
    assert answer.status == 422
    assert "alerts/0/labels/alertname contains a lone surrogate" in answer.json()["error"]


def test_a_client_ticket_with_a_lone_surrogate_is_refused_and_nothing_is_stored(
    app: Any, collector: Collector
) -> None:
    with collector.engine.begin() as conn:
        client = create_client(conn, "acme", "tests", collector.clock.now())
    body = b'{"subject": "Kapot \\udfff", "category": "question", "reporter": "jan@acme.example"}'
    answer = post(app, "/api/client/v1/tickets", body, client)
    assert answer.status == 422
    assert "subject contains a lone surrogate" in answer.json()["error"]
    listed = call(app, "GET", "/api/client/v1/tickets", headers={"authorization": f"Bearer {client}"})
    assert listed.json() == []


def test_unstorable_path_names_keys_and_values() -> None:
    assert unstorable_path({"a": [1, {"b": "x\ud800"}]}) == "a/1/b"
    assert unstorable_path({"ok\udc00": 1}) == "body"
    assert unstorable_path({"a": ["fine", "ëü"]}) is None


@pytest.mark.parametrize("exp", [10**20, -(10**20), "9" * 5000, 1e308])
def test_an_ack_token_with_an_absurd_expiry_is_an_invalid_link(exp: object) -> None:
    clock = FixedClock(FRIDAY_NOON)
    secret = "a-test-secret-of-some-length"
    forged = URLSafeSerializer(secret, salt=_SALT).dumps({"ref": "PS-2026-00001", "to": "", "exp": exp})
    with pytest.raises(InvalidAckToken, match="not valid"):
        AckSigner(secret, clock, timedelta(hours=1)).verify(forged)

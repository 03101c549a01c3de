"""Every body is bounded before it is read; token routes answer 401 from the headers alone."""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from typing import Any

import pytest

from collector.config import ConfigError, HttpSettings, ServerSettings, parse_config
from collector.helpdesk.settings import HelpdeskSettings
from collector.http.body_limits import BodyRule, pick_rule, too_large_message
from collector.service import Collector
from collector.web.app import create_app
from tests.collector.asgi_probe import call
from tests.collector.conftest import LiveServer

CHUNK = b"x" * 65536
MANY = 400  # 25 MB if all of it were read: far above every limit
AM_TOKEN = "alertmanager-token-0123456789"


def app_for(collector: Collector, **http: Any) -> Any:
    collector.config = replace(
        collector.config,
        server=replace(collector.config.server, alertmanager_token=AM_TOKEN),
        http=replace(collector.config.http, **http),
    )
    collector.extras["helpdesk"] = HelpdeskSettings(cookie_secure=False, secret_key="test-secret")
    return create_app(collector, run_background=False)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/alertmanager", "/api/client/v1/tickets", "/api/v1/tickets", "/api/v1/reports"],
)
def test_token_routes_refuse_without_reading_the_body(collector: Collector, path: str) -> None:
    app = app_for(collector)
    answer = call(app, "POST", path, headers={"content-type": "application/json"}, chunk=CHUNK, chunks=MANY)
    assert answer.status == 401
    assert answer.chunks_read == 0
    assert "Bearer" in answer.json()["error"]


def test_a_wrong_client_token_is_refused_before_the_body(collector: Collector) -> None:
    app = app_for(collector)
    answer = call(
        app,
        "POST",
        "/api/client/v1/tickets",
        headers={"authorization": "Bearer not-a-token", "content-type": "application/json"},
        chunk=CHUNK,
        chunks=MANY,
    )
    assert (answer.status, answer.chunks_read) == (401, 0)


def test_a_chunked_body_is_cut_off_at_the_limit(collector: Collector) -> None:
    app = app_for(collector, max_alertmanager_bytes=1024 * 1024)
    answer = call(
        app,
        "POST",
        "/api/v1/alertmanager",
        headers={"authorization": f"Bearer {AM_TOKEN}", "content-type": "application/json"},
        chunk=CHUNK,
        chunks=MANY,
    )
    assert answer.status == 413
    assert answer.bytes_read <= 1024 * 1024 + len(CHUNK)
    assert "larger than 1 MB" in answer.json()["error"]


def test_a_declared_length_above_the_limit_is_refused_at_once(collector: Collector) -> None:
    app = app_for(collector)
    answer = call(
        app,
        "POST",
        "/api/v1/alertmanager",
        headers={"authorization": f"Bearer {AM_TOKEN}", "content-length": str(100 * 1024 * 1024)},
        chunk=CHUNK,
        chunks=MANY,
    )
    assert (answer.status, answer.chunks_read) == (413, 0)


def test_the_web_form_is_cut_off_before_anything_large_is_spooled(collector: Collector) -> None:
    app = app_for(collector)
    answer = call(
        app,
        "POST",
        "/melding",
        headers={"content-type": "multipart/form-data; boundary=xyz", "cookie": "ps_form=abc"},
        chunk=b'--xyz\r\nContent-Disposition: form-data; name="attachments"; filename="a.txt"\r\n\r\n'
        + CHUNK,
        chunks=MANY,
    )
    assert answer.status == 413
    assert answer.bytes_read < 16 * 1024 * 1024 + 2 * len(CHUNK)
    assert "at most 3 files" in answer.body.decode()


def test_the_web_form_without_its_cookie_is_refused_before_the_body(collector: Collector) -> None:
    app = app_for(collector)
    answer = call(
        app,
        "POST",
        "/melding",
        headers={"content-type": "multipart/form-data; boundary=xyz"},
        chunk=CHUNK,
        chunks=MANY,
    )
    assert (answer.status, answer.chunks_read) == (403, 0)


def test_every_other_route_has_the_default_limit(collector: Collector) -> None:
    app = app_for(collector, max_body_bytes=64 * 1024)
    answer = call(
        app,
        "POST",
        "/staff/login",
        headers={"content-type": "application/x-www-form-urlencoded"},
        chunk=CHUNK,
        chunks=MANY,
    )
    assert answer.status == 413
    assert answer.bytes_read <= 2 * len(CHUNK)


def test_an_unauthenticated_chunked_post_is_answered_while_the_client_still_sends(
    collector: Collector,
) -> None:
    """Over a real socket: the 401 arrives although the body has not ended."""
    collector.extras["helpdesk"] = HelpdeskSettings(cookie_secure=False, secret_key="test-secret")
    with LiveServer(collector) as server, socket.create_connection(("127.0.0.1", server.port), 30) as sock:
        sock.sendall(
            b"POST /api/client/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + b"10000\r\n" + CHUNK + b"\r\n"
        )
        started = time.monotonic()
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
        assert time.monotonic() - started < 20


def test_pick_rule_takes_the_longest_prefix() -> None:
    rules = [BodyRule("/api/", 10, "a", "b"), BodyRule("/api/v1/reports", 20, "c", "d")]
    assert pick_rule(rules, "/api/v1/reports").limit == 20  # type: ignore[union-attr]
    assert pick_rule(rules, "/api/x").limit == 10  # type: ignore[union-attr]
    assert pick_rule(rules, "/staff") is None
    assert too_large_message(rules[1]) == "c is larger than 20 bytes; d"


def test_http_settings_are_checked(tmp_path: Any) -> None:
    config = parse_config({"http": {"trusted_proxies": ["10.0.0.5"], "max_body_bytes": 4096}}, tmp_path)
    assert config.http == HttpSettings(trusted_proxies=("10.0.0.5",), max_body_bytes=4096)
    assert config.server == ServerSettings()
    with pytest.raises(ConfigError, match="every client"):
        parse_config({"http": {"trusted_proxies": ["*"]}}, tmp_path)
    with pytest.raises(ConfigError, match="at least 1024"):
        parse_config({"http": {"max_client_api_bytes": 10}}, tmp_path)
    with pytest.raises(ConfigError, match="list of addresses"):
        parse_config({"http": {"trusted_proxies": [5]}}, tmp_path)

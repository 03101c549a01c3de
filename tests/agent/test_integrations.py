"""http and tcp integrations against real servers on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from agent.checks.integrations import IntegrationContext, check_integration
from agent.config import Integration
from tests.support.components import free_port


@pytest.fixture
def webshop() -> Iterator[dict[str, Any]]:
    """A web server whose answer (status, body, delay) the test changes."""
    state: dict[str, Any] = {"status": 200, "body": b"shop open", "delay": 0.0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(state["delay"])
            self.send_response(state["status"])
            self.send_header("Content-Length", str(len(state["body"])))
            self.end_headers()
            self.wfile.write(state["body"])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/status"
    yield state
    server.shutdown()
    server.server_close()


def _integration(check: str, **options: Any) -> Integration:
    return Integration(
        name="shop", check=check, impact="medium", scope="multiple-users", interval=60, options=options
    )


def _context() -> IntegrationContext:
    return IntegrationContext(None, None, requests.Session(), True)


def test_http_status_keyword_and_latency(webshop: dict[str, Any]) -> None:
    integration = _integration("http", url=webshop["url"], keyword="open", max_latency_ms=150)
    assert check_integration(integration, _context()).status == "ok"
    webshop["body"] = b"maintenance"
    failing = check_integration(integration, _context())
    assert failing.status == "failing" and "keyword 'open' not found" in (failing.detail or "")
    webshop["body"], webshop["status"] = b"shop open", 503
    assert "HTTP 503, expected 200" in (check_integration(integration, _context()).detail or "")
    webshop["status"], webshop["delay"] = 200, 0.25
    slow = check_integration(integration, _context())
    assert slow.status == "failing" and "above 150 ms" in (slow.detail or "")
    webshop["delay"] = 0.0
    recovered = check_integration(integration, _context())
    assert (recovered.status, recovered.integration, recovered.kind) == ("ok", "shop", "http")


def test_http_unreachable() -> None:
    integration = _integration("http", url=f"http://127.0.0.1:{free_port()}/", timeout=1)
    assert check_integration(integration, _context()).status == "failing"


def test_tcp_open_then_closed() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    integration = _integration("tcp", host="127.0.0.1", port=port, timeout=1)
    assert check_integration(integration, _context()).status == "ok"
    listener.close()
    closed = check_integration(integration, _context())
    assert closed.status == "failing" and f"127.0.0.1:{port}" in (closed.detail or "")


def test_odoo_checks_are_unknown_without_odoo() -> None:
    for check, options in (
        ("queue_job", {}),
        ("mail", {}),
        ("odoo_cron", {"crons": ["x"]}),
        ("freshness", {"model": "res.partner", "max_age_minutes": 5}),
    ):
        assert check_integration(_integration(check, **options), _context()).status == "unknown"

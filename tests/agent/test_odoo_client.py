"""The Odoo client's errors say which problem it met: wrong database, rejected key, server down, not Odoo."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agent.odoo import (
    Credentials,
    CredentialsRejected,
    DatabaseUnavailable,
    NotOdoo,
    RemoteError,
    ServerDown,
    WrongDatabase,
    connect,
)
from agent.odoo.transport import HttpTransport, TransportSettings
from tests.agent.conftest import SimFactory
from tests.support.components import free_port

FAST = TransportSettings(timeout=1.0, retries=1, backoff=0.01)


def _client(url: str, database: str = "demo", secret: str = "admin", api_key: bool = False) -> Any:
    return connect(url, Credentials(database, "admin", secret, api_key), HttpTransport(FAST))


@pytest.fixture
def not_odoo() -> Iterator[str]:
    """A plain web server: HTML for every path, like a misconfigured proxy."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _page(self) -> None:
            body = b"<html>It works!</html>"
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _page

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._page()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("series", "api_key"), [("14.0", None), ("17.0", None), ("19.0", "key-19")])
def test_typed_errors_per_protocol(start_sim: SimFactory, series: str, api_key: str | None) -> None:
    sim = start_sim(version=series, api_key=api_key)
    secret = api_key or "admin"
    good = _client(sim.url, secret=secret, api_key=bool(api_key))
    assert good.protocol == ("json2" if api_key else "xmlrpc")
    assert good.version()["server_version"] == series
    good.authenticate()
    assert good.search_count("res.users", [("share", "=", False)]) == 5

    with pytest.raises(CredentialsRejected):
        _client(sim.url, secret="wrong", api_key=bool(api_key)).authenticate()
    with pytest.raises(WrongDatabase):
        _client(sim.url, database="nope", secret=secret, api_key=bool(api_key)).authenticate()
    with pytest.raises(RemoteError):
        good.search_count("no.such.model", [])
    sim.set_fault("database_down")
    with pytest.raises(DatabaseUnavailable):
        good.search_count("res.users", [])


def test_server_down_is_told_apart() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ServerDown, match="connection refused"):
        _client(closed).version()


def test_timeout_is_server_down(start_sim: SimFactory) -> None:
    sim = start_sim()
    sim.set_fault("slow", 1.5)
    with pytest.raises(ServerDown, match="did not answer"):
        connect(
            sim.url,
            Credentials("demo", "admin", "admin", False),
            HttpTransport(TransportSettings(timeout=0.3, retries=0)),
        ).version()


def test_not_an_odoo_server(not_odoo: str) -> None:
    with pytest.raises(NotOdoo, match="Odoo"):
        _client(not_odoo).version()
    with pytest.raises(NotOdoo):
        _client(not_odoo, secret="key", api_key=True).version()


def test_a_connection_lost_under_a_request_is_the_database() -> None:
    # Real Odoo 18 in the first seconds after PostgreSQL stops: the request's cursor dies with it.
    import xmlrpc.client

    from agent.odoo import DatabaseUnavailable
    from agent.odoo.xmlrpc import classify_fault

    for last in (
        "psycopg2.InterfaceError: cursor already closed",
        "psycopg2.InterfaceError: connection already closed",
    ):
        fault = xmlrpc.client.Fault(1, f"Traceback (most recent call last):\n  ...\n{last}\n")
        error = classify_fault(fault, "demo")
        assert isinstance(error, DatabaseUnavailable) and last in str(error)

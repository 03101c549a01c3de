"""The simulator's HTTP side: Odoo's routes, the control endpoint, and how answers go on the wire."""

from __future__ import annotations

import json
import secrets
import socket
import struct
import time
import xmlrpc.client
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from demo.sim.orm import AccessDenied, MissingError, OdooError, ServerError, UnknownDatabase
from demo.sim.wire import (
    jsonrpc_error,
    jsonrpc_result,
    serialize_exception,
    xmlrpc_fault_response,
    xmlrpc_response,
)

if TYPE_CHECKING:
    from demo.sim.server import OdooSimulator

CONTROL_PREFIX = "/__sim__/"

LOGIN_PAGE = """<!DOCTYPE html>
<html><head><title>Odoo</title></head>
<body><form class="oe_login_form" action="/web/login" method="post">
<input type="hidden" name="csrf_token" value="{csrf}"/>
<input type="text" name="login" id="login"/><input type="password" name="password" id="password"/>
<button type="submit">Log in</button></form></body></html>
"""
ERROR_500_PAGE = (
    "<!DOCTYPE html><html><title>500 Internal Server Error</title><h1>Internal Server Error</h1></html>\n"
)
NOT_FOUND_PAGE = "<!DOCTYPE html><html><title>404 Not Found</title><h1>Not Found</h1></html>\n"


class OdooRequestHandler(BaseHTTPRequestHandler):
    simulator: OdooSimulator
    protocol_version = "HTTP/1.1"
    # One write per answer and no Nagle: headers and body in separate packets cost 40 ms (delayed ACK).
    wbufsize = 65536
    disable_nagle_algorithm = True
    server_version = "Werkzeug/3.0.1"
    sys_version = "Python/3.11"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and the demo start many requests."""

    # --- plumbing --------------------------------------------------------------------------------
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), "application/json; charset=utf-8", headers)

    def _reset_connection(self) -> None:
        # SO_LINGER 0 makes close() send RST: the client sees the server vanish mid-request.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _session_uid(self) -> int | None:
        cookie = self.headers.get("Cookie") or ""
        for part in cookie.split(";"):
            name, _, value = part.strip().partition("=")
            if name == "session_id":
                return self.simulator.sessions.get(value)
        return None

    # --- entry points ----------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        sim = self.simulator
        parts = urlsplit(self.path)
        path = parts.path
        body = self._body() if self.command == "POST" else b""
        if path.startswith(CONTROL_PREFIX):
            self._control(path[len(CONTROL_PREFIX) :], body)
            return
        if sim.faults.down:
            self._reset_connection()
            return
        if sim.faults.slow:
            time.sleep(sim.faults.slow)
        if sim.faults.http_500:
            self._send(500, ERROR_500_PAGE.encode(), "text/html; charset=utf-8")
            return
        try:
            self._route(path, parse_qs(parts.query), body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _route(self, path: str, query: dict[str, list[str]], body: bytes) -> None:
        sim = self.simulator
        if path.startswith("/xmlrpc/2/") and self.command == "POST":
            self._xmlrpc(path.rsplit("/", 1)[-1], body)
        elif path == "/jsonrpc" and self.command == "POST":
            self._jsonrpc(
                body,
                lambda params: sim.dispatch_rpc(
                    str(params.get("service")), str(params.get("method")), list(params.get("args") or [])
                ),
            )
        elif path == "/web/webclient/version_info":
            self._jsonrpc(body, lambda _params: sim.features.version_info())
        elif path == "/web/session/authenticate":
            self._session_authenticate(body)
        elif path == "/web/session/get_session_info":
            self._jsonrpc(body, lambda _params: self._session_info(self._require_session()))
        elif path == "/web/database/list":
            self._jsonrpc(body, lambda _params: sim.dispatch_rpc("db", "list", []))
        elif path.startswith("/web/dataset/call_kw") or path == "/web/dataset/call":
            self._jsonrpc(body, self._call_kw)
        elif path in ("/web/login", "/odoo/login") or path == "/web":
            self._login_page()
        elif path == "/web/health" and sim.features.has_health:
            self._health(query)
        elif path == "/web/version" and sim.features.has_json2:
            info = sim.features.version_info()
            self._send_json(
                200, {"version_info": info["server_version_info"], "version": info["server_version"]}
            )
        elif path.startswith("/json/2/") and sim.features.has_json2 and self.command == "POST":
            self._json2(path[len("/json/2/") :], body)
        else:
            self._send(404, NOT_FOUND_PAGE.encode(), "text/html; charset=utf-8")

    # --- routes ----------------------------------------------------------------------------------
    def _control(self, command: str, body: bytes) -> None:
        sim = self.simulator
        try:
            if command == "state":
                self._send_json(200, sim.state())
            elif command == "control" and self.command == "POST":
                self._send_json(200, sim.control(json.loads(body or b"{}")))
            else:
                self._send_json(404, {"error": "use GET /__sim__/state or POST /__sim__/control"})
        except (ValueError, TypeError) as error:
            self._send_json(400, {"error": str(error)})

    def _xmlrpc(self, service: str, body: bytes) -> None:
        try:
            params, method = xmlrpc.client.loads(body)
            result = self.simulator.dispatch_rpc(service, str(method), list(params))
            payload = xmlrpc_response(result)
        except OdooError as error:
            payload = xmlrpc_fault_response(error)
        except Exception as error:  # a malformed request: Odoo answers a fault with the traceback
            payload = xmlrpc_fault_response(ServerError(str(error), odoo_name=type(error).__name__))
        self._send(200, payload, "text/xml; charset=utf-8")

    def _jsonrpc(self, body: bytes, handler: Any) -> None:
        request_id: Any = None
        try:
            request = json.loads(body or b"{}")
            request_id = request.get("id")
            params = request.get("params") or {}
            self._send_json(200, jsonrpc_result(request_id, handler(params)))
        except _SessionExpired as expired:
            self._send_json(200, jsonrpc_error(request_id, expired.error, session_expired=True))
        except OdooError as error:
            self._send_json(200, jsonrpc_error(request_id, error))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            self._send_json(
                200, jsonrpc_error(request_id, ServerError(str(error), odoo_name=type(error).__name__))
            )

    def _require_session(self) -> int:
        uid = self._session_uid()
        if uid is None:
            raise _SessionExpired(
                ServerError("Session expired", odoo_name="odoo.http.SessionExpiredException")
            )
        return uid

    def _session_info(self, uid: int) -> dict[str, Any]:
        sim = self.simulator
        return {
            "uid": uid,
            "is_system": uid == 2,
            "is_admin": uid == 2,
            "db": sim.db,
            "username": "admin",
            "server_version": sim.features.serie,
            "server_version_info": sim.features.version_info()["server_version_info"],
            "user_context": {"lang": "en_US", "tz": "Europe/Amsterdam", "uid": uid},
        }

    def _session_authenticate(self, body: bytes) -> None:
        sim = self.simulator
        request_id: Any = None
        try:
            request = json.loads(body or b"{}")
            request_id = request.get("id")
            params = request.get("params") or {}
            uid = sim.authenticate(params.get("db"), params.get("login"), params.get("password"))
            if not uid:
                raise AccessDenied()
            session = secrets.token_urlsafe(24)
            sim.sessions[session] = int(uid)
            cookie = f"session_id={session}; HttpOnly; Path=/; SameSite=Lax"
            self._send_json(
                200, jsonrpc_result(request_id, self._session_info(int(uid))), {"Set-Cookie": cookie}
            )
        except OdooError as error:
            self._send_json(200, jsonrpc_error(request_id, error))
        except ValueError as error:
            self._send_json(200, jsonrpc_error(request_id, ServerError(str(error))))

    def _call_kw(self, params: dict[str, Any]) -> Any:
        self._require_session()
        self.simulator.check_database(self.simulator.db)
        return self.simulator.orm.call(
            str(params.get("model")),
            str(params.get("method")),
            list(params.get("args") or []),
            dict(params.get("kwargs") or {}),
        )

    def _login_page(self) -> None:
        if self.simulator.faults.database_down:
            self._send(500, ERROR_500_PAGE.encode(), "text/html; charset=utf-8")
            return
        self._send(200, LOGIN_PAGE.format(csrf=secrets.token_hex(20)).encode(), "text/html; charset=utf-8")

    def _health(self, query: dict[str, list[str]]) -> None:
        sim = self.simulator
        wants_db = query.get("db_server_status", ["0"])[0].lower() in ("1", "true")
        if wants_db and sim.features.health_checks_database:
            if sim.faults.database_down:
                self._send_json(500, {"status": "fail", "db_server_status": False})
            else:
                self._send_json(200, {"status": "pass", "db_server_status": True})
            return
        self._send_json(200, {"status": "pass"})

    def _json2(self, target: str, body: bytes) -> None:
        sim = self.simulator
        model, _, method = target.partition("/")
        if sim.faults.refuse_context_get and (model, method) == ("res.users", "context_get"):
            self._send(403, b"<html><h1>403 Forbidden</h1></html>\n", "text/html; charset=utf-8")
            return
        try:
            authorization = self.headers.get("Authorization") or ""
            scheme, _, key = authorization.partition(" ")
            if scheme.lower() != "bearer" or not key:
                raise AccessDenied("Missing or invalid Authorization header: use 'bearer <api key>'")
            database = self.headers.get("X-Odoo-Database") or sim.db
            sim.check_database(database)
            sim.uid_for_api_key(key.strip())
            payload = json.loads(body or b"{}")
            if not isinstance(payload, dict):
                raise ServerError(
                    "The body must be a JSON object", odoo_name="werkzeug.exceptions.BadRequest"
                )
            ids = payload.pop("ids", None)
            payload.pop("context", None)
            result = sim.orm.call(model, method, [], payload, ids=list(ids) if ids is not None else None)
            self._send_json(200, result)
        except UnknownDatabase as error:
            self._send_json(404, serialize_exception(MissingError(error.message)))
        except OdooError as error:
            status = error.http_status
            if status == 422 and "doesn't exist" in error.message:
                status = 404
            self._send_json(status, serialize_exception(error))
        except ValueError as error:
            self._send_json(
                400, serialize_exception(ServerError(str(error), odoo_name="werkzeug.exceptions.BadRequest"))
            )


class _SessionExpired(Exception):
    def __init__(self, error: OdooError) -> None:
        super().__init__(error.message)
        self.error = error

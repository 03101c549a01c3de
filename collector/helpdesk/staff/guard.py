"""Optional guard for the collector's management API: staff only (session or staff token), by role.

A plain ASGI middleware (no BaseHTTPMiddleware), so the ingest hot path pays one prefix check. Cookie
sessions must send the session's CSRF token in `X-CSRF-Token` on anything but GET; tokens need none.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from collector.helpdesk.context import Helpdesk
from collector.helpdesk.signing import SESSION_COOKIE
from collector.helpdesk.staff.accounts import StaffUser
from collector.helpdesk.staff.sessions import session_user
from collector.helpdesk.staff.tokens import staff_for_token

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

GUARDED_PREFIX = "/api/v1/"
# The API's own description (FastAPI's pages) is for staff too, whether or not the API is guarded.
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")
# Agents (own bearer tokens) and Alertmanager (its own route) are not staff.
OPEN_PATHS = ("/api/v1/reports", "/api/v1/alertmanager")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def needed_role(method: str, path: str) -> str:
    if path.startswith("/api/v1/contracts"):
        return "admin"
    if method not in SAFE_METHODS and path.startswith(("/api/v1/maintenance", "/api/v1/conditions")):
        return "manager"
    return "engineer"


def is_guarded(path: str, guard_api: bool) -> bool:
    if path in DOCS_PATHS:
        return True
    return guard_api and path.startswith(GUARDED_PREFIX) and not path.startswith(OPEN_PATHS)


class ManagementApiGuard:
    def __init__(self, app: ASGIApp, helpdesk: Helpdesk, guard_api: bool = True) -> None:
        self.app = app
        self.helpdesk = helpdesk
        self.guard_api = guard_api  # False: only the API description pages need staff

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not is_guarded(path, self.guard_api):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        method = scope.get("method", "GET")
        user, problem = self._who(headers, method)
        if user is None:
            await _deny(send, 401, problem)
            return
        if not user.has_role(needed_role(method, path)):
            await _deny(send, 403, f"this needs the {needed_role(method, path)} role; yours is {user.role}")
            return
        await self.app(scope, receive, send)

    def _who(self, headers: dict[str, str], method: str) -> tuple[StaffUser | None, str]:
        engine = self.helpdesk.collector.engine
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            with engine.connect() as conn:
                user = staff_for_token(conn, token.strip())
            return user, "the staff token is unknown or revoked"
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no session
            return None, "sign in as staff or send 'Authorization: Bearer <staff token>'"
        morsel = cookie.get(SESSION_COOKIE)
        session = self.helpdesk.signer.read_session(morsel.value if morsel else None)
        if session is None:
            return None, "sign in as staff or send 'Authorization: Bearer <staff token>'"
        if method not in SAFE_METHODS and headers.get("x-csrf-token") != session.csrf:
            return None, "send the page's CSRF token in X-CSRF-Token with a signed-in request"
        with engine.connect() as conn:
            return session_user(
                conn, session
            ), "the session has ended or the account is disabled; sign in again"


async def _deny(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})

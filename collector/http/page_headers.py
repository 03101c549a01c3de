"""Security headers on every HTML response, whichever route made it (helpdesk, staff reports, /ack, ...).

A pure ASGI middleware that looks only at the response's start message; headers a route set itself win.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from collector.http.body_limits import ASGIApp, Message, Receive, Scope, Send

# Only our own scripts, styles and forms; no framing; the receipt link never leaks in a Referer; staff
# pages are never cached by a shared proxy.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

# FastAPI's /docs and /redoc pages load their scripts from a CDN and run an inline script.
DOCS_PATHS = ("/docs", "/redoc")
_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {_CDN}; style-src 'self' 'unsafe-inline' {_CDN}; "
    "img-src 'self' data: https://fastapi.tiangolo.com; worker-src 'self' blob:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def headers_for(path: str) -> dict[str, str]:
    wanted = dict(PAGE_HEADERS)
    if path in DOCS_PATHS:
        wanted["Content-Security-Policy"] = DOCS_CSP
    return wanted


def with_page_headers(raw: list[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in raw}
    kind = next((value for name, value in raw if name.lower() == b"content-type"), b"")
    if not kind.lower().startswith(b"text/html"):
        return raw
    extra = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in headers_for(path).items()
        if name.lower().encode("latin-1") not in present
    ]
    return [*raw, *extra]


class PageHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = _copy(message)
                message["headers"] = with_page_headers(list(message.get("headers", [])), path)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _copy(message: Message) -> MutableMapping[str, Any]:
    return dict(message)

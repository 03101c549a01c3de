"""Every request body is bounded before it is read, and token routes check the token first.

A pure ASGI middleware, outermost, so no route (nor Starlette's form parser, which spools uploads to
temporary files) ever sees more than its limit: a declared Content-Length above the limit is refused at
once, and a chunked body is counted as it arrives and cut off at the limit with 413. Routes that take a
token answer 401 from the headers alone, before a single body byte is read.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# Headers (lower-case names) -> None when the caller may go on, else the 401 message.
Authorise = Callable[[dict[str, str]], Awaitable[str | None]]


@dataclass(frozen=True)
class BodyRule:
    """Requests whose path starts with `prefix` (the longest matching prefix wins)."""

    prefix: str
    limit: int
    what: str  # "the report", for the 413 message
    advice: str  # what to do instead
    authorise: Authorise | None = None
    message: str | None = None  # the whole 413 text, when `what` and `advice` do not fit (two languages)


def pick_rule(rules: Sequence[BodyRule], path: str) -> BodyRule | None:
    matching = [rule for rule in rules if path.startswith(rule.prefix)]
    return max(matching, key=lambda rule: len(rule.prefix)) if matching else None


def too_large_message(rule: BodyRule) -> str:
    if rule.message:
        return rule.message
    return f"{rule.what} is larger than {size_text(rule.limit)}; {rule.advice}"


def size_text(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"


def declared_length(headers: dict[str, str]) -> int | None:
    value = headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


class _Cut(Exception):
    """The body went over its limit; the 413 is already sent."""


class BodyLimit:
    def __init__(self, app: ASGIApp, rules: Sequence[BodyRule], default: BodyRule) -> None:
        self.app = app
        self.rules = tuple(rules)
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        rule = pick_rule(self.rules, path) or self.default
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if rule.authorise is not None:
            problem = await rule.authorise(headers)
            if problem is not None:
                await _answer(send, path, 401, problem)
                return
        declared = declared_length(headers)
        if declared is not None and declared > rule.limit:
            await _answer(send, path, 413, too_large_message(rule))
            return
        state = {"read": 0, "cut": False, "started": False}

        async def counted_receive() -> Message:
            if state["cut"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > rule.limit:
                    state["cut"] = True
                    if not state["started"]:
                        state["started"] = True
                        await _answer(send, path, 413, too_large_message(rule))
                    # The app sees a client that went away: it stops reading and its answer is dropped.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if state["cut"]:
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not state["cut"]:
                raise
            # The app gave up on the body we cut off (ClientDisconnect or a parser error): answered already.


async def _answer(send: Send, path: str, status: int, message: str) -> None:
    """JSON for the APIs, plain text for the pages (a browser shows it as is)."""
    if path.startswith("/api/"):
        body, kind = json.dumps({"error": message}).encode(), b"application/json"
    else:
        body, kind = message.encode(), b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    # The rest of the body is never read: the connection cannot be reused.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

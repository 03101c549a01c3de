"""One request straight into the ASGI app, the body fed in chunks as a server would: the app may answer
before it has read everything (a size limit), and then no more chunks are sent. Counts what was read."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass
class Answer:
    status: int
    body: bytes
    bytes_read: int


def call(app: Any, method: str, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> Answer:
    return asyncio.run(_call(app, method, path, headers, chunks))


async def _call(app: Any, method: str, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> Answer:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    status = 0
    body: list[bytes] = []
    read = 0
    answered = asyncio.Event()
    pending = iter(chunks)
    next_chunk: bytes | None = next(pending, b"")  # an empty body is still one message

    async def receive() -> dict[str, Any]:
        nonlocal next_chunk, read
        if answered.is_set():
            return {"type": "http.disconnect"}  # answered early: the client stops sending
        if next_chunk is None:
            await asyncio.Event().wait()  # the whole body was sent: stay connected until cancelled
        chunk, next_chunk = next_chunk, next(pending, None)
        read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": next_chunk is not None}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            answered.set()
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    try:
        await app(scope, receive, send)
    except Exception as exc:  # what a server would log after answering 500 (or before answering at all)
        body.append(f"\n{type(exc).__name__}: {exc}".encode())
        status = status or 500
    return Answer(status, b"".join(body), read)

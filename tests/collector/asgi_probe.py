"""Calling the collector's ASGI app in-process with a body fed chunk by chunk, counting what it reads.

Proves "refused before the body is read" without timing: the probe knows how many chunks were pulled.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Probe:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks_read: int = 0
    bytes_read: int = 0

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    app: Any,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    chunk: bytes = b"",
    chunks: int = 1,
    query: str = "",
) -> Probe:
    """Send `chunks` copies of `chunk` (chunked: no Content-Length unless given) and record the answer."""
    probe = Probe()
    raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8480),
    }

    async def receive() -> dict[str, Any]:
        if probe.chunks_read >= chunks:
            await asyncio.sleep(3600)  # a client that never sends more: only a cut-off ends this
        probe.chunks_read += 1
        probe.bytes_read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": probe.chunks_read < chunks}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            probe.status = message["status"]
            probe.headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            probe.body += message.get("body", b"")

    async def run() -> None:
        await asyncio.wait_for(app(scope, receive, send), timeout=60)

    asyncio.run(run())
    return probe

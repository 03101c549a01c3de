"""POST /api/v1/reports bypasses routing, dependency injection and model parsing: the hot path is one
function (collector/http/agent_reports.py), reached by this pure ASGI middleware."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

REPORTS_PATH = "/api/v1/reports"


class IngestShortcut:
    """Pure ASGI middleware: POST /api/v1/reports goes straight to the ingest endpoint."""

    def __init__(self, app: Any, endpoint: Any) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == REPORTS_PATH:
            if scope["method"] != "POST":
                await JSONResponse({"error": "use POST"}, status_code=405)(scope, receive, send)
                return
            response = await self.endpoint(Request(scope, receive))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

"""POST /api/v1/reports bypasses the whole application stack: FastAPI's own outer layers (telemetry,
the server error and exception middlewares), every middleware, routing, dependency injection and model
parsing. The hot path is one function (collector/http/agent_reports.py), reached from the application's
own entry point, so the test client and uvicorn take the same path."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.responses import JSONResponse

REPORTS_PATH = "/api/v1/reports"


class CollectorApp(FastAPI):
    """FastAPI, except that agent reports go straight to `ingest` (an ASGI endpoint, once set)."""

    ingest: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.ingest is not None and scope["type"] == "http" and scope["path"] == REPORTS_PATH:
            if scope["method"] != "POST":
                await JSONResponse({"error": "use POST"}, status_code=405)(scope, receive, send)
                return
            await self.ingest(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

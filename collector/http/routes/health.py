"""/healthz for load balancers and systemd, /metrics for Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from collector.http.deps import ClockDep, EngineDep, RegistryDep

router = APIRouter()


@router.get("/healthz")
def healthz(engine: EngineDep, clock: ClockDep) -> dict[str, str]:
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        raise HTTPException(503, "the database does not answer") from exc
    return {"status": "ok", "time": clock.now().isoformat()}


@router.get("/metrics")
def metrics(registry: RegistryDep) -> Response:
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

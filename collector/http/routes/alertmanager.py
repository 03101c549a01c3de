"""POST /api/v1/alertmanager: Alertmanager's webhook, handed to the intake in collector/monitoring."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException
from fastapi.responses import JSONResponse

from collector.http.deps import AlertIntakeDep, CollectorDep
from collector.monitoring.alertmanager import AmWebhook, unknown_customers

router = APIRouter()


async def alertmanager_token(collector: CollectorDep, authorization: str = Header(default="")) -> None:
    """With `server.alertmanager_token` set, Alertmanager must send it (http_config.authorization)."""
    expected = collector.config.server.alertmanager_token
    if expected is None:
        return
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise HTTPException(401, "send the Alertmanager token as 'Authorization: Bearer <token>'")


@router.post("/api/v1/alertmanager", dependencies=[Depends(alertmanager_token)])
def alertmanager_webhook(payload: AmWebhook, intake: AlertIntakeDep) -> Any:
    results = intake.receive(payload)
    unknown = unknown_customers(results)
    if unknown:
        # 4xx: Alertmanager counts a failed notification and does not retry what would fail the same way.
        names = ", ".join(sorted({str(r["customer"]) for r in unknown}))
        return JSONResponse(
            {
                "error": f"customer label {names} names no customer in contracts.toml; fix the label "
                "(file_sd or rule) or load the customer",
                "results": results,
            },
            status_code=422,
        )
    return {"results": results}

"""Maintenance windows (planned work: no tickets, no pages) and silences on single conditions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from collector.contracts.lookup import resolve_target
from collector.http.api_models import MaintenanceCreate, SilenceCreate, iso
from collector.http.deps import ClockDep, EngineDep
from collector.http.errors import bad
from collector.monitoring.maintenance import (
    MaintenanceError,
    add_window,
    list_silences,
    list_windows,
    remove_window,
    silence,
    unsilence,
)
from collector.storage.after_commit import transaction

router = APIRouter()


@router.get("/api/v1/maintenance")
def maintenance_list(engine: EngineDep) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = list_windows(conn)
    return [
        {
            "id": r.id,
            "customer": r.customer,
            "instance": r.instance,
            "starts_at": iso(r.starts_at),
            "ends_at": iso(r.ends_at),
            "reason": r.reason,
        }
        for r in rows
    ]


@router.post("/api/v1/maintenance", status_code=201)
def maintenance_add(body: MaintenanceCreate, engine: EngineDep, clock: ClockDep) -> dict[str, int]:
    try:
        with transaction(engine) as conn:
            customer_id, instance_id = resolve_target(conn, body.customer, body.instance)
            window_id = add_window(
                conn, customer_id, instance_id, body.starts_at, body.ends_at, body.reason, clock.now()
            )
    except ValueError as exc:
        raise bad(exc) from None
    return {"id": window_id}


@router.delete("/api/v1/maintenance/{window_id}")
def maintenance_remove(window_id: int, engine: EngineDep) -> dict[str, bool]:
    with transaction(engine) as conn:
        if not remove_window(conn, window_id):
            raise HTTPException(404, f"maintenance window {window_id} does not exist")
    return {"removed": True}


@router.post("/api/v1/conditions/{condition_id}/silence")
def silence_condition(condition_id: int, body: SilenceCreate, engine: EngineDep) -> dict[str, bool]:
    try:
        with transaction(engine) as conn:
            silence(conn, condition_id, body.until, body.reason)
    except MaintenanceError as exc:
        raise bad(exc, 404 if "does not exist" in str(exc) else 422) from None
    return {"silenced": True}


@router.delete("/api/v1/conditions/{condition_id}/silence")
def unsilence_condition(condition_id: int, engine: EngineDep) -> dict[str, bool]:
    with transaction(engine) as conn:
        if not unsilence(conn, condition_id):
            raise HTTPException(404, f"condition {condition_id} does not exist or is not silenced")
    return {"removed": True}


@router.get("/api/v1/silences")
def silences(engine: EngineDep, clock: ClockDep) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = list_silences(conn, clock.now())
    return [
        {
            "condition": r.id,
            "customer": r.customer,
            "instance": r.instance,
            "check": r.check_key,
            "state": r.state,
            "until": iso(r.silenced_until),
            "reason": r.silence_reason,
        }
        for r in rows
    ]

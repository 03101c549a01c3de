"""Maintenance windows and silences of failing conditions (changes need the manager role)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from collector.contracts.lookup import resolve_target
from collector.helpdesk.staff.deps import PageDep, Who
from collector.helpdesk.staff.forms import back, checked_form, need, parse_local
from collector.http.deps import ClockDep, CollectorDep
from collector.monitoring.maintenance import (
    MaintenanceError,
    add_window,
    list_windows,
    remove_window,
    silence,
)
from collector.storage import tables as core
from collector.storage.after_commit import transaction

router = APIRouter(prefix="/staff", include_in_schema=False)
HERE = "/staff/maintenance"


@router.get("/maintenance")
def maintenance(collector: CollectorDep, page: PageDep) -> Response:
    with collector.engine.connect() as conn:
        windows = list_windows(conn)
        conditions = conn.execute(
            select(
                core.conditions,
                core.instances.c.name.label("instance"),
                core.customers.c.key.label("customer"),
            )
            .join(core.instances, core.instances.c.id == core.conditions.c.instance_id)
            .join(core.customers, core.customers.c.id == core.instances.c.customer_id)
            .where(core.conditions.c.state == "failing")
            .order_by(core.conditions.c.since)
        ).all()
        customers = list(conn.execute(select(core.customers.c.key).order_by(core.customers.c.key)).scalars())
    return page("staff/maintenance.html", windows=windows, conditions=conditions, customers=customers)


@router.post("/maintenance")
async def maintenance_add(request: Request, collector: CollectorDep, clock: ClockDep, who: Who) -> Response:
    form = await checked_form(request, who)
    need(who, "manager")
    try:
        starts = parse_local(form.get("start", ""), "start")
        ends = parse_local(form.get("end", ""), "end")
        with transaction(collector.engine) as conn:
            customer_id, instance_id = resolve_target(
                conn, form.get("customer", ""), form.get("instance") or None
            )
            add_window(conn, customer_id, instance_id, starts, ends, form.get("reason", ""), clock.now())
    except ValueError as exc:
        return back(HERE, error=str(exc), lang=who.lang)
    return back(HERE, message=who.t["done"], lang=who.lang)


@router.post("/maintenance/{window_id}/remove")
async def maintenance_remove(request: Request, collector: CollectorDep, who: Who, window_id: int) -> Response:
    await checked_form(request, who)
    need(who, "manager")
    with transaction(collector.engine) as conn:
        removed = remove_window(conn, window_id)
    if not removed:
        return back(HERE, error=who.t["err_window"].format(id=window_id), lang=who.lang)
    return back(HERE, message=who.t["done"], lang=who.lang)


@router.post("/conditions/{condition_id}/silence")
async def silence_condition(
    request: Request, collector: CollectorDep, who: Who, condition_id: int
) -> Response:
    form = await checked_form(request, who)
    need(who, "manager")
    try:
        until = parse_local(form.get("until", ""), "until")
        reason = form.get("reason", "").strip()
        if not reason:
            raise MaintenanceError(who.t["err_silence"])
        with transaction(collector.engine) as conn:
            silence(conn, condition_id, until, f"{reason} ({who.user.username})")
    except ValueError as exc:
        return back(HERE, error=str(exc), lang=who.lang)
    return back(HERE, message=who.t["done"], lang=who.lang)

"""The collector's HTTP application: ingest, management API, Alertmanager intake, /metrics, /healthz."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import select, text

from collector.contracts.book import ContractFileError, apply_contracts, contract_in_force, parse_contracts
from collector.contracts.lookup import resolve_target
from collector.http.agent_reports import make_report_endpoint
from collector.http.api_models import (
    Actor,
    AgreedDate,
    Assessment,
    MaintenanceCreate,
    Reopen,
    SilenceCreate,
    TicketCreate,
    iso,
)
from collector.ingest.report_schema import warm_up
from collector.monitoring.maintenance import (
    MaintenanceError,
    add_window,
    list_silences,
    list_windows,
    remove_window,
    silence,
    unsilence,
)
from collector.service import Collector
from collector.storage import tables as t
from collector.storage.after_commit import transaction
from collector.storage.text_checks import LONE_SURROGATE
from collector.tickets.core import TicketError
from collector.tickets.opening import TicketRequest
from collector.tickets.timeline import ticket_timeline

log = logging.getLogger("prioritysupport.collector")


def ticket_json(row: Any) -> dict[str, Any]:
    return {
        "number": row.number,
        "subject": row.subject,
        "state": row.state,
        "source": row.source,
        "category": row.category,
        "impact": row.impact,
        "scope": row.scope,
        "proposed_priority": row.proposed_priority,
        "priority": row.priority,
        "priority_reason": row.priority_reason,
        "premium": row.premium,
        "registered_at": iso(row.registered_at),
        "first_response_at": iso(row.first_response_at),
        "response_due": iso(row.response_due),
        "resolution_due": iso(row.resolution_due),
        "agreed_resolution_at": iso(row.agreed_resolution_at),
        "response_breached": row.response_breached,
        "resolution_breached": row.resolution_breached,
        "resolved_at": iso(row.resolved_at),
        "closed_at": iso(row.closed_at),
    }


def create_app(collector: Collector, *, run_background: bool = True) -> FastAPI:
    background: list[Any] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warm_up()
        # Everything built so far lives for the whole process: keep it out of the collector's
        # full-generation passes, which otherwise show up as latency spikes under load.
        gc.collect()
        gc.freeze()
        collector.writer.start()
        if collector.engine.dialect.name == "sqlite":
            from collector.storage.database import SqliteCheckpointer

            checkpointer = SqliteCheckpointer(collector.engine)
            checkpointer.start()
            background.append(checkpointer)
        if run_background:
            from collector.service import PeriodicTasks

            periodic = PeriodicTasks(collector, collector.config.monitoring.sweep_seconds)
            periodic.start()
            background.append(periodic)
            worker = collector.extras.get("delivery_worker")
            if worker is not None:
                worker.start()
                background.append(worker)
        try:
            yield
        finally:
            for task in reversed(background):
                task.stop()
            collector.writer.stop()

    app = FastAPI(title="PrioritySupport collector", version="1", lifespan=lifespan)
    # Ingest bypasses routing, dependency injection and model parsing: the hot path is one function.
    app.add_middleware(IngestShortcut, endpoint=make_report_endpoint(collector))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = "/".join(str(part) for part in first.get("loc", ()) if part != "body")
        return JSONResponse(
            {"error": f"{where or 'body'}: {first.get('msg')}", "field": where}, status_code=422
        )

    @app.exception_handler(UnicodeEncodeError)
    async def _unstorable(_request: Request, _exc: UnicodeEncodeError) -> JSONResponse:
        # Text the database cannot hold (a lone surrogate) that a model did not catch: the transaction
        # has rolled back, so nothing was stored; the caller's input is at fault, not the server.
        return JSONResponse({"error": f"a text {LONE_SURROGATE}"}, status_code=400)

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    def _bad(exc: Exception, status: int = 422) -> HTTPException:
        return HTTPException(status_code=status, detail=str(exc))

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        try:
            with collector.engine.connect() as conn:
                conn.execute(text("select 1"))
        except Exception as exc:
            raise HTTPException(503, "the database does not answer") from exc
        return {"status": "ok", "time": collector.clock.now().isoformat()}

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(collector.registry), media_type=CONTENT_TYPE_LATEST)

    # -- customers and contracts -----------------------------------------------------------------------

    @app.get("/api/v1/customers")
    def customers() -> list[dict[str, Any]]:
        with collector.engine.connect() as conn:
            rows = conn.execute(select(t.customers).order_by(t.customers.c.key)).all()
            return [{"key": r.key, "name": r.name, "language": r.language} for r in rows]

    @app.get("/api/v1/customers/{key}")
    def customer(key: str) -> dict[str, Any]:
        with collector.engine.connect() as conn:
            row = conn.execute(select(t.customers).where(t.customers.c.key == key)).first()
            if row is None:
                raise HTTPException(404, f"customer {key!r} does not exist")
            contract = contract_in_force(conn, row.id, collector.clock.now().date())
            instances = conn.execute(select(t.instances).where(t.instances.c.customer_id == row.id)).all()
            return {
                "key": row.key,
                "name": row.name,
                "language": row.language,
                "account_manager": row.account_manager,
                "contract": contract.__dict__ if contract else None,
                "instances": [
                    {
                        "name": i.name,
                        "url": i.url,
                        "odoo_version": i.odoo_version,
                        "last_report_at": iso(i.last_report_at),
                    }
                    for i in instances
                ],
            }

    @app.put("/api/v1/contracts")
    async def put_contracts(request: Request) -> dict[str, int]:
        """The same document as the TOML file, as JSON (dates as YYYY-MM-DD)."""
        from datetime import date

        try:
            data = await request.json()
            if not isinstance(data, dict):
                raise ContractFileError("the body must be a JSON object with a 'customer' list")
            for customer in data.get("customer", []) if isinstance(data.get("customer"), list) else []:
                for contract in customer.get("contract", []) if isinstance(customer, dict) else []:
                    if isinstance(contract, dict) and isinstance(contract.get("effective_from"), str):
                        contract["effective_from"] = date.fromisoformat(contract["effective_from"])
            specs = parse_contracts(data)
        except (ValueError, AttributeError, TypeError, RecursionError) as exc:  # RecursionError: deep JSON
            raise _bad(exc) from None
        counts = apply_contracts(collector.engine, specs)
        collector.directory.forget()
        collector.limits.forget()
        return counts

    # -- tickets -------------------------------------------------------------------------------------------

    @app.get("/api/v1/tickets")
    def list_tickets(
        state: str | None = None, customer: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        query = select(t.tickets).join(t.customers, t.customers.c.id == t.tickets.c.customer_id)
        if state:
            query = query.where(t.tickets.c.state == state)
        if customer:
            query = query.where(t.customers.c.key == customer)
        with collector.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.tickets.c.id.desc()).limit(max(1, min(limit, 1000)))).all()
        return [ticket_json(r) for r in rows]

    @app.get("/api/v1/tickets/{number}")
    def get_ticket(number: str) -> dict[str, Any]:
        with collector.engine.connect() as conn:
            try:
                row = collector.tickets.get(conn, number)
            except TicketError as exc:
                raise _bad(exc, 404) from None
            timeline = [
                entry.as_json()
                for entry in ticket_timeline(conn, collector.tickets, collector.outbox, number)
            ]
        return {**ticket_json(row), "timeline": timeline}

    @app.post("/api/v1/tickets", status_code=201)
    def create_ticket(body: TicketCreate) -> dict[str, Any]:
        try:
            with transaction(collector.engine) as conn:
                customer = conn.execute(select(t.customers).where(t.customers.c.key == body.customer)).first()
                if customer is None:
                    raise TicketError(f"customer {body.customer!r} does not exist")
                opened = collector.tickets.open(
                    conn,
                    TicketRequest(
                        customer_id=customer.id,
                        subject=body.subject,
                        category=body.category,
                        source=body.source,
                        impact=body.impact,
                        scope=body.scope,
                        description=body.description,
                        reporter=body.reporter,
                        language=customer.language,
                        instance_name=body.instance,
                        actor=body.actor,
                    ),
                )
                row = collector.tickets.get(conn, opened.number)
        except ValueError as exc:
            raise _bad(exc) from None
        return ticket_json(row)

    def _act(number: str, action: Any) -> dict[str, Any]:
        try:
            with transaction(collector.engine) as conn:
                row = action(conn)
        except ValueError as exc:
            status = 404 if "does not exist" in str(exc) else 409 if isinstance(exc, TicketError) else 422
            raise _bad(exc, status) from None
        return ticket_json(row)

    @app.post("/api/v1/tickets/{number}/assess")
    def assess(number: str, body: Assessment) -> dict[str, Any]:
        return _act(
            number,
            lambda conn: collector.tickets.assess(
                conn,
                number,
                category=body.category,
                impact=body.impact,
                scope=body.scope,
                priority=body.priority,
                reason=body.reason,
                actor=body.actor,
            ),
        )

    @app.post("/api/v1/tickets/{number}/respond")
    def respond(number: str, body: Actor) -> dict[str, Any]:
        return _act(
            number,
            lambda conn: collector.tickets.first_response(conn, number, actor=body.actor, body=body.body),
        )

    @app.post("/api/v1/tickets/{number}/start")
    def start(number: str, body: Actor) -> dict[str, Any]:
        return _act(number, lambda conn: collector.tickets.start_work(conn, number, actor=body.actor))

    @app.post("/api/v1/tickets/{number}/wait")
    def wait(number: str, body: Actor) -> dict[str, Any]:
        return _act(
            number, lambda conn: collector.tickets.pause(conn, number, actor=body.actor, body=body.body)
        )

    @app.post("/api/v1/tickets/{number}/resume")
    def resume(number: str, body: Actor) -> dict[str, Any]:
        return _act(
            number, lambda conn: collector.tickets.resume(conn, number, actor=body.actor, body=body.body)
        )

    @app.post("/api/v1/tickets/{number}/resolve")
    def resolve(number: str, body: Actor) -> dict[str, Any]:
        return _act(
            number,
            lambda conn: collector.tickets.resolve(conn, number, actor=body.actor, body=body.body),
        )

    @app.post("/api/v1/tickets/{number}/close")
    def close(number: str, body: Actor) -> dict[str, Any]:
        return _act(
            number, lambda conn: collector.tickets.close(conn, number, actor=body.actor, body=body.body)
        )

    @app.post("/api/v1/tickets/{number}/reopen")
    def reopen(number: str, body: Reopen) -> dict[str, Any]:
        return _act(
            number,
            lambda conn: collector.tickets.reopen(conn, number, actor=body.actor, reason=body.reason),
        )

    @app.post("/api/v1/tickets/{number}/agreed-date")
    def agreed(number: str, body: AgreedDate) -> dict[str, Any]:
        return _act(
            number,
            lambda conn: collector.tickets.set_agreed_date(conn, number, body.at, actor=body.actor),
        )

    # -- maintenance and silences --------------------------------------------------------------------------

    @app.get("/api/v1/maintenance")
    def maintenance_list() -> list[dict[str, Any]]:
        with collector.engine.connect() as conn:
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

    @app.post("/api/v1/maintenance", status_code=201)
    def maintenance_add(body: MaintenanceCreate) -> dict[str, int]:
        try:
            with transaction(collector.engine) as conn:
                customer_id, instance_id = resolve_target(conn, body.customer, body.instance)
                window_id = add_window(
                    conn,
                    customer_id,
                    instance_id,
                    body.starts_at,
                    body.ends_at,
                    body.reason,
                    collector.clock.now(),
                )
        except ValueError as exc:
            raise _bad(exc) from None
        return {"id": window_id}

    @app.delete("/api/v1/maintenance/{window_id}")
    def maintenance_remove(window_id: int) -> dict[str, bool]:
        with transaction(collector.engine) as conn:
            if not remove_window(conn, window_id):
                raise HTTPException(404, f"maintenance window {window_id} does not exist")
        return {"removed": True}

    @app.post("/api/v1/conditions/{condition_id}/silence")
    def silence_condition(condition_id: int, body: SilenceCreate) -> dict[str, bool]:
        try:
            with transaction(collector.engine) as conn:
                silence(conn, condition_id, body.until, body.reason)
        except MaintenanceError as exc:
            raise _bad(exc, 404 if "does not exist" in str(exc) else 422) from None
        return {"silenced": True}

    @app.delete("/api/v1/conditions/{condition_id}/silence")
    def unsilence_condition(condition_id: int) -> dict[str, bool]:
        with transaction(collector.engine) as conn:
            if not unsilence(conn, condition_id):
                raise HTTPException(404, f"condition {condition_id} does not exist or is not silenced")
        return {"removed": True}

    @app.get("/api/v1/silences")
    def silences() -> list[dict[str, Any]]:
        with collector.engine.connect() as conn:
            rows = list_silences(conn, collector.clock.now())
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

    from collector.monitoring.alertmanager import register_alertmanager

    register_alertmanager(app, collector)
    app.include_router(_alerts_router(collector))
    _install_ack_page(app, collector)

    from collector.helpdesk import install_helpdesk

    install_helpdesk(app, collector)  # web form, mail/phone intake pages, client API, staff pages
    _add_edge_middleware(app, collector)
    return app


def _add_edge_middleware(app: FastAPI, collector: Collector) -> None:
    """Added last, so they run first: page headers, then body limits before anything reads a body."""
    from collector.http.body_limits import BodyLimit
    from collector.http.body_rules import body_rules
    from collector.http.page_headers import PageHeaders

    runtime = collector.extras.get("helpdesk_runtime")
    rules, default = body_rules(collector, runtime.settings if runtime else _default_helpdesk())
    app.add_middleware(BodyLimit, rules=rules, default=default)
    app.add_middleware(PageHeaders)


def _default_helpdesk() -> Any:
    from collector.helpdesk.settings import HelpdeskSettings

    return HelpdeskSettings()


def _alerts_router(collector: Collector) -> Any:
    """On-call (who is on call, iCal feed) and page acknowledgement, from alerts/."""
    from pathlib import Path

    from alerts.http import alerts_router
    from alerts.oncall import load_rota

    rota_path = collector.config.notifications.rota
    return alerts_router(
        clock=collector.clock,
        rota=(lambda: load_rota(Path(rota_path))) if rota_path else None,
        outbox=collector.outbox,
        signer=collector.outbox.ack_signer,
        ack_pages=False,  # collector/http/ack_page.py serves /ack/{token}
    )


def _install_ack_page(app: Any, collector: Collector) -> None:
    from pathlib import Path

    from alerts.oncall import load_rota
    from collector.http.ack_page import install_ack_page

    rota_path = collector.config.notifications.rota
    install_ack_page(app, collector, (lambda: load_rota(Path(rota_path))) if rota_path else None)


class IngestShortcut:
    """Pure ASGI middleware: POST /api/v1/reports goes straight to the ingest endpoint."""

    def __init__(self, app: Any, endpoint: Any) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/api/v1/reports":
            if scope["method"] != "POST":
                await JSONResponse({"error": "use POST"}, status_code=405)(scope, receive, send)
                return
            response = await self.endpoint(Request(scope, receive))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

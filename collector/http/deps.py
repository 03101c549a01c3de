"""What a route may ask for, the framework's way: `def route(collector: CollectorDep, clock: ClockDep)`.

`create_app` puts the process's one `Collector` on `app.state.collector`; routers are module-level and
take everything else from these dependencies, so a test can build an app around any collector.

The `get_*` accessors are plain functions; the `...Dep` aliases call them through `on_the_loop`, because
FastAPI runs a plain dependency in the thread pool: one thread hop per dependency per request, for reading
an attribute.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine

from alerts.oncall import Rota, load_rota
from alerts.outbox import Outbox
from collector.monitoring.alertmanager import AlertIntake
from collector.policy.policy import Policy
from collector.service import Collector
from collector.tickets.core import TicketService
from prioritysupport.clock import Clock

T = TypeVar("T")


def on_the_loop(accessor: Callable[[Request], T]) -> Callable[[Request], Awaitable[T]]:
    """The accessor as an async dependency: only for accessors that never block (no I/O)."""

    async def dependency(request: Request) -> T:
        return accessor(request)

    return dependency


def get_collector(request: Request) -> Collector:
    collector: Collector = request.app.state.collector
    return collector


def get_engine(request: Request) -> Engine:
    return get_collector(request).engine


def get_clock(request: Request) -> Clock:
    return get_collector(request).clock


def get_policy(request: Request) -> Policy:
    """The collector's one policy (its configured catalogue), never a freshly loaded one."""
    return get_collector(request).policy


CollectorDep = Annotated[Collector, Depends(on_the_loop(get_collector))]
EngineDep = Annotated[Engine, Depends(on_the_loop(get_engine))]
ClockDep = Annotated[Clock, Depends(on_the_loop(get_clock))]


def get_outbox(request: Request) -> Outbox:
    return get_collector(request).outbox


def get_tickets(request: Request) -> TicketService:
    return get_collector(request).tickets


def get_registry(request: Request) -> CollectorRegistry:
    return get_collector(request).registry


def get_alert_intake(request: Request) -> AlertIntake:
    return get_collector(request).alert_intake()


def rota_loader(collector: Collector) -> Callable[[], Rota] | None:
    """Reads the rota file on every call, so an edited rota takes effect at once; None without one."""
    path = collector.config.notifications.rota
    return (lambda: load_rota(Path(path))) if path else None


def get_rota(request: Request) -> Rota | None:
    loader = rota_loader(get_collector(request))
    try:
        return loader() if loader else None
    except Exception:  # a broken rota file must not take a page down: names fall back to ids
        return None


OutboxDep = Annotated[Outbox, Depends(on_the_loop(get_outbox))]
TicketsDep = Annotated[TicketService, Depends(on_the_loop(get_tickets))]
RegistryDep = Annotated[CollectorRegistry, Depends(on_the_loop(get_registry))]
AlertIntakeDep = Annotated[AlertIntake, Depends(on_the_loop(get_alert_intake))]
RotaDep = Annotated[Rota | None, Depends(get_rota)]
PolicyDep = Annotated[Policy, Depends(on_the_loop(get_policy))]

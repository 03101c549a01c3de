"""What a route may ask for, the framework's way: `def route(collector: CollectorDep, clock: ClockDep)`.

`create_app` puts the process's one `Collector` on `app.state.collector`; routers are module-level and
take everything else from these dependencies, so a test can build an app around any collector.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from alerts.clock import Clock
from collector.policy.policy import Policy
from collector.service import Collector


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


CollectorDep = Annotated[Collector, Depends(get_collector)]
EngineDep = Annotated[Engine, Depends(get_engine)]
ClockDep = Annotated[Clock, Depends(get_clock)]
PolicyDep = Annotated[Policy, Depends(get_policy)]

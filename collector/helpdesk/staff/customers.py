"""What the staff customer pages show beside the stored rows: limit rows and per-customer marks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from collector.storage import tables as core
from collector.tickets.core import OPEN_STATES

METRICS = ("users", "lines")
_WORST = {"ok": 0, "near": 1, "over": 2}


@dataclass(frozen=True)
class LimitRow:
    metric: str
    usage: int | None  # None: not measured yet
    limit: int | None  # None: the package has no limit for it (or no package)
    state: str | None


def limit_rows(stored: Iterable[Any], package_limits: Mapping[str, int | None]) -> list[LimitRow]:
    """Users and custom lines always, measured or not, so a missing count is visible."""
    by_metric = {row.metric: row for row in stored}
    rows = []
    for metric in METRICS:
        row = by_metric.get(metric)
        if row is None:
            rows.append(LimitRow(metric, None, package_limits.get(metric), None))
        else:
            rows.append(LimitRow(metric, row.usage, row.limit_value, row.state))
    return rows


@dataclass(frozen=True)
class CustomerMarks:
    limit_state: str  # worst of its metrics: ok, near, over
    breached: int  # open tickets with a breached target


def customer_marks(conn: Connection) -> dict[int, CustomerMarks]:
    """Per customer id: the worst limit state and how many open tickets breached their SLA."""
    worst: dict[int, str] = {}
    for customer_id, state in conn.execute(
        select(core.limit_states.c.customer_id, core.limit_states.c.state)
    ):
        if _WORST.get(state, 0) > _WORST.get(worst.get(customer_id, "ok"), 0):
            worst[customer_id] = state
    breached: dict[int, int] = {
        row.customer_id: int(row.breached)
        for row in conn.execute(
            select(core.tickets.c.customer_id, func.count().label("breached"))
            .where(
                core.tickets.c.state.in_(OPEN_STATES)
                & (core.tickets.c.response_breached | core.tickets.c.resolution_breached)
            )
            .group_by(core.tickets.c.customer_id)
        )
    }
    ids = set(worst) | set(breached)
    return {i: CustomerMarks(worst.get(i, "ok"), int(breached.get(i, 0))) for i in ids}

"""Maintenance windows (per customer or instance) and per-condition silences (policy section 9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, select, update

from collector import tables as t


class MaintenanceError(ValueError):
    """Bad window or silence; the message says what to fix."""


def in_maintenance(conn: Connection, customer_id: int, instance_id: int | None, at: datetime) -> bool:
    window = t.maintenance_windows.c
    scope: ColumnElement[bool] = window.instance_id.is_(None)
    if instance_id is not None:
        scope = scope | (window.instance_id == instance_id)
    query = select(window.id).where(
        (window.customer_id == customer_id) & scope & (window.starts_at <= at) & (window.ends_at > at)
    )
    return conn.execute(query.limit(1)).first() is not None


def add_window(
    conn: Connection,
    customer_id: int,
    instance_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    now: datetime,
) -> int:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise MaintenanceError("start and end need a time zone, for example 2026-11-28T22:00:00+01:00")
    if ends_at <= starts_at:
        raise MaintenanceError("a maintenance window must end after it starts")
    return int(
        conn.execute(
            t.maintenance_windows.insert()
            .values(
                customer_id=customer_id,
                instance_id=instance_id,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=reason,
                created_at=now,
            )
            .returning(t.maintenance_windows.c.id)
        ).scalar_one()
    )


def list_windows(conn: Connection, since: datetime | None = None) -> list[Row[Any]]:
    query = (
        select(
            t.maintenance_windows, t.customers.c.key.label("customer"), t.instances.c.name.label("instance")
        )
        .join(t.customers, t.customers.c.id == t.maintenance_windows.c.customer_id)
        .outerjoin(t.instances, t.instances.c.id == t.maintenance_windows.c.instance_id)
        .order_by(t.maintenance_windows.c.starts_at)
    )
    if since is not None:
        query = query.where(t.maintenance_windows.c.ends_at > since)
    return list(conn.execute(query))


def remove_window(conn: Connection, window_id: int) -> bool:
    result = conn.execute(delete(t.maintenance_windows).where(t.maintenance_windows.c.id == window_id))
    return bool(result.rowcount)


def silence(conn: Connection, condition_id: int, until: datetime, reason: str) -> None:
    if not reason.strip():
        raise MaintenanceError("a silence needs a reason")
    if until.tzinfo is None:
        raise MaintenanceError("the silence end needs a time zone")
    result = conn.execute(
        update(t.conditions)
        .where(t.conditions.c.id == condition_id)
        .values(silenced_until=until, silence_reason=reason.strip())
    )
    if not result.rowcount:
        raise MaintenanceError(f"condition {condition_id} does not exist")

"""Maintenance windows (per customer or instance) and per-condition silences (policy section 9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, select, update

from collector.storage import tables as t


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


def list_silences(conn: Connection, now: datetime) -> list[Row[Any]]:
    """Conditions silenced until after `now`, with their customer, instance and check."""
    c, i, cu = t.conditions, t.instances, t.customers
    return list(
        conn.execute(
            select(
                c.c.id,
                cu.c.key.label("customer"),
                i.c.name.label("instance"),
                c.c.check_key,
                c.c.state,
                c.c.silenced_until,
                c.c.silence_reason,
            )
            .join(i, i.c.id == c.c.instance_id)
            .join(cu, cu.c.id == i.c.customer_id)
            .where(c.c.silenced_until > now)
            .order_by(c.c.silenced_until)
        )
    )


def unsilence(conn: Connection, condition_id: int) -> bool:
    """End a condition's silence now; False when the condition is unknown or was not silenced."""
    result = conn.execute(
        update(t.conditions)
        .where((t.conditions.c.id == condition_id) & t.conditions.c.silenced_until.is_not(None))
        .values(silenced_until=None, silence_reason=None)
    )
    return bool(result.rowcount)


def find_condition(conn: Connection, target: str) -> int:
    """A condition by id, or by `customer/instance/check` (how people name it)."""
    if target.isdigit():
        return int(target)
    parts = target.split("/", 2)
    if len(parts) != 3 or not all(parts):
        raise MaintenanceError(f"name the condition by its id or as customer/instance/check, got {target!r}")
    customer, instance, check = parts
    found = conn.execute(
        select(t.conditions.c.id)
        .join(t.instances, t.instances.c.id == t.conditions.c.instance_id)
        .join(t.customers, t.customers.c.id == t.instances.c.customer_id)
        .where(
            (t.customers.c.key == customer)
            & (t.instances.c.name == instance)
            & (t.conditions.c.check_key == check)
        )
    ).scalar_one_or_none()
    if found is None:
        raise MaintenanceError(f"no condition {target!r}: the agent has not reported that check yet")
    return int(found)

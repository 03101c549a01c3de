"""Finding a customer and, optionally, one of its instances by the names people and APIs use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from collector.monitoring.maintenance import MaintenanceError
from collector.storage import tables as t


def resolve_target(conn: Any, customer_key: str, instance_name: str | None) -> tuple[int, int | None]:
    customer_id = conn.execute(select(t.customers.c.id).where(t.customers.c.key == customer_key)).scalar()
    if customer_id is None:
        raise MaintenanceError(f"customer {customer_key!r} does not exist")
    if instance_name is None:
        return int(customer_id), None
    instance_id = conn.execute(
        select(t.instances.c.id).where(
            (t.instances.c.customer_id == customer_id) & (t.instances.c.name == instance_name)
        )
    ).scalar()
    if instance_id is None:
        raise MaintenanceError(f"instance {instance_name!r} does not belong to customer {customer_key!r}")
    return int(customer_id), int(instance_id)

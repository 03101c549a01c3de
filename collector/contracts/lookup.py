"""Finding a customer and, optionally, one of its instances by the names people and APIs use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from collector.storage import tables as t

# Labels that name an Odoo instance on an Alertmanager alert, in the order they are believed.
INSTANCE_LABELS = ("odoo_instance", "instance_name", "instance")


class UnknownTarget(ValueError):
    """A customer or instance name that names nothing; the message says which."""


def instance_named(conn: Any, customer_id: int, name: str) -> int | None:
    """The id of the customer's instance with this name, or None: the one lookup by customer and name."""
    where = (t.instances.c.customer_id == customer_id) & (t.instances.c.name == name)
    found = conn.execute(select(t.instances.c.id).where(where)).scalar()
    return None if found is None else int(found)


def instance_label(labels: Mapping[str, str]) -> str | None:
    """The instance name an alert's labels carry, if any."""
    for key in INSTANCE_LABELS:
        if labels.get(key):
            return labels[key]
    return None


def resolve_target(conn: Any, customer_key: str, instance_name: str | None) -> tuple[int, int | None]:
    customer_id = conn.execute(select(t.customers.c.id).where(t.customers.c.key == customer_key)).scalar()
    if customer_id is None:
        raise UnknownTarget(f"customer {customer_key!r} does not exist")
    if instance_name is None:
        return int(customer_id), None
    instance_id = instance_named(conn, int(customer_id), instance_name)
    if instance_id is None:
        raise UnknownTarget(f"instance {instance_name!r} does not belong to customer {customer_key!r}")
    return int(customer_id), instance_id

"""What a customer may see of a ticket (API and mail) versus what staff see. One place, so no route
can leak staff-only data (internal notes, proposed priority, override reasons, deliveries)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row

from collector.http.api_models import iso
from collector.service import Collector

# Timeline kinds a customer sees; notes, notifications, breaches and deliveries stay internal.
PUBLIC_EVENT_KINDS = ("created", "response", "customer_reply", "solution", "state")


def customer_ticket(row: Row[Any]) -> dict[str, Any]:
    return {
        "number": row.number,
        "subject": row.subject,
        "state": row.state,
        "source": row.source,
        "category": row.category,
        "priority": row.priority,
        "registered_at": iso(row.registered_at),
        "response_due": iso(row.response_due),
        "resolution_due": iso(row.resolution_due),
        "agreed_resolution_at": iso(row.agreed_resolution_at),
        "first_response_at": iso(row.first_response_at),
        "resolved_at": iso(row.resolved_at),
        "closed_at": iso(row.closed_at),
    }


def customer_timeline(collector: Collector, conn: Connection, ticket_id: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for event in collector.tickets.events(conn, ticket_id):
        if event.kind not in PUBLIC_EVENT_KINDS:
            continue
        if event.kind == "state":
            data = event.data or {}
            out.append(
                {"at": iso(event.at), "kind": "state", "body": f"{data.get('from')} -> {data.get('to')}"}
            )
        elif event.kind == "created":
            out.append({"at": iso(event.at), "kind": "created", "body": ""})
        else:
            out.append({"at": iso(event.at), "kind": event.kind, "body": event.body})
    return out

"""A ticket's timeline: its own events and every delivery attempt alerts/ recorded for it, in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from alerts.outbox import Outbox
from collector.tickets.core import TicketService


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    actor: str | None
    body: str
    data: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "actor": self.actor,
            "body": self.body,
            "data": self.data,
        }


def ticket_timeline(
    conn: Connection, tickets: TicketService, outbox: Outbox, number: str
) -> list[TimelineEntry]:
    ticket = tickets.get(conn, number)
    entries = [TimelineEntry(e.at, e.kind, e.actor, e.body, e.data) for e in tickets.events(conn, ticket.id)]
    entries += [
        TimelineEntry(
            d.at,
            "delivery",
            "alerts",
            f"{d.kind} to {d.recipient} via {d.channel or d.target}: {d.status}",
            {
                "status": d.status,
                "attempt": d.attempt,
                "detail": d.detail,
                "notification_id": d.notification_id,
            },
        )
        for d in outbox.deliveries(conn, number)
    ]
    return sorted(entries, key=lambda entry: entry.at)

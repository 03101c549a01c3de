"""The end-of-scenario summary: tickets (priority, deadlines, SLA state), pages and mails, from the
collector's API and from what the sinks received."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from demo.feed import Arrival
from demo.narration import AMSTERDAM


def _when(value: str | None) -> str:
    if not value:
        return "-"
    return datetime.fromisoformat(value).astimezone(AMSTERDAM).strftime("%a %d %b %H:%M")


def sla_state(ticket: dict[str, Any]) -> str:
    if ticket["response_breached"] or ticket["resolution_breached"]:
        which = "response" if ticket["response_breached"] else "resolution"
        return f"BREACHED ({which})"
    if ticket["first_response_at"]:
        return "responded"
    return "running"


def tickets_table(tickets: list[dict[str, Any]], customers: dict[int, str] | None = None) -> Table:
    table = Table(title="Tickets", title_justify="left")
    for column in ("number", "customer", "subject", "prio", "state", "registered", "response due",
                   "resolution due", "SLA"):  # fmt: skip
        table.add_column(column)
    for ticket in sorted(tickets, key=lambda t: t["number"]):
        table.add_row(
            ticket["number"],
            ticket.get("customer", ""),
            ticket["subject"],
            ticket["priority"],
            ticket["state"],
            _when(ticket["registered_at"]),
            _when(ticket["response_due"]),
            _when(ticket["resolution_due"]) if ticket["resolution_due"] else "by agreement",
            sla_state(ticket),
        )
    return table


def deliveries_table(arrivals: list[Arrival]) -> Table:
    table = Table(title="What arrived at the sinks", title_justify="left")
    table.add_column("to")
    table.add_column("via")
    table.add_column("count", justify="right")
    counts = Counter((", ".join(a.to), a.channel) for a in arrivals)
    for (to, channel), count in sorted(counts.items()):
        table.add_row(to, "mail catcher" if channel == "mail" else "webhook receiver", str(count))
    return table


def print_summary(console: Console, tickets: list[dict[str, Any]], arrivals: list[Arrival]) -> None:
    pages = [a for a in arrivals if a.channel == "webhook" and a.to[0].startswith("/person/")]
    mails = [a for a in arrivals if a.channel == "mail"]
    breached = [t for t in tickets if t["response_breached"] or t["resolution_breached"]]
    console.print()
    console.print(tickets_table(tickets))
    console.print(deliveries_table(arrivals))
    console.print(
        f"{len(tickets)} tickets ({len(breached)} past a deadline), {len(pages)} pages to on-call people, "
        f"{len(mails)} mails, {len(arrivals) - len(mails)} webhook posts in total."
    )

"""Which staff actions fit a ticket's state: the ticket page shows only these (pure)."""

from __future__ import annotations

OPEN_ACTIONS = ("respond", "note", "resolve", "agreed", "assign")


def actions_for(state: str, *, paged: bool, acknowledged: bool) -> tuple[str, ...]:
    """The actions offered, in page order.

    Assessing is for tickets not yet waiting on the customer; a waiting ticket resumes instead of waiting
    again; resolved tickets close or reopen; closed tickets only reopen. Acknowledging is offered while a
    page is out and nobody has acknowledged it.
    """
    if state == "closed":
        return ("note", "reopen")
    if state == "resolved":
        return ("note", "close", "reopen")
    actions: list[str] = []
    if paged and not acknowledged:
        actions.append("ack")
    if state != "waiting_for_customer":
        actions.append("assess")
    actions.extend(("respond", "note"))
    actions.append("resume" if state == "waiting_for_customer" else "wait")
    actions.extend(("resolve", "agreed", "assign"))
    return tuple(actions)

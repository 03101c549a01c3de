"""The client ticket API: `/api/client/v1/tickets`, one bearer token per client, scoped to its customer.

A ticket of another customer answers 404 exactly like a missing one, so numbers cannot be probed.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select

from collector.helpdesk import intake
from collector.helpdesk.public.clients import ApiClient, client_for_token
from collector.helpdesk.public.views import customer_ticket, customer_timeline
from collector.http.deps import CollectorDep
from collector.storage import tables as core
from collector.storage.after_commit import transaction
from collector.storage.text_checks import refuse_unstorable
from collector.tickets.core import STATES, TicketError

PREFIX = "/api/client/v1"


class ClientTicketCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    _storable = model_validator(mode="before")(refuse_unstorable)  # lone surrogates: 422, not 500
    subject: str = Field(min_length=1, max_length=intake.MAX_SUBJECT)
    description: str = Field(default="", max_length=intake.MAX_DESCRIPTION)
    category: str = Field(min_length=1, max_length=32)
    impact: str | None = Field(default=None, max_length=32)
    scope: str | None = Field(default=None, max_length=32)
    reporter: str = Field(min_length=3, max_length=320, description="e-mail address of one of your contacts")
    instance: str | None = Field(default=None, max_length=128)


class ClientTicketUpdate(BaseModel):
    """What a customer may change: add a message (resumes a ticket waiting for them)."""

    model_config = ConfigDict(extra="forbid")
    _storable = model_validator(mode="before")(refuse_unstorable)
    message: str = Field(min_length=1, max_length=intake.MAX_DESCRIPTION)
    author: str | None = Field(default=None, max_length=320)


router = APIRouter(prefix=PREFIX, tags=["client api"])


def client(collector: CollectorDep, authorization: Annotated[str | None, Header()] = None) -> ApiClient:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "send 'Authorization: Bearer <token>' with your API token")
    with collector.engine.connect() as conn:
        found = client_for_token(conn, token.strip())
    if found is None:
        raise HTTPException(
            401, "the API token is unknown or revoked; ask your account manager for a new one"
        )
    return found


Client = Annotated[ApiClient, Depends(client)]


def own_ticket(conn: Any, who: ApiClient, number: str) -> Any:
    row = conn.execute(
        select(core.tickets).where(
            (core.tickets.c.number == number) & (core.tickets.c.customer_id == who.customer_id)
        )
    ).first()
    if row is None:
        raise HTTPException(404, f"ticket {number[:20]} does not exist; check the number (PS-YYYY-NNNNN)")
    return row


@router.get("/tickets")
def list_tickets(
    collector: CollectorDep,
    who: Client,
    state: Annotated[str | None, Query(max_length=24)] = None,
    category: Annotated[str | None, Query(max_length=16)] = None,
    open_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    if state is not None and state not in STATES:
        raise HTTPException(422, f"state must be one of {', '.join(STATES)}")
    query = select(core.tickets).where(core.tickets.c.customer_id == who.customer_id)
    if state:
        query = query.where(core.tickets.c.state == state)
    if category:
        query = query.where(core.tickets.c.category == category)
    if open_only:
        query = query.where(core.tickets.c.state.notin_(("resolved", "closed")))
    with collector.engine.connect() as conn:
        rows = conn.execute(query.order_by(core.tickets.c.id.desc()).limit(limit)).all()
    return [customer_ticket(r) for r in rows]


@router.get("/tickets/{number}")
def read_ticket(collector: CollectorDep, who: Client, number: str) -> dict[str, Any]:
    with collector.engine.connect() as conn:
        row = own_ticket(conn, who, number)
        return {**customer_ticket(row), "timeline": customer_timeline(collector, conn, row.id)}


@router.post("/tickets", status_code=201)
def create_ticket(collector: CollectorDep, who: Client, body: ClientTicketCreate) -> dict[str, Any]:
    try:
        with transaction(collector.engine) as conn:
            contact = intake.find_contact(conn, body.reporter, who.customer_id)
            if contact is None:
                raise intake.IntakeError(
                    "reporter", "reporter must be the e-mail address of one of your contacts"
                )
            opened = intake.open_ticket(
                collector,
                conn,
                contact,
                intake.Request(
                    subject=body.subject,
                    description=body.description,
                    category=body.category,
                    impact=body.impact,
                    scope=body.scope,
                    source="api",
                    actor=f"api:{who.label}",
                    instance=body.instance,
                ),
            )
            row = own_ticket(conn, who, opened.number)
    except intake.IntakeError as exc:
        raise HTTPException(422, f"{exc.field}: {exc}") from None
    return customer_ticket(row)


@router.patch("/tickets/{number}")
def update_ticket(
    collector: CollectorDep, who: Client, number: str, body: ClientTicketUpdate
) -> dict[str, Any]:
    try:
        with transaction(collector.engine) as conn:
            row = own_ticket(conn, who, number)
            if row.state == "closed":
                raise TicketError(f"ticket {number} is closed; open a new ticket and mention this number")
            author = f"api:{who.label}"
            if body.author:
                contact = intake.find_contact(conn, body.author, who.customer_id)
                if contact is None:
                    raise intake.IntakeError(
                        "author", "author must be the e-mail address of one of your contacts"
                    )
                author = contact.email
            intake.customer_reply(collector, conn, row, author, body.message, via="api")
            row = own_ticket(conn, who, number)
    except intake.IntakeError as exc:
        raise HTTPException(422, f"{exc.field}: {exc}") from None
    except TicketError as exc:
        raise HTTPException(409, str(exc)) from None
    return customer_ticket(row)

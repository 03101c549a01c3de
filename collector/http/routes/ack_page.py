"""The acknowledgement page behind the signed link in a page: phone-first, one big button.

GET shows what broke, for whom, since when and the deadline, and never acts (mail scanners prefetch
links). POST acknowledges as the person the link was sent to (the signed token names them), once per
episode: a replayed link answers "already acknowledged by ... at ..." and writes nothing. An expired link
offers to sign in to the ticket. The language is the recipient's (their staff account's), Dutch by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Connection, Engine, select

from alerts.channels import MAILTO_PREFIX, PERSON_PREFIX, TAG_PREFIX
from alerts.oncall import Rota
from alerts.outbox import Outbox
from alerts.people_time import deadline_phrase, local_time, relative
from alerts.signing import AckClaim, InvalidAckToken
from collector.http.deps import CollectorDep, RotaDep
from collector.storage import tables as t
from collector.storage.helpdesk_tables import staff_users
from collector.tickets.ack_texts import ACK_TEXTS
from prioritysupport.clock import Clock

HERE = Path(__file__).parent.parent  # collector/http: templates/ and static/
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token is in the path
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Recipient:
    by: str  # the name written on the acknowledgement
    language: str


def identify(conn: Connection, recipient: str, rota: Rota | None) -> Recipient:
    """Who a signed link went to, and the language of their staff account (Dutch when there is none)."""
    if recipient.startswith(PERSON_PREFIX):
        pid = recipient[len(PERSON_PREFIX) :]
        person = rota.people.get(pid) if rota else None
        keys = [pid] + ([person.email] if person and person.email else [])
        return Recipient(person.name if person else pid, _language(conn, keys))
    if recipient.startswith(MAILTO_PREFIX):
        address = recipient[len(MAILTO_PREFIX) :]
        row = conn.execute(
            select(staff_users.c.display_name, staff_users.c.language).where(staff_users.c.email == address)
        ).first()
        return Recipient(row.display_name, row.language) if row else Recipient(address, "nl")
    name = recipient.removeprefix(TAG_PREFIX)
    return Recipient(name or "link", "nl")


def _language(conn: Connection, keys: list[str]) -> str:
    row = conn.execute(
        select(staff_users.c.language).where(staff_users.c.username.in_(keys) | staff_users.c.email.in_(keys))
    ).first()
    return str(row.language) if row and row.language in ACK_TEXTS else "nl"


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True, trim_blocks=True
    )
    return env.get_template("ack.html")


def render(state: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    texts = ACK_TEXTS[lang]
    title = texts.get(f"{state}_title", texts["title"])
    body = _template().render(state=state, lang=lang, t=texts, title=title, **values)
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def ticket_url(ref: str, lang: str) -> str:
    return f"/staff/tickets/{quote(ref, safe='')}?lang={lang}"


@dataclass(frozen=True)
class AckPage:
    """What one request of the page works with; `rota` is None without one or when it cannot be read."""

    engine: Engine
    clock: Clock
    outbox: Outbox
    rota: Rota | None

    def details(self, conn: Connection, ref: str, lang: str) -> dict[str, Any]:
        ticket = conn.execute(select(t.tickets).where(t.tickets.c.number == ref)).first()
        if ticket is None:
            return {"ticket": None, "ref": ref, "ticket_url": ticket_url(ref, lang)}
        now = self.clock.now()
        customer = conn.execute(
            select(t.customers.c.name).where(t.customers.c.id == ticket.customer_id)
        ).scalar()
        episode = self.outbox.episode_start(conn, ref)
        since = max(episode, ticket.registered_at) if episode else ticket.registered_at
        if ticket.first_response_at is None and ticket.response_due is not None:
            due, which = ticket.response_due, "response"
        else:
            due, which = ticket.agreed_resolution_at or ticket.resolution_due, "resolution"
        relapse = conn.execute(
            select(t.ticket_events.c.id).where(
                (t.ticket_events.c.ticket_id == ticket.id) & (t.ticket_events.c.kind == "relapse")
            )
        ).first()
        return {
            "ticket": ticket,
            "ref": ref,
            "customer": customer,
            "relapse": relapse is not None,
            "since": f"{local_time(since, lang)} ({relative(since, now, lang)})",
            "deadline": f"{local_time(due, lang)} ({deadline_phrase(due, now, lang)})" if due else "",
            "deadline_kind": which,
            "ticket_url": ticket_url(ref, lang),
        }

    def claim_of(self, token: str) -> tuple[AckClaim | None, InvalidAckToken | None]:
        signer = self.outbox.ack_signer
        if signer is None:
            return None, InvalidAckToken("acknowledgement links are not configured")
        try:
            return signer.verify(token[:2000]), None
        except InvalidAckToken as error:
            return None, error

    def refused(self, error: InvalidAckToken) -> HTMLResponse:
        if error.claim is None:
            return render("invalid", "nl", 403, ticket=None)
        with self.engine.connect() as conn:
            who = identify(conn, error.claim.recipient, self.rota)
            shown = self.details(conn, error.claim.subject_ref, who.language)
        return render("expired", who.language, 410, **{**shown, "ticket": None})


async def ack_page(collector: CollectorDep, rota: RotaDep) -> AckPage:
    return AckPage(collector.engine, collector.clock, collector.outbox, rota)


AckPageDep = Annotated[AckPage, Depends(ack_page)]
router = APIRouter()


@router.get("/ack/{token}", response_class=HTMLResponse)
def ack_form(token: str, page: AckPageDep) -> HTMLResponse:
    claim, error = page.claim_of(token)
    if claim is None:
        assert error is not None
        return page.refused(error)
    with page.engine.connect() as conn:
        who = identify(conn, claim.recipient, page.rota)
        shown = page.details(conn, claim.subject_ref, who.language)
        if page.outbox.episode_start(conn, claim.subject_ref) is None:
            return render("nothing", who.language, 404, **shown)
        earlier = page.outbox.current_ack(conn, claim.subject_ref)
    if earlier is not None:
        at = local_time(earlier.at, who.language)
        return render("already", who.language, ack_by=earlier.by, ack_at=at, **shown)
    return render("open", who.language, by=who.by, **shown)


@router.post("/ack/{token}", response_class=HTMLResponse)
def ack_submit(token: str, page: AckPageDep) -> HTMLResponse:
    claim, error = page.claim_of(token)
    if claim is None:
        assert error is not None
        return page.refused(error)
    with page.engine.connect() as conn:
        who = identify(conn, claim.recipient, page.rota)
    outcome = page.outbox.acknowledge_once(claim.subject_ref, who.by, via="link")
    with page.engine.connect() as conn:
        shown = page.details(conn, claim.subject_ref, who.language)
    if outcome.status == "nothing":
        return render("nothing", who.language, 404, **shown)
    state = "done" if outcome.status == "acknowledged" else "already"
    at = local_time(outcome.at, who.language)
    return render(state, who.language, ack_by=outcome.by, ack_at=at, **shown)


def mount_ack_static(app: FastAPI) -> None:
    """The page's stylesheet; a mount, so it cannot travel inside the router."""
    app.mount("/ack-static", StaticFiles(directory=str(HERE / "static")), name="ack-static")

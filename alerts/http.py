"""HTTP endpoints of alerts/, as a FastAPI router the collector includes.

- GET  /api/v1/oncall/current  who the emergency line (noodnummer) forwards to
- GET  /api/v1/oncall.ics      the rota as an iCalendar feed
- GET  /ack/{token}            a confirmation page for the signed link in a page (mail scanners that
                               prefetch links must not acknowledge anything, so GET never acts)
- POST /ack/{token}            acknowledge through the signed link
- POST /api/v1/ack             acknowledge by API: {"subject_ref": ..., "by": ...}
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from alerts.ical import rota_calendar
from alerts.oncall import Rota, current_oncall
from alerts.outbox import Outbox
from alerts.signing import AckSigner, InvalidAckToken
from prioritysupport.clock import Clock


class AckBody(BaseModel):
    subject_ref: str = Field(min_length=1, max_length=120)
    by: str = Field(min_length=1, max_length=120)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'</head><body style="font-family: sans-serif"><h1>{html.escape(title)}</h1>{body}</body></html>',
        status_code=status,
    )


def alerts_router(
    *,
    clock: Clock,
    rota: Callable[[], Rota] | None = None,
    outbox: Outbox | None = None,
    signer: AckSigner | None = None,
    api_dependencies: Sequence[Any] = (),
    ack_pages: bool = True,
) -> APIRouter:
    """The router; `rota` is a loader called per request (so an edited file takes effect at once).

    `api_dependencies` (for example the collector's staff authentication) guard POST /api/v1/ack; the
    signed link carries its own authority.
    """
    router = APIRouter()

    def _rota() -> Rota:
        if rota is None:
            raise HTTPException(404, "no on-call rota is configured")
        return rota()

    @router.get("/api/v1/oncall/current")
    def oncall_current(tag: str = "oncall-primary") -> dict[str, str]:
        current = current_oncall(_rota(), clock.now(), tag)
        if current is None:
            raise HTTPException(404, f"no rotation answers '{tag}'")
        return current

    @router.get("/api/v1/oncall.ics")
    def oncall_ics() -> Response:
        return Response(rota_calendar(_rota(), clock.now()), media_type="text/calendar; charset=utf-8")

    def _claim(token: str) -> str:
        if signer is None or outbox is None:
            raise HTTPException(404, "acknowledgement links are not configured")
        try:
            return signer.verify(token).subject_ref
        except InvalidAckToken as error:
            raise HTTPException(403, str(error)) from error

    if not ack_pages:  # the collector serves its own acknowledgement page (collector/http/routes/ack_page.py)
        _add_api_ack(router, outbox, api_dependencies)
        return router

    @router.get("/ack/{token}", response_class=HTMLResponse)
    def ack_confirm(token: str) -> HTMLResponse:
        try:
            ref = _claim(token)
        except HTTPException as error:
            return _page("Link ongeldig", f"<p>{html.escape(str(error.detail))}</p>", error.status_code)
        return _page(
            f"Melding {ref} bevestigen",
            f'<form method="post"><p>Naam: <input name="by" required maxlength="120"></p>'
            f'<button type="submit">Bevestigen / Acknowledge {html.escape(ref)}</button></form>',
        )

    @router.post("/ack/{token}", response_class=HTMLResponse)
    async def ack_link(token: str, request: Request) -> HTMLResponse:
        try:
            ref = _claim(token)
        except HTTPException as error:
            return _page("Link ongeldig", f"<p>{html.escape(str(error.detail))}</p>", error.status_code)
        form = await request.form()
        by = str(form.get("by") or "link")[:120]
        assert outbox is not None
        known = outbox.acknowledge(ref, by=by, via="link")
        text = "Bevestigd: de escalatie is gestopt." if known else "Geen openstaande melding gevonden."
        return _page(f"Melding {ref}", f"<p>{html.escape(text)}</p>")

    _add_api_ack(router, outbox, api_dependencies)
    return router


def _add_api_ack(router: APIRouter, outbox: Outbox | None, api_dependencies: Sequence[Any]) -> None:
    @router.post("/api/v1/ack", dependencies=list(api_dependencies))
    def ack_api(body: AckBody) -> dict[str, Any]:
        if outbox is None:
            raise HTTPException(404, "acknowledgement is not configured")
        outcome = outbox.acknowledge_once(body.subject_ref, by=body.by, via="api")
        if outcome.status == "nothing":
            raise HTTPException(404, f"nothing was paged for '{body.subject_ref}'")
        return {
            "subject_ref": body.subject_ref,
            "acknowledged": True,
            "by": outcome.by,
            "at": outcome.at.isoformat() if outcome.at else None,
            "already": outcome.status == "already",
        }

"""How the staff pages answer a request that is not signed in (to the sign-in page) or refused (403)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from collector.helpdesk.deps import get_helpdesk
from collector.helpdesk.staff.auth import NotSignedIn, to_login
from collector.helpdesk.staff.forms import Refused
from collector.helpdesk.staff.routes.signin import page_language
from collector.helpdesk.staff.texts import STAFF_TEXTS


async def not_signed_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotSignedIn)
    return to_login(exc.next_url)


async def refused(request: Request, exc: Exception) -> Response:
    lang = page_language(request)
    return get_helpdesk(request).html(
        "staff/message.html",
        403,
        lang=lang,
        t=STAFF_TEXTS[lang],
        who=None,
        ok="",
        error="",
        message=str(exc),
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotSignedIn, not_signed_in)
    app.add_exception_handler(Refused, refused)

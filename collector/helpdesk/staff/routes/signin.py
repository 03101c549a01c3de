"""Signing in and out of the staff pages (sessions live in the database, see staff/sessions.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from collector.helpdesk.deps import HelpdeskDep
from collector.helpdesk.staff.auth import login_page, safe_next, sign_in, sign_out
from collector.helpdesk.staff.deps import Who
from collector.helpdesk.staff.forms import checked_form
from collector.helpdesk.staff.texts import STAFF_TEXTS

router = APIRouter(prefix="/staff", include_in_schema=False)


def page_language(request: Request) -> str:
    lang = request.query_params.get("lang", "nl")
    return lang if lang in STAFF_TEXTS else "nl"


@router.get("/login")
def login_form(request: Request, helpdesk: HelpdeskDep) -> Response:
    return login_page(helpdesk, page_language(request), next_url=safe_next(request.query_params.get("next")))


@router.post("/login")
async def login(request: Request, helpdesk: HelpdeskDep) -> Response:
    lang = page_language(request)
    try:
        form = await request.form(max_files=0, max_fields=10)
    except Exception:
        return login_page(helpdesk, lang, STAFF_TEXTS[lang]["err_unreadable"], status=400)
    if not helpdesk.login_limiter.allow(request.client.host if request.client else "unknown"):
        return login_page(helpdesk, lang, STAFF_TEXTS[lang]["err_login_many"], status=429)
    username, password = form.get("username"), form.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        return login_page(helpdesk, lang, STAFF_TEXTS[lang]["err_login_fill"], status=400)
    next_url = form.get("next")
    return sign_in(helpdesk, username, password, next_url if isinstance(next_url, str) else "/staff", lang)


@router.post("/logout")
async def logout(request: Request, helpdesk: HelpdeskDep, who: Who) -> Response:
    form = await checked_form(request, who)
    return sign_out(helpdesk, who, everywhere=form.get("everywhere") == "1")

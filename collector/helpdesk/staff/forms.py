"""Shared pieces of the staff pages: posted forms with CSRF, role checks, redirects, local times."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from collector.helpdesk.i18n import LOCAL_ZONE
from collector.helpdesk.staff.auth import Signed


class Refused(Exception):
    """A signed-in user may not do this (role or CSRF): a 403 page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


async def checked_form(request: Request, who: Signed) -> dict[str, str]:
    """The posted fields (text only, bounded), after checking the CSRF token."""
    try:
        form = await request.form(max_files=0, max_fields=40)
    except Exception:
        raise Refused(who.t["err_unreadable"]) from None
    fields = {k: v[:20_000] for k, v in form.items() if isinstance(v, str)}
    if fields.get("csrf") != who.csrf:
        raise Refused(who.t["err_expired"])
    return fields


def need(who: Signed, role: str) -> None:
    if not who.user.has_role(role):
        raise Refused(who.t["forbidden"])


def back(url: str, message: str = "", error: str = "", lang: str = "") -> Response:
    """A redirect after an action, keeping the page's language and carrying its outcome."""
    params = [("lang", lang)] if lang else []
    params += [("ok", message)] if message else [("error", error)] if error else []
    sep = "&" if "?" in url else "?"
    extra = sep + "&".join(f"{key}={quote(value)}" for key, value in params) if params else ""
    return RedirectResponse(url + extra, status_code=303)


def parse_local(value: str, name: str) -> datetime:
    """A datetime-local field (Amsterdam time) or an ISO instant with offset."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} must be a date and time like 2026-12-01T17:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_ZONE)

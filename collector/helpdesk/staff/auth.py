"""Staff sign-in: the session cookie, who is signed in, CSRF on every form, and role checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from collector.helpdesk.context import Helpdesk
from collector.helpdesk.signing import SESSION_COOKIE
from collector.helpdesk.staff.accounts import SignInRefused, StaffUser, authenticate, end_all_sessions
from collector.helpdesk.staff.sessions import end_session, session_user, start_session
from collector.helpdesk.staff.texts import STAFF_TEXTS
from collector.storage.database import writing


@dataclass(frozen=True)
class Signed:
    user: StaffUser
    csrf: str
    lang: str
    session_id: str

    @property
    def t(self) -> dict[str, str]:
        return STAFF_TEXTS[self.lang]


class NotSignedIn(Exception):
    """Raised by `current`; the app turns it into a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def current(helpdesk: Helpdesk, request: Request) -> Signed:
    session = helpdesk.signer.read_session(request.cookies.get(SESSION_COOKIE))
    user = None
    if session is not None:
        with helpdesk.collector.engine.connect() as conn:
            user = session_user(conn, session)
    if session is None or user is None:
        raise NotSignedIn(request.url.path)
    lang = request.query_params.get("lang")
    return Signed(user, session.csrf, lang if lang in STAFF_TEXTS else user.language, session.session_id)


def login_page(
    helpdesk: Helpdesk, lang: str, error: str = "", next_url: str = "/staff", status: int = 200
) -> Response:
    t = STAFF_TEXTS[lang]
    return helpdesk.html("staff/login.html", status, lang=lang, t=t, error=error, next_url=next_url)


def safe_next(value: str | None) -> str:
    """Only paths inside the staff pages, never another site."""
    if value and value.startswith("/staff") and not value.startswith("//") and "\\" not in value:
        return value
    return "/staff"


def sign_in(helpdesk: Helpdesk, username: str, password: str, next_url: str, lang: str) -> Response:
    settings = helpdesk.settings
    refused: SignInRefused | None = None
    session_id = ""
    # Reads then writes (failure count, the session row): take the write lock at BEGIN.
    with writing(helpdesk.collector.engine).begin() as conn:
        try:
            user = authenticate(
                conn,
                username[:64],
                password[:1024],
                helpdesk.collector.clock.now(),
                attempts=settings.login_attempts,
                lockout=timedelta(minutes=settings.lockout_minutes),
            )
            session_id = start_session(conn, user.id, helpdesk.collector.clock.now())
        except SignInRefused as exc:
            refused = exc  # caught inside the block so the failure count is committed
    if refused is not None:
        return login_page(helpdesk, lang, str(refused), next_url, 401)
    response = RedirectResponse(safe_next(next_url), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        helpdesk.signer.new_session(user.id, session_id),
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return response


def sign_out(helpdesk: Helpdesk, who: Signed, *, everywhere: bool = False) -> Response:
    """Ends this session (or every session of this person) in the database, then drops the cookie."""
    with writing(helpdesk.collector.engine).begin() as conn:
        if everywhere:
            end_all_sessions(conn, who.user.id)
        else:
            end_session(conn, who.session_id)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def to_login(next_url: str) -> Response:
    return RedirectResponse(f"/staff/login?next={quote(next_url)}", status_code=303)

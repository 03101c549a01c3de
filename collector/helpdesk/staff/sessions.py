"""Server-side staff sessions: the signed cookie names a session row; no row, no session.

The cookie's signature and age (itsdangerous) still bound a session to `session_hours`; the row lets
sign out, "sign out everywhere" and a password change end sessions at once, on pages and on the API.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection, delete, select

from collector.helpdesk.signing import Session, token_hash
from collector.helpdesk.staff.accounts import StaffUser, load_user
from collector.storage.helpdesk_tables import staff_sessions

# Sessions kept per person (browsers, devices); the oldest go first, so the table stays small.
KEEP_PER_USER = 20


def start_session(conn: Connection, user_id: int, now: datetime) -> str:
    """A new session id for the cookie (only its hash is stored)."""
    session_id = secrets.token_urlsafe(32)
    conn.execute(
        staff_sessions.insert().values(staff_id=user_id, token_hash=token_hash(session_id), created_at=now)
    )
    keep = select(staff_sessions.c.id).where(staff_sessions.c.staff_id == user_id)
    keep = keep.order_by(staff_sessions.c.id.desc()).limit(KEEP_PER_USER)
    conn.execute(
        delete(staff_sessions).where(
            (staff_sessions.c.staff_id == user_id) & staff_sessions.c.id.not_in(keep.scalar_subquery())
        )
    )
    return session_id


def session_user(conn: Connection, session: Session) -> StaffUser | None:
    """The signed-in user, or None when the session was ended or the account disabled."""
    alive = conn.execute(
        select(staff_sessions.c.id).where(
            (staff_sessions.c.token_hash == token_hash(session.session_id))
            & (staff_sessions.c.staff_id == session.user_id)
        )
    ).first()
    return load_user(conn, session.user_id) if alive is not None else None


def end_session(conn: Connection, session_id: str) -> None:
    conn.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == token_hash(session_id)))

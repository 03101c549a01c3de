"""Staff API tokens (for scripts using the management API): random, shown once, stored as SHA-256."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection, select

from collector.helpdesk.signing import token_hash
from collector.helpdesk.staff.accounts import AccountError, StaffUser, load_user
from collector.storage.helpdesk_tables import staff_tokens, staff_users

PREFIX = "pss_"


def create_staff_token(conn: Connection, username: str, now: datetime) -> str:
    staff_id = conn.execute(
        select(staff_users.c.id).where(staff_users.c.username == username.strip().lower())
    ).scalar()
    if staff_id is None:
        raise AccountError(f"there is no staff account {username!r}; create it with add-user first")
    token = PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        staff_tokens.insert().values(staff_id=staff_id, token_hash=token_hash(token), created_at=now)
    )
    return token


def staff_for_token(conn: Connection, token: str) -> StaffUser | None:
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    staff_id = conn.execute(
        select(staff_tokens.c.staff_id).where(
            (staff_tokens.c.token_hash == token_hash(token)) & staff_tokens.c.revoked_at.is_(None)
        )
    ).scalar()
    return load_user(conn, int(staff_id)) if staff_id is not None else None

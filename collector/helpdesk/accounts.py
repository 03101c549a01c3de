"""Staff accounts: roles, creation, sign-in with lock-out after repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from collector.helpdesk.passwords import burn_time, hash_password, verify_password
from collector.helpdesk.tables import staff_users

ROLES = ("engineer", "manager", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}


class AccountError(ValueError):
    """Creating or using an account is not possible; the message says why."""


class SignInRefused(AccountError):
    pass


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    display_name: str
    role: str
    language: str
    email: str | None = None

    def has_role(self, needed: str) -> bool:
        return _RANK[self.role] >= _RANK[needed]


def create_user(
    conn: Connection,
    username: str,
    password: str,
    role: str,
    now: datetime,
    *,
    display_name: str | None = None,
    email: str | None = None,
    language: str = "nl",
) -> StaffUser:
    username = username.strip().lower()
    if not username or len(username) > 64 or not username.replace(".", "").replace("-", "").isalnum():
        raise AccountError("the user name must be 1-64 letters, digits, dots or dashes")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if language not in ("nl", "en"):
        raise AccountError("language must be nl or en")
    if conn.execute(select(staff_users.c.id).where(staff_users.c.username == username)).first():
        raise AccountError(f"user {username!r} already exists")
    new_id = conn.execute(
        staff_users.insert()
        .values(
            username=username,
            display_name=display_name or username,
            email=email,
            role=role,
            language=language,
            password_hash=hash_password(password),
            failed_logins=0,
            disabled=False,
            created_at=now,
        )
        .returning(staff_users.c.id)
    ).scalar_one()
    return StaffUser(int(new_id), username, display_name or username, role, language, email)


def load_user(conn: Connection, user_id: int) -> StaffUser | None:
    row = conn.execute(select(staff_users).where(staff_users.c.id == user_id)).first()
    if row is None or row.disabled:
        return None
    return StaffUser(row.id, row.username, row.display_name, row.role, row.language, row.email)


def list_usernames(conn: Connection) -> list[str]:
    return list(conn.execute(select(staff_users.c.username).order_by(staff_users.c.username)).scalars())


def authenticate(
    conn: Connection, username: str, password: str, now: datetime, *, attempts: int, lockout: timedelta
) -> StaffUser:
    """The user, or SignInRefused with one message for every wrong name or password (no account probing)."""
    wrong = SignInRefused("wrong user name or password")
    row = conn.execute(select(staff_users).where(staff_users.c.username == username.strip().lower())).first()
    if row is None or row.disabled:
        burn_time(password)
        raise wrong
    if row.locked_until is not None and row.locked_until > now:
        raise SignInRefused(
            f"this account is locked after {attempts} failed sign-ins; try again after "
            f"{row.locked_until.strftime('%H:%M')} UTC or ask an admin"
        )
    if not verify_password(password, row.password_hash):
        failures = row.failed_logins + 1
        values: dict[str, object] = {"failed_logins": failures}
        if failures >= attempts:
            values = {"failed_logins": 0, "locked_until": now + lockout}
        conn.execute(update(staff_users).where(staff_users.c.id == row.id).values(**values))
        raise wrong
    conn.execute(
        update(staff_users).where(staff_users.c.id == row.id).values(failed_logins=0, locked_until=None)
    )
    return StaffUser(row.id, row.username, row.display_name, row.role, row.language, row.email)

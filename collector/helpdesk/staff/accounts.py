"""Staff accounts: roles, creation, sign-in with lock-out after repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select, update

from alerts.people_time import local_time
from collector.helpdesk.staff.passwords import burn_time, hash_password, verify_password
from collector.storage.helpdesk_tables import sign_in_failures, staff_sessions, staff_users

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


def after_failure(
    failures: int, attempts: int, now: datetime, lockout: timedelta
) -> tuple[int, datetime | None]:
    """(failures, locked_until) after one more failed sign-in: the count restarts once it locks."""
    failures += 1
    return (0, now + lockout) if failures >= attempts else (failures, None)


def authenticate(
    conn: Connection, username: str, password: str, now: datetime, *, attempts: int, lockout: timedelta
) -> StaffUser:
    """The user, or SignInRefused. Names with and without an account get the same answers, locks and
    work (one scrypt each time), so sign-in cannot tell anyone which names exist."""
    name = username.strip().lower()[:64]
    wrong = SignInRefused("wrong user name or password")
    row = conn.execute(select(staff_users).where(staff_users.c.username == name)).first()
    real = row is not None and not row.disabled
    stranger = (
        None
        if real
        else conn.execute(select(sign_in_failures).where(sign_in_failures.c.username == name)).first()
    )
    locked_until = (row.locked_until if row is not None and real else None) or (
        stranger.locked_until if stranger is not None else None
    )
    if locked_until is not None and locked_until > now:
        burn_time(password)
        raise SignInRefused(
            f"this account is locked after {attempts} failed sign-ins; try again after "
            f"{local_time(locked_until, 'en')} (Amsterdam time) or ask an admin"
        )
    if not real:
        burn_time(password)
        failures, until = after_failure(stranger.failures if stranger else 0, attempts, now, lockout)
        counted = {"failures": failures, "locked_until": until, "updated_at": now}
        if stranger is None:
            conn.execute(sign_in_failures.insert().values(username=name, **counted))
        else:
            conn.execute(
                update(sign_in_failures).where(sign_in_failures.c.username == name).values(**counted)
            )
        # Names nobody tried for a day are forgotten, so guessing cannot grow the table without end.
        conn.execute(delete(sign_in_failures).where(sign_in_failures.c.updated_at < now - timedelta(days=1)))
        raise wrong
    assert row is not None
    if not verify_password(password, row.password_hash):
        failures, until = after_failure(row.failed_logins, attempts, now, lockout)
        values: dict[str, object] = {"failed_logins": failures}
        if until is not None:
            values["locked_until"] = until
        conn.execute(update(staff_users).where(staff_users.c.id == row.id).values(**values))
        raise wrong
    conn.execute(
        update(staff_users).where(staff_users.c.id == row.id).values(failed_logins=0, locked_until=None)
    )
    return StaffUser(row.id, row.username, row.display_name, row.role, row.language, row.email)


def set_password(conn: Connection, username: str, password: str) -> int:
    """A new password; it ends every session of that person at once (how many were ended)."""
    row = conn.execute(
        select(staff_users.c.id).where(staff_users.c.username == username.strip().lower())
    ).first()
    if row is None:
        raise AccountError(f"there is no staff account {username!r}; create it with add-user first")
    conn.execute(
        update(staff_users)
        .where(staff_users.c.id == row.id)
        .values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
    )
    return end_all_sessions(conn, int(row.id))


def end_all_sessions(conn: Connection, user_id: int) -> int:
    """Every session of this person, in every browser; how many there were."""
    return int(conn.execute(delete(staff_sessions).where(staff_sessions.c.staff_id == user_id)).rowcount)

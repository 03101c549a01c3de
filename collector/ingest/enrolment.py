"""Agent tokens: shown once, stored as sha256, rotated with a grace period, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from collector.storage import tables as t

TOKEN_PREFIX = "psa_"


class EnrolmentError(ValueError):
    """Unknown customer or token; the message says what to do."""


def hash_token(token: str) -> str:
    # 256 random bits make a plain sha256 safe against guessing; no slow KDF needed per request.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def customer_id_for(conn: Connection, key: str) -> int:
    found = conn.execute(select(t.customers.c.id).where(t.customers.c.key == key)).scalar()
    if found is None:
        raise EnrolmentError(f"customer {key!r} is not known; load it with 'collector load-contracts' first")
    return int(found)


def enroll(conn: Connection, customer_key: str, now: datetime, label: str | None = None) -> str:
    """Create a token for the customer's agents; the plain token is returned once and never stored."""
    customer_id = customer_id_for(conn, customer_key)
    token = new_token()
    conn.execute(
        t.agent_tokens.insert().values(
            customer_id=customer_id, token_hash=hash_token(token), label=label, created_at=now
        )
    )
    return token


def rotate(conn: Connection, customer_key: str, now: datetime, grace: timedelta) -> str:
    """A new token; every current token of the customer stays valid until now + grace."""
    customer_id = customer_id_for(conn, customer_key)
    conn.execute(
        update(t.agent_tokens)
        .where(
            (t.agent_tokens.c.customer_id == customer_id)
            & t.agent_tokens.c.revoked_at.is_(None)
            & t.agent_tokens.c.expires_at.is_(None)
        )
        .values(expires_at=now + grace)
    )
    return enroll(conn, customer_key, now, label="rotated")


def revoke_all(conn: Connection, customer_key: str, now: datetime) -> int:
    customer_id = customer_id_for(conn, customer_key)
    result = conn.execute(
        update(t.agent_tokens)
        .where((t.agent_tokens.c.customer_id == customer_id) & t.agent_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)


@dataclass(frozen=True)
class TokenGrant:
    customer_id: int
    expires_at: datetime | None


def lookup(conn: Connection, token: str, now: datetime) -> TokenGrant | None:
    """The customer a bearer token belongs to, or None when unknown, revoked or past its grace period."""
    row = conn.execute(
        select(t.agent_tokens.c.customer_id, t.agent_tokens.c.expires_at, t.agent_tokens.c.revoked_at).where(
            t.agent_tokens.c.token_hash == hash_token(token)
        )
    ).first()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return TokenGrant(customer_id=int(row.customer_id), expires_at=row.expires_at)

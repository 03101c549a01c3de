"""API clients: one or more bearer tokens per customer. Only a SHA-256 of each token is stored.

Tokens carry 256 bits of randomness, so a fast hash is enough (no password stretching needed).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from collector.helpdesk.signing import token_hash
from collector.storage import tables as core
from collector.storage.helpdesk_tables import api_clients

PREFIX = "psc_"


class ClientError(ValueError):
    pass


@dataclass(frozen=True)
class ApiClient:
    id: int
    customer_id: int
    customer_key: str
    label: str


def create_client(conn: Connection, customer_key: str, label: str, now: datetime) -> str:
    """A new token for the customer; returned once, never stored in clear."""
    customer_id = conn.execute(
        select(core.customers.c.id).where(core.customers.c.key == customer_key)
    ).scalar()
    if customer_id is None:
        raise ClientError(f"customer {customer_key!r} does not exist; load the contracts first")
    token = PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        api_clients.insert().values(
            customer_id=customer_id, label=label or "api", token_hash=token_hash(token), created_at=now
        )
    )
    return token


def revoke_clients(conn: Connection, customer_key: str, now: datetime) -> int:
    ids = select(core.customers.c.id).where(core.customers.c.key == customer_key).scalar_subquery()
    result = conn.execute(
        update(api_clients)
        .where((api_clients.c.customer_id == ids) & api_clients.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


def client_for_token(conn: Connection, token: str) -> ApiClient | None:
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = conn.execute(
        select(api_clients, core.customers.c.key)
        .join(core.customers, core.customers.c.id == api_clients.c.customer_id)
        .where((api_clients.c.token_hash == token_hash(token)) & api_clients.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    return ApiClient(row.id, row.customer_id, row.key, row.label)

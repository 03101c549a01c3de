"""The outbox tables (SQLAlchemy Core). The collector's Alembic environment includes `metadata`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC instants in and out; SQLite keeps no zone, so we store UTC and re-attach it on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("instants stored by alerts/ must be aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_Id = BigInteger().with_variant(Integer(), "sqlite")

# One row per notification. state: pending -> sending -> (pending again on retry) -> sent | dead | cancelled.
outbox = Table(
    "alerts_outbox",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("subject_ref", String(120), nullable=False),
    Column("recipients", JSON, nullable=False),
    Column("template", String(80), nullable=False),
    Column("values", JSON, nullable=False),
    Column("language", String(5), nullable=False),
    Column("escalation", JSON, nullable=False),  # [[seconds, [recipients...]], ...]
    Column("dedup_key", String(200), nullable=True),
    # Equals dedup_key while the item is open, NULL once it is finished: a plain unique constraint then
    # gives "one open item per key" on both SQLite and PostgreSQL (NULLs are distinct).
    Column("open_dedup_key", String(200), nullable=True, unique=True),
    Column("state", String(12), nullable=False, default="pending"),
    Column("not_before", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("claim_token", String(40), nullable=True),
    Column("lease_until", UtcDateTime(), nullable=True),
    Column("first_sent_at", UtcDateTime(), nullable=True),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("chain_of", _Id, nullable=True),  # an escalation step points at its page
    Column("chain_step", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
)
Index("alerts_outbox_due", outbox.c.state, outbox.c.not_before)
Index("alerts_outbox_subject", outbox.c.subject_ref)

# One row per attempt per target: the ticket timeline and the "never re-send what was sent" memory.
deliveries = Table(
    "alerts_deliveries",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("notification_id", _Id, ForeignKey("alerts_outbox.id"), nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("target_key", String(300), nullable=False),
    Column("target", String(500), nullable=False),  # masked URL
    Column("channel", String(80), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("at", UtcDateTime(), nullable=False),
)
Index("alerts_deliveries_notification", deliveries.c.notification_id, deliveries.c.target_key)

acknowledgements = Table(
    "alerts_acknowledgements",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("subject_ref", String(120), nullable=False, index=True),
    Column("by", String(120), nullable=False),
    Column("via", String(20), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

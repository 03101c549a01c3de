"""The helpdesk's own tables: staff accounts, API clients, attachments, assignments and the signing secret.

They live on their own MetaData and are created when missing (see wiring.install), so the collector's
migration chain stays untouched; docs/helpdesk.md gives the Alembic revision to fold them in.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from collector.storage import tables as core
from collector.storage.tables import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

staff_users = Table(
    "helpdesk_staff",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("email", String(320), nullable=True),
    Column("role", String(16), nullable=False),
    Column("language", String(8), nullable=False, default="nl"),
    Column("password_hash", String(300), nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
)

api_clients = Table(
    "helpdesk_api_clients",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", ForeignKey(core.customers.c.id, ondelete="CASCADE"), nullable=False, index=True),
    Column("label", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

attachments = Table(
    "helpdesk_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", ForeignKey(core.tickets.c.id, ondelete="CASCADE"), nullable=False, index=True),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

assignments = Table(
    "helpdesk_assignments",
    metadata,
    Column("ticket_id", ForeignKey(core.tickets.c.id, ondelete="CASCADE"), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("assigned_at", UTCDateTime, nullable=False),
)

staff_tokens = Table(
    "helpdesk_staff_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_id", ForeignKey("helpdesk_staff.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

secrets = Table(
    "helpdesk_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per signed-in browser: the cookie carries a random id, this table its hash. Deleting rows ends
# sessions at once (sign out, sign out everywhere, a new password).
staff_sessions = Table(
    "helpdesk_staff_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_id", ForeignKey("helpdesk_staff.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# Failed sign-ins for names without an (enabled) account, so they lock exactly like real accounts do.
sign_in_failures = Table(
    "helpdesk_sign_in_failures",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False, index=True),
)

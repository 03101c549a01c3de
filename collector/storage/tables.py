"""The collector's tables (SQLAlchemy Core). Times are stored as UTC and read back as aware UTC."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from alerts.tables import UtcDateTime

# One column type for aware UTC instants, shared with alerts/ (the name is kept for the migrations).
UTCDateTime = UtcDateTime


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _id() -> Column[Any]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


customers = Table(
    "customers",
    metadata,
    _id(),
    Column("key", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("language", String(8), nullable=False, default="nl"),
    Column("account_manager", String(320), nullable=True),
)

contacts = Table(
    "contacts",
    metadata,
    _id(),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("language", String(8), nullable=False, default="nl"),
    Column("phone", String(64), nullable=True),
    UniqueConstraint("customer_id", "email", name="uq_contacts_customer_email"),
)

instances = Table(
    "instances",
    metadata,
    _id(),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(128), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("odoo_version", String(64), nullable=True),
    Column("last_report_at", UTCDateTime, nullable=True),
    Column("agent_silent", Boolean, nullable=False, default=False),
    # The latest observation time stored: the next report of this instance is never dated before it.
    Column("last_observed_at", UTCDateTime, nullable=True),
    # The version last judged against the support window, and the verdict (None: not judged yet).
    Column("version_checked", String(64), nullable=True),
    Column("version_supported", Boolean, nullable=True),
    UniqueConstraint("customer_id", "name", name="uq_instances_customer_name"),
)

contracts = Table(
    "contracts",
    metadata,
    _id(),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("effective_from", Date, nullable=False),
    Column("package", String(32), nullable=True),
    Column("premium", Boolean, nullable=False, default=False),
    Column("migration", Boolean, nullable=False, default=False),
    Column("integrations", JSON, nullable=False, default=list),
    Column("notify_customer_incidents", Boolean, nullable=False, default=True),
    Column("excluded_authors", JSON, nullable=False, default=list),
    UniqueConstraint("customer_id", "effective_from", name="uq_contracts_customer_from"),
)

agent_tokens = Table(
    "agent_tokens",
    metadata,
    _id(),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    # Set on rotation: the old token keeps working until then (grace period).
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)

reports = Table(
    "reports",
    metadata,
    _id(),
    Column("report_id", String(36), nullable=False, unique=True),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    Column("instance_id", ForeignKey("instances.id", ondelete="CASCADE"), nullable=False),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("sequence", BigInteger, nullable=False),
    # The compact JSON, compressed (collector/storage/raw_bodies.py: zstd, zlib before); kept only for
    # debugging, for retention.raw_report_hours: what the product reads lives in conditions, flips and
    # usage_samples.
    Column("body_z", LargeBinary, nullable=False),
    # The agent that sent it (None before 0004): one report per agent and sequence.
    Column("agent_id", String(128), nullable=True),
    # When the agent observed it, bounded by the collector (see collector/ingest/observed.py).
    Column("observed_at", UTCDateTime, nullable=True),
    UniqueConstraint("customer_id", "agent_id", "sequence", name="uq_reports_agent_sequence"),
)

# Per agent, the highest sequence number whose raw report retention has deleted: a report at or below it
# is a replay (agents send in sequence order), so duplicates stay refused after their rows are gone.
pruned_sequences = Table(
    "pruned_sequences",
    metadata,
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", String(128), primary_key=True),
    Column("through_sequence", BigInteger, nullable=False),
)

# The counts history (users and custom lines) by instance and local day: one row per distinct counts
# snapshot of the day (usually one), holding the day's highest user count for that snapshot. Enough for
# the monthly evaluation (highest count per day, excluded authors applied when read) and the staff pages.
usage_samples = Table(
    "usage_samples",
    metadata,
    _id(),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    Column("instance_id", ForeignKey("instances.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),  # Europe/Amsterdam, as the evaluation counts days
    Column("snapshot", String(64), nullable=False),  # sha256 of (custom lines, modules)
    Column("users", Integer, nullable=True),
    Column("lines", Integer, nullable=True),
    Column("modules_z", LargeBinary, nullable=True),  # zlib of the compact JSON module list
    Column("first_at", UTCDateTime, nullable=False),
    Column("last_at", UTCDateTime, nullable=False),
    UniqueConstraint("instance_id", "day", "snapshot", name="uq_usage_samples_instance_day_snapshot"),
    Index("ix_usage_samples_customer_day", "customer_id", "day"),
)

conditions = Table(
    "conditions",
    metadata,
    _id(),
    Column("instance_id", ForeignKey("instances.id", ondelete="CASCADE"), nullable=False),
    Column("check_key", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False, default="ok"),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("since", UTCDateTime, nullable=False),
    Column("last_checked_at", UTCDateTime, nullable=False),
    Column("detail", Text, nullable=True),
    Column("impact", String(16), nullable=True),
    Column("scope", String(16), nullable=True),
    Column("integration", String(200), nullable=True),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True),
    Column("silenced_until", UTCDateTime, nullable=True),
    Column("silence_reason", Text, nullable=True),
    UniqueConstraint("instance_id", "check_key", name="uq_conditions_instance_check"),
)

flips = Table(
    "flips",
    metadata,
    _id(),
    Column("condition_id", ForeignKey("conditions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("old_state", String(16), nullable=False),
    Column("new_state", String(16), nullable=False),
    Column("detail", Text, nullable=True),
)

ticket_sequences = Table(
    "ticket_sequences",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last_value", Integer, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    _id(),
    Column("number", String(16), nullable=False, unique=True),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("instance_id", ForeignKey("instances.id", ondelete="SET NULL"), nullable=True),
    Column("source", String(16), nullable=False),
    # One open ticket per external condition (Alertmanager fingerprint, agent silence, ...).
    Column("external_key", String(300), nullable=True, index=True),
    Column("subject", String(300), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("reporter", String(320), nullable=True),
    Column("language", String(8), nullable=False, default="nl"),
    Column("category", String(16), nullable=False),
    Column("impact", String(16), nullable=True),
    Column("scope", String(16), nullable=True),
    Column("proposed_priority", String(1), nullable=False),
    Column("priority", String(1), nullable=False),
    Column("priority_reason", Text, nullable=True),
    Column("state", String(24), nullable=False),
    Column("premium", Boolean, nullable=False, default=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("first_response_at", UTCDateTime, nullable=True),
    Column("response_due", UTCDateTime, nullable=True),
    Column("resolution_due", UTCDateTime, nullable=True),
    Column("agreed_resolution_at", UTCDateTime, nullable=True),
    Column("prebreach_at", UTCDateTime, nullable=True),
    Column("prebreach_warned", Boolean, nullable=False, default=False),
    Column("response_breached", Boolean, nullable=False, default=False),
    Column("resolution_breached", Boolean, nullable=False, default=False),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_tickets_state_customer", "state", "customer_id"),
)

ticket_pauses = Table(
    "ticket_pauses",
    metadata,
    _id(),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
)

ticket_events = Table(
    "ticket_events",
    metadata,
    _id(),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(200), nullable=True),
    Column("body", Text, nullable=False, default=""),
    Column("data", JSON, nullable=True),
)

maintenance_windows = Table(
    "maintenance_windows",
    metadata,
    _id(),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("instance_id", ForeignKey("instances.id", ondelete="CASCADE"), nullable=True),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

limit_states = Table(
    "limit_states",
    metadata,
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Column("metric", String(200), primary_key=True),  # users, lines, or integration:<name> (reported once)
    Column("state", String(8), nullable=False),
    Column("usage", Integer, nullable=False),
    Column("counts", JSON, nullable=True),  # the latest counts report (modules and their authors)
    Column("limit_value", Integer, nullable=True),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("last_warned_at", UTCDateTime, nullable=True),
)

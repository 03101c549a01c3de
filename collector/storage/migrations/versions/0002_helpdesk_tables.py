"""helpdesk tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

The helpdesk's tables (storage/helpdesk_tables.py). Before this revision the helpdesk created them at
start; a database that already has all of them is only stamped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import collector.storage.tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


HELPDESK_TABLES = {
    "helpdesk_api_clients",
    "helpdesk_assignments",
    "helpdesk_attachments",
    "helpdesk_secrets",
    "helpdesk_staff",
    "helpdesk_staff_tokens",
}


def upgrade() -> None:
    if set(sa.inspect(op.get_bind()).get_table_names()) >= HELPDESK_TABLES:
        return  # made by the helpdesk's old create-at-start: same definitions
    op.create_table(
        "helpdesk_api_clients",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_helpdesk_api_clients_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_api_clients")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_helpdesk_api_clients_token_hash")),
    )
    with op.batch_alter_table("helpdesk_api_clients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_helpdesk_api_clients_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "helpdesk_assignments",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_helpdesk_assignments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_helpdesk_assignments")),
    )
    with op.batch_alter_table("helpdesk_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_assignments_username"), ["username"], unique=False)

    op.create_table(
        "helpdesk_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_helpdesk_attachments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_attachments")),
    )
    with op.batch_alter_table("helpdesk_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_attachments_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "helpdesk_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_helpdesk_secrets")),
    )
    op.create_table(
        "helpdesk_staff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", collector.storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_staff")),
        sa.UniqueConstraint("username", name=op.f("uq_helpdesk_staff_username")),
    )
    op.create_table(
        "helpdesk_staff_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["helpdesk_staff.id"],
            name=op.f("fk_helpdesk_staff_tokens_staff_id_helpdesk_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_staff_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_helpdesk_staff_tokens_token_hash")),
    )
    with op.batch_alter_table("helpdesk_staff_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_staff_tokens_staff_id"), ["staff_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("helpdesk_staff_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_staff_tokens_staff_id"))

    op.drop_table("helpdesk_staff_tokens")
    op.drop_table("helpdesk_staff")
    op.drop_table("helpdesk_secrets")
    with op.batch_alter_table("helpdesk_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_attachments_ticket_id"))

    op.drop_table("helpdesk_attachments")
    with op.batch_alter_table("helpdesk_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_assignments_username"))

    op.drop_table("helpdesk_assignments")
    with op.batch_alter_table("helpdesk_api_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_api_clients_customer_id"))

    op.drop_table("helpdesk_api_clients")

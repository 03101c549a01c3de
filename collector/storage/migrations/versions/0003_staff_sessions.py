"""staff sessions and sign-in failures by name

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Server-side staff sessions (sign out, sign out everywhere and a new password end them at once) and the
failed sign-ins of names without an account (they lock like real accounts, so names cannot be probed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import collector.storage.tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "helpdesk_staff_sessions" not in existing:  # a database made by metadata.create_all has it already
        op.create_table(
            "helpdesk_staff_sessions",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("staff_id", sa.Integer(), nullable=False),
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("created_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["staff_id"],
                ["helpdesk_staff.id"],
                name=op.f("fk_helpdesk_staff_sessions_staff_id_helpdesk_staff"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_staff_sessions")),
            sa.UniqueConstraint("token_hash", name=op.f("uq_helpdesk_staff_sessions_token_hash")),
        )
        with op.batch_alter_table("helpdesk_staff_sessions", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_helpdesk_staff_sessions_staff_id"), ["staff_id"], unique=False
            )
    if "helpdesk_sign_in_failures" not in existing:
        op.create_table(
            "helpdesk_sign_in_failures",
            sa.Column("username", sa.String(length=64), nullable=False),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("locked_until", collector.storage.tables.UTCDateTime(timezone=True), nullable=True),
            sa.Column("updated_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("username", name=op.f("pk_helpdesk_sign_in_failures")),
        )
        with op.batch_alter_table("helpdesk_sign_in_failures", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_helpdesk_sign_in_failures_updated_at"), ["updated_at"], unique=False
            )


def downgrade() -> None:
    with op.batch_alter_table("helpdesk_sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_sign_in_failures_updated_at"))
    op.drop_table("helpdesk_sign_in_failures")
    with op.batch_alter_table("helpdesk_staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_staff_sessions_staff_id"))
    op.drop_table("helpdesk_staff_sessions")

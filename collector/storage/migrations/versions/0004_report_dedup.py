"""report dedup and observation time

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

A report is one agent's observation: (customer, agent, sequence) is unique, so a second report with the
same sequence is acknowledged as a duplicate instead of stored twice. Sequences are 64-bit (the schema
allows up to 2**63-1). Reports keep when the agent observed them (observed_at) beside when they arrived;
instances keep the latest observation time, the lower bound for the next report's.
Rows stored before this revision have no agent_id, so they never conflict.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import collector.storage.tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agent_id", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("observed_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.alter_column("sequence", existing_type=sa.Integer(), type_=sa.BigInteger())
        batch_op.create_unique_constraint(
            "uq_reports_agent_sequence", ["customer_id", "agent_id", "sequence"]
        )
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_observed_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.drop_column("last_observed_at")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reports_agent_sequence", type_="unique")
        batch_op.alter_column("sequence", existing_type=sa.BigInteger(), type_=sa.Integer())
        batch_op.drop_column("observed_at")
        batch_op.drop_column("agent_id")

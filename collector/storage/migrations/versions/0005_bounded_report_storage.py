"""bounded report storage: compressed raw bodies, counts history by day, pruned sequences

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Raw report bodies are stored zlib-compressed (reports.body -> reports.body_z) and kept only for
retention.raw_report_hours; what the product reads of them moves to usage_samples (users and custom lines
per instance and local day). pruned_sequences keeps, per agent, the highest sequence retention deleted,
so replays of deleted reports stay duplicates. Existing rows are converted in batches of 1,000.
On SQLite, collector migrate then runs VACUUM once to switch the file to auto_vacuum=INCREMENTAL.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import sqlalchemy as sa
from alembic import op

import collector.storage.tables
from collector.storage.usage import record_usage

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "pruned_sequences",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(length=128), nullable=False),
        sa.Column("through_sequence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_pruned_sequences_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "agent_id", name=op.f("pk_pruned_sequences")),
    )
    op.create_table(
        "usage_samples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("snapshot", sa.String(length=64), nullable=False),
        sa.Column("users", sa.Integer(), nullable=True),
        sa.Column("lines", sa.Integer(), nullable=True),
        sa.Column("modules_z", sa.LargeBinary(), nullable=True),
        sa.Column("first_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", collector.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_usage_samples_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
            name=op.f("fk_usage_samples_instance_id_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_samples")),
        sa.UniqueConstraint("instance_id", "day", "snapshot", name="uq_usage_samples_instance_day_snapshot"),
    )
    op.create_index("ix_usage_samples_customer_day", "usage_samples", ["customer_id", "day"], unique=False)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_z", sa.LargeBinary(), nullable=True))
    _compress_bodies(op.get_bind())
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.alter_column("body_z", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("body")


def _compress_bodies(conn: sa.Connection) -> None:
    """Every stored body compressed; the counts it carries folded into usage_samples, oldest first."""
    reports = sa.table(
        "reports",
        sa.column("id", sa.Integer()),
        sa.column("customer_id", sa.Integer()),
        sa.column("instance_id", sa.Integer()),
        sa.column("received_at", collector.storage.tables.UTCDateTime(timezone=True)),
        sa.column("body", sa.Text()),
        sa.column("body_z", sa.LargeBinary()),
    )
    after = 0
    while True:
        rows = conn.execute(
            sa.select(
                reports.c.id,
                reports.c.customer_id,
                reports.c.instance_id,
                reports.c.received_at,
                reports.c.body,
            )
            .where(reports.c.id > after)
            .order_by(reports.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        packed = []
        for row in rows:
            document = _document(row.body)
            compact = (
                json.dumps(document, separators=(",", ":"), ensure_ascii=False) if document else row.body
            )
            packed.append({"row_id": row.id, "packed": zlib.compress(compact.encode("utf-8"), 6)})
            counts = document.get("counts") if isinstance(document, dict) else None
            if isinstance(counts, dict):
                record_usage(conn, row.customer_id, row.instance_id, row.received_at, counts)
        conn.execute(
            reports.update()
            .where(reports.c.id == sa.bindparam("row_id"))
            .values(body_z=sa.bindparam("packed")),
            packed,
        )
        after = rows[-1].id


def _document(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None  # kept as it was, compressed


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.Text(), nullable=True))
    conn = op.get_bind()
    reports = sa.table(
        "reports",
        sa.column("id", sa.Integer()),
        sa.column("body", sa.Text()),
        sa.column("body_z", sa.LargeBinary()),
    )
    for row in conn.execute(sa.select(reports.c.id, reports.c.body_z)).all():
        text = zlib.decompress(row.body_z).decode("utf-8")
        conn.execute(reports.update().where(reports.c.id == row.id).values(body=text))
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.alter_column("body", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("body_z")
    op.drop_index("ix_usage_samples_customer_day", table_name="usage_samples")
    op.drop_table("usage_samples")
    op.drop_table("pruned_sequences")

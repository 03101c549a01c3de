"""bounded report storage: compressed raw bodies, counts history by day, pruned sequences

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Raw report bodies are stored zlib-compressed (reports.body -> reports.body_z) and kept only for
retention.raw_report_hours; what the product reads of them moves to usage_samples (users and custom lines
per instance and local day). pruned_sequences keeps, per agent, the highest sequence retention deleted,
so replays of deleted reports stay duplicates. Existing rows are converted in batches of 1,000.
On SQLite, collector migrate then runs VACUUM once to switch the file to auto_vacuum=INCREMENTAL.

Self-contained on purpose: the folding of counts into usage_samples is this revision's own SQL and its
own copy of the rules of the time (collector/storage/usage.py as of 2026-12-07), so later changes to the
application code cannot change what this migration does to an old database.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from collector.storage import raw_bodies

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 1000
_LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")  # the monthly evaluation's days


class _Instant(sa.types.TypeDecorator[datetime]):
    """Aware UTC instants, stored as the collector stored them at this revision: naive UTC on SQLite."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# One counts report folded into its day: per (instance, local day, snapshot) the higher user count of the
# two (either may be NULL) and the later last_at. Plain SQL that SQLite (3.24+) and PostgreSQL both run.
_FOLD_USAGE = sa.text(
    "INSERT INTO usage_samples (customer_id, instance_id, day, snapshot, users, lines, modules_z, "
    "first_at, last_at) VALUES (:customer_id, :instance_id, :day, :snapshot, :users, :lines, :modules_z, "
    ":first_at, :last_at) "
    "ON CONFLICT (instance_id, day, snapshot) DO UPDATE SET "
    "users = CASE WHEN usage_samples.users IS NULL THEN excluded.users "
    "WHEN excluded.users IS NULL THEN usage_samples.users "
    "WHEN excluded.users > usage_samples.users THEN excluded.users ELSE usage_samples.users END, "
    "last_at = CASE WHEN excluded.last_at > usage_samples.last_at THEN excluded.last_at "
    "ELSE usage_samples.last_at END"
).bindparams(
    sa.bindparam("day", type_=sa.Date()),
    sa.bindparam("modules_z", type_=sa.LargeBinary()),
    sa.bindparam("first_at", type_=_Instant()),
    sa.bindparam("last_at", type_=_Instant()),
)


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
        sa.Column("first_at", _Instant(), nullable=False),
        sa.Column("last_at", _Instant(), nullable=False),
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
        sa.column("received_at", _Instant()),
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
        usage: list[dict[str, Any]] = []
        for row in rows:
            document = _document(row.body)
            compact = (
                json.dumps(document, separators=(",", ":"), ensure_ascii=False) if document else row.body
            )
            packed.append({"row_id": row.id, "packed": zlib.compress(compact.encode("utf-8"), 6)})
            counts = document.get("counts") if isinstance(document, dict) else None
            sample = _usage_sample(row.customer_id, row.instance_id, row.received_at, counts)
            if sample is not None:
                usage.append(sample)
        if usage:
            conn.execute(_FOLD_USAGE, usage)
        conn.execute(
            reports.update()
            .where(reports.c.id == sa.bindparam("row_id"))
            .values(body_z=sa.bindparam("packed")),
            packed,
        )
        after = rows[-1].id


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _usage_sample(customer_id: int, instance_id: int, at: datetime, counts: Any) -> dict[str, Any] | None:
    """The usage_samples row of one report's counts; None when it holds neither users nor lines."""
    if not isinstance(counts, dict):
        return None
    users = _whole(counts.get("internal_users"))
    lines = _whole(counts.get("custom_lines"))
    if users is None and lines is None:
        return None
    modules = [module for module in counts.get("modules") or () if isinstance(module, dict)]
    fingerprint = json.dumps([lines, modules], separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    day: date = at.astimezone(_LOCAL_ZONE).date()
    return {
        "customer_id": customer_id,
        "instance_id": instance_id,
        "day": day,
        "snapshot": hashlib.sha256(fingerprint.encode("utf-8")).hexdigest(),
        "users": users,
        "lines": lines,
        "modules_z": zlib.compress(json.dumps(modules, separators=(",", ":")).encode()) if modules else None,
        "first_at": at,
        "last_at": at,
    }


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
        text = raw_bodies.unpack_text(row.body_z)  # zlib as written here, or zstd (written since)
        conn.execute(reports.update().where(reports.c.id == row.id).values(body=text))
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.alter_column("body", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("body_z")
    op.drop_index("ix_usage_samples_customer_day", table_name="usage_samples")
    op.drop_table("usage_samples")
    op.drop_table("pruned_sequences")

"""Retention: raw reports are pruned after a set age; conditions, flips and tickets stay."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, select

from collector.storage import tables as t
from collector.storage.database import writing


def prune_reports(engine: Engine, older_than: datetime, batch: int = 5000) -> int:
    """Delete in batches so a large backlog never holds the write lock for long."""
    total = 0
    while True:
        with writing(engine).begin() as conn:
            ids = (
                conn.execute(select(t.reports.c.id).where(t.reports.c.received_at < older_than).limit(batch))
                .scalars()
                .all()
            )
            if not ids:
                return total
            conn.execute(delete(t.reports).where(t.reports.c.id.in_(ids)))
            total += len(ids)

"""The persistent outbox: every notification is stored before any send.

`enqueue` writes inside the caller's transaction, so a ticket and its notifications commit together, and
wakes the in-process worker when that transaction commits. Acknowledgements cancel what is still pending
of a page's chain. Delivery itself lives in alerts/worker.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, event, func, insert, select, update

from alerts.clock import Clock
from alerts.metrics import DeliveryMetrics
from alerts.model import Acknowledgement, DeliveryRecord, EscalationStep, NotificationRequest
from alerts.signing import AckSigner
from alerts.tables import acknowledgements, deliveries, metadata, outbox
from alerts.writes import writing

OPEN_STATES = ("pending", "sending")
CHAIN_KINDS = ("page", "escalation")
DONE_STATUSES = ("sent", "uncertain")


@dataclass(frozen=True)
class OutboxStats:
    depth: int
    oldest_due_age: timedelta
    held: dict[tuple[str, str], int]  # (channel, kind) -> items waiting for their not-before


def channel_of(recipient: str) -> str:
    """Metric label of a recipient: the tag itself, or 'mail' / 'person' for addresses (bounded labels)."""
    if recipient.startswith("mailto:"):
        return "mail"
    if recipient.startswith("person:"):
        return "person"
    return recipient.removeprefix("tag:")


def escalation_to_json(steps: Iterable[EscalationStep]) -> list[list[Any]]:
    return [[step.after.total_seconds(), list(step.recipients)] for step in steps]


def escalation_from_json(data: Iterable[Any]) -> tuple[EscalationStep, ...]:
    return tuple(EscalationStep(timedelta(seconds=float(after)), tuple(recips)) for after, recips in data)


def insert_open_item(conn: Connection, values: dict[str, Any]) -> int:
    """Insert one outbox row unless an open row already holds its dedup key; return the row that holds it."""
    key = values.get("open_dedup_key")
    if key is not None:
        existing = conn.execute(select(outbox.c.id).where(outbox.c.open_dedup_key == key)).scalar()
        if existing is not None:
            return int(existing)
    dialect = conn.dialect.name
    stmt: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(outbox).values(**values).on_conflict_do_nothing(index_elements=["open_dedup_key"])
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = (
            sqlite_insert(outbox).values(**values).on_conflict_do_nothing(index_elements=["open_dedup_key"])
        )
    else:
        stmt = insert(outbox).values(**values)
    new_id = conn.execute(stmt.returning(outbox.c.id)).scalar()
    if new_id is None:  # another transaction inserted the same key in between
        new_id = conn.execute(select(outbox.c.id).where(outbox.c.open_dedup_key == key)).scalar_one()
    return int(new_id)


class Outbox:
    """Stores notifications and answers questions about them. One per process, shared with its worker."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        metrics: DeliveryMetrics | None = None,
        ack_signer: AckSigner | None = None,
        public_url: str | None = None,
        ops_recipients: tuple[str, ...] = ("ops",),
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.metrics = metrics if metrics is not None else DeliveryMetrics()
        self.ack_signer = ack_signer
        self.public_url = public_url.rstrip("/") if public_url else None
        self.ops_recipients = ops_recipients
        # Set when an enqueue commits (or on demand): the worker wakes at once instead of polling slowly.
        self.wakeup = threading.Event()
        # One engine-wide hook instead of a listener per enqueue: enqueue only marks the connection.
        self._wake_key = f"alerts-wake-{id(self)}"
        event.listen(engine, "commit", self._on_commit)
        event.listen(engine, "rollback", self._on_rollback)

    def _on_commit(self, conn: Connection) -> None:
        if conn.info.pop(self._wake_key, False):
            self.wakeup.set()

    def _on_rollback(self, conn: Connection) -> None:
        conn.info.pop(self._wake_key, None)

    def create_tables(self) -> None:
        """For stand-alone use and tests; in the product the collector's migrations create them."""
        metadata.create_all(self.engine)

    def wake(self) -> None:
        self.wakeup.set()

    def enqueue(self, conn: Connection, request: NotificationRequest) -> int:
        """Store a notification in the caller's transaction and return its id (the pending one on a dedup)."""
        now = self.clock.now()
        not_before = request.not_before or now
        item_id = insert_open_item(
            conn,
            {
                "kind": request.kind,
                "subject_ref": request.subject_ref,
                "recipients": list(request.recipients),
                "template": request.template or request.kind,
                "values": dict(request.values),
                "language": request.language,
                "escalation": escalation_to_json(request.escalation),
                "dedup_key": request.dedup_key,
                "open_dedup_key": request.dedup_key,
                "state": "pending",
                "not_before": not_before,
                "created_at": now,
                "attempts": 0,
            },
        )
        if not_before <= now:
            self._wake_on_commit(conn)
        return item_id

    def _wake_on_commit(self, conn: Connection) -> None:
        if not conn.in_transaction():
            self.wakeup.set()
        elif conn.engine is self.engine:
            conn.info[self._wake_key] = True
        else:  # a connection of another engine: listen on it directly
            event.listen(conn, "commit", lambda _conn: self.wakeup.set(), once=True)

    def acknowledge(self, subject_ref: str, by: str, via: str = "api") -> bool:
        """Stop the page chain of a subject: cancel what is pending. False when nothing was ever paged."""
        now = self.clock.now()
        with writing(self.engine).begin() as conn:
            paged = conn.execute(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.subject_ref == subject_ref, outbox.c.kind.in_(CHAIN_KINDS))
            ).scalar_one()
            if not paged:
                return False
            conn.execute(insert(acknowledgements).values(subject_ref=subject_ref, by=by, via=via, at=now))
            conn.execute(
                update(outbox)
                .where(
                    outbox.c.subject_ref == subject_ref,
                    outbox.c.kind.in_(CHAIN_KINDS),
                    outbox.c.state == "pending",
                )
                .values(
                    state="cancelled",
                    open_dedup_key=None,
                    finished_at=now,
                    last_error=f"acknowledged by {by}",
                )
            )
        return True

    def acknowledgements(self, conn: Connection, subject_ref: str) -> list[Acknowledgement]:
        rows = conn.execute(
            select(acknowledgements)
            .where(acknowledgements.c.subject_ref == subject_ref)
            .order_by(acknowledgements.c.at)
        ).mappings()
        return [Acknowledgement(r["subject_ref"], r["by"], r["at"], r["via"]) for r in rows]

    def deliveries(self, conn: Connection, subject_ref: str) -> list[DeliveryRecord]:
        """Every attempt to every target for a subject, oldest first (the ticket timeline)."""
        rows = conn.execute(
            select(deliveries, outbox.c.kind, outbox.c.subject_ref)
            .join(outbox, outbox.c.id == deliveries.c.notification_id)
            .where(outbox.c.subject_ref == subject_ref)
            .order_by(deliveries.c.at, deliveries.c.id)
        ).mappings()
        return [
            DeliveryRecord(
                notification_id=r["notification_id"],
                kind=r["kind"],
                subject_ref=r["subject_ref"],
                recipient=r["recipient"],
                target=r["target"],
                attempt=r["attempt"],
                status=r["status"],
                detail=r["detail"],
                at=r["at"],
                channel=r["channel"],
            )
            for r in rows
        ]

    def paged_recipients(self, conn: Connection, subject_ref: str) -> tuple[str, ...]:
        """Recipients a page or escalation of this subject reached: where recovery notices go.

        Rota tags come back as the person who was paged (``person:ID``), not as whoever is on call now.
        """
        rows = conn.execute(
            select(deliveries.c.recipient)
            .join(outbox, outbox.c.id == deliveries.c.notification_id)
            .where(
                outbox.c.subject_ref == subject_ref,
                outbox.c.kind.in_(CHAIN_KINDS),
                deliveries.c.status.in_(DONE_STATUSES),
            )
            .order_by(deliveries.c.id)
        ).scalars()
        return tuple(dict.fromkeys(rows))

    def is_acknowledged(self, conn: Connection, subject_ref: str, since: datetime) -> bool:
        return (
            conn.execute(
                select(acknowledgements.c.id)
                .where(and_(acknowledgements.c.subject_ref == subject_ref, acknowledgements.c.at >= since))
                .limit(1)
            ).first()
            is not None
        )

    def stats(self, conn: Connection) -> OutboxStats:
        now = self.clock.now()
        depth = conn.execute(
            select(func.count()).select_from(outbox).where(outbox.c.state.in_(OPEN_STATES))
        ).scalar_one()
        oldest = conn.execute(
            select(func.min(outbox.c.not_before)).where(
                outbox.c.state.in_(OPEN_STATES), outbox.c.not_before <= now
            )
        ).scalar()
        if oldest is not None and oldest.tzinfo is None:
            from datetime import UTC

            oldest = oldest.replace(tzinfo=UTC)
        held: dict[tuple[str, str], int] = {}
        for kind, recipients in conn.execute(
            select(outbox.c.kind, outbox.c.recipients).where(
                outbox.c.state == "pending", outbox.c.not_before > now
            )
        ):
            for recipient in recipients:
                key = (channel_of(recipient), kind)
                held[key] = held.get(key, 0) + 1
        return OutboxStats(
            depth=int(depth),
            oldest_due_age=max(now - oldest, timedelta(0)) if oldest is not None else timedelta(0),
            held=held,
        )

    def refresh_gauges(self) -> OutboxStats:
        with self.engine.connect() as conn:
            stats = self.stats(conn)
        self.metrics.outbox_depth.set(stats.depth)
        self.metrics.oldest_due_age.set(stats.oldest_due_age.total_seconds())
        self.metrics.held.clear()
        for (channel, kind), count in stats.held.items():
            self.metrics.held.labels(channel=channel, kind=kind).set(count)
        return stats

    def ack_url(self, subject_ref: str, recipient: str = "") -> str | None:
        if self.ack_signer is None or self.public_url is None:
            return None
        return f"{self.public_url}/ack/{self.ack_signer.sign(subject_ref, recipient)}"

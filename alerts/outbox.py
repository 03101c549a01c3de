"""The persistent outbox: every notification is stored before any send.

`enqueue` writes inside the caller's transaction, so a ticket and its notifications commit together, and
wakes the in-process worker when that transaction commits. Acknowledgements cancel what is still pending
of a page's chain. Delivery itself lives in alerts/worker.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, and_, event, func, insert, select, update

from alerts.metrics import DeliveryMetrics
from alerts.model import Acknowledgement, DeliveryRecord, EscalationStep, NotificationRequest
from alerts.signing import AckSigner
from alerts.tables import acknowledgements, deliveries, metadata, outbox
from alerts.writes import writing
from prioritysupport.clock import Clock

OPEN_STATES = ("pending", "sending")
CHAIN_KINDS = ("page", "escalation")
DONE_STATUSES = ("sent", "uncertain")
# Page attempts that may have reached their recipient: a timed-out page is sent again (never marked done),
# but the person may have read it, so a recovery must reach them even if the chain ends before the retry.
REACHED_STATUSES = (*DONE_STATUSES, "timeout")
# Ways a page chain ends without a person acknowledging it: the subject recovered, resolved or closed.
# They are stored as acknowledgements (so an in-flight page schedules no escalation) but never shown as one.
CHAIN_END_VIAS = ("recovered", "resolved", "closed")


@dataclass(frozen=True)
class AckOutcome:
    """What acknowledging did: `acknowledged` (written now), `already` (by someone earlier in this episode,
    nothing written) or `nothing` (nothing was ever paged for the subject)."""

    status: str
    subject_ref: str
    by: str = ""
    at: datetime | None = None
    via: str = ""


AckListener = Callable[[Connection, AckOutcome], None]


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
        # Called in the acknowledging transaction after a new acknowledgement (the ticket notes it, assigns).
        self.ack_listeners: list[AckListener] = []
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
        """Stop the page chain of a subject. False when nothing was ever paged."""
        return self.acknowledge_once(subject_ref, by, via).status != "nothing"

    def acknowledge_once(self, subject_ref: str, by: str, via: str = "api") -> AckOutcome:
        """Acknowledge the current episode of a subject once: a second acknowledgement (a replayed link,
        a second person) writes nothing and says who was first."""
        with writing(self.engine).begin() as conn:
            return self.acknowledge_in(conn, subject_ref, by, via)

    def acknowledge_in(self, conn: Connection, subject_ref: str, by: str, via: str) -> AckOutcome:
        """`acknowledge_once` in the caller's transaction."""
        now = self.clock.now()
        episode = self.episode_start(conn, subject_ref)
        if episode is None:
            return AckOutcome("nothing", subject_ref)
        earlier = self.current_ack(conn, subject_ref)
        if earlier is not None:
            return AckOutcome("already", subject_ref, earlier.by, earlier.at, earlier.via)
        conn.execute(insert(acknowledgements).values(subject_ref=subject_ref, by=by, via=via, at=now))
        self._cancel_chain(conn, subject_ref, f"acknowledged by {by}", now)
        outcome = AckOutcome("acknowledged", subject_ref, by, now, via)
        for listener in self.ack_listeners:
            listener(conn, outcome)
        return outcome

    def end_chain(self, conn: Connection, subject_ref: str, reason: str) -> bool:
        """The subject recovered, was resolved or closed: stop its page chain in the caller's transaction,
        as an acknowledgement would. `reason` is one of CHAIN_END_VIAS. False when nothing was paged."""
        if reason not in CHAIN_END_VIAS:
            raise ValueError(f"reason must be one of {', '.join(CHAIN_END_VIAS)}")
        now = self.clock.now()
        # Lock the subject's pages first: a worker settling one of them (worker.py _schedule_escalation)
        # takes the same lock, so it either sees this end or has its escalation steps cancelled below.
        conn.execute(
            select(outbox.c.id)
            .where(outbox.c.subject_ref == subject_ref, outbox.c.kind == "page")
            .with_for_update()
        ).all()
        if self.episode_start(conn, subject_ref) is None:
            return False
        conn.execute(insert(acknowledgements).values(subject_ref=subject_ref, by="", via=reason, at=now))
        self._cancel_chain(conn, subject_ref, reason, now)
        return True

    def _cancel_chain(self, conn: Connection, subject_ref: str, why: str, now: datetime) -> None:
        conn.execute(
            update(outbox)
            .where(
                outbox.c.subject_ref == subject_ref,
                outbox.c.kind.in_(CHAIN_KINDS),
                outbox.c.state == "pending",
            )
            .values(state="cancelled", open_dedup_key=None, finished_at=now, last_error=why)
        )

    def episode_start(self, conn: Connection, subject_ref: str) -> datetime | None:
        """When the latest page of a subject was created (a relapse pages again: a new episode)."""
        return conn.execute(
            select(func.max(outbox.c.created_at)).where(
                outbox.c.subject_ref == subject_ref, outbox.c.kind == "page"
            )
        ).scalar()

    def current_ack(self, conn: Connection, subject_ref: str) -> Acknowledgement | None:
        """The person who acknowledged the current episode, if anyone did."""
        episode = self.episode_start(conn, subject_ref)
        if episode is None:
            return None
        row = (
            conn.execute(
                select(acknowledgements)
                .where(
                    acknowledgements.c.subject_ref == subject_ref,
                    acknowledgements.c.at >= episode,
                    acknowledgements.c.via.not_in(CHAIN_END_VIAS),
                )
                .order_by(acknowledgements.c.at, acknowledgements.c.id)
                .limit(1)
            )
            .mappings()
            .first()
        )
        return Acknowledgement(row["subject_ref"], row["by"], row["at"], row["via"]) if row else None

    def acknowledgements(self, conn: Connection, subject_ref: str) -> list[Acknowledgement]:
        """Acknowledgements by people, oldest first (chain ends by recovery or closing are not listed)."""
        rows = conn.execute(
            select(acknowledgements)
            .where(
                acknowledgements.c.subject_ref == subject_ref,
                acknowledgements.c.via.not_in(CHAIN_END_VIAS),
            )
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
        A page being sent right now counts too, by its tags: it will arrive, and after `end_chain` (which
        locks the pages) it cannot finish before this transaction does. A page still waiting for its
        first attempt reached nobody: `end_chain` cancels it and no recovery follows. An attempt that
        timed out counts as reached: its retry may be cancelled, but the page may have arrived.
        """
        in_flight = conn.execute(
            select(outbox.c.recipients).where(
                outbox.c.subject_ref == subject_ref, outbox.c.kind == "page", outbox.c.state == "sending"
            )
        ).scalars()
        sending = [recipient for recipients in in_flight for recipient in recipients]
        rows = conn.execute(
            select(deliveries.c.recipient)
            .join(outbox, outbox.c.id == deliveries.c.notification_id)
            .where(
                outbox.c.subject_ref == subject_ref,
                outbox.c.kind.in_(CHAIN_KINDS),
                deliveries.c.status.in_(REACHED_STATUSES),
            )
            .order_by(deliveries.c.id)
        ).scalars()
        return tuple(dict.fromkeys([*rows, *sending]))

    def notified_recipients(self, conn: Connection, subject_ref: str, kind: str) -> tuple[str, ...]:
        """Recipients of the notifications of one kind for a subject that went out or are going out
        (the customer contacts an incident notice reached: they hear of the recovery too)."""
        rows = conn.execute(
            select(outbox.c.recipients)
            .where(
                outbox.c.subject_ref == subject_ref,
                outbox.c.kind == kind,
                outbox.c.state.in_(("pending", "sending", "sent")),
            )
            .order_by(outbox.c.id)
        ).scalars()
        return tuple(dict.fromkeys(recipient for recipients in rows for recipient in recipients))

    def cancel_pending(self, conn: Connection, dedup_key: str, why: str) -> bool:
        """Cancel a notification still waiting under this dedup key (a held notice no longer needed)."""
        cancelled = conn.execute(
            update(outbox)
            .where(outbox.c.open_dedup_key == dedup_key, outbox.c.state == "pending")
            .values(state="cancelled", open_dedup_key=None, finished_at=self.clock.now(), last_error=why)
        ).rowcount
        return bool(cancelled)

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
        self.metrics.reset_held()
        for (channel, kind), count in stats.held.items():
            self.metrics.held.labels(channel=channel, kind=kind).set(count)
        return stats

    def ticket_url(self, subject_ref: str) -> str | None:
        """The ticket on the staff pages (sign-in first), for notifications staff read."""
        if self.public_url is None:
            return None
        return f"{self.public_url}/staff/tickets/{quote(subject_ref, safe='')}"

    def ack_url(self, subject_ref: str, recipient: str = "") -> str | None:
        if self.ack_signer is None or self.public_url is None:
            return None
        return f"{self.public_url}/ack/{self.ack_signer.sign(subject_ref, recipient)}"

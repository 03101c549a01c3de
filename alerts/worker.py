"""The delivery worker: claims due outbox items, sends them target by target, records every attempt.

Claiming: on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED`, so replicas never take the same item; on
SQLite one atomic UPDATE (SQLite has a single writer). A claim carries a token and a lease; an item whose
worker died is taken again after its lease. A target recorded as sent is never sent again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from alerts.backoff import RetryPolicy
from alerts.channels import ChannelBook, ChannelConfigError, Target
from alerts.masking import mask_text
from alerts.model import PAGING_KINDS
from alerts.outbox import (
    CHAIN_KINDS,
    DONE_STATUSES,
    Outbox,
    escalation_from_json,
    insert_open_item,
)
from alerts.tables import deliveries, outbox
from alerts.templates import RenderedMessage, TemplateMissing, render
from alerts.writes import writing

log = logging.getLogger("prioritysupport.alerts")

# Notifications read by staff: they link to the ticket on the staff pages.
STAFF_KINDS = frozenset({"page", "escalation", "recovery", "team_notice"})

# After a wake-up, poll this often for this long (seconds): the enqueueing commit may still be landing.
EAGER_POLL = 0.01
EAGER_WINDOW = 0.5


@dataclass(frozen=True)
class SendOutcome:
    status: str  # sent, failed, timeout, uncertain
    detail: str


@dataclass(frozen=True)
class ClaimedItem:
    id: int
    kind: str
    subject_ref: str
    recipients: tuple[str, ...]
    template: str
    values: dict[str, Any]
    language: str
    escalation: list[Any]
    not_before: datetime
    created_at: datetime
    attempts: int
    first_sent_at: datetime | None
    claim_token: str


def _send(target: Target, message: RenderedMessage, kind: str, timeout: float) -> SendOutcome:
    """One Apprise call for one target; the result object says SUCCESS, FAILURE or TIMEOUT."""
    import apprise
    from apprise.result import AppriseResultStatus

    notify_type = {
        "page": apprise.NotifyType.FAILURE,
        "escalation": apprise.NotifyType.FAILURE,
        "ops": apprise.NotifyType.WARNING,
        "recovery": apprise.NotifyType.SUCCESS,
    }.get(kind, apprise.NotifyType.INFO)
    sender = apprise.Apprise()
    sender.add(target.service)
    body, body_format = (
        (message.html, apprise.NotifyFormat.HTML)
        if target.is_mail
        else (message.text, apprise.NotifyFormat.TEXT)
    )
    try:
        result = sender.notify(
            body=body,
            title=message.subject,
            notify_type=notify_type,
            body_format=body_format,
            timeout=timeout,
        )
    except Exception as error:  # a plugin crash is a failed attempt, never a crashed worker
        return SendOutcome("failed", mask_text(f"{type(error).__name__}: {error}"))
    if result.status == AppriseResultStatus.SUCCESS:
        return SendOutcome("sent", "")
    if result.status == AppriseResultStatus.TIMEOUT:
        return SendOutcome("timeout", f"no answer within {timeout:g} s; it may have been delivered")
    details = [f"{r.name}: {r.status.name}" for r in result]
    return SendOutcome("failed", mask_text("; ".join(details) or result.status.name))


class DeliveryWorker:
    def __init__(
        self,
        box: Outbox,
        channels: ChannelBook,
        *,
        retry: RetryPolicy | None = None,
        lease: timedelta = timedelta(minutes=2),
        poll_interval: float = 0.5,
        send_timeout: float = 20.0,
        rng: random.Random | None = None,
        name: str | None = None,
    ) -> None:
        self.box = box
        self.channels = channels
        self.retry = retry or RetryPolicy()
        self.lease = lease
        self.poll_interval = poll_interval
        self.send_timeout = send_timeout
        self.rng = rng or random.Random()
        self.name = name or f"worker-{uuid.uuid4().hex[:8]}"
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- claiming --------------------------------------------------------------------------------

    def _lease_span(self) -> timedelta:
        """The lease in clock time. A lease guards real sending time, so under an accelerated clock
        (the demo) it stretches by the acceleration; under a fixed clock it is taken as given."""
        real = self.box.clock.sleep_hint(self.lease)
        if real <= 0:
            return self.lease
        return self.lease * (self.lease.total_seconds() / real)

    def _claimable(self, now: datetime) -> Any:
        return or_(
            and_(outbox.c.state == "pending", outbox.c.not_before <= now),
            and_(outbox.c.state == "sending", outbox.c.lease_until < now),
        )

    def claim(self) -> ClaimedItem | None:
        """Take the most overdue due item, or None."""
        now = self.box.clock.now()
        token = uuid.uuid4().hex
        with writing(self.box.engine).begin() as conn:
            chosen = (
                select(outbox.c.id)
                .where(self._claimable(now))
                .order_by(outbox.c.not_before, outbox.c.id)
                .limit(1)
            )
            if conn.dialect.name == "postgresql":
                item_id = conn.execute(chosen.with_for_update(skip_locked=True)).scalar()
                if item_id is None:
                    return None
                target = outbox.c.id == item_id
            else:
                # One statement: SQLite runs it under its single write lock, so two workers cannot both win.
                target = and_(outbox.c.id.in_(chosen.scalar_subquery()), self._claimable(now))
            claimed = conn.execute(
                update(outbox)
                .where(target)
                .values(
                    state="sending",
                    claim_token=token,
                    lease_until=now + self._lease_span(),
                    attempts=outbox.c.attempts + 1,
                )
            ).rowcount
            if not claimed:
                return None
            row = conn.execute(select(outbox).where(outbox.c.claim_token == token)).mappings().one()
        return ClaimedItem(
            id=int(row["id"]),
            kind=row["kind"],
            subject_ref=row["subject_ref"],
            recipients=tuple(row["recipients"]),
            template=row["template"],
            values=dict(row["values"]),
            language=row["language"],
            escalation=list(row["escalation"]),
            not_before=row["not_before"],
            created_at=row["created_at"],
            attempts=int(row["attempts"]),
            first_sent_at=row["first_sent_at"],
            claim_token=token,
        )

    # -- one item --------------------------------------------------------------------------------

    def run_once(self, limit: int = 100) -> int:
        """Deliver due items until none is due (at most `limit`); returns how many were handled."""
        handled = 0
        while handled < limit:
            item = self.claim()
            if item is None:
                break
            self.process(item)
            handled += 1
        return handled

    def _record(
        self,
        item: ClaimedItem,
        target_key: str,
        recipient: str,
        masked: str,
        channel: str,
        outcome: SendOutcome,
    ) -> None:
        now = self.box.clock.now()
        with writing(self.box.engine).begin() as conn:
            conn.execute(
                insert(deliveries).values(
                    notification_id=item.id,
                    recipient=recipient,
                    target_key=target_key,
                    target=masked,
                    channel=channel,
                    attempt=item.attempts,
                    status=outcome.status,
                    detail=outcome.detail[:2000],
                    at=now,
                )
            )
            # Each finished target renews the lease: a slow but living worker keeps its item.
            conn.execute(
                update(outbox)
                .where(outbox.c.id == item.id, outbox.c.claim_token == item.claim_token)
                .values(lease_until=now + self._lease_span())
            )

    def _done_targets(self, item: ClaimedItem) -> set[str]:
        with self.box.engine.connect() as conn:
            rows = conn.execute(
                select(deliveries.c.target_key).where(
                    deliveries.c.notification_id == item.id, deliveries.c.status.in_(DONE_STATUSES)
                )
            ).scalars()
            return set(rows)

    def _message(self, item: ClaimedItem, recipient: str = "") -> RenderedMessage:
        """The item's text; a page's acknowledge link is signed for the recipient it goes to, so the
        acknowledgement page knows who acknowledges without asking."""
        values = {"kind": item.kind, "subject_ref": item.subject_ref, **item.values}
        if item.kind in STAFF_KINDS:
            values.setdefault("ticket_url", self.box.ticket_url(item.subject_ref))
        if item.kind in ("page", "escalation"):
            values.setdefault("ack_url", self.box.ack_url(item.subject_ref, recipient))
        return render(item.template, item.language, values)

    def process(self, item: ClaimedItem) -> str:
        """Send a claimed item to every target not yet reached and settle its state; returns that state."""
        metrics = self.box.metrics
        try:
            messages = {"": self._message(item)}
        except Exception as error:  # a broken template is a configuration error, never a crash loop
            reason = str(error) if isinstance(error, TemplateMissing) else f"template error: {error}"
            return self._settle(item, sent_any=False, failed=False, config_error=reason)
        done = self._done_targets(item)
        sent_any, failed, config_errors = False, False, []
        for recipient in item.recipients:
            try:
                targets = self.channels.resolve(recipient, self.box.clock.now())
                problem = f"no channel matches '{recipient}'"
            except ChannelConfigError as error:
                targets, problem = [], str(error)
            if not targets:
                config_errors.append(recipient)
                outcome = SendOutcome("nomatch", problem)
                self._record(item, recipient, recipient, "", "none", outcome)
                continue
            for target in targets:
                if target.key in done:
                    continue
                if target.recipient not in messages:
                    messages[target.recipient] = self._message(item, target.recipient)
                outcome = _send(target, messages[target.recipient], item.kind, self.send_timeout)
                if outcome.status == "timeout" and item.kind not in PAGING_KINDS:
                    # Customer mail that may have arrived is not sent twice.
                    outcome = SendOutcome("uncertain", outcome.detail)
                self._record(item, target.key, target.recipient, target.masked, target.channel, outcome)
                labels = {"channel": target.channel, "kind": item.kind}
                if outcome.status in DONE_STATUSES:
                    sent_any = True
                    done.add(target.key)
                    metrics.sent.labels(**labels).inc()
                    due = max(item.not_before, item.created_at)
                    metrics.delivery_seconds.labels(kind=item.kind).observe(
                        max((self.box.clock.now() - due).total_seconds(), 0.0)
                    )
                else:
                    failed = True
                    metrics.failed.labels(**labels).inc()
                    log.warning("notification %s to %s: %s", item.id, target.masked, outcome.detail)
        config_error = f"no channel matches {', '.join(config_errors)}" if config_errors else None
        return self._settle(item, sent_any=sent_any, failed=failed, config_error=config_error)

    def _settle(self, item: ClaimedItem, *, sent_any: bool, failed: bool, config_error: str | None) -> str:
        now = self.box.clock.now()
        mine = and_(outbox.c.id == item.id, outbox.c.claim_token == item.claim_token)
        finished = {"open_dedup_key": None, "finished_at": now, "claim_token": None, "lease_until": None}
        with writing(self.box.engine).begin() as conn:
            if sent_any and item.first_sent_at is None:
                conn.execute(update(outbox).where(mine).values(first_sent_at=now))
            if item.escalation:
                # The chain starts with the first attempt, delivered or not: a broken primary channel
                # must not keep the page from reaching the next step.
                self._schedule_escalation(conn, item, now)
            if config_error is not None:
                state, changes = "dead", {**finished, "last_error": config_error}
            elif not failed:
                state, changes = "sent", {**finished, "last_error": None}
            elif item.attempts >= self.retry.max_attempts:
                state = "dead"
                changes = {**finished, "last_error": f"not delivered after {item.attempts} attempts"}
            elif self._chain_ended(conn, item):
                # Acknowledged or recovered while this attempt ran: a retry would page after the all-clear.
                state, changes = "cancelled", {**finished, "last_error": "chain ended during the attempt"}
            else:
                state = "pending"
                changes = {
                    "not_before": now + self.retry.delay(item.attempts, self.rng),
                    "claim_token": None,
                    "lease_until": None,
                    "last_error": "some targets failed; retrying",
                }
            updated = conn.execute(update(outbox).where(mine).values(state=state, **changes)).rowcount
            if not updated:
                log.warning("notification %s was taken over by another worker after its lease", item.id)
                return "lost"
            if state == "dead":
                self._dead_letter(conn, item, str(changes["last_error"]))
        return state

    def _chain_ended(self, conn: Connection, item: ClaimedItem) -> bool:
        """A page or escalation whose chain was acknowledged or ended (recovered, resolved) since it was made.

        The row lock orders this against Outbox.end_chain, as in _schedule_escalation."""
        if item.kind not in CHAIN_KINDS:
            return False
        conn.execute(select(outbox.c.id).where(outbox.c.id == item.id).with_for_update()).all()
        return self.box.is_acknowledged(conn, item.subject_ref, item.created_at)

    def _dead_letter(self, conn: Connection, item: ClaimedItem, reason: str) -> None:
        from alerts.outbox import channel_of

        for recipient in item.recipients:
            self.box.metrics.dead_letters.labels(channel=channel_of(recipient), kind=item.kind).inc()
        log.error("notification %s (%s, %s) dead-lettered: %s", item.id, item.kind, item.subject_ref, reason)
        if item.kind == "ops":
            return  # the ops channel itself failed: the metric and the log are what is left
        now = self.box.clock.now()
        insert_open_item(
            conn,
            {
                "kind": "ops",
                "subject_ref": item.subject_ref,
                "recipients": list(self.box.ops_recipients),
                "template": "ops",
                "values": {
                    "summary": f"notification {item.id} ({item.kind}) could not be delivered",
                    "reason": reason,
                    "notification_id": item.id,
                    "failed_kind": item.kind,
                },
                "language": "en",
                "escalation": [],
                "dedup_key": f"dead-letter:{item.id}",
                "open_dedup_key": f"dead-letter:{item.id}",
                "state": "pending",
                "not_before": now,
                "created_at": now,
                "attempts": 0,
            },
        )

    def _schedule_escalation(self, conn: Connection, item: ClaimedItem, first_sent: datetime) -> None:
        steps = escalation_from_json(item.escalation)
        if not steps:
            return
        # The page's row lock orders this against Outbox.end_chain (a recovery in another transaction or
        # replica): read the acknowledgements only once any end of the chain has committed.
        conn.execute(select(outbox.c.id).where(outbox.c.id == item.id).with_for_update()).all()
        if self.box.is_acknowledged(conn, item.subject_ref, item.created_at):
            return
        started = conn.execute(select(outbox.c.id).where(outbox.c.chain_of == item.id).limit(1)).first()
        if started is not None:
            return  # scheduled by an earlier attempt
        due = first_sent
        for number, step in enumerate(steps, start=1):
            due += step.after
            insert_open_item(
                conn,
                {
                    "kind": "escalation",
                    "subject_ref": item.subject_ref,
                    "recipients": list(step.recipients),
                    "template": "escalation",
                    "values": {**item.values, "step": number, "waited": _human(due - first_sent)},
                    "language": item.language,
                    "escalation": [],
                    "dedup_key": f"escalation:{item.id}:{number}",
                    "open_dedup_key": f"escalation:{item.id}:{number}",
                    "state": "pending",
                    "not_before": due,
                    "created_at": first_sent,
                    "attempts": 0,
                    "chain_of": item.id,
                    "chain_step": number,
                },
            )

    # -- the loop --------------------------------------------------------------------------------

    def seconds_to_next_due(self) -> float:
        now = self.box.clock.now()
        with self.box.engine.connect() as conn:
            next_due = conn.execute(
                select(outbox.c.not_before)
                .where(outbox.c.state == "pending")
                .order_by(outbox.c.not_before)
                .limit(1)
            ).scalar()
            next_lease = conn.execute(
                select(outbox.c.lease_until)
                .where(outbox.c.state == "sending")
                .order_by(outbox.c.lease_until)
                .limit(1)
            ).scalar()
        waits = [self.box.clock.sleep_hint(t - now) for t in (next_due, next_lease) if t is not None]
        return min([self.poll_interval, *waits])

    def run(self, stop: threading.Event | None = None) -> None:
        """Deliver until `stop` is set; woken by enqueue, else polls at most every `poll_interval` s."""
        stop = stop or self._stop
        last_gauges = 0.0
        eager_until = 0.0
        while not stop.is_set():
            self.box.wakeup.clear()
            try:
                self.run_once()
                if time.monotonic() - last_gauges >= 1.0:
                    self.box.refresh_gauges()
                    last_gauges = time.monotonic()
                wait = self.seconds_to_next_due()
            except Exception as error:  # the database may be away for a moment: keep the loop alive
                log.error("delivery loop error: %s", mask_text(str(error)))
                wait = 1.0
            if time.monotonic() < eager_until:
                # SQLAlchemy signals a commit just before it reaches the database: look again shortly.
                wait = min(wait, EAGER_POLL)
            # Never spin: an item due this instant may be mid-claim by another worker.
            if self.box.wakeup.wait(max(wait, 0.005)):
                eager_until = time.monotonic() + EAGER_WINDOW

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.box.wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def _human(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"

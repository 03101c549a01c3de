"""What the collector hands to alerts/ and what alerts/ records: plain dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# Kinds the templates know. `kind` stays free text: an unknown kind falls back to the generic template.
KINDS: tuple[str, ...] = (
    "page",
    "escalation",
    "recovery",
    "limit_warning",
    "package_advice",
    "ticket_confirmation",
    "staff_reply",
    "incident_notice",
    "incident_recovered",
    "team_notice",
    "ops",
)

# Kinds that wake someone: a timed-out send is retried, because a duplicate page beats a missed one.
PAGING_KINDS: frozenset[str] = frozenset({"page", "escalation", "recovery", "ops"})


@dataclass(frozen=True)
class EscalationStep:
    """One step of a page's chain: `after` this wait (counted from the previous step), page `recipients`."""

    after: timedelta
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class NotificationRequest:
    """One notification as the collector asks for it.

    `recipients` are Apprise tags (``oncall-primary``, ``support-team``, ...), ``person:ID`` for one
    engineer of the rota, or ``mailto:`` addresses. `not_before` is an aware instant (None: at once).
    `dedup_key`: while an item with the same key is still pending, enqueueing again returns that item.
    """

    kind: str
    recipients: tuple[str, ...]
    subject_ref: str
    not_before: datetime | None = None
    dedup_key: str | None = None
    template: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    language: str = "nl"
    escalation: tuple[EscalationStep, ...] = ()

    def __post_init__(self) -> None:
        if not self.kind:
            raise ValueError("a notification needs a kind, for example 'page' or 'ticket_confirmation'")
        if not self.recipients:
            raise ValueError(
                "a notification needs at least one recipient (an Apprise tag or a mailto: address)"
            )
        if self.not_before is not None and self.not_before.tzinfo is None:
            raise ValueError("not_before must be an aware datetime (with a time zone)")
        if self.language not in ("nl", "en"):
            raise ValueError("language must be 'nl' or 'en'")


@dataclass(frozen=True)
class DeliveryRecord:
    """One send attempt to one target, as shown on a ticket timeline. `target` is masked (no secrets)."""

    notification_id: int
    kind: str
    subject_ref: str
    recipient: str
    target: str
    attempt: int
    status: str  # sent, failed, timeout, nomatch, skipped
    detail: str
    at: datetime
    channel: str = ""


@dataclass(frozen=True)
class Acknowledgement:
    subject_ref: str
    by: str
    at: datetime
    via: str

"""Delivery metrics on a registry the caller injects (the collector passes the one its /metrics serves)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LabelSet = tuple[str, str]  # (channel, kind)


class DeliveryMetrics:
    """`known` (channel, kind) pairs start at 0, so that `increase()` sees the first failure or dead letter
    of a pair (a series that appears at 1 has no earlier sample to rise from)."""

    def __init__(self, registry: CollectorRegistry | None = None, known: Iterable[LabelSet] = ()) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.known: tuple[LabelSet, ...] = tuple(sorted(set(known)))
        labels = ("channel", "kind")
        self.sent = Counter(
            "prioritysupport_notifications_sent",
            "Targets a notification was delivered to.",
            labels,
            registry=self.registry,
        )
        self.failed = Counter(
            "prioritysupport_notifications_failed",
            "Failed delivery attempts to one target (retried or not).",
            labels,
            registry=self.registry,
        )
        self.held = Gauge(
            "prioritysupport_notifications_held",
            "Notifications waiting for their not-before time, per recipient channel.",
            labels,
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "prioritysupport_notifications_dead_letters",
            "Notifications given up on and raised to ops.",
            labels,
            registry=self.registry,
        )
        self.delivery_seconds = Histogram(
            "prioritysupport_notification_delivery_seconds",
            "From due (not-before or enqueue) to delivered, in seconds of the injected clock.",
            ("kind",),
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "prioritysupport_outbox_depth",
            "Open notifications in the outbox (pending or being sent).",
            registry=self.registry,
        )
        self.oldest_due_age = Gauge(
            "prioritysupport_outbox_oldest_due_age_seconds",
            "Age of the oldest notification that is due and not yet delivered.",
            registry=self.registry,
        )
        for channel, kind in self.known:
            for counter in (self.sent, self.failed, self.dead_letters):
                counter.labels(channel=channel, kind=kind)
            self.held.labels(channel=channel, kind=kind).set(0)
        for kind in sorted({kind for _channel, kind in self.known}):
            self.delivery_seconds.labels(kind=kind)

    def reset_held(self) -> None:
        """Before a refresh: known pairs back to 0, others gone (a pair nobody holds any more)."""
        self.held.clear()
        for channel, kind in self.known:
            self.held.labels(channel=channel, kind=kind).set(0)

"""Delivery metrics on a registry the caller injects (the collector passes the one its /metrics serves)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class DeliveryMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
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

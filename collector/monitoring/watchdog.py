"""Alertmanager's Watchdog alert (always firing) as a dead man's switch for the alerting path.

Each arrival at the webhook proves Prometheus -> Alertmanager -> collector. When none has arrived for
`monitoring.watchdog_minutes`, the collector tells the ops channel (the last leg, through the outbox), once
per silence. Kept in memory per process: after a restart the start time counts as the last arrival.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection

from alerts.model import NotificationRequest
from alerts.people_time import local_time, span
from prioritysupport.clock import Clock

ALERTNAME = "PrioritySupportWatchdog"


def overdue(last: datetime, now: datetime, limit: timedelta) -> timedelta | None:
    """How long past the limit the watchdog is (None: in time). Pure, for the rule and its test."""
    silent = now - last
    return silent if silent > limit else None


class Watchdog:
    def __init__(self, clock: Clock, minutes: int) -> None:
        self.clock = clock
        self.limit = timedelta(minutes=minutes) if minutes > 0 else None
        self.started = clock.now()
        self.last_received: datetime | None = None
        self._told = False
        self._lock = threading.Lock()

    def received(self) -> None:
        with self._lock:
            self.last_received = self.clock.now()
            self._told = False

    def check(self, conn: Connection, enqueue: Callable[[Connection, NotificationRequest], int]) -> bool:
        """Enqueue the ops notice when the watchdog is overdue and nobody was told yet; True if enqueued."""
        if self.limit is None:
            return False
        with self._lock:
            last = self.last_received or self.started
            silent = overdue(last, self.clock.now(), self.limit)
            if silent is None or self._told:
                return False
            self._told = True
        seen = (
            f"last received {local_time(last, 'en')}"
            if self.last_received
            else f"none received since the collector started at {local_time(last, 'en')}"
        )
        request = NotificationRequest(
            kind="ops",
            recipients=("ops",),
            subject_ref="alertmanager-watchdog",
            template="generic",
            values={
                "summary": f"No Watchdog alert from Alertmanager for {span(silent)} ({seen}). "
                "Prometheus, Alertmanager or the webhook to the collector is down: "
                "alerts from Prometheus do not reach anyone.",
            },
            language="en",
            dedup_key=f"alertmanager-watchdog:{last.isoformat()}",  # one notice per silence
        )
        enqueue(conn, request)
        return True

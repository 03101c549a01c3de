"""What arrived at the demo's sinks, stamped with the simulated time of arrival.

The sinks call `Feed.mail` / `Feed.webhook` from their server threads; the scenario narrates from here and
waits here for the evidence of each step, so the story is told by what actually arrived.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from demo.sinks import CaughtMail, CaughtWebhook
from prioritysupport.clock import Clock


@dataclass(frozen=True)
class Arrival:
    at: datetime  # simulated time (UTC) at which the sink received it
    channel: str  # "mail" or "webhook"
    to: tuple[str, ...]  # mail recipients, or the webhook path (/tag/oncall-primary, /person/anna)
    subject: str
    text: str

    def is_to(self, fragment: str) -> bool:
        return any(fragment in target for target in self.to)


def _webhook_texts(body: Any) -> tuple[str, str]:
    """Apprise's json:// body is {"title", "message", ...}; anything else is shown as it came."""
    if isinstance(body, dict):
        return str(body.get("title") or ""), str(body.get("message") or "")
    return "", str(body)


class Feed:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._arrivals: list[Arrival] = []
        self._changed = threading.Condition()
        self._listeners: list[Callable[[Arrival], None]] = []

    def listen(self, listener: Callable[[Arrival], None]) -> None:
        self._listeners.append(listener)

    def mail(self, caught: CaughtMail) -> None:
        self._add(Arrival(self.clock.now(), "mail", caught.recipients, caught.subject, caught.text))

    def webhook(self, caught: CaughtWebhook) -> None:
        title, message = _webhook_texts(caught.body)
        self._add(Arrival(self.clock.now(), "webhook", (caught.path,), title, message))

    def _add(self, arrival: Arrival) -> None:
        with self._changed:
            self._arrivals.append(arrival)
            self._changed.notify_all()
        for listener in list(self._listeners):
            listener(arrival)

    def snapshot(self) -> list[Arrival]:
        with self._changed:
            return list(self._arrivals)

    def wait_for(
        self, predicate: Callable[[Arrival], bool], timeout: float, since: int = 0
    ) -> Arrival | None:
        """The first arrival (at index `since` or later) matching `predicate`, waiting up to `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for arrival in self._arrivals[since:]:
                    if predicate(arrival):
                        return arrival
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(min(remaining, 0.5))

    def __len__(self) -> int:
        with self._changed:
            return len(self._arrivals)

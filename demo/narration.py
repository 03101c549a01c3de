"""Telling the demo as it happens: arrivals at the sinks, step headers, and the simulated clock ticking."""

from __future__ import annotations

import sys
import threading
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from demo.feed import Arrival
from demo.stack import ONCALL_PEOPLE

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(at: datetime) -> str:
    """Simulated time as people read it: 'Fri 16:02'."""
    return at.astimezone(AMSTERDAM).strftime("%a %H:%M")


def describe(arrival: Arrival) -> str:
    """One line for an arrival: who got what, through which sink."""
    if arrival.channel == "mail":
        return f"mail to {', '.join(arrival.to)}: {arrival.subject}"
    path = arrival.to[0]
    if path.startswith("/person/"):
        person = path.removeprefix("/person/")
        who = f"{ONCALL_PEOPLE.get(person, person)} (on call)"
    else:
        who = f"channel {path.removeprefix('/tag/')}"
    return f"webhook to {who}: {arrival.subject or arrival.text[:80]}"


class Narrator:
    """Prints lines prefixed with the simulated time; on a terminal, a ticker line shows the clock moving.

    Arrivals at the sinks are held back until the scenario has told the event that caused them (a ticket
    opened, a link followed, a step begun), then told in the order they arrived: cause, then effect."""

    def __init__(self, out: TextIO | None = None, ticker: bool | None = None) -> None:
        self.out = out or sys.stdout
        self.ticker = self.out.isatty() if ticker is None else ticker
        self._lock = threading.Lock()
        self._ticker_shown = False
        self._pending: list[Arrival] = []

    def _clear_ticker(self) -> None:
        if self._ticker_shown:
            self.out.write("\r\033[K")
            self._ticker_shown = False

    def line(self, text: str) -> None:
        with self._lock:
            self._clear_ticker()
            self.out.write(text + "\n")
            self.out.flush()

    def at(self, when: datetime, text: str) -> None:
        self.line(f"  [{local(when)}] {text}")
        self.flush()

    def step(self, when: datetime, title: str) -> None:
        self.flush()  # what the previous step caused belongs under it
        self.line(f"\n{local(when)}  {title}")

    def arrival(self, arrival: Arrival) -> None:
        with self._lock:
            self._pending.append(arrival)

    def flush(self) -> None:
        """Tell the arrivals held back so far, oldest first."""
        with self._lock:
            pending, self._pending = sorted(self._pending, key=lambda a: a.at), []
        for arrival in pending:
            self.line(f"  [{local(arrival.at)}] -> {describe(arrival)}")

    def tick(self, now: datetime, rate: float) -> None:
        if not self.ticker:
            return
        with self._lock:
            self.out.write(f"\r\033[K  simulated time {now.astimezone(AMSTERDAM):%a %d %b %H:%M} (x{rate:g})")
            self.out.flush()
            self._ticker_shown = True

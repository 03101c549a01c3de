"""The weekend scenario: Friday 27 November 2026 15:00 to Monday 10:00 (Amsterdam) on the demo clock.

Each step does one real thing (users added in a simulated Odoo, a web form posted, a server stopped, an
instance taken down, a page acknowledged on the staff pages) and then waits for the evidence: what the
sinks received and what the collector's API shows. Nothing is printed that did not happen. The clock runs
slowly around each step, so the agents' real-time cycles and the collector's damping fit in a few simulated
minutes, and fast through the quiet hours.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from demo.client import CollectorClient
from demo.clock import ScenarioClock
from demo.customers import ACCOUNT_MANAGER, LARGE, MEDIUM, SMALL
from demo.feed import Arrival
from demo.narration import AMSTERDAM, Narrator, local
from demo.stack import STAFF_USER, DemoStack

ACK_LINK = re.compile(r"https?://[^\s\"'<>]+/ack/[A-Za-z0-9._-]+")
ACK_RESULT = re.compile(r"((?:Al )?[Bb]evestigd door [^.]+|(?:Already )?[Aa]cknowledged by [^.]+)\.")
START = datetime(2026, 11, 27, 15, 0, tzinfo=AMSTERDAM).astimezone(UTC)
END = datetime(2026, 11, 30, 10, 0, tzinfo=AMSTERDAM).astimezone(UTC)


def amsterdam(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of the demo weekend: day 27 (Fri), 28 (Sat), 29 (Sun) or 30 (Mon) November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


@dataclass(frozen=True)
class Pace:
    """How fast simulated time runs: `slow` around steps, `fast` in between (both x real time)."""

    slow: float = 60.0
    fast: float = 2000.0
    lead: timedelta = timedelta(minutes=3)  # slow down this long before each step
    patience: float = 45.0  # real seconds to wait for a step's evidence before reporting it missing


DEMO_PACE = Pace()
QUICK_PACE = Pace(slow=120.0, fast=8000.0, lead=timedelta(minutes=4), patience=40.0)


@dataclass
class ScenarioResult:
    """What the scenario saw: arrival times (simulated) and ticket numbers, by name."""

    seen: dict[str, datetime] = field(default_factory=dict)
    tickets: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


class Scenario:
    def __init__(self, stack: DemoStack, clock: ScenarioClock, narrator: Narrator, pace: Pace = DEMO_PACE):
        self.stack = stack
        self.clock = clock
        self.say = narrator
        self.pace = pace
        self.api = CollectorClient(stack.url, stack.staff_token)
        self.result = ScenarioResult()
        self._mark = 0  # feed index at the start of the current step
        self._stop = threading.Event()

    # -- moving the clock ------------------------------------------------------------------------------

    def _wait_until(self, instant: datetime) -> None:
        last = 0.0
        while not self._stop.is_set():
            remaining = (instant - self.clock.now()).total_seconds()
            if remaining <= 0:
                return
            if time.monotonic() - last > 0.25:
                self.say.tick(self.clock.now(), self.clock.rate)
                last = time.monotonic()
            time.sleep(min(max(remaining / self.clock.rate, 0.001), 0.05))
        raise KeyboardInterrupt

    def _go_to(self, instant: datetime) -> None:
        """Fast through the quiet time, slow for the last `lead` before the step."""
        slow_from = instant - self.pace.lead
        if self.clock.now() < slow_from:
            self.clock.set_rate(self.pace.fast)
            self._wait_until(slow_from)
        self.clock.set_rate(self.pace.slow)
        self._wait_until(instant)

    def _step(self, instant: datetime, title: str) -> None:
        self._go_to(instant)
        self._mark = len(self.stack.feed)
        self.say.step(self.clock.now(), title)

    def stop(self) -> None:
        self._stop.set()

    # -- evidence --------------------------------------------------------------------------------------

    def _arrival(self, name: str, what: str, match: Callable[[Arrival], bool], patience: float = 0) -> None:
        found = self.stack.feed.wait_for(match, patience or self.pace.patience, since=self._mark)
        if found is None:
            self._missing(name, what)
        else:
            self.result.seen.setdefault(name, found.at)
            self.say.flush()

    def _ticket(self, name: str, what: str, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        deadline = time.monotonic() + self.pace.patience
        known = set(self.result.tickets.values())
        while time.monotonic() < deadline and not self._stop.is_set():
            for ticket in reversed(self.api.tickets()):
                if ticket["number"] not in known and match(ticket):
                    self.result.tickets[name] = ticket["number"]
                    self.result.seen[name] = datetime.fromisoformat(ticket["registered_at"])
                    due = datetime.fromisoformat(ticket["response_due"])
                    self.say.at(
                        self.result.seen[name],
                        f"ticket {ticket['number']} opened: {ticket['subject']} - priority "
                        f"{ticket['priority']}, response due {due.astimezone(AMSTERDAM):%a %d %b %H:%M}",
                    )
                    return ticket
            time.sleep(0.3)
        self._missing(name, what)
        return None

    def _missing(self, name: str, what: str) -> None:
        self.result.missing.append(name)
        self.say.line(f"  !! not seen within {self.pace.patience:g} s: {what}")

    def _found(self, match: Callable[[Arrival], bool]) -> Arrival | None:
        return next((a for a in self.stack.feed.snapshot() if match(a)), None)

    def _acknowledge_link(self, page: Arrival, number: str) -> bool:
        """Follow the acknowledge link the page carried, as the person it went to would on a phone."""
        link = ACK_LINK.search(page.text)
        if link is None:
            return False
        answer = requests.post(link.group(0), timeout=10)
        shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", answer.text)).split())
        result = ACK_RESULT.search(shown)
        if answer.status_code != 200 or result is None:
            return False
        self.say.at(self.clock.now(), f"the acknowledgement page says: {result.group(1)}")
        return self._timeline_has(number, "acknowledged")

    def _answer(self, name: str, number: str, text: str) -> None:
        """The first human response to the reporter, on the staff pages; it must beat the deadline."""
        session = self.api.staff_session(STAFF_USER, self.stack.staff_password)
        self.api.staff_action(session, number, "respond", body=text)
        ticket = self.api.ticket(number)
        if not ticket["first_response_at"]:
            self._missing(name, f"the response on {number}")
            return
        answered = datetime.fromisoformat(ticket["first_response_at"])
        due = datetime.fromisoformat(ticket["response_due"])
        in_time = answered <= due and not ticket["response_breached"]
        verdict = "within the deadline" if in_time else "TOO LATE"
        self.say.at(answered, f"{number} answered the reporter; response due {local(due)}: {verdict}")
        if in_time:
            self.result.seen[name] = answered
        else:
            self._missing(name, f"a response on {number} within its deadline")

    def _timeline_has(self, number: str, kind: str, text: str = "") -> bool:
        deadline = time.monotonic() + self.pace.patience
        while time.monotonic() < deadline and not self._stop.is_set():
            timeline = self.api.ticket(number)["timeline"]
            for event in timeline:
                if event["kind"] == kind and text in (event["body"] or ""):
                    self.say.at(datetime.fromisoformat(event["at"]), f"{number} timeline: {event['body']}")
                    return True
            time.sleep(0.3)
        return False

    # -- the story -------------------------------------------------------------------------------------

    def run(self) -> ScenarioResult:
        self.stack.feed.listen(self.say.arrival)
        self.clock.set_rate(self.pace.slow)
        self.say.step(self.clock.now(), "Three customers, three agents reporting every second (real time)")
        for customer in (SMALL, MEDIUM, LARGE):
            self._first_report(customer.key)
        self._limit()
        self._web_form()
        self._integration_fails()
        self._medium_down()
        self._large_down()
        self._weekend_and_monday()
        self.clock.set_rate(1.0)
        return self.result

    def _first_report(self, key: str) -> None:
        deadline = time.monotonic() + self.pace.patience
        while time.monotonic() < deadline and not self._stop.is_set():
            instance = self.api.customer(key)["instances"][0]
            if instance["last_report_at"]:
                self.say.at(
                    datetime.fromisoformat(instance["last_report_at"]),
                    f"{key}: first report from its agent (Odoo {instance['odoo_version']})",
                )
                self.result.seen[f"{key}-first-report"] = datetime.fromisoformat(instance["last_report_at"])
                return
            time.sleep(0.3)
        self._missing(f"{key}-first-report", f"a report from the {key} agent")

    def _limit(self) -> None:
        self._step(
            amsterdam(27, 16), "Small passes its user limit: 6 users added in its Odoo (21 -> 27 of 25)"
        )
        self.stack.simulators[SMALL.key].add_users(6)
        self._arrival("limit-warning", "the warning mail to Small", lambda a: a.is_to(SMALL.contact_email))
        self._arrival(
            "package-advice", "the advice to the account manager", lambda a: a.is_to(ACCOUNT_MANAGER)
        )

    def _web_form(self) -> None:
        self._step(amsterdam(27, 16, 30), "A Medium user asks a question through the web form (/melding)")
        number = self.api.submit_form(
            {
                "name": MEDIUM.contact_name,
                "email": MEDIUM.contact_email,
                "phone": "",
                "kind": "question",
                "subject": "Hoe zet ik een tweede magazijn op?",
                "description": "We openen in januari een tweede magazijn. Welke stappen zijn nodig in Odoo?",
            }
        )
        self.result.tickets["form"] = number
        self.say.at(self.clock.now(), f"the form's confirmation page shows {number}")
        self._arrival(
            "form-confirmation",
            f"the confirmation mail with {number}",
            lambda a: a.channel == "mail" and a.is_to(MEDIUM.contact_email) and number in a.subject + a.text,
        )

    def _integration_fails(self) -> None:
        self._step(amsterdam(27, 17, 5), "Small's webshop stops answering (its health server is stopped)")
        self.stack.endpoints[f"{SMALL.key}/webshop"].stop()
        ticket = self._ticket(
            "small-incident",
            "a ticket for Small's webshop",
            lambda t: t["source"] == "monitoring" and "webshop" in t["subject"],
        )
        if ticket is not None:
            number = ticket["number"]
            self._arrival(
                "small-customer-notice",
                "the incident notice to Small",
                lambda a: a.is_to(SMALL.contact_email) and number in a.subject + a.text,
            )
            if self._timeline_has(number, "notification", "team_notice to support-team, held until"):
                self.say.line("  the support team's notice waits for the support calendar to open")

    def _medium_down(self) -> None:
        self._step(amsterdam(27, 22), "Medium (Premium) goes down: its Odoo drops every connection")
        self.stack.simulators[MEDIUM.key].set_fault("down")
        ticket = self._ticket(
            "medium-incident",
            "an A ticket for Medium",
            lambda t: t["source"] == "monitoring" and t["priority"] == "A" and _of(self.api, t, MEDIUM.key),
        )
        if ticket is None:
            return
        number = ticket["number"]
        self._arrival("medium-page", "the page to the on-call engineer", _page(number, "/person/"))
        self._step(amsterdam(27, 22, 15), "Nobody acknowledges: after 15 minutes the page escalates")
        self._arrival("medium-escalation", "the escalation to the second on-call", _escalation(number))
        escalation = self._found(_escalation(number))
        self._step(amsterdam(27, 22, 20), "The second on-call taps the acknowledge link in the escalation")
        if escalation is not None and self._acknowledge_link(escalation, number):
            self.result.seen["medium-ack"] = self.clock.now()
        else:
            self._missing("medium-ack", f"the acknowledgement of {number} through its link")
        self._step(amsterdam(27, 22, 25), "They answer Medium on the ticket, within the response deadline")
        self._answer(
            "medium-answered", number, "We zien de storing en werken eraan; update volgt binnen 30 min."
        )
        self._step(amsterdam(27, 22, 40), "Medium's Odoo answers again")
        self.stack.simulators[MEDIUM.key].clear_faults()
        if not self._timeline_has(number, "recovered"):
            self._missing("medium-recovered", f"the recovery note on {number}")
        self._arrival(
            "medium-recovery", "the recovery notice to whoever was paged", _recovery(number, "/person/")
        )

    def _large_down(self) -> None:
        self._step(amsterdam(27, 23, 30), "Large (Premium) goes down after 23:00")
        self.stack.simulators[LARGE.key].set_fault("down")
        ticket = self._ticket(
            "large-incident",
            "an A ticket for Large",
            lambda t: t["source"] == "monitoring" and t["priority"] == "A" and _of(self.api, t, LARGE.key),
        )
        if ticket is None:
            return
        number = ticket["number"]
        if self._timeline_has(number, "notification", "held until"):
            self.say.line("  the page is held: emergency pages go out between 06:00 and 23:00")
        self._step(amsterdam(28, 6), "06:00: the premium window opens")
        self._arrival("large-page", "the held page for Large", _page(number, "/person/"))
        self._step(amsterdam(28, 6, 5), "The on-call engineer acknowledges Large's page from their phone")
        page = self._found(_page(number, "/person/"))
        if page is not None and self._acknowledge_link(page, number):
            self.result.seen["large-ack"] = self.clock.now()
        else:
            self._missing("large-ack", f"the acknowledgement of {number} through its link")
        self._step(amsterdam(28, 6, 15), "They answer Large on the ticket, within the response deadline")
        self._answer("large-answered", number, "We onderzoeken de storing; u hoort binnen het uur van ons.")
        self._step(amsterdam(28, 7), "Large's Odoo answers again")
        self.stack.simulators[LARGE.key].clear_faults()
        if not self._timeline_has(number, "recovered"):
            self._missing("large-recovered", f"the recovery note on {number}")
        self._arrival("large-recovery", "the recovery notice", _recovery(number, "/person/"))

    def _weekend_and_monday(self) -> None:
        self._step(amsterdam(29, 12), "Sunday: Small's webshop is back")
        self.stack.endpoints[f"{SMALL.key}/webshop"].start()
        small = self.result.tickets.get("small-incident")
        if small and not self._timeline_has(small, "recovered"):
            self._missing("small-recovered", f"the recovery note on {small}")
        self._step(amsterdam(30, 9), "Monday 09:00: the support calendar opens")
        if small:
            self._arrival(
                "small-team-notice",
                f"the team's notice of {small}",
                lambda a: a.is_to("/tag/support-team") and small in a.subject + a.text,
            )
        self._go_to(END)
        self.say.step(self.clock.now(), "End of the scenario")
        self.say.flush()


def _page(number: str, path: str) -> Callable[[Arrival], bool]:
    return lambda a: a.channel == "webhook" and a.is_to(path) and number in a.subject + a.text


def _recovery(number: str, path: str) -> Callable[[Arrival], bool]:
    """A recovery notice (HERSTELD / RECOVERED first) to whoever was paged."""
    page = _page(number, path)
    return lambda a: page(a) and a.subject.upper().startswith(("HERSTELD", "RECOVERED"))


def _escalation(number: str) -> Callable[[Arrival], bool]:
    """An escalation page (ESCALATIE / ESCALATION in its subject) to a person on call."""
    page = _page(number, "/person/")
    return lambda a: page(a) and "escalat" in a.subject.lower()


def _of(api: CollectorClient, ticket: dict[str, Any], customer: str) -> bool:
    return any(t["number"] == ticket["number"] for t in api.tickets(customer))

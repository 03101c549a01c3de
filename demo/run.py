"""`prioritysupport demo`: start the stack, tell where to look, play the scenario, summarise, stay up."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from rich.console import Console

from demo.client import CollectorClient
from demo.customers import CUSTOMERS
from demo.narration import Narrator
from demo.scenario import DEMO_PACE, START, Pace, Scenario, ScenarioResult
from demo.stack import STAFF_USER, DemoStack
from demo.summary import print_summary


def pace_for(seconds: float) -> Pace:
    """Scale the default pace (about 180 real seconds) to roughly `seconds`; the slow rate stays within
    what real-time agent cycles can follow."""
    factor = 180.0 / seconds
    return Pace(
        slow=min(max(DEMO_PACE.slow * factor, 20.0), 240.0),
        fast=min(max(DEMO_PACE.fast * factor, 300.0), 12000.0),
        lead=DEMO_PACE.lead,
        patience=DEMO_PACE.patience,
    )


def where_to_look(stack: DemoStack) -> list[str]:
    return [
        f"Staff pages    {stack.url}/staff   (user {STAFF_USER}, password {stack.staff_password})",
        f"Web form       {stack.url}/melding",
        f"Sinks          {stack.webhooks.url}/   (mails and webhooks received)",
        f"Metrics        {stack.url}/metrics",
        f"Work folder    {stack.workdir}   (collector.db, contracts.toml, oncall.toml, agents/*/agent.log)",
    ]


def tickets_with_customers(client: CollectorClient) -> list[dict[str, Any]]:
    tickets: list[dict[str, Any]] = []
    for customer in CUSTOMERS:
        tickets += [{**t, "customer": customer.key} for t in client.tickets(customer.key)]
    return tickets


def _terminal() -> bool:
    import sys

    return sys.stdout.isatty()


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_demo(
    workdir: Path, *, exit_after: bool, realtime: bool, pace: Pace, console: Console | None = None
) -> int:
    """Returns the exit code: 0, or 1 when the scenario missed evidence it waited for."""
    from demo.clock import ScenarioClock
    from prioritysupport.clock import SystemClock

    # Piped into a file or `make`, rich would assume 80 columns and fold the summary tables.
    console = console or Console(highlight=False, width=None if _terminal() else 160)
    clock = SystemClock() if realtime else ScenarioClock(START, rate=pace.slow)
    stack = DemoStack(workdir.resolve(), clock)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the demo as cleanly as Ctrl-C
        signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    scenario: Scenario | None = None
    result = ScenarioResult()
    try:
        console.print("Starting the demo stack on 127.0.0.1 ...")
        try:
            stack.start()
        except Exception as error:  # e.g. a database error: one sentence, not a traceback
            first = str(error).strip().splitlines()[0][:200]
            console.print(
                f"The demo stack could not start ({first}): run `make demo` again, or see docs/demo.md."
            )
            return 1
        for line in where_to_look(stack):
            console.print("  " + line, soft_wrap=True)
        if realtime or not isinstance(clock, ScenarioClock):
            console.print("Running on the real clock without the scenario. Ctrl-C stops everything.")
            threading.Event().wait()
        else:
            console.print(
                "Playing the weekend: Friday 27 Nov 2026 15:00 to Monday 10:00 (Amsterdam time), "
                "told as things arrive."
            )
            scenario = Scenario(stack, clock, Narrator(), pace)
            result = scenario.run()
            print_summary(
                console,
                tickets_with_customers(CollectorClient(stack.url, stack.staff_token)),
                stack.feed.snapshot(),
            )
            if result.missing:
                console.print(f"Evidence missing for: {', '.join(result.missing)}")
            if not exit_after:
                console.print(
                    "The stack stays up (the clock now runs at real speed). Look around; Ctrl-C stops it."
                )
                threading.Event().wait()
    except KeyboardInterrupt:
        if scenario is not None:
            scenario.stop()
        console.print("\nStopping ...")
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        stack.stop()
        console.print("Demo stopped: every process and thread of the stack is down.")
    return 1 if result.missing else 0

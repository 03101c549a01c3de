"""Deadlines for 100,000 random tickets across 2026-2030, against a naive minute-by-minute anchor.

Run from the repository root:  .venv/bin/python -m bench.sla [--tickets 100000] [--sample 1000]

Both run in the same process, pinned to one core. Our code computes response and resolution deadlines
for every ticket (repeated, median reported); the anchor walks the same calendars minute by minute for a
random sample of the same tickets, and every one of its answers must equal ours exactly.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.sla.naive_walk import NaiveCalendar
from collector.policy.policy import load_policy
from collector.policy.sla import compute_deadlines
from collector.policy.triage import Category, Priority

START = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = load_policy().sla  # the shipped catalogue, loaded once for the whole run
MINUTES = int((datetime(2031, 1, 1, tzinfo=UTC) - START) / timedelta(minutes=1))


Results = list[tuple[datetime, datetime | None]]


@dataclass(frozen=True)
class Ticket:
    priority: Priority
    category: Category
    premium: bool
    registered_at: datetime


def random_tickets(count: int, seed: int) -> list[Ticket]:
    rng = random.Random(seed)
    tz = POLICY.support.tz
    categories = [Category.INCIDENT] * 3 + [Category.QUESTION, Category.CHANGE]
    return [
        Ticket(
            rng.choice(list(Priority)),
            rng.choice(categories),
            rng.random() < 0.3,
            (START + timedelta(minutes=rng.randrange(MINUTES))).astimezone(tz),
        )
        for _ in range(count)
    ]


def ours(tickets: list[Ticket]) -> Results:
    results = []
    for t in tickets:
        d = compute_deadlines(t.priority, t.category, t.premium, t.registered_at, policy=POLICY)
        results.append((d.response_due, d.resolution_due))
    return results


def anchor(tickets: list[Ticket]) -> Results:
    policy = POLICY
    naive = {name: NaiveCalendar(policy.calendar(name)) for name in ("support", "premium")}
    results = []
    for t in tickets:
        plan = policy.plan(t.priority, t.category, t.premium)
        response = naive[plan.response_calendar].add(t.registered_at, plan.response_time)
        resolution = None
        if plan.resolution_time is not None:
            resolution = naive[plan.resolution_calendar].add(t.registered_at, plan.resolution_time)
        results.append((response, resolution))
    return results


def timed(
    function: Callable[[list[Ticket]], Results], tickets: list[Ticket], repeats: int
) -> tuple[list[float], Results]:
    seconds = []
    result: Results = []
    for _ in range(repeats):
        began = time.perf_counter()
        result = function(tickets)
        seconds.append(time.perf_counter() - began)
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--anchor-repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    tickets = random_tickets(args.tickets, args.seed)
    sample = random.Random(args.seed + 1).sample(tickets, min(args.sample, len(tickets)))

    began = time.perf_counter()
    ours(tickets[:1])  # builds the calendars' interval tables once
    cold = time.perf_counter() - began
    our_seconds, our_results = timed(ours, tickets, args.repeats)
    anchor_seconds, anchor_results = timed(anchor, sample, args.anchor_repeats)

    ours_by_ticket = dict(zip(map(id, tickets), our_results, strict=True))
    disagreements = [
        (t, ours_by_ticket[id(t)], a)
        for t, a in zip(sample, anchor_results, strict=True)
        if ours_by_ticket[id(t)] != a
    ]
    our_median = statistics.median(our_seconds)
    anchor_median = statistics.median(anchor_seconds)
    our_per_ticket = our_median / len(tickets)
    anchor_per_ticket = anchor_median / len(sample)
    print(f"python {platform.python_version()}, pinned to one core, seed {args.seed}")
    print(f"interval tables (first call): {cold * 1000:.1f} ms")
    print(
        f"ours:   {len(tickets):,} tickets, median {our_median:.3f} s over {args.repeats} runs "
        f"(min {min(our_seconds):.3f}, max {max(our_seconds):.3f}); {our_per_ticket * 1e6:.2f} us/ticket"
    )
    print(
        f"anchor: {len(sample):,} tickets, median {anchor_median:.3f} s over {args.anchor_repeats} runs; "
        f"{anchor_per_ticket * 1e6:.0f} us/ticket"
    )
    print(f"per-ticket speed ratio (anchor / ours): {anchor_per_ticket / our_per_ticket:,.0f}x")
    print(f"agreement: {len(sample) - len(disagreements)}/{len(sample)} identical")
    print(f"goal 100,000 tickets under 1 s: {'met' if our_median * 100_000 / len(tickets) < 1 else 'MISSED'}")
    for ticket, mine, theirs in disagreements[:5]:
        print(f"  DISAGREE {ticket}: ours {mine} anchor {theirs}")
    if disagreements:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

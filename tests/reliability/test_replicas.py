"""Two and three `collector serve` replicas on one PostgreSQL, behind a round-robin "load balancer".

A fleet of agents reports at once; each agent's pushes go to the replicas in turn, some pushes go to two
replicas at the same moment (an agent retrying through the balancer), a third of the instances go down
and come back while their reports alternate between replicas, a few agents fall silent so every
replica's sweep finds them at once, and every replica sweeps every 0.2 s. Delivery workers run in some
replicas only. Afterwards: every report stored once, in order; one ticket per outage; one page per
ticket, delivered once, or cancelled when its outage recovered before any worker tried it; one recovery
notice per outage to whoever its page reached."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import ColumnElement, Engine, Table, func, literal_column, select, update

from alerts.tables import acknowledgements, deliveries, outbox
from collector.storage import tables as t
from collector.storage.database import make_engine
from tests.alerts.receivers import WebhookReceiver, webhook_receiver
from tests.support.components import free_port
from tests.support.postgres import postgres_server
from tests.support.replicas import NOW, ReplicaSet, fleet_report, sent_at

REPORTING = 54  # agents that report; every third has an outage
SILENT = 6  # instances whose agent has stopped: every replica's sweep finds them
REPORTS = 12  # per agent, sequence 0..11
OUTAGE = range(3, 7)  # odoo.health fails in these reports; damping 2: failing at 4, recovered at 7
DUPLICATE = 4  # every 4th push goes to two replicas at once
DEADLINE = 60.0  # seconds for the notifications to drain


def _has_outage(agent: int) -> bool:
    return agent % 3 == 0


@pytest.fixture
def engine_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def _push(session: requests.Session, url: str, token: str, body: bytes) -> int:
    answer = session.post(
        f"{url}/api/v1/reports",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    return answer.status_code


def _agent(site: ReplicaSet, agent: int, spare: ThreadPoolExecutor) -> list[tuple[int, int]]:
    """One agent, sequential as the real one: (sequence, status) for every push, duplicates included."""
    urls = [replica.url for replica in site.replicas]
    token = site.tokens[f"c{agent}"]
    statuses: list[tuple[int, int]] = []
    with requests.Session() as session, requests.Session() as other:
        for sequence in range(REPORTS):
            failing = frozenset({"odoo.health"}) if _has_outage(agent) and sequence in OUTAGE else frozenset()
            body = json.dumps(fleet_report("prod", f"agent-{agent}", sequence, failing)).encode()
            target = urls[(agent + sequence) % len(urls)]
            twin = None
            if (agent + sequence) % DUPLICATE == 0:
                second = urls[(agent + sequence + 1) % len(urls)]
                twin = spare.submit(_push, other, second, token, body)
            statuses.append((sequence, _push(session, target, token, body)))
            if twin is not None:
                statuses.append((sequence, twin.result()))
    return statuses


def _mark_silent(engine: Engine) -> None:
    silent_ids = select(t.customers.c.id).where(
        t.customers.c.key.in_([f"c{REPORTING + i}" for i in range(SILENT)])
    )
    with engine.begin() as conn:
        conn.execute(
            update(t.instances)
            .where(t.instances.c.customer_id.in_(silent_ids))
            .values(last_report_at=NOW - timedelta(hours=1))
        )


def _due_or_sending() -> ColumnElement[bool]:
    # Escalation steps wait 15 minutes of the fixed clock: never due in this test.
    return (outbox.c.state == "sending") | ((outbox.c.state == "pending") & (outbox.c.not_before <= NOW))


def _drained(engine: Engine, tickets: int) -> bool:
    with engine.connect() as conn:
        opened = conn.execute(select(func.count()).select_from(t.tickets)).scalar_one()
        open_items = conn.execute(
            select(func.count()).select_from(outbox).where(_due_or_sending())
        ).scalar_one()
    return bool(opened >= tickets and open_items == 0)


def _open_work(engine: Engine) -> str:
    with engine.connect() as conn:
        opened = conn.execute(select(func.count()).select_from(t.tickets)).scalar_one()
        items = conn.execute(
            select(outbox.c.kind, outbox.c.state, outbox.c.not_before, func.count())
            .where(_due_or_sending())
            .group_by(outbox.c.kind, outbox.c.state, outbox.c.not_before)
        ).all()
    return f"{opened} tickets; open notifications {[tuple(item) for item in items]}"


def _wait_drained(engine: Engine, tickets: int, receiver: WebhookReceiver) -> None:
    deadline = time.monotonic() + DEADLINE
    while not _drained(engine, tickets):
        assert time.monotonic() < deadline, f"not drained within the deadline: {_open_work(engine)}"
        time.sleep(0.2)
    with engine.connect() as conn:
        deliveries = sum(
            len(recipients)
            for (recipients,) in conn.execute(select(outbox.c.recipients).where(outbox.c.state == "sent"))
        )
    assert receiver.wait_for(deliveries, timeout=DEADLINE)


def _assert_reports(engine: Engine, pushes: dict[int, list[tuple[int, int]]]) -> None:
    for agent, statuses in pushes.items():
        assert {status for _, status in statuses} <= {200, 201}, (agent, statuses)
        created = Counter(sequence for sequence, status in statuses if status == 201)
        assert created == Counter(range(REPORTS)), f"agent {agent}: every report acknowledged as new once"
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.reports.c.agent_id, t.reports.c.sequence, t.reports.c.observed_at).order_by(
                t.reports.c.id
            )
        ).all()
        latest = dict(conn.execute(select(t.instances.c.customer_id, t.instances.c.last_observed_at)).all())
    by_agent: dict[str, list[tuple[int, object]]] = defaultdict(list)
    for agent_id, sequence, observed in rows:
        by_agent[agent_id].append((sequence, observed))
    assert len(rows) == REPORTING * REPORTS  # nothing lost, nothing stored twice
    for agent_id, stored in by_agent.items():
        # Stored in sequence order, each dated by its own sent_at: no state ever went backwards.
        assert stored == [(n, sent_at(n)) for n in range(REPORTS)], agent_id
    assert sorted(v for v in latest.values() if v is not None) == [sent_at(REPORTS - 1)] * REPORTING


def _assert_flips(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.customers.c.key, t.conditions.c.check_key, t.conditions.c.state, t.flips)
            .join(t.instances, t.instances.c.customer_id == t.customers.c.id)
            .join(t.conditions, t.conditions.c.instance_id == t.instances.c.id)
            .join(t.flips, t.flips.c.condition_id == t.conditions.c.id)
            .where(t.customers.c.key.in_([f"c{a}" for a in range(REPORTING)]))
            .order_by(t.flips.c.id)
        ).all()
    history: dict[tuple[str, str], list[tuple[str, str, object]]] = defaultdict(list)
    for row in rows:
        assert row.state == "recovered", f"{row.key} {row.check_key} ends {row.state}"
        history[(row.key, row.check_key)].append((row.old_state, row.new_state, row.at))
    expected = [("ok", "failing", sent_at(OUTAGE[1])), ("failing", "recovered", sent_at(OUTAGE[-1] + 1))]
    outages = {f"c{a}" for a in range(REPORTING) if _has_outage(a)}
    assert {key for key, _ in history} == outages
    for (key, check), flips in history.items():
        assert check in ("odoo.availability", "odoo.health"), (key, check)
        assert flips == expected, (key, check, flips)


def _story(engine: Engine, number: str) -> str:
    """Everything stored about one ticket's notifications, in write order: `xmin` is the writing
    transaction (the fixed clock dates every row alike), ids give the order within a table."""

    def xmin(table: Table) -> ColumnElement[int]:
        return literal_column(f"{table.name}.xmin::text::bigint").label("xmin")

    with engine.connect() as conn:
        ticket_id = conn.execute(select(t.tickets.c.id).where(t.tickets.c.number == number)).scalar_one()
        sections = {
            "events": select(
                xmin(t.ticket_events), t.ticket_events.c.id, t.ticket_events.c.kind, t.ticket_events.c.body
            )
            .where(t.ticket_events.c.ticket_id == ticket_id)
            .order_by(t.ticket_events.c.id),
            "outbox": select(
                xmin(outbox),
                outbox.c.id,
                outbox.c.kind,
                outbox.c.state,
                outbox.c.recipients,
                outbox.c.attempts,
                outbox.c.last_error,
            )
            .where(outbox.c.subject_ref == number)
            .order_by(outbox.c.id),
            "deliveries": select(
                xmin(deliveries),
                deliveries.c.id,
                deliveries.c.notification_id,
                deliveries.c.recipient,
                deliveries.c.status,
            )
            .join(outbox, outbox.c.id == deliveries.c.notification_id)
            .where(outbox.c.subject_ref == number)
            .order_by(deliveries.c.id),
            "chain ends": select(xmin(acknowledgements), acknowledgements.c.id, acknowledgements.c.via)
            .where(acknowledgements.c.subject_ref == number)
            .order_by(acknowledgements.c.id),
        }
        lines = [f"ticket {number}:"]
        for name, query in sections.items():
            lines.append(f"  {name}:")
            lines.extend(f"    {tuple(row)}" for row in conn.execute(query))
    return "\n".join(lines)


def _recovered_tickets(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(t.tickets.c.number)
                .join(t.ticket_events, t.ticket_events.c.ticket_id == t.tickets.c.id)
                .where(t.ticket_events.c.kind == "recovered")
            ).scalars()
        )


def _page_and_recovery_disagree(page: Any, recoveries: int, recovered: bool) -> bool:
    """Whether a ticket breaks the rule: one recovery notice to whoever its page reached, none if it
    reached nobody. Reports arrive faster than a worker gets to a page in a busy queue (a page stored
    by the replica without a worker waits for another replica's poll), so an outage may recover while
    its page still waits for its first attempt: the recovery cancels that page and nobody was paged.
    A page already being sent when the recovery came counts as paged: its recovery notice follows."""
    if not recovered:  # a silent agent: paged, the chain waits on the fixed clock
        return not (page.state == "sent" and recoveries == 0)
    if page.state == "cancelled":
        return not (page.last_error == "recovered" and recoveries == 0)
    return not (page.state == "sent" and recoveries == 1)


def _assert_tickets_and_pages(engine: Engine, receiver: WebhookReceiver) -> None:
    outages = sum(1 for a in range(REPORTING) if _has_outage(a))
    with engine.connect() as conn:
        tickets = conn.execute(select(t.tickets.c.number, t.tickets.c.external_key)).all()
        items = conn.execute(
            select(
                outbox.c.kind, outbox.c.subject_ref, outbox.c.state, outbox.c.recipients, outbox.c.last_error
            )
        ).all()
    assert len(tickets) == outages + SILENT  # one ticket per outage and per silent agent
    assert len({external for _, external in tickets}) == len(tickets)
    numbers = sorted(number for number, _ in tickets)
    # One counter for every replica: numbers in one series without gaps or repeats.
    assert numbers == [f"PS-2026-{n:05d}" for n in range(1, len(tickets) + 1)]
    assert Counter(item.subject_ref for item in items if item.kind == "page") == Counter(numbers)
    pages = {item.subject_ref: item for item in items if item.kind == "page"}  # exactly one per ticket
    recoveries = Counter(item.subject_ref for item in items if item.kind == "recovery")
    recovered = _recovered_tickets(engine)
    assert len(recovered) == outages
    # One recovery notice per outage to whoever was paged, also when the recovery overtook the page's
    # delivery (another replica's worker still sending it); none when the page had reached nobody.
    wrong = [n for n in numbers if _page_and_recovery_disagree(pages[n], recoveries[n], n in recovered)]
    assert wrong == [], "\n".join(_story(engine, number) for number in wrong)
    assert all(item.recipients == ["oncall-primary"] for item in items if item.kind == "recovery")
    states = Counter((item.kind, item.state) for item in items)
    # Outages that recovered ended their chains; the silent agents' chains wait on the clock.
    assert {state for kind, state in states if kind not in ("page", "escalation")} == {"sent"}
    assert states[("escalation", "pending")] == 2 * SILENT
    # Delivered once each, whichever replica's worker claimed it: the sink saw one call per recipient,
    # and nothing for a cancelled page.
    delivered = Counter(path for path, _, _ in receiver.received)
    wanted: Counter[str] = Counter()
    for item in (item for item in items if item.state == "sent"):
        wanted.update(f"/{recipient}" for recipient in item.recipients)
    assert delivered == wanted
    paged = states[("page", "sent")]
    assert delivered["/oncall-primary"] == paged + sum(recoveries.values())  # the pages and recoveries


@pytest.mark.parametrize("workers", [[True, True], [True, False, True]], ids=["2-replicas", "3-replicas"])
def test_replicas_on_one_database_keep_every_rule(
    engine_url: str, tmp_path: Path, workers: list[bool]
) -> None:
    started = time.monotonic()
    with webhook_receiver(free_port()) as receiver:
        site = ReplicaSet(tmp_path, engine_url, receiver.port)
        site.prepare(REPORTING + SILENT, workers)
        engine = make_engine(engine_url)
        _mark_silent(engine)
        site.start()
        try:
            with ThreadPoolExecutor(REPORTING) as agents, ThreadPoolExecutor(REPORTING) as spare:
                jobs = {a: agents.submit(_agent, site, a, spare) for a in range(REPORTING)}
                pushes = {a: job.result() for a, job in jobs.items()}
            outages = sum(1 for a in range(REPORTING) if _has_outage(a))
            _wait_drained(engine, outages + SILENT, receiver)
            time.sleep(1.0)  # a few more sweeps in every replica: they must change nothing
            _wait_drained(engine, outages + SILENT, receiver)
            _assert_reports(engine, pushes)
            _assert_flips(engine)
            _assert_tickets_and_pages(engine, receiver)
            # Sweeps take turns and every writer locks instances in one order: no deadlock, no failure.
            assert "periodic task failed" not in site.logs()
        except Exception:
            print("\n".join(line for line in site.logs().splitlines() if "apprise" not in line)[-8000:])
            raise
        finally:
            site.stop()
            engine.dispose()
    assert time.monotonic() - started < 90

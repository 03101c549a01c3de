"""After a collector outage, spooled reports are dated when the agent observed them, within bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from collector.ingest.observed import GRACE, observation_time
from collector.service import Collector
from collector.storage import tables as t
from prioritysupport.clock import FixedClock
from tests.collector.conftest import FRIDAY_NOON, LiveServer, failing, report, token_for
from tests.reliability.figures import record

OUTAGE = timedelta(hours=3)


def _iso(at: datetime) -> str:
    return at.isoformat()


def test_an_outage_is_dated_when_the_agent_saw_it(
    collector: Collector, live: LiveServer, clock: FixedClock
) -> None:
    seen = [FRIDAY_NOON + timedelta(minutes=minute) for minute in (0, 1)]
    clock.set(FRIDAY_NOON + OUTAGE)  # the collector comes back; the agent replays its spool
    headers = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    with httpx.Client(base_url=live.url, headers=headers, timeout=30) as client:
        for at in seen:
            answer = client.post("/api/v1/reports", json=report(checks=[failing()], sent_at=_iso(at)))
            assert answer.status_code == 201, answer.text
    with collector.engine.connect() as conn:
        condition = conn.execute(select(t.conditions)).one()
        flip = conn.execute(select(t.flips.c.at).order_by(t.flips.c.id.desc())).scalars().first()
        ticket = conn.execute(select(t.tickets.c.registered_at)).scalar_one()
        stored = conn.execute(select(t.reports.c.received_at, t.reports.c.observed_at)).all()
    record(
        "outage_dating",
        outage_seconds=OUTAGE.total_seconds(),
        flip_late_seconds=((flip - seen[1]).total_seconds() if flip else None),
        ticket_late_seconds=(ticket - seen[1]).total_seconds(),
    )
    assert condition.state == "failing" and condition.since == seen[1]  # damping 2: the second report flips
    assert flip == seen[1]
    assert ticket == seen[1]
    assert {row.received_at for row in stored} == {FRIDAY_NOON + OUTAGE}
    assert sorted(row.observed_at for row in stored) == seen


def test_bounds_on_the_agents_clock() -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    ahead = observation_time(now + timedelta(hours=5), now, None)
    assert ahead.at == now and ahead.bounded and ahead.skew_seconds == 5 * 3600
    slightly_ahead = observation_time(now + GRACE / 2, now, None)
    assert slightly_ahead.at == now and not slightly_ahead.bounded
    late = observation_time(now - timedelta(hours=1), now, None)
    assert late.at == now - timedelta(hours=1) and not late.bounded
    before_previous = observation_time(now - timedelta(hours=1), now, now - timedelta(minutes=30))
    assert before_previous.at == now - timedelta(minutes=30) and before_previous.bounded
    assert before_previous.skew_seconds == -30 * 60


def test_a_report_is_never_dated_before_the_previous_one(collector: Collector, clock: FixedClock) -> None:
    with collector.engine.connect() as conn:
        instance = conn.execute(
            select(t.instances)
            .join(t.customers, t.customers.c.id == t.instances.c.customer_id)
            .where((t.instances.c.name == "prod") & (t.customers.c.key == "acme"))
        ).one()
    clock.set(FRIDAY_NOON + OUTAGE)
    later, earlier = FRIDAY_NOON + timedelta(hours=1), FRIDAY_NOON  # the agent's clock jumped back
    for at in (later, earlier):
        collector.ingest_now(report(sent_at=_iso(at)), instance.customer_id, instance.id)
    with collector.engine.connect() as conn:
        observed = conn.execute(select(t.reports.c.observed_at).order_by(t.reports.c.id)).scalars().all()
        last = conn.execute(select(t.instances.c.last_observed_at).where(t.instances.c.id == instance.id))
        assert last.scalar_one() == later
    assert observed == [later, later]

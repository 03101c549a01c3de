"""Odoo stopped and back, seen by an agent pushing to a real collector: one outage, exactly one ticket."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from agent.runner import Agent
from collector.storage import tables as t
from prioritysupport.clock import FixedClock
from tests.collector.conftest import FRIDAY_NOON, LiveServer, make_collector, token_for
from tests.support.odoo_real import OdooStack
from tests.support.odoo_real_agent import agent_config, statuses, without_counts

SERVES = ("odoo.login_page", "odoo.version", "odoo.health")


def test_one_outage_opens_exactly_one_ticket(up: OdooStack, tmp_path: Path) -> None:
    collector = make_collector(f"sqlite:///{tmp_path / 'collector.db'}", FixedClock(FRIDAY_NOON))
    try:
        with LiveServer(collector) as live:
            token = token_for(collector, "acme")  # the contracts' customer, instance "prod"
            config = agent_config(
                tmp_path / "agent",
                up,
                instance={"timeout": 5.0},
                collector={"url": f"{live.url}/api/v1/reports", "token": token, "timeout": 30},
            )
            agent = without_counts(Agent(config, push=True))
            clock = [0.0]
            agent.monotonic = lambda: clock[0]

            def cycle() -> dict[str, str]:
                clock[0] += 3600.0  # every check is due again (an injected clock, no sleeping)
                [report] = agent.run_due()
                return statuses(report)

            assert cycle()["odoo.login_page"] == "ok"
            up.stop_odoo()
            try:
                outage = [cycle() for _ in range(3)]
            finally:
                up.start_odoo()
            for seen in outage:
                assert {key: seen[key] for key in SERVES} == dict.fromkeys(SERVES, "failing"), seen
                assert seen["odoo.read"] != "ok", seen
            recovered = cycle()
            back = (*SERVES, "odoo.read", "odoo.authentication")
            assert all(recovered[key] == "ok" for key in back), recovered
            assert agent.spool.pending() == []  # every report was accepted
            with collector.engine.connect() as conn:
                tickets = conn.execute(select(t.tickets.c.id, t.tickets.c.subject)).all()
                reports = conn.execute(select(t.reports.c.id)).all()
            assert len(reports) == 5
            assert len(tickets) == 1, tickets
    finally:
        collector.engine.dispose()

"""Metrics for ops (deploy/prometheus/rules/alerts.yml): tickets at risk, the breach counter, and the
business time to the first response."""

from __future__ import annotations

from collector.service import Collector
from collector.storage.after_commit import transaction
from prioritysupport.clock import FixedClock
from tests.collector.tickets.test_tickets import local, open_ticket


def sample(collector: Collector, name: str, **labels: str) -> float | None:
    return collector.registry.get_sample_value(name, labels)


def test_at_risk_breaches_and_business_response_time(collector: Collector, clock: FixedClock) -> None:
    clock.set(local(2026, 11, 27, 16, 30))  # globex, standard A: response due Monday 10:30 (2 business hours)
    answered, silent = open_ticket(collector), open_ticket(collector)
    at_risk = {"customer": "globex", "priority": "A"}
    assert sample(collector, "prioritysupport_tickets_at_risk", **at_risk) == 0
    assert sample(collector, "prioritysupport_tickets_at_risk", customer="acme", priority="D") == 0

    clock.set(local(2026, 11, 30, 10, 15))  # past 75% of the target, before the deadline
    assert sample(collector, "prioritysupport_tickets_at_risk", **at_risk) == 2
    with transaction(collector.engine) as conn:
        collector.tickets.first_response(conn, answered, actor="anne", body="We are on it.")
        collector.tickets.first_response(conn, answered, actor="anne", body="A second reply counts not.")
    assert sample(collector, "prioritysupport_tickets_at_risk", **at_risk) == 1
    histogram = "prioritysupport_ticket_response_business_seconds"
    assert sample(collector, f"{histogram}_count", **at_risk) == 1
    assert sample(collector, f"{histogram}_sum", **at_risk) == (30 + 75) * 60  # Friday 30 min, Monday 75

    breaches = "prioritysupport_sla_breaches_total"
    assert sample(collector, breaches, customer="globex", target="response", priority="A") == 0
    clock.set(local(2026, 11, 30, 10, 45))
    with transaction(collector.engine) as conn:
        assert collector.tickets.refresh_breaches(conn) == 1
    assert sample(collector, breaches, customer="globex", target="response", priority="A") == 1
    assert sample(collector, breaches, customer="globex", target="resolution", priority="A") == 0
    assert silent

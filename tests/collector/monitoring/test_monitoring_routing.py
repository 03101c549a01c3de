"""From failing checks to tickets and notifications, with the clock injected (policy sections 8 and 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from alerts.tables import acknowledgements, outbox
from collector.monitoring.maintenance import add_window
from collector.service import Collector
from collector.storage import tables as t
from collector.storage.after_commit import transaction
from prioritysupport.clock import FixedClock
from tests.collector.conftest import failing, report

AMS = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS).astimezone(UTC)


def ids(collector: Collector, customer: str, instance: str = "prod") -> tuple[int, int]:
    with collector.engine.connect() as conn:
        row = conn.execute(
            select(t.customers.c.id, t.instances.c.id.label("instance_id"))
            .join(t.instances, t.instances.c.customer_id == t.customers.c.id)
            .where((t.customers.c.key == customer) & (t.instances.c.name == instance))
        ).one()
    return int(row.id), int(row.instance_id)


def send(collector: Collector, customer: str, checks: list[dict[str, Any]]) -> None:
    customer_id, instance_id = ids(collector, customer)
    collector.ingest_now(report(checks=checks), customer_id, instance_id)


def tickets(collector: Collector) -> list[Any]:
    with collector.engine.connect() as conn:
        return list(conn.execute(select(t.tickets).order_by(t.tickets.c.id)))


def notifications(collector: Collector, kind: str | None = None) -> list[Any]:
    with collector.engine.connect() as conn:
        query = select(outbox).order_by(outbox.c.id)
        if kind:
            query = query.where(outbox.c.kind == kind)
        return list(conn.execute(query))


def test_failing_check_opens_exactly_one_ticket_with_matrix_priority(collector: Collector) -> None:
    send(collector, "acme", [failing()])
    assert tickets(collector) == []  # damped: one failure is a blip
    send(collector, "acme", [failing()])
    send(collector, "acme", [failing()])
    opened = tickets(collector)
    assert len(opened) == 1
    ticket = opened[0]
    assert ticket.number == "PS-2026-00001"
    assert (ticket.category, ticket.impact, ticket.scope, ticket.priority) == (
        "incident",
        "high",
        "organisation",
        "A",
    )
    # Premium customer, registered Friday 12:00: response 1 hour (premium calendar), resolution 1 working day.
    now = collector.clock.now()
    assert ticket.response_due == now + timedelta(hours=1)
    assert ticket.resolution_due == local(2026, 11, 30, 12, 0)
    with collector.engine.connect() as conn:
        flips = conn.execute(select(t.flips.c.old_state, t.flips.c.new_state)).all()
    assert [tuple(f) for f in flips] == [("ok", "failing")]
    rules = {n.kind for n in notifications(collector)}
    assert rules == {"page", "incident_notice"}


def test_recovery_adds_a_note_and_a_new_failure_reuses_the_open_ticket(collector: Collector) -> None:
    send(collector, "acme", [failing()])
    send(collector, "acme", [failing()])
    send(collector, "acme", [{"key": "odoo.login", "kind": "login_page", "status": "ok"}])
    send(collector, "acme", [failing()])
    send(collector, "acme", [failing()])
    assert len(tickets(collector)) == 1
    with collector.engine.connect() as conn:
        kinds = conn.execute(select(t.ticket_events.c.kind)).scalars().all()
    assert "recovered" in kinds and "relapse" in kinds


def test_premium_page_at_2259_goes_at_once(collector: Collector, clock: FixedClock) -> None:
    clock.set(local(2026, 11, 27, 22, 59))
    send(collector, "acme", [failing("odoo.health", "health", detail="down")])
    send(collector, "acme", [failing("odoo.health", "health", detail="down")])
    page = notifications(collector, "page")[0]
    assert page.not_before == clock.now()
    assert [step[1] for step in page.escalation] == [["oncall-secondary"], ["support-manager"]]


def test_premium_page_at_2301_is_held_until_0600(collector: Collector, clock: FixedClock) -> None:
    clock.set(local(2026, 11, 27, 23, 1))
    send(collector, "acme", [failing("odoo.health", "health")])
    send(collector, "acme", [failing("odoo.health", "health")])
    page = notifications(collector, "page")[0]
    assert page.not_before == local(2026, 11, 28, 6, 0)
    with collector.engine.connect() as conn:
        bodies = conn.execute(
            select(t.ticket_events.c.body).where(t.ticket_events.c.kind == "notification")
        ).scalars()
        assert any("premium-emergency-page" in b and "held until" in b for b in bodies)


def test_standard_incident_friday_1705_reaches_the_team_monday_0900(
    collector: Collector, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 27, 17, 5))
    send(collector, "globex", [failing()])
    send(collector, "globex", [failing()])
    assert notifications(collector, "page") == []
    notice = notifications(collector, "team_notice")[0]
    assert notice.recipients == ["support-team"]
    assert notice.not_before == local(2026, 11, 30, 9, 0)
    # The customer notice is not held: customers hear about their incident at once.
    assert notifications(collector, "incident_notice")[0].not_before == clock.now()


def test_maintenance_window_suppresses_then_opens(collector: Collector, clock: FixedClock) -> None:
    customer_id, _ = ids(collector, "acme")
    start = clock.now()
    with transaction(collector.engine) as conn:
        add_window(conn, customer_id, None, start, start + timedelta(hours=2), "upgrade", start)
    send(collector, "acme", [failing()])
    send(collector, "acme", [failing()])
    collector.tick()
    assert tickets(collector) == [] and notifications(collector) == []
    clock.advance(timedelta(hours=2))
    collector.monitor.probe = lambda _url, _timeout: True  # the agent is quiet, the instance answers
    collector.tick()
    assert [ticket.subject for ticket in tickets(collector)] == ["prod: odoo.login failing"]
    assert len(notifications(collector, "page")) == 1


def test_staff_action_acknowledges_the_page(collector: Collector) -> None:
    send(collector, "acme", [failing()])
    send(collector, "acme", [failing()])
    number = tickets(collector)[0].number
    with transaction(collector.engine) as conn:
        collector.tickets.start_work(conn, number, actor="anne")
    with collector.engine.connect() as conn:
        acks = conn.execute(select(acknowledgements.c.by, acknowledgements.c.subject_ref)).all()
    assert [tuple(a) for a in acks] == [("anne", number)]


def test_silent_agent_probe_down_opens_an_a_incident(collector: Collector, clock: FixedClock) -> None:
    send(collector, "globex", [])
    clock.advance(timedelta(minutes=10))
    collector.monitor.probe = lambda _url, _timeout: False
    assert collector.tick()["silent_agents"] == 1
    opened = tickets(collector)
    assert len(opened) == 1 and opened[0].priority == "A"
    # The probe is a member of the availability condition: that condition carries the ticket.
    assert "odoo.availability" in opened[0].subject and "collector.probe" in opened[0].description
    assert collector.tick()["silent_agents"] == 0  # probed once per silence


def test_silent_agent_probe_up_is_an_internal_notice_only(collector: Collector, clock: FixedClock) -> None:
    send(collector, "globex", [])
    clock.advance(timedelta(minutes=10))
    collector.monitor.probe = lambda _url, _timeout: True
    collector.tick()
    assert tickets(collector) == []
    notice = notifications(collector, "team_notice")[0]
    assert notice.recipients == ["support-team"] and notice.subject_ref == "instance:globex/prod"


def test_prebreach_warning_at_75_percent_of_the_response_target(
    collector: Collector, clock: FixedClock
) -> None:
    send(collector, "globex", [failing()])
    send(collector, "globex", [failing()])  # standard A: response in 2 hours, warning after 1h30
    clock.advance(timedelta(minutes=89))
    assert collector.tick()["prebreach_warnings"] == 0
    clock.advance(timedelta(minutes=1))
    assert collector.tick()["prebreach_warnings"] == 1
    assert collector.tick()["prebreach_warnings"] == 0
    assert [n.values["rule"] for n in notifications(collector, "team_notice")][-1] == "sla-prebreach"


def test_timeline_shows_events_and_deliveries(collector: Collector) -> None:
    from datetime import UTC

    from alerts.tables import deliveries
    from collector.tickets.timeline import ticket_timeline

    send(collector, "acme", [failing()])
    send(collector, "acme", [failing()])
    number = tickets(collector)[0].number
    page_id = notifications(collector, "page")[0].id
    with collector.engine.begin() as conn:  # what the delivery worker records after sending
        conn.execute(
            deliveries.insert().values(
                notification_id=page_id,
                recipient="oncall-primary",
                target_key="k",
                target="json://...",
                channel="json",
                attempt=1,
                status="sent",
                detail="",
                at=collector.clock.now().astimezone(UTC),
            )
        )
    with collector.engine.connect() as conn:
        kinds = [entry.kind for entry in ticket_timeline(conn, collector.tickets, collector.outbox, number)]
    assert kinds[0] == "created" and "notification" in kinds and kinds[-1] == "delivery"


def test_integration_override_sets_the_priority(sqlite_url: str, clock: FixedClock) -> None:
    from tests.collector.conftest import make_collector

    built = make_collector(sqlite_url, clock, integration_overrides={"webshop": ("high", "organisation")})
    check = failing("integration:webshop", "http", integration="webshop")
    send(built, "acme", [check])
    send(built, "acme", [check])
    other = failing("integration:erp-sync", "http", integration="erp-sync")
    send(built, "acme", [other])
    send(built, "acme", [other])
    assert [(ticket.subject, ticket.priority) for ticket in tickets(built)] == [
        ("prod: integration webshop failing (integration:webshop)", "A"),
        ("prod: integration erp-sync failing (integration:erp-sync)", "C"),
    ]
    built.engine.dispose()


def test_http_probe_tells_up_from_down() -> None:
    from collector.monitoring.monitor import http_probe
    from demo.sinks import WebhookReceiver
    from tests.support.components import free_port

    receiver = WebhookReceiver().start()
    try:
        assert http_probe(receiver.url + "/", 2.0)
    finally:
        receiver.stop()
    assert not http_probe(f"http://127.0.0.1:{free_port()}/", 2.0)

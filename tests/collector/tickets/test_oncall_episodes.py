"""An outage's life on call: relapses page again, recovery and closing end the chain, one acknowledgement
per episode assigns the ticket, the nearly-due notice goes to the assignee first, an integration failing
because its Odoo is down opens nothing of its own, and the customer hears of the recovery."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from alerts.tables import acknowledgements, outbox
from collector.helpdesk.staff.accounts import create_user
from collector.service import Collector
from collector.storage.after_commit import transaction
from collector.storage.helpdesk_tables import assignments
from demo.sinks import WebhookReceiver
from prioritysupport.clock import FixedClock
from tests.collector.monitoring.test_condition_groups import DOWN, all_ok, ticket_events
from tests.collector.monitoring.test_monitoring_routing import notifications, send, tickets
from tests.collector.tickets.test_oncall_ack import hook, wired  # noqa: F401 (fixtures)

INTEGRATION_DOWN = {
    "key": "integration:webshop",
    "kind": "integration",
    "status": "failing",
    "detail": "webshop: connection refused",
    "integration": "webshop",
}


def down(collector: Collector, *extra: dict[str, Any]) -> None:
    send(collector, "acme", [*DOWN, *extra])
    send(collector, "acme", [*DOWN, *extra])


def by_rule(collector: Collector) -> list[str]:
    return [str(n.values.get("rule")) for n in notifications(collector)]


def test_a_relapse_pages_again_and_says_so(collector: Collector) -> None:
    down(collector)
    send(collector, "acme", all_ok())
    down(collector)
    [ticket] = tickets(collector)
    pages = notifications(collector, "page")
    assert len(pages) == 2, "the relapse pages again"
    assert pages[1].values["relapse_of"] == ticket.number and pages[1].escalation  # the same chain
    assert by_rule(collector).count("team-relapse-notice") == 1  # the team hears of it too
    relapse_notice = [n for n in notifications(collector, "incident_notice") if n.values.get("relapse_of")]
    assert len(relapse_notice) == 1 and relapse_notice[0].recipients == ["mailto:jan@acme.example"]
    assert [body.split(":")[0] for body in ticket_events(collector, "relapse")] == ["relapse"]


def test_each_episode_announces_its_recovery_once(collector: Collector) -> None:
    down(collector)
    send(collector, "acme", all_ok())
    down(collector)
    send(collector, "acme", all_ok())
    assert by_rule(collector).count("recovery-to-team") == 2  # one per episode
    [ticket] = tickets(collector)
    # A second recovery note in the same episode (say Alertmanager's resolved) announces nothing more.
    with transaction(collector.engine) as conn:
        collector.tickets.event(conn, ticket.id, "recovered", "Alertmanager: Down resolved")
        collector.monitor.announce_recovery(conn, ticket, ticket.customer_id, "resolved")
    assert by_rule(collector).count("recovery-to-team") == 2


def test_a_held_relapse_notes_but_pages_nobody(collector: Collector, clock: FixedClock) -> None:
    from collector.monitoring.maintenance import add_window

    down(collector)
    send(collector, "acme", all_ok())
    [ticket] = tickets(collector)
    with transaction(collector.engine) as conn:
        add_window(
            conn, ticket.customer_id, None, clock.now(), clock.now() + timedelta(hours=1), "work", clock.now()
        )
    down(collector)
    assert len(notifications(collector, "page")) == 1 and len(ticket_events(collector, "relapse")) == 1


def test_the_customer_who_got_the_incident_notice_hears_of_the_recovery(collector: Collector) -> None:
    down(collector)
    send(collector, "acme", all_ok())
    [notice] = notifications(collector, "incident_recovered")
    assert notice.recipients == ["mailto:jan@acme.example"]


def test_recovery_ends_the_escalation(wired: Collector, clock: FixedClock, hook: WebhookReceiver) -> None:  # noqa: F811
    from collector.delivery import build_delivery_worker

    worker = build_delivery_worker(wired.config.notifications, wired.outbox)
    assert worker is not None
    down(wired)
    worker.run_once()
    assert [p.path for p in hook.snapshot()] == ["/anna"]
    clock.advance(timedelta(minutes=5))
    send(wired, "acme", all_ok())
    clock.advance(timedelta(minutes=40))
    worker.run_once()
    paths = [p.path for p in hook.snapshot()]
    assert "/bram" not in paths, "no ESCALATIE after the recovery"
    assert paths == ["/anna", "/anna"]  # the page, then its recovery
    assert "Hersteld" in str(hook.snapshot()[1].body)


def test_resolving_ends_the_escalation(wired: Collector, clock: FixedClock, hook: WebhookReceiver) -> None:  # noqa: F811
    from collector.delivery import build_delivery_worker

    worker = build_delivery_worker(wired.config.notifications, wired.outbox)
    assert worker is not None
    down(wired)
    worker.run_once()  # the page goes out and schedules its escalation steps
    [ticket] = tickets(wired)
    with transaction(wired.engine) as conn:
        wired.tickets.resolve(conn, ticket.number, actor="system", body="restarted")
    escalations = notifications(wired, "escalation")
    assert escalations and all(e.state == "cancelled" for e in escalations)
    clock.advance(timedelta(minutes=40))
    worker.run_once()
    assert [p.path for p in hook.snapshot()] == ["/anna"]


def test_one_acknowledgement_per_episode_notes_and_assigns(collector: Collector, clock: FixedClock) -> None:
    down(collector)
    [ticket] = tickets(collector)
    first = collector.outbox.acknowledge_once(ticket.number, "Anna", via="link")
    again = collector.outbox.acknowledge_once(ticket.number, "Mallory", via="link")
    assert first.status == "acknowledged" and (again.status, again.by, again.at) == (
        "already",
        "Anna",
        first.at,
    )
    with collector.engine.connect() as conn:
        acks = conn.execute(select(acknowledgements.c.by)).scalars().all()
        assigned = conn.execute(select(assignments.c.username)).scalars().all()
    assert acks == ["Anna"], "a replayed link writes nothing"
    assert assigned == ["Anna"]
    assert ticket_events(collector, "acknowledged") == ["page acknowledged by Anna"]
    # A relapse is a new episode: it can be acknowledged again; the assignment stays.
    clock.advance(timedelta(minutes=10))
    send(collector, "acme", all_ok())
    clock.advance(timedelta(minutes=10))
    down(collector)
    assert collector.outbox.acknowledge_once(ticket.number, "Bram", via="link").status == "acknowledged"
    with collector.engine.connect() as conn:
        assert conn.execute(select(assignments.c.username)).scalars().all() == ["Anna"]


def test_acknowledging_assigns_to_the_matching_staff_account(collector: Collector) -> None:
    with transaction(collector.engine) as conn:
        create_user(
            conn, "anna", "a-long-enough-password", "engineer", collector.clock.now(), display_name="Anna"
        )
    down(collector)
    [ticket] = tickets(collector)
    collector.outbox.acknowledge_once(ticket.number, "Anna", via="link")
    with collector.engine.connect() as conn:
        assert conn.execute(select(assignments.c.username)).scalars().all() == ["anna"]


def test_the_nearly_due_notice_goes_to_the_assignee_first(collector: Collector, clock: FixedClock) -> None:
    with transaction(collector.engine) as conn:
        create_user(
            conn,
            "anna",
            "a-long-enough-password",
            "engineer",
            clock.now(),
            display_name="Anna",
            email="anna@x.example",
        )
    down(collector)
    [ticket] = tickets(collector)
    collector.outbox.acknowledge_once(ticket.number, "anna", via="staff-page")
    clock.set(ticket.prebreach_at)
    collector.tick()
    notices = [
        n for n in notifications(collector, "team_notice") if n.values.get("occasion") == "sla_prebreach"
    ]
    by_recipient = {tuple(n.recipients): n for n in notices}
    assert set(by_recipient) == {("mailto:anna@x.example",), ("support-team",)}
    assert by_recipient[("mailto:anna@x.example",)].not_before == clock.now()
    team = by_recipient[("support-team",)]
    assert (
        team.not_before == clock.now() + (ticket.response_due - clock.now()) / 2
    )  # only if still unanswered
    with transaction(collector.engine) as conn:
        collector.tickets.first_response(conn, ticket.number, actor="anna", body="We are on it")
    with collector.engine.connect() as conn:
        assert conn.execute(select(outbox.c.state).where(outbox.c.id == team.id)).scalar() == "cancelled"


def test_an_unassigned_nearly_due_ticket_tells_the_team_at_once(
    collector: Collector, clock: FixedClock
) -> None:
    down(collector)
    [ticket] = tickets(collector)
    clock.set(ticket.prebreach_at)
    collector.tick()
    [notice] = [
        n for n in notifications(collector, "team_notice") if n.values.get("occasion") == "sla_prebreach"
    ]
    assert notice.recipients == ["support-team"] and notice.not_before == clock.now()


def test_an_integration_failing_while_its_odoo_is_down_is_noted_not_ticketed(collector: Collector) -> None:
    down(collector, INTEGRATION_DOWN)
    send(collector, "acme", [*DOWN, INTEGRATION_DOWN])
    [outage] = tickets(collector)
    notes = [b for b in ticket_events(collector, "condition") if "integration webshop" in b]
    assert len(notes) == 1 and "explained by this outage" in notes[0], "noted once on the outage's ticket"
    # Odoo back, the webshop still failing: now it is its own problem and gets its own ticket.
    send(collector, "acme", [*all_ok(), INTEGRATION_DOWN])
    subjects = [x.subject for x in tickets(collector)]
    assert subjects[0] == outage.subject and len(subjects) == 2 and "webshop" in subjects[1]

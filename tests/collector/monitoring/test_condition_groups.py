"""One incident per outage: availability checks grouped into one condition per instance (policy section 8)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from collector.monitoring.alertmanager import AmAlert, handle_alert
from collector.monitoring.classification import HIGH_ORG, LOW_ONE, MEDIUM_MULTI, MEDIUM_ORG, worst
from collector.monitoring.condition_groups import (
    AVAILABILITY,
    PROBE_KEY,
    MemberStatus,
    group_of,
    quieted_by,
    verdict,
)
from collector.monitoring.maintenance import add_window
from collector.service import Collector
from collector.storage import tables as t
from collector.storage.after_commit import transaction
from prioritysupport.clock import FixedClock
from tests.collector.monitoring.test_monitoring_routing import ids, notifications, send, tickets

DOWN = [
    {"key": "odoo.login_page", "kind": "login_page", "status": "failing", "detail": "HTTP 502"},
    {"key": "odoo.version", "kind": "version", "status": "failing", "detail": "connection refused"},
    {"key": "odoo.health", "kind": "health", "status": "failing", "detail": "HTTP 502"},
    {"key": "odoo.read", "kind": "read", "status": "unknown", "detail": "not tried"},
    {"key": "odoo.latency", "kind": "latency", "status": "failing", "detail": "no answer in 10 s"},
    {"key": "odoo.authentication", "kind": "authentication", "status": "failing", "detail": "no answer"},
]
MEMBERS = ("odoo.login_page", "odoo.version", "odoo.health", "odoo.read", "odoo.database")


def check(key: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": key.split(".", 1)[1], "status": status, **extra}


def all_ok(*, latency: str = "ok") -> list[dict[str, Any]]:
    return [check(key, "ok") for key in MEMBERS] + [
        check("odoo.latency", latency),
        check("odoo.authentication", "ok"),
    ]


def flips_of(collector: Collector, key: str) -> list[tuple[str, str]]:
    with collector.engine.connect() as conn:
        rows = conn.execute(
            select(t.flips.c.old_state, t.flips.c.new_state)
            .join(t.conditions, t.conditions.c.id == t.flips.c.condition_id)
            .where(t.conditions.c.check_key == key)
            .order_by(t.flips.c.id)
        ).all()
    return [(row.old_state, row.new_state) for row in rows]


def ticket_events(collector: Collector, kind: str) -> list[str]:
    with collector.engine.connect() as conn:
        return list(
            conn.execute(select(t.ticket_events.c.body).where(t.ticket_events.c.kind == kind)).scalars()
        )


def recovery_notices(collector: Collector) -> int:
    """Notifications sent by the recovery rules (to the team; to whoever a delivered page reached)."""
    return sum(1 for n in notifications(collector) if str(n.values.get("rule", "")).startswith("recovery-"))


# -- the table and the fold (pure) -------------------------------------------------------------------------


def test_the_grouping_is_a_table() -> None:
    for key in (*MEMBERS, PROBE_KEY, "alertmanager.availability:abc"):
        assert group_of(key) is AVAILABILITY
    for key in ("odoo.latency", "odoo.authentication", "integration:webshop", "host.postgres", "odoo.cron"):
        assert group_of(key) is None
    assert quieted_by("odoo.latency") is AVAILABILITY and quieted_by("odoo.authentication") is AVAILABILITY
    assert quieted_by("integration:webshop") is AVAILABILITY  # Alertmanager's inhibit rule, mirrored


def test_the_group_fails_on_any_member_and_is_ok_only_when_none_fails() -> None:
    failing = verdict(
        AVAILABILITY,
        [MemberStatus("odoo.login_page", "ok"), MemberStatus("odoo.health", "failing", "HTTP 502")],
        failing_elsewhere=False,
    )
    assert failing.status == "failing" and failing.detail == "failing: odoo.health (HTTP 502)"
    assert verdict(AVAILABILITY, [MemberStatus("odoo.login_page", "ok")], False).status == "ok"
    # Another member (an Alertmanager alert) still firing: not ok yet.
    assert verdict(AVAILABILITY, [MemberStatus("odoo.login_page", "ok")], True).status == "unknown"
    # The outside probe answering says nothing about Odoo itself; the agent's checks decide.
    assert verdict(AVAILABILITY, [MemberStatus(PROBE_KEY, "ok")], False).status == "unknown"
    assert verdict(AVAILABILITY, [MemberStatus("odoo.latency", "failing")], False).status == "unknown"


def test_the_worst_member_gives_the_priority() -> None:
    assert worst([LOW_ONE, MEDIUM_ORG, HIGH_ORG, MEDIUM_MULTI]) is HIGH_ORG
    assert worst([LOW_ONE, MEDIUM_MULTI]) is MEDIUM_MULTI
    assert worst([]) is None


# -- through the collector ---------------------------------------------------------------------------------


def test_a_down_instance_opens_one_ticket_and_one_page(collector: Collector) -> None:
    send(collector, "acme", DOWN)
    assert tickets(collector) == []  # damped: one failing report is a blip
    send(collector, "acme", DOWN)
    send(collector, "acme", DOWN)
    opened = tickets(collector)
    assert len(opened) == 1
    ticket = opened[0]
    assert ticket.subject == "prod: Odoo unreachable (odoo.availability)"
    assert (ticket.impact, ticket.scope, ticket.priority) == ("high", "organisation", "A")
    assert ticket.description == (
        "failing: odoo.login_page (HTTP 502); odoo.version (connection refused); odoo.health (HTTP 502)"
    )
    assert len(notifications(collector, "page")) == 1
    assert len(notifications(collector, "incident_notice")) == 1
    # Member checks keep their history; latency and authentication fail but open nothing during the outage.
    for key in ("odoo.login_page", "odoo.version", "odoo.health", "odoo.latency", "odoo.authentication"):
        assert flips_of(collector, key) == [("ok", "failing")]
    assert flips_of(collector, "odoo.availability") == [("ok", "failing")]


def test_the_ticket_carries_the_worst_members_priority(collector: Collector) -> None:
    slow_read = [check("odoo.read", "failing", detail="timeout")]  # read: medium / organisation = B
    send(collector, "acme", slow_read)
    send(collector, "acme", [*slow_read, check("odoo.login_page", "failing", detail="HTTP 500")])
    [ticket] = tickets(collector)
    assert ticket.priority == "A"
    assert "odoo.read (timeout)" in ticket.description and "odoo.login_page (HTTP 500)" in ticket.description


def test_a_worse_member_while_open_proposes_the_more_urgent_priority_once(collector: Collector) -> None:
    slow_read = [check("odoo.read", "failing", detail="timeout")]
    send(collector, "acme", slow_read)
    send(collector, "acme", slow_read)
    [ticket] = tickets(collector)
    assert ticket.priority == "B"
    down = [*slow_read, check("odoo.login_page", "failing", detail="HTTP 500")]
    send(collector, "acme", down)
    send(collector, "acme", down)
    notes = [body for body in ticket_events(collector, "condition") if "matrix priority" in body]
    assert notes == [
        "odoo.availability now has matrix priority A "
        "(failing: odoo.read (timeout); odoo.login_page (HTTP 500)); the ticket has B: reassess"
    ]
    assert [x.priority for x in tickets(collector)] == ["B"]  # staff decide; monitoring only proposes


def test_a_disk_going_critical_proposes_a_once(collector: Collector) -> None:
    def disk(percent: float) -> list[dict[str, Any]]:
        return [{"key": "host.disk:/", "kind": "disk", "status": "failing", "value": percent}]

    send(collector, "acme", disk(92.0))
    send(collector, "acme", disk(92.0))
    send(collector, "acme", disk(98.0))
    send(collector, "acme", disk(98.5))
    [ticket] = tickets(collector)
    notes = [body for body in ticket_events(collector, "condition") if "matrix priority" in body]
    assert (
        ticket.priority == "B"
        and len(notes) == 1
        and notes[0].startswith("host.disk:/ now has matrix priority A")
    )


def test_after_maintenance_only_the_group_opens(collector: Collector, clock: FixedClock) -> None:
    customer_id, _ = ids(collector, "acme")
    start = clock.now()
    with transaction(collector.engine) as conn:
        add_window(conn, customer_id, None, start, start + timedelta(hours=1), "upgrade", start)
    send(collector, "acme", DOWN)
    send(collector, "acme", DOWN)
    collector.tick()
    assert tickets(collector) == []
    clock.advance(timedelta(hours=1))
    collector.monitor.probe = lambda _url, _timeout: True
    collector.tick()  # held tickets open now: members and quieted checks stay quiet
    assert [x.subject for x in tickets(collector)] == ["prod: Odoo unreachable (odoo.availability)"]
    assert len(notifications(collector, "page")) == 1


def test_damping_counts_reports_in_which_any_member_fails(collector: Collector) -> None:
    send(collector, "acme", [check("odoo.health", "failing")])
    send(collector, "acme", all_ok())  # a blip: the count starts again
    send(collector, "acme", [check("odoo.login_page", "failing")])
    assert tickets(collector) == []
    send(collector, "acme", [check("odoo.database", "failing")])  # another member, the next report: opens
    assert len(tickets(collector)) == 1


def test_recovery_waits_for_every_member_then_lifts_the_quiet(collector: Collector) -> None:
    send(collector, "acme", DOWN)
    send(collector, "acme", DOWN)
    partly = [check(key, "ok") for key in MEMBERS if key != "odoo.health"] + [check("odoo.health", "failing")]
    send(collector, "acme", [*partly, check("odoo.latency", "failing")])
    assert ticket_events(collector, "recovered") == [] and recovery_notices(collector) == 0
    send(collector, "acme", all_ok(latency="failing"))  # back, but slow
    [outage, slow] = tickets(collector)
    assert ticket_events(collector, "recovered") == ["odoo.availability recovered"]
    assert recovery_notices(collector) == 2  # the team, and the customer who got the incident notice
    assert flips_of(collector, "odoo.availability") == [("ok", "failing"), ("failing", "recovered")]
    # Slow after the outage is its own condition again: a B ticket.
    assert (slow.subject, slow.priority) == ("prod: Odoo responding slowly (odoo.latency)", "B")
    assert outage.priority == "A"


def test_latency_alone_still_opens_its_own_ticket(collector: Collector) -> None:
    send(collector, "acme", all_ok(latency="failing"))
    send(collector, "acme", all_ok(latency="failing"))
    assert [(x.subject, x.priority) for x in tickets(collector)] == [
        ("prod: Odoo responding slowly (odoo.latency)", "B")
    ]


def test_a_silent_agent_and_its_later_failing_reports_share_one_ticket(
    collector: Collector, clock: FixedClock
) -> None:
    send(collector, "acme", all_ok())
    clock.advance(timedelta(minutes=10))
    collector.monitor.probe = lambda _url, _timeout: False
    collector.tick()
    [ticket] = tickets(collector)
    assert ticket.priority == "A" and PROBE_KEY in ticket.description
    send(collector, "acme", DOWN)  # the agent is back and sees Odoo down
    send(collector, "acme", DOWN)
    assert len(tickets(collector)) == 1 and len(notifications(collector, "page")) == 1
    assert recovery_notices(collector) == 0  # the probe answering again is no recovery
    send(collector, "acme", all_ok())
    assert ticket_events(collector, "recovered") == ["odoo.availability recovered"]


def test_an_alertmanager_availability_alert_joins_the_instance_condition(collector: Collector) -> None:
    labels = {"customer": "acme", "instance": "prod", "alertname": "OdooDown", "condition": "availability"}
    labels |= {"severity": "critical"}

    def alert(status: str, fingerprint: str = "f1") -> dict[str, Any]:
        with transaction(collector.engine) as conn:
            payload = AmAlert(status=status, labels=labels, fingerprint=fingerprint)
            return handle_alert(conn, collector.alert_intake(), payload)

    first = alert("firing")
    assert first["result"] == "opened" and first["condition"] == "odoo.availability"
    assert alert("firing", "f2")["result"] == "already open"
    send(collector, "acme", DOWN)
    send(collector, "acme", DOWN)
    [ticket] = tickets(collector)
    assert ticket.number == first["ticket"] and len(notifications(collector, "page")) == 1
    alert("resolved")
    alert("resolved", "f2")
    assert ticket_events(collector, "recovered") == []  # the agent still sees it down
    send(collector, "acme", all_ok())
    assert ticket_events(collector, "recovered") == ["odoo.availability recovered"]
    # Without the availability label an alert keeps its own ticket per fingerprint.
    with transaction(collector.engine) as conn:
        other = AmAlert(status="firing", labels={"customer": "acme", "alertname": "Backup"}, fingerprint="b1")
        assert handle_alert(conn, collector.alert_intake(), other)["result"] == "opened"
    assert len(tickets(collector)) == 2


def test_an_alertmanager_alert_alone_opens_and_recovers(collector: Collector) -> None:
    labels = {
        "customer": "acme",
        "instance_name": "prod",
        "alertname": "Down",
        "condition": "beschikbaarheid",
    }
    with transaction(collector.engine) as conn:
        handle_alert(conn, collector.alert_intake(), AmAlert(status="firing", labels=labels, fingerprint="x"))
    with transaction(collector.engine) as conn:
        answer = handle_alert(
            conn, collector.alert_intake(), AmAlert(status="resolved", labels=labels, fingerprint="x")
        )
    assert answer["result"] == "resolved noted" and len(tickets(collector)) == 1
    assert ticket_events(collector, "recovered") == ["odoo.availability recovered"]


def test_the_shipped_instance_down_rule_joins_the_availability_condition() -> None:
    from collector.monitoring.availability_alerts import AVAILABILITY_LABELS
    from tests.deploy.components import load_yaml

    rules_file = Path(__file__).resolve().parents[3] / "deploy" / "prometheus" / "rules" / "alerts.yml"
    rules = [rule for group in load_yaml(rules_file)["groups"] for rule in group["rules"]]
    [instance_down] = [rule for rule in rules if rule.get("alert") == "PrioritySupportInstanceDown"]
    assert instance_down["labels"]["condition"] in AVAILABILITY_LABELS

"""Every dashboard query returns data from a real Prometheus scraping the running stack (see stack.py)."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.deploy.dashboards import GRAFANA, load_builder, panel_queries
from tests.deploy.stack import TYPO_CUSTOMER, Stack, running_stack

WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    base: Path = tmp_path_factory.mktemp("stack")
    with running_stack(base) as running:
        # Count users and code first (the counts need a working Odoo), then take the instance down: an A
        # incident for a premium customer, which pages, holds, fails and dead-letters notifications.
        _wait_for(running, 'prioritysupport_limit_usage{metric="lines"}')
        FRESH["empty panels"] = _panels_until_all_answer(running)
        running.inject("http_500")
        yield running


FRESH: dict[str, list[str]] = {}  # what the panels showed before the outage (filled by the fixture)


def _wait_for(stack: Stack, expr: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        status, body = stack.prometheus.query(expr)
        if status == 200 and body["data"]["result"]:
            return
        time.sleep(0.5)
    raise AssertionError(f"no data for {expr} after {WAIT_SECONDS} s\n{stack.log_tail()}")


def _empty_panels(stack: Stack) -> list[str]:
    empty = []
    for query in panel_queries():
        status, body = stack.prometheus.query(query.expr)
        if status != 200 or not body["data"]["result"]:
            empty.append(query.label)
    return empty


def _panels_until_all_answer(stack: Stack) -> list[str]:
    deadline = time.monotonic() + WAIT_SECONDS
    empty = _empty_panels(stack)
    while empty and time.monotonic() < deadline:
        time.sleep(1)
        empty = _empty_panels(stack)
    return empty


def test_every_panel_returns_a_series_on_a_fresh_stack(stack: Stack) -> None:
    """One agent reporting, nothing else happened yet: every query answers (0 where nothing happened)."""
    empty = FRESH["empty panels"]
    assert not empty, "panels without data before the outage:\n" + "\n".join(empty)


def test_every_panel_returns_series(stack: Stack) -> None:
    empty = _panels_until_all_answer(stack)
    assert not empty, "panels without data:\n" + "\n".join(empty) + "\n" + stack.log_tail()


def test_collector_agent_and_alertmanager_are_scraped(stack: Stack) -> None:
    up = stack.prometheus.targets_up()  # (the example's self-scrape points at 9090, not at this Prometheus)
    assert (up["prioritysupport-collector"], up["prioritysupport-agent"], up["alertmanager"]) == (1, 1, 1)


def test_dashboard_variables_list_the_customer(stack: Stack) -> None:
    sources = load_builder().VARIABLE_SOURCES
    for label, metric in sources.items():
        query = urllib.parse.urlencode({"match[]": metric})
        url = f"{stack.prometheus.url}/api/v1/label/{label}/values?{query}"
        deadline = time.monotonic() + WAIT_SECONDS
        values: list[str] = []
        while not values and time.monotonic() < deadline:
            with urllib.request.urlopen(url, timeout=5) as response:
                values = json.loads(response.read())["data"]
            time.sleep(0.5)
        assert values, f"variable {label} lists nothing from {metric}"
        if label == "customer":
            assert values == ["acme"]


def test_rules_evaluate_and_the_incident_alert_carries_the_webhook_labels(stack: Stack) -> None:
    with urllib.request.urlopen(f"{stack.prometheus.url}/api/v1/rules", timeout=5) as response:
        groups = json.loads(response.read())["data"]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert len(rules) >= 29
    assert all(rule["health"] in ("ok", "unknown") for rule in rules), [
        r for r in rules if r["health"] == "err"
    ]
    deadline = time.monotonic() + WAIT_SECONDS
    alerts: list[dict[str, str]] = []
    while not alerts and time.monotonic() < deadline:
        status, body = stack.prometheus.query(
            'ALERTS{alertname="PrioritySupportInstanceDown",customer="acme"}'
        )
        alerts = [item["metric"] for item in body["data"]["result"]] if status == 200 else []
        time.sleep(0.5)
    assert alerts, stack.log_tail()
    labels = alerts[0]
    # customer from file_sd, odoo_instance from the agent (instance stays the scrape target): the webhook's.
    assert (labels["customer"], labels["odoo_instance"]) == ("acme", "prod")
    assert labels["instance"].startswith("127.0.0.1:")
    assert (labels["impact"], labels["scope"], labels["severity"]) == ("high", "organisation", "page")
    assert "exported_instance" not in labels


def test_provisioned_dashboards_are_the_ones_tested() -> None:
    assert sorted(p.name for p in (GRAFANA / "dashboards").glob("*.json")) == sorted(
        load_builder().file_name(d) for d in load_builder().DASHBOARDS
    )


def _alertmanager_tickets(stack: Stack) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute(
            "SELECT t.subject, t.priority, t.source, i.name FROM tickets t "
            "LEFT JOIN instances i ON i.id = t.instance_id WHERE t.source = 'alertmanager'"
        ).fetchall()


def _ops_alert_names(stack: Stack) -> set[str]:
    return {
        alert["labels"]["alertname"]
        for caught in stack.ops_sink.snapshot()
        for alert in caught.body.get("alerts", [])
    }


def _availability_tickets(stack: Stack) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute(
            "SELECT t.subject, t.priority, t.source, i.name FROM tickets t "
            "LEFT JOIN instances i ON i.id = t.instance_id WHERE t.subject LIKE '%odoo.availability%'"
        ).fetchall()


def test_alertmanager_routes_incidents_to_the_collector_and_ops_alerts_to_the_team(stack: Stack) -> None:
    """Prometheus -> Alertmanager -> POST /api/v1/alertmanager, with the shipped rules and routing."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and not (
        _availability_tickets(stack) and "PrioritySupportOverLimit" in _ops_alert_names(stack)
    ):
        time.sleep(0.5)
    tickets = _alertmanager_tickets(stack)
    # The shipped instance-down alert joins the instance's availability condition: one A ticket for the
    # outage, whether the agent's report or Alertmanager saw it first, never a second one.
    down = _availability_tickets(stack)
    assert len(down) == 1, f"{down}\n{stack.log_tail()}"
    assert (down[0][1], down[0][3]) == ("A", "prod")
    assert not [row for row in tickets if row[0].startswith("PrioritySupportInstanceDown")]
    # Over the limit (30 users on small) is news for the partner's team, never a customer ticket.
    assert "PrioritySupportOverLimit" in _ops_alert_names(stack)
    assert not [row for row in tickets if row[0].startswith("PrioritySupportOverLimit")]


def _wait_until(stack: Stack, what: str, condition: Callable[[], object]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {WAIT_SECONDS} s\n{stack.log_tail()}")
        time.sleep(0.5)


def _value(stack: Stack, expr: str) -> float | None:
    status, body = stack.prometheus.query(expr)
    result = body["data"]["result"] if status == 200 else []
    return float(result[0]["value"][1]) if result else None


def test_the_outage_pages_on_call_through_a_notification_channel(stack: Stack) -> None:
    """Outage -> InstanceDown (and the agent's report) -> one A ticket -> a page at the on-call sink."""
    _wait_until(stack, "the A ticket", lambda: _availability_tickets(stack))
    _wait_until(
        stack, "a page at the on-call sink", lambda: [p for p in stack.sink.snapshot() if p.path == "/oncall"]
    )


def test_a_dead_letter_fires_dead_letters_for_a_series_that_started_at_zero(stack: Stack) -> None:
    series = 'prioritysupport_notifications_dead_letters_total{channel="mail",kind="incident_notice"}'
    _wait_until(
        stack,
        "DeadLetters at the ops receiver",
        lambda: "PrioritySupportDeadLetters" in _ops_alert_names(stack),
    )
    # The collector created the pair at 0 before the first dead letter, so increase() saw the step.
    assert _value(stack, f"min_over_time({series}[1h])") == 0
    assert (_value(stack, f"max_over_time({series}[1h])") or 0) >= 1


def test_an_alert_for_an_unknown_customer_is_refused_counted_and_alerted(stack: Stack) -> None:
    """The misspelt file_sd customer: 422 from the webhook, a failed notification in Alertmanager's own
    metrics, the collector's counter, and an ops alert; no ticket."""
    _wait_until(
        stack,
        "Alertmanager's failed notifications",
        lambda: (
            (_value(stack, 'sum(alertmanager_notifications_failed_total{integration="webhook"})') or 0) > 0
        ),
    )
    _wait_until(
        stack,
        "the collector's counter",
        lambda: (_value(stack, "prioritysupport_alertmanager_unknown_customer_alerts_total") or 0) > 0,
    )
    _wait_until(
        stack,
        "UnknownCustomer at the ops receiver",
        lambda: "PrioritySupportAlertUnknownCustomer" in _ops_alert_names(stack),
    )
    with sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True, timeout=10) as conn:
        assert conn.execute("SELECT count(*) FROM customers WHERE key = ?", (TYPO_CUSTOMER,)).fetchone() == (
            0,
        )
    assert "acmee" in (stack.logs / "collector.log").read_text(encoding="utf-8", errors="replace")


def _watchdog_notices(stack: Stack) -> list[str]:
    return [str(p.body) for p in stack.sink.snapshot() if "No Watchdog alert" in str(p.body)]


def test_zz_watchdog_path_and_its_silence(stack: Stack) -> None:
    """Prometheus -> Alertmanager -> collector (each arrival noted); with Alertmanager gone, the collector
    tells the ops channel. Last in the module: it stops Alertmanager."""
    _wait_until(
        stack,
        "the Watchdog at the collector",
        lambda: (_value(stack, "prioritysupport_alertmanager_watchdog_received_timestamp_seconds") or 0) > 0,
    )
    assert not [n for n in _watchdog_notices(stack) if "last received" in n]
    stack.stop_alertmanager()
    _wait_until(
        stack, "the watchdog notice", lambda: [n for n in _watchdog_notices(stack) if "last received" in n]
    )

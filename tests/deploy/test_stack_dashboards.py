"""Every dashboard query returns data from a real Prometheus scraping the running stack (see stack.py)."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.dashboards import GRAFANA, load_builder, panel_queries
from tests.deploy.stack import Stack, running_stack

WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    base: Path = tmp_path_factory.mktemp("stack")
    with running_stack(base) as running:
        # Count users and code first (the counts need a working Odoo), then take the instance down: an A
        # incident for a premium customer, which pages, holds, fails and dead-letters notifications.
        _wait_for(running, 'prioritysupport_limit_usage{metric="lines"}')
        running.inject("http_500")
        yield running


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


def test_every_panel_returns_series(stack: Stack) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    empty = _empty_panels(stack)
    while empty and time.monotonic() < deadline:
        time.sleep(1)
        empty = _empty_panels(stack)
    assert not empty, "panels without data:\n" + "\n".join(empty) + "\n" + stack.log_tail()


def test_both_jobs_are_scraped(stack: Stack) -> None:
    up = stack.prometheus.targets_up()  # (the example's self-scrape points at 9090, not at this Prometheus)
    assert (up["prioritysupport-collector"], up["prioritysupport-agent"]) == (1.0, 1.0)


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
    assert len(rules) >= 17
    assert all(rule["health"] in ("ok", "unknown") for rule in rules), [
        r for r in rules if r["health"] == "err"
    ]
    deadline = time.monotonic() + WAIT_SECONDS
    alerts: list[dict[str, str]] = []
    while not alerts and time.monotonic() < deadline:
        status, body = stack.prometheus.query('ALERTS{alertname="PrioritySupportInstanceDown"}')
        alerts = [item["metric"] for item in body["data"]["result"]] if status == 200 else []
        time.sleep(0.5)
    assert alerts, stack.log_tail()
    labels = alerts[0]
    # customer from file_sd, instance_name from the relabelled agent label: read by the collector's webhook.
    assert (labels["customer"], labels["instance_name"]) == ("acme", "prod")
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

"""Build the Grafana dashboards (JSON) from this one description: `python deploy/grafana/build_dashboards.py`.

Standard library only, so it runs anywhere. The JSON files under dashboards/ are committed; a test checks that
they match this script's output and that every query is valid PromQL that returns data from a running stack.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATASOURCE = {"type": "prometheus", "uid": "prioritysupport-prometheus"}
OUTPUT_DIR = Path(__file__).resolve().parent / "dashboards"
GRID_WIDTH = 24

# Dashboard variables expand to these in PromQL tests (Grafana does the same with "All" selected).
TEST_SUBSTITUTIONS = {
    "$__rate_interval": "2m",
    "$__interval": "30s",
    "$__range": "1h",
    "$customer": ".*",
    "$channel": ".*",
}


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""
    instant: bool = False


@dataclass(frozen=True)
class Panel:
    title: str
    queries: tuple[Query, ...]
    kind: str = "timeseries"  # timeseries | stat | table | bargauge
    unit: str = "short"
    width: int = 12
    height: int = 8
    description: str = ""
    thresholds: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    panels: tuple[Panel, ...]
    variables: tuple[str, ...] = ("customer",)
    tags: tuple[str, ...] = field(default=("prioritysupport",))


def q(expr: str, legend: str = "", instant: bool = False) -> Query:
    return Query(expr=" ".join(expr.split()), legend=legend, instant=instant)


C = 'customer=~"$customer"'
CH = 'channel=~"$channel"'

CUSTOMERS = Dashboard(
    uid="ps-customers",
    title="PrioritySupport / Customers",
    description=(
        "Per customer: instances up, users and custom code lines against the contract limits, integrations."
    ),
    panels=(
        Panel(
            "Instances up",
            (q(f"prioritysupport_odoo_up{{{C}}}", "{{customer}} {{odoo_instance}}", instant=True),),
            kind="stat",
            width=8,
            thresholds=((0, "red"), (1, "green")),
            description="1 = the agent reaches Odoo (login page, health, authentication).",
        ),
        Panel(
            "Availability, last 24 h",
            (
                q(
                    f"avg_over_time(prioritysupport_odoo_up{{{C}}}[1d])",
                    "{{customer}} {{odoo_instance}}",
                    instant=True,
                ),
            ),
            kind="bargauge",
            unit="percentunit",
            width=8,
            thresholds=((0, "red"), (0.99, "orange"), (0.999, "green")),
        ),
        Panel(
            "Integrations up",
            (q(f"prioritysupport_integration_up{{{C}}}", "{{customer}} {{integration}}", instant=True),),
            kind="stat",
            width=8,
            thresholds=((0, "red"), (1, "green")),
        ),
        Panel(
            "Internal users against limit",
            (
                q(f"prioritysupport_customer_internal_users{{{C}}}", "{{customer}} users"),
                q(f"prioritysupport_customer_users_limit{{{C}}}", "{{customer}} limit"),
            ),
            description="Limits are inclusive: at the limit is fine, above it is over.",
        ),
        Panel(
            "Custom code lines against limit",
            (
                q(f"prioritysupport_customer_custom_code_lines{{{C}}}", "{{customer}} lines"),
                q(f"prioritysupport_customer_custom_code_lines_limit{{{C}}}", "{{customer}} limit"),
            ),
            description="Counted the way odoo-bin cloc counts.",
        ),
        Panel(
            "Usage of limits",
            (
                q(f"customer:prioritysupport_users_limit:ratio{{{C}}}", "{{customer}} users", instant=True),
                q(
                    f"customer:prioritysupport_custom_code_lines_limit:ratio{{{C}}}",
                    "{{customer}} lines",
                    instant=True,
                ),
            ),
            kind="bargauge",
            unit="percentunit",
            width=24,
            thresholds=((0, "green"), (0.9, "orange"), (1.0001, "red")),
            description="Orange from 90% (near), red above 100% (over).",
        ),
    ),
)

SLA = Dashboard(
    uid="ps-sla",
    title="PrioritySupport / SLA",
    description="Open tickets by priority, response and resolution times, breaches, by customer.",
    panels=(
        Panel(
            "Open tickets by priority",
            (q(f"sum by (priority) (prioritysupport_tickets_open{{{C}}})", "{{priority}}"),),
            width=12,
        ),
        Panel(
            "Open tickets by customer",
            (q(f"sum by (customer) (prioritysupport_tickets_open{{{C}}})", "{{customer}}", instant=True),),
            kind="bargauge",
            width=12,
        ),
        Panel(
            "Tickets near their response deadline",
            (
                q(
                    f"sum by (customer, priority) (prioritysupport_tickets_at_risk{{{C}}})",
                    "{{customer}} {{priority}}",
                ),
            ),
            width=12,
            description="75% of the response target elapsed without a first response.",
        ),
        Panel(
            "Breaches, last 30 days",
            (
                q(
                    f"sum by (customer, priority, target) "
                    f"(increase(prioritysupport_sla_breaches_total{{{C}}}[30d]))",
                    "{{customer}} {{priority}} {{target}}",
                    instant=True,
                ),
            ),
            kind="table",
            width=12,
        ),
        Panel(
            "First response time (business hours), median and p90",
            (
                q(
                    f"histogram_quantile(0.5, sum by (le, priority) "
                    f"(rate(prioritysupport_ticket_response_business_seconds_bucket{{{C}}}[1d])))",
                    "median {{priority}}",
                ),
                q(
                    f"histogram_quantile(0.9, sum by (le, priority) "
                    f"(rate(prioritysupport_ticket_response_business_seconds_bucket{{{C}}}[1d])))",
                    "p90 {{priority}}",
                ),
            ),
            unit="s",
            width=24,
            description="The monthly evaluation report has the exact figures; this is the live trend.",
        ),
    ),
)

FLEET = Dashboard(
    uid="ps-fleet",
    title="PrioritySupport / Fleet",
    description="Agents, hosts and Odoo latency across all customers.",
    panels=(
        Panel(
            "Agents scraped",
            (
                q('sum(up{job="prioritysupport-agent"})', "up"),
                q('count(up{job="prioritysupport-agent"})', "all"),
            ),
            width=8,
        ),
        Panel(
            "Agent last report age",
            (q(f"prioritysupport_agent_last_seen_age_seconds{{{C}}}", "{{customer}} {{agent}}"),),
            unit="s",
            width=16,
            description="Seen by the collector; above 3 report intervals the agent counts as silent.",
        ),
        Panel(
            "Odoo response time",
            (q(f"prioritysupport_odoo_latency_seconds{{{C}}}", "{{customer}} {{odoo_instance}}"),),
            unit="s",
            width=12,
        ),
        Panel(
            "Host CPU",
            (q(f"prioritysupport_host_cpu_percent{{{C}}}", "{{customer}} {{instance}}"),),
            unit="percent",
            width=12,
        ),
        Panel(
            "Host memory",
            (q(f"prioritysupport_host_memory_percent{{{C}}}", "{{customer}} {{instance}}"),),
            unit="percent",
            width=12,
        ),
        Panel(
            "Disk use",
            (q(f"prioritysupport_host_disk_used_ratio{{{C}}}", "{{customer}} {{mountpoint}}"),),
            unit="percentunit",
            width=12,
            thresholds=((0, "green"), (0.9, "orange"), (0.97, "red")),
        ),
        Panel(
            "Reports received per minute",
            (q("sum(rate(prioritysupport_reports_received_total[$__rate_interval])) * 60", "reports"),),
            width=12,
        ),
        Panel(
            "Collector request latency, p90",
            (
                q(
                    "histogram_quantile(0.9, sum by (le) "
                    "(rate(prioritysupport_http_request_duration_seconds_bucket[$__rate_interval])))",
                    "p90",
                ),
            ),
            unit="s",
            width=12,
        ),
    ),
)

NOTIFICATIONS = Dashboard(
    uid="ps-notifications",
    title="PrioritySupport / Notifications",
    description="Sent, held, failed and dead-lettered notifications by channel and kind; the outbox backlog.",
    variables=("channel",),
    panels=(
        Panel(
            "Sent per hour",
            (
                q(
                    f"sum by (channel, kind) "
                    f"(increase(prioritysupport_notifications_sent_total{{{CH}}}[1h]))",
                    "{{channel}} {{kind}}",
                ),
            ),
            width=12,
        ),
        Panel(
            "Failed attempts per hour",
            (
                q(
                    f"sum by (channel, kind) "
                    f"(increase(prioritysupport_notifications_failed_total{{{CH}}}[1h]))",
                    "{{channel}} {{kind}}",
                ),
            ),
            width=12,
        ),
        Panel(
            "Held until their calendar opens",
            (
                q(
                    f"sum by (channel, kind) (prioritysupport_notifications_held{{{CH}}})",
                    "{{channel}} {{kind}}",
                ),
            ),
            width=8,
        ),
        Panel(
            "Dead letters, last 24 h",
            (
                q(
                    f"sum by (channel, kind) "
                    f"(increase(prioritysupport_notifications_dead_letters_total{{{CH}}}[1d]))",
                    "{{channel}} {{kind}}",
                    instant=True,
                ),
            ),
            kind="table",
            width=8,
        ),
        Panel(
            "Outbox",
            (
                q("sum(prioritysupport_outbox_depth)", "due"),
                q("max(prioritysupport_outbox_oldest_due_age_seconds)", "oldest due (s)"),
            ),
            width=8,
        ),
        Panel(
            "Delivery time from due to delivered, p90",
            (
                q(
                    "histogram_quantile(0.9, sum by (le, kind) "
                    "(rate(prioritysupport_notification_delivery_seconds_bucket[$__rate_interval])))",
                    "{{kind}}",
                ),
            ),
            unit="s",
            width=24,
        ),
    ),
)

DASHBOARDS = (CUSTOMERS, SLA, FLEET, NOTIFICATIONS)

# Which metric each dashboard variable lists its values from.
_VARIABLE_SOURCES = {
    "customer": "prioritysupport_customer_users_limit",
    "channel": "prioritysupport_notifications_sent_total",
}


def _variable(name: str) -> dict[str, Any]:
    query = f"label_values({_VARIABLE_SOURCES[name]}, {name})"
    return {
        "name": name,
        "label": name.capitalize(),
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": query, "refId": f"{name}-values"},
        "definition": query,
        "refresh": 2,
        "includeAll": True,
        "allValue": ".*",
        "multi": True,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "sort": 1,
    }


def _thresholds(panel: Panel) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [{"color": "green", "value": None}]
    if panel.thresholds:
        steps = [
            {"color": color, "value": None if index == 0 else value}
            for index, (value, color) in enumerate(panel.thresholds)
        ]
    return {"mode": "absolute", "steps": steps}


def _panel(panel: Panel, panel_id: int, x: int, y: int) -> dict[str, Any]:
    targets = [
        {
            "datasource": DATASOURCE,
            "expr": query.expr,
            "legendFormat": query.legend or "__auto",
            "instant": query.instant,
            "range": not query.instant,
            "refId": chr(ord("A") + index),
        }
        for index, query in enumerate(panel.queries)
    ]
    return {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": panel.width, "h": panel.height},
        "fieldConfig": {"defaults": {"unit": panel.unit, "thresholds": _thresholds(panel)}, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        "targets": targets,
    }


def render(dashboard: Dashboard) -> dict[str, Any]:
    """The Grafana JSON model of one dashboard, laid out left to right, top to bottom."""
    panels: list[dict[str, Any]] = []
    x = y = row_height = 0
    for panel_id, panel in enumerate(dashboard.panels, start=1):
        if x + panel.width > GRID_WIDTH:
            x, y, row_height = 0, y + row_height, 0
        panels.append(_panel(panel, panel_id, x, y))
        x += panel.width
        row_height = max(row_height, panel.height)
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "description": dashboard.description,
        "tags": list(dashboard.tags),
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "refresh": "1m",
        "time": {"from": "now-24h", "to": "now"},
        "templating": {"list": [_variable(name) for name in dashboard.variables]},
        "annotations": {"list": []},
        "links": [],
        "panels": panels,
    }


def file_name(dashboard: Dashboard) -> str:
    return dashboard.uid.removeprefix("ps-") + ".json"


def render_text(dashboard: Dashboard) -> str:
    return json.dumps(render(dashboard), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT_DIR
    output.mkdir(parents=True, exist_ok=True)
    for dashboard in DASHBOARDS:
        (output / file_name(dashboard)).write_text(render_text(dashboard), encoding="utf-8")
        print(f"wrote {output / file_name(dashboard)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

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
            description="1 = the agent reaches Odoo (login page, version, read).",
        ),
        Panel(
            "Availability, last 24 h",
            (
                q(
                    f"odoo_instance:prioritysupport_odoo_up:avg1d{{{C}}}",
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
            "Availability, last 30 days",
            (
                q(
                    f"odoo_instance:prioritysupport_odoo_up:avg30d{{{C}}}",
                    "{{customer}} {{odoo_instance}}",
                    instant=True,
                ),
            ),
            kind="bargauge",
            unit="percentunit",
            width=8,
            thresholds=((0, "red"), (0.99, "orange"), (0.999, "green")),
            description="Recomputed hourly; the monthly report has the figure that counts.",
        ),
        Panel(
            "Integrations up",
            (
                q(
                    f"prioritysupport_integration_up{{{C}}}",
                    "{{customer}} {{odoo_instance}} {{integration}}",
                    instant=True,
                ),
            ),
            kind="stat",
            width=12,
            thresholds=((0, "red"), (1, "green")),
        ),
        Panel(
            "Integrations, availability last 24 h",
            (
                q(
                    f"integration:prioritysupport_integration_up:avg1d{{{C}}}",
                    "{{customer}} {{odoo_instance}} {{integration}}",
                    instant=True,
                ),
            ),
            kind="bargauge",
            unit="percentunit",
            width=12,
            thresholds=((0, "red"), (0.99, "orange"), (0.999, "green")),
        ),
        Panel(
            "Internal users against limit",
            (
                q(
                    f'max by (customer) (prioritysupport_limit_usage{{{C},metric="users"}})',
                    "{{customer}} users",
                ),
                q(
                    f'max by (customer) (prioritysupport_limit_value{{{C},metric="users"}})',
                    "{{customer}} limit",
                ),
            ),
            description="Limits are inclusive: at the limit is fine, above it is over.",
        ),
        Panel(
            "Custom code lines against limit",
            (
                q(
                    f'max by (customer) (prioritysupport_limit_usage{{{C},metric="lines"}})',
                    "{{customer}} lines",
                ),
                q(
                    f'max by (customer) (prioritysupport_limit_value{{{C},metric="lines"}})',
                    "{{customer}} limit",
                ),
            ),
            description="Counted the way odoo-bin cloc counts.",
        ),
        Panel(
            "Usage of limits",
            (
                q(
                    f"customer:prioritysupport_limit_usage:ratio{{{C}}}",
                    "{{customer}} {{metric}}",
                    instant=True,
                ),
            ),
            kind="bargauge",
            unit="percentunit",
            width=12,
            thresholds=((0, "green"), (0.9, "orange"), (1.0001, "red")),
            description="Orange from 90% (near: PrioritySupportLimitNear), red above 100% (over).",
        ),
        Panel(
            "Users and lines per instance (agents)",
            (
                q(
                    f"prioritysupport_internal_users{{{C}}}",
                    "{{customer}} {{odoo_instance}} users",
                    instant=True,
                ),
                q(
                    f"prioritysupport_custom_code_lines{{{C}}}",
                    "{{customer}} {{odoo_instance}} lines",
                    instant=True,
                ),
            ),
            kind="table",
            width=12,
            description="As each agent last counted them; the collector combines them per customer.",
        ),
    ),
)

SLA = Dashboard(
    uid="ps-sla",
    title="PrioritySupport / SLA",
    description="Open tickets by priority and customer, breaches by target.",
    panels=(
        Panel(
            "Open tickets by priority",
            (
                q(
                    f"sum by (priority) (customer_priority:prioritysupport_tickets_open:max{{{C}}})",
                    "{{priority}}",
                ),
            ),
            width=12,
        ),
        Panel(
            "Open tickets by customer",
            (
                q(
                    f"sum by (customer) (customer_priority:prioritysupport_tickets_open:max{{{C}}})",
                    "{{customer}}",
                    instant=True,
                ),
            ),
            kind="bargauge",
            width=12,
        ),
        Panel(
            "Open A and B tickets",
            (
                q(
                    f'sum by (customer, priority) (prioritysupport_tickets_open{{{C},priority=~"A|B"}})',
                    "{{customer}} {{priority}}",
                    instant=True,
                ),
            ),
            kind="table",
            width=12,
            description="Incidents that page (premium) or go to the support team at once.",
        ),
        Panel(
            "Breaches by target",
            (
                q(
                    f"sum by (customer, target) (max by (customer, target, priority) "
                    f"(prioritysupport_sla_breaches_total{{{C}}}))",
                    "{{customer}} {{target}}",
                ),
            ),
            width=12,
            description=(
                "Deadlines passed (a count that only grows), by the priority the ticket had when it "
                "breached; the report has the details."
            ),
        ),
        Panel(
            "New breaches in the selected range",
            (
                q(
                    f"sum by (customer, target) (max by (customer, target, priority) "
                    f"(increase(prioritysupport_sla_breaches_total{{{C}}}[$__range])))",
                    "{{customer}} {{target}}",
                    instant=True,
                ),
            ),
            kind="table",
            width=24,
            description="Response and resolution times per month are in `prioritysupport report`.",
        ),
    ),
)

FLEET = Dashboard(
    uid="ps-fleet",
    title="PrioritySupport / Fleet",
    description="Agents, hosts, Odoo latency, the collector's intake, and the processes themselves.",
    panels=(
        Panel(
            "Agents scraped",
            (
                q(f'sum(up{{job="prioritysupport-agent",{C}}})', "up"),
                q(f'count(up{{job="prioritysupport-agent",{C}}})', "all"),
            ),
            width=8,
        ),
        Panel(
            "Last report age per instance",
            (q(f"prioritysupport_agent_last_seen_age_seconds{{{C}}}", "{{customer}} {{odoo_instance}}"),),
            unit="s",
            width=16,
            description=(
                "Seen by the collector (an agent that never reported: since its enrolment); after 3 missed "
                "reports the instance is probed from outside."
            ),
        ),
        Panel(
            "Odoo response time",
            (q(f"prioritysupport_odoo_latency_seconds{{{C}}}", "{{customer}} {{odoo_instance}}"),),
            unit="s",
            width=12,
        ),
        Panel(
            "Host CPU",
            (q(f"prioritysupport_host_cpu_usage_ratio{{{C}}}", "{{customer}} {{instance}}"),),
            unit="percentunit",
            width=12,
        ),
        Panel(
            "Host memory",
            (q(f"prioritysupport_host_memory_usage_ratio{{{C}}}", "{{customer}} {{instance}}"),),
            unit="percentunit",
            width=12,
        ),
        Panel(
            "Host load, 1 minute",
            (q(f"prioritysupport_host_load1{{{C}}}", "{{customer}} {{instance}}"),),
            width=12,
        ),
        Panel(
            "Disk use",
            (q(f"prioritysupport_host_disk_usage_ratio{{{C}}}", "{{customer}} {{instance}} {{mount}}"),),
            unit="percentunit",
            width=12,
            thresholds=((0, "green"), (0.9, "orange"), (0.97, "red")),
        ),
        Panel(
            "Odoo workers",
            (q(f"prioritysupport_odoo_workers{{{C}}}", "{{customer}} {{instance}}"),),
            width=12,
        ),
        Panel(
            "Odoo workers' memory",
            (q(f"prioritysupport_odoo_workers_resident_memory_bytes{{{C}}}", "{{customer}} {{instance}}"),),
            unit="bytes",
            width=12,
        ),
        Panel(
            "Agent memory against its MemoryMax",
            (
                q(
                    f'process_resident_memory_bytes{{job="prioritysupport-agent",{C}}}',
                    "{{customer}} {{instance}}",
                ),
                q("vector(256 * 2^20)", "MemoryMax (systemd unit)"),
            ),
            unit="bytes",
            width=12,
        ),
        Panel(
            "Reports waiting in the spool",
            (q(f"prioritysupport_agent_spool_reports{{{C}}}", "{{customer}} {{instance}}"),),
            width=8,
        ),
        Panel(
            "Oldest spooled report",
            (q(f"prioritysupport_agent_spool_oldest_age_seconds{{{C}}}", "{{customer}} {{instance}}"),),
            unit="s",
            width=8,
            description="How long the collector has been unreachable from that host (0: nothing waits).",
        ),
        Panel(
            "Since the last delivery",
            (
                q(
                    f"time() - (prioritysupport_agent_last_push_timestamp_seconds{{{C}}} > "
                    "process_start_time_seconds or "
                    f'process_start_time_seconds{{job="prioritysupport-agent",{C}}})',
                    "{{customer}} {{instance}}",
                ),
            ),
            unit="s",
            width=8,
            description="Since the collector last accepted a report (or since the agent started, before).",
        ),
        Panel(
            "Versions",
            (
                q(
                    "max by (job, instance, component, version, python_version) (prioritysupport_build_info)",
                    instant=True,
                ),
            ),
            kind="table",
            width=12,
        ),
        Panel(
            "Restarts, last 24 h",
            (
                q(
                    'changes(process_start_time_seconds{job=~"prioritysupport-.+"}[1d])',
                    "{{job}} {{instance}}",
                    instant=True,
                ),
            ),
            kind="bargauge",
            width=12,
        ),
        Panel(
            "Reports received per second, by outcome",
            (
                q(
                    "sum by (outcome) (rate(prioritysupport_ingest_reports_total[$__rate_interval]))",
                    "{{outcome}}",
                ),
            ),
            width=12,
            description="401: revoked or wrong token; 422: a report not understood; 503: the database.",
        ),
        Panel(
            "Report intake latency, p99",
            (
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    "(rate(prioritysupport_ingest_seconds_bucket[$__rate_interval])))",
                    "p99",
                ),
            ),
            unit="s",
            width=12,
        ),
        Panel(
            "Collector memory",
            (q('process_resident_memory_bytes{job="prioritysupport-collector"}', "{{instance}}"),),
            unit="bytes",
            width=8,
        ),
        Panel(
            "Database size",
            (q("max(prioritysupport_database_size_bytes)", "database"),),
            unit="bytes",
            width=8,
        ),
        Panel(
            "Newest backup age",
            (q("time() - max(prioritysupport_backup_last_timestamp_seconds)", "backup"),),
            unit="s",
            width=8,
            description="From the files matching monitoring.backup_glob; the alert fires above 26 hours.",
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
            "Failed attempts per second, by channel (15 min)",
            (q(f"channel:prioritysupport_notifications_failed:rate15m{{{CH}}}", "{{channel}}"),),
            width=12,
        ),
        Panel(
            "Held until their calendar opens",
            (
                q(
                    f'sum by (channel, kind) (prioritysupport_notifications_held{{{CH},kind!="escalation"}})',
                    "{{channel}} {{kind}}",
                ),
            ),
            width=12,
            description="Notices waiting for the support or premium calendar (escalation steps: next panel).",
        ),
        Panel(
            "Escalation steps scheduled",
            (
                q(
                    f'sum by (channel) (prioritysupport_notifications_held{{{CH},kind="escalation"}})',
                    "{{channel}}",
                ),
            ),
            width=8,
            description="Steps that go out unless the page is acknowledged first.",
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
            "Outbox, open notifications",
            (q("max(prioritysupport_outbox_depth)", "open"),),
            width=8,
        ),
        Panel(
            "Outbox, oldest due",
            (q("max(prioritysupport_outbox_oldest_due_age_seconds)", "oldest due"),),
            unit="s",
            width=8,
        ),
        Panel(
            "Alertmanager notifications failed per hour",
            (
                q(
                    "sum by (integration) (increase(alertmanager_notifications_failed_total[1h]))",
                    "{{integration}}",
                ),
            ),
            width=8,
            description="To the collector: 422 is an alert whose customer label names no customer.",
        ),
        Panel(
            "Alerts refused for an unknown customer, per hour",
            (q("sum(increase(prioritysupport_alertmanager_unknown_customer_alerts_total[1h]))", "refused"),),
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
VARIABLE_SOURCES = {
    "customer": "prioritysupport_customer_info",  # every customer of contracts.toml, reported or not
    "channel": "prioritysupport_notifications_sent_total",
}


def _variable(name: str) -> dict[str, Any]:
    query = f"label_values({VARIABLE_SOURCES[name]}, {name})"
    return {
        "name": name,
        "label": name.capitalize(),
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": query, "refId": f"{name}-values"},
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


def _options(panel: Panel) -> dict[str, Any]:
    """Only the options the panel type has (grafana-foundation-sdk's models are the reference)."""
    if panel.kind in ("stat", "bargauge"):
        return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}
    if panel.kind == "timeseries":
        return {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}}
    return {"showHeader": True}


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
        "options": _options(panel),
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

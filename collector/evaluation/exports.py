"""JSON (everything, machine-readable) and CSV (one row per ticket, or per customer for the overview)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date, datetime, timedelta
from typing import Any

from collector.evaluation.model import CustomerReport, Overview

FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    """Dataclasses to dicts; instants as ISO 8601 UTC; durations as seconds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def to_json(report: CustomerReport | Overview) -> str:
    kind = "customer" if isinstance(report, CustomerReport) else "overview"
    document = {"format": "prioritysupport-report", "version": FORMAT_VERSION, "kind": kind, **_plain(report)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _hours(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.3f}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


TICKET_COLUMNS = (
    "number",
    "category",
    "priority",
    "state",
    "registered_at",
    "first_response_at",
    "resolved_at",
    "response_due",
    "resolution_due",
    "response_business_hours",
    "response_wall_hours",
    "resolution_business_hours",
    "resolution_wall_hours",
    "response_outcome",
    "resolution_outcome",
    "subject",
)


def customer_csv(report: CustomerReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("customer", "period", *TICKET_COLUMNS))
    for line in report.tickets:
        writer.writerow(
            (
                report.customer,
                report.period,
                line.number,
                line.category,
                line.priority,
                line.state,
                _cell(line.registered_at),
                _cell(line.first_response_at),
                _cell(line.resolved_at),
                _cell(line.response_due),
                _cell(line.resolution_due),
                _hours(line.response_business),
                _hours(line.response_wall),
                _hours(line.resolution_business),
                _hours(line.resolution_wall),
                line.response_outcome,
                line.resolution_outcome,
                line.subject,
            )
        )
    return out.getvalue()


def overview_csv(overview: Overview) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [field.name for field in dataclasses.fields(overview.rows[0])] if overview.rows else ["customer"]
    writer.writerow(("period", *names))
    for row in overview.rows:
        writer.writerow((overview.period, *(_cell(getattr(row, name)) for name in names)))
    return out.getvalue()

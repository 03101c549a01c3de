"""The report the agent sends: dataclasses that serialise to agent/schema/report-v1.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

SCHEMA_PATH = Path(__file__).with_name("schema") / "report-v1.json"

Status = Literal["ok", "failing", "unknown"]
Impact = Literal["low", "medium", "high"]
Scope = Literal["one-user", "multiple-users", "organisation"]


def utc_iso(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, second precision plus milliseconds."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class CheckResult:
    key: str
    kind: str
    status: Status
    name: str | None = None
    value: float | None = None
    unit: str | None = None
    detail: str | None = None
    impact: Impact | None = None
    scope: Scope | None = None
    integration: str | None = None
    checked_at: str | None = None
    duration_ms: float | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.detail is not None:
            data["detail"] = self.detail[:4000]
        return data


@dataclass
class ModuleLines:
    name: str
    code: int
    total: int | None = None
    author: str | None = None
    source: Literal["file", "database"] | None = None


@dataclass
class Counts:
    counted_at: str
    internal_users: int | None = None
    share_users: int | None = None
    active_users_15d: int | None = None
    custom_lines: int | None = None
    custom_lines_source: Literal["addons", "publisher_warranty", "unavailable"] | None = None
    modules: list[ModuleLines] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Counts:
        modules = [ModuleLines(**module) for module in data.get("modules", [])]
        return cls(**{**data, "modules": modules})


@dataclass
class Disk:
    mount: str
    percent: float
    total_bytes: int
    used_bytes: int


@dataclass
class HostFigures:
    hostname: str
    cpu_percent: float
    load1: float
    load5: float
    load15: float
    memory_percent: float
    swap_percent: float
    disks: list[Disk]
    odoo_workers: int
    odoo_workers_rss_bytes: int
    postgres_running: bool | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class InstanceInfo:
    name: str
    url: str
    database: str
    odoo_version: str | None = None
    odoo_serie: str | None = None
    protocol: Literal["xmlrpc", "json2"] | None = None


@dataclass
class Report:
    report_id: str
    agent_id: str
    sequence: int
    sent_at: str
    instance: InstanceInfo
    checks: list[CheckResult]
    counts: Counts | None = None
    host: HostFigures | None = None
    schema_version: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "report_id": self.report_id,
            "agent_id": self.agent_id,
            "sequence": self.sequence,
            "sent_at": self.sent_at,
            "instance": asdict(self.instance),
            "checks": [check.to_json() for check in self.checks],
            "counts": self.counts.to_json() if self.counts else None,
            "host": self.host.to_json() if self.host else None,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True)

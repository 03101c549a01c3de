"""Collector configuration: a TOML file validated against a small spec, errors naming the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collector.type_words import type_words

if TYPE_CHECKING:
    from collector.routing.rules import Rule


class ConfigError(ValueError):
    """A configuration problem, phrased as one sentence for the user."""


def _help(text: str, *, secret: bool = False) -> dict[str, Any]:
    """Field metadata: the one-line help (and secrecy) that docs/config_reference.py puts in the reference."""
    return {"help": text, "secret": secret}


@dataclass(frozen=True)
class ServerSettings:
    host: str = field(default="127.0.0.1", metadata=_help("Address the HTTP server listens on."))
    port: int = field(default=8480, metadata=_help("TCP port the HTTP server listens on (1-65535)."))
    max_report_bytes: int = field(
        default=1_048_576, metadata=_help("Largest accepted agent report in bytes (at least 1024).")
    )
    run_worker: bool = field(
        default=True, metadata=_help("Run the notification and sweep worker inside the server process.")
    )
    # Optional: the Alertmanager webhook then needs `Authorization: Bearer <this>` (at least 16 characters).
    alertmanager_token: str | None = field(
        default=None,
        metadata=_help("Bearer token the Alertmanager webhook must send (16+ characters).", secret=True),
    )


@dataclass(frozen=True)
class HttpSettings:
    # Uvicorn believes X-Forwarded-For only from these addresses; empty: from nobody (the default).
    trusted_proxies: tuple[str, ...] = field(
        default=(),
        metadata=_help("Proxy addresses whose X-Forwarded-For/-Proto are believed; empty: none."),
    )
    max_body_bytes: int = field(
        default=1_048_576,
        metadata=_help("Largest body of a request without its own limit below (staff forms, API), in bytes."),
    )
    max_alertmanager_bytes: int = field(
        default=2_097_152, metadata=_help("Largest Alertmanager webhook body in bytes.")
    )
    max_client_api_bytes: int = field(
        default=262_144, metadata=_help("Largest body sent to the client ticket API in bytes.")
    )


@dataclass(frozen=True)
class ClockSettings:
    mode: str = field(
        default="real", metadata=_help("Time source: real, accelerated or fixed (demos and tests).")
    )
    start: datetime | None = field(
        default=None, metadata=_help("Start instant with a UTC offset; required unless mode is real.")
    )
    factor: float = field(default=1.0, metadata=_help("Accelerated mode: simulated seconds per real second."))


@dataclass(frozen=True)
class MonitoringSettings:
    agent_interval_seconds: int = field(default=60, metadata=_help("Seconds between the agents' reports."))
    silent_intervals: int = field(
        default=3, metadata=_help("Missed report intervals after which an agent counts as silent.")
    )
    probe_timeout_seconds: float = field(
        default=5.0,
        metadata=_help("Seconds to wait when the collector probes the instance of a silent agent."),
    )
    # Consecutive failing reports before a condition opens a ticket, per check kind.
    damping: dict[str, int] = field(
        default_factory=lambda: {"default": 2},
        metadata=_help("Consecutive failing reports before a ticket opens, per check kind (kind = count)."),
    )
    sweep_seconds: float = field(
        default=30.0, metadata=_help("Seconds between sweeps: SLA breaches, held tickets, silent agents.")
    )
    # Impact and scope of monitoring incidents, overriding monitoring/incident_defaults.py:
    # per check key ({"odoo.login": ("high", "organisation")}) and per integration name.
    check_overrides: dict[str, tuple[str, str]] = field(
        default_factory=dict,
        metadata=_help("Per check key: a table with impact and scope for its incidents."),
    )
    integration_overrides: dict[str, tuple[str, str]] = field(
        default_factory=dict,
        metadata=_help("Per integration name: a table with impact and scope for its incidents."),
    )
    watchdog_minutes: int = field(
        default=0,
        metadata=_help(
            "Minutes without Alertmanager's Watchdog alert before the ops channel hears of it (0: off)."
        ),
    )
    backup_glob: str | None = field(
        default=None,
        metadata=_help("Backup files (a glob); /metrics exports the newest one's time for the backup alert."),
    )

    def failures_needed(self, kind: str) -> int:
        return self.damping.get(kind, self.damping.get("default", 2))


@dataclass(frozen=True)
class RetentionSettings:
    raw_report_hours: int = field(
        default=24, metadata=_help("Hours that raw agent reports are kept (compressed, for debugging).")
    )
    raw_report_days: int | None = field(
        default=None, metadata=_help("Older setting in days; when given it replaces raw_report_hours.")
    )
    prune_every_minutes: int = field(
        default=10, metadata=_help("Minutes between the collector's own pruning rounds (0: only by command).")
    )
    prune_batch_rows: int = field(default=2000, metadata=_help("Raw reports deleted per transaction."))
    prune_pause_ms: int = field(default=50, metadata=_help("Pause between two pruning transactions."))

    def raw_report_age(self) -> timedelta:
        if self.raw_report_days is not None:
            return timedelta(days=self.raw_report_days)
        return timedelta(hours=self.raw_report_hours)


@dataclass(frozen=True)
class NotificationSettings:
    apprise_config: str | None = field(
        default=None, metadata=_help("Apprise YAML file with channels by tag; relative to this file.")
    )
    smtp_host: str | None = field(default=None, metadata=_help("SMTP server for mailto: recipients."))
    smtp_port: int = field(default=25, metadata=_help("Port of that SMTP server."))
    smtp_sender: str = field(default="support@localhost", metadata=_help("Sender address of outgoing mail."))
    rota: str | None = field(
        default=None,
        metadata=_help("On-call rota TOML; oncall-* tags page the person on call; relative to this file."),
    )
    ack_secret: str | None = field(
        default=None, metadata=_help("Signs the acknowledge links in pages (16+ characters).", secret=True)
    )
    public_url: str | None = field(
        default=None, metadata=_help("URL where staff reach this collector, for those links.")
    )


@dataclass(frozen=True)
class CollectorConfig:
    database_url: str = field(
        default="sqlite:///var/collector.db",
        metadata=_help(
            "SQLAlchemy URL: sqlite:///... (relative to this file) or postgresql+psycopg://...", secret=True
        ),
    )
    server: ServerSettings = field(default_factory=ServerSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    clock: ClockSettings = field(default_factory=ClockSettings)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    base_dir: Path = field(default_factory=Path.cwd)
    # [[routing.rules]]: replaces routing.rules.DEFAULT_RULES when given (collector/routing/rule_config.py)
    routing_rules: tuple[Rule, ...] | None = field(
        default=None,
        metadata=_help(
            "Notification routing rules ([[routing.rules]]); given, they replace the built-in rules."
        ),
    )


# Which model holds the defaults of each section; database and routing live on CollectorConfig.
SECTION_MODELS: dict[str, tuple[type, dict[str, str]]] = {
    "database": (CollectorConfig, {"url": "database_url"}),
    "server": (ServerSettings, {}),
    "http": (HttpSettings, {}),
    "clock": (ClockSettings, {}),
    "monitoring": (MonitoringSettings, {}),
    "retention": (RetentionSettings, {}),
    "routing": (CollectorConfig, {"rules": "routing_rules"}),
    "notifications": (NotificationSettings, {}),
}

# The keys of one [[routing.rules]] table (collector/routing/rule_config.py RULE_KEYS), for the reference.
ROUTING_RULE_HELP: dict[str, tuple[str, str, bool, str]] = {
    # key: (type, default, required, help)
    "name": ("str", "", True, "Unique name of the rule."),
    "match": ("table", "{}", False, "Event fields and the value (or list of values) each must have."),
    "kind": ("str", "", True, "Kind of notification, e.g. page or mail."),
    "recipients": ("list", "", True, "Recipient tags, e.g. oncall-primary or support-team."),
    "calendar": ("str", '"any"', False, "any, support or premium: held until that calendar opens."),
    "continue": ("bool", "false", False, "true: later rules may match the same event too."),
    "escalation": (
        "table",
        "{}",
        False,
        "Per priority: steps { after_minutes, recipients } until acknowledged.",
    ),
}


_SECTIONS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "database": {"url": str},
    "server": {
        "host": str,
        "port": int,
        "max_report_bytes": int,
        "run_worker": bool,
        "alertmanager_token": str,
    },
    "http": {
        "trusted_proxies": list,
        "max_body_bytes": int,
        "max_alertmanager_bytes": int,
        "max_client_api_bytes": int,
    },
    "clock": {"mode": str, "start": (datetime, str), "factor": (int, float)},
    "monitoring": {
        "agent_interval_seconds": int,
        "silent_intervals": int,
        "probe_timeout_seconds": (int, float),
        "damping": dict,
        "sweep_seconds": (int, float),
        "check_overrides": dict,
        "integration_overrides": dict,
        "watchdog_minutes": int,
        "backup_glob": str,
    },
    "retention": {
        "raw_report_hours": int,
        "raw_report_days": int,
        "prune_every_minutes": int,
        "prune_batch_rows": int,
        "prune_pause_ms": int,
    },
    "routing": {"rules": list},
    "notifications": {
        "apprise_config": str,
        "smtp_host": str,
        "smtp_port": int,
        "smtp_sender": str,
        "rota": str,
        "ack_secret": str,
        "public_url": str,
    },
}


def _check_types(data: dict[str, Any]) -> None:
    for section, value in data.items():
        if section not in _SECTIONS:
            raise ConfigError(f"unknown section [{section}]; expected one of {', '.join(sorted(_SECTIONS))}")
        if not isinstance(value, dict):
            raise ConfigError(f"[{section}] must be a table")
        spec = _SECTIONS[section]
        for key, item in value.items():
            if key not in spec:
                raise ConfigError(f"unknown key {section}.{key}; expected one of {', '.join(sorted(spec))}")
            expected = spec[key]
            # bool is an int in Python: refuse true/false where a number is wanted.
            wrong_bool = isinstance(item, bool) and expected is not bool
            if wrong_bool or not isinstance(item, expected):
                raise ConfigError(f"{section}.{key} must be {type_words(expected)}, got {item!r}")


def _parse_http(raw: dict[str, Any]) -> HttpSettings:
    values = dict(raw)
    proxies = values.pop("trusted_proxies", [])
    if not all(isinstance(item, str) and item.strip() for item in proxies):
        raise ConfigError('http.trusted_proxies must be a list of addresses, e.g. ["10.0.0.5"]')
    if "*" in proxies:
        raise ConfigError("http.trusted_proxies: name the proxy's addresses; '*' would trust every client")
    http = HttpSettings(trusted_proxies=tuple(item.strip() for item in proxies), **values)
    for key in ("max_body_bytes", "max_alertmanager_bytes", "max_client_api_bytes"):
        if getattr(http, key) < 1024:
            raise ConfigError(f"http.{key} must be at least 1024")
    return http


def _parse_start(raw: object) -> datetime | None:
    if raw is None:
        return None
    value = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ConfigError("clock.start must be a date-time with a UTC offset, e.g. 2026-11-27T16:30:00+01:00")
    return value


def _overrides(table: dict[str, Any], where: str) -> dict[str, tuple[str, str]]:
    """{"key": {impact = ..., scope = ...}} with the policy's values or their Dutch aliases."""
    from collector.policy.triage import parse_impact, parse_scope

    result: dict[str, tuple[str, str]] = {}
    for key, value in table.items():
        if not isinstance(value, dict) or set(value) != {"impact", "scope"}:
            raise ConfigError(f'{where}."{key}" must be a table with impact and scope')
        try:
            result[key] = (parse_impact(str(value["impact"])).value, parse_scope(str(value["scope"])).value)
        except ValueError as exc:
            raise ConfigError(f'{where}."{key}": {exc}') from None
    return result


def parse_config(data: dict[str, Any], base_dir: Path) -> CollectorConfig:
    """Validate a decoded TOML document and build the settings."""
    _check_types(data)
    server = ServerSettings(**data.get("server", {}))
    if not 0 < server.port < 65536:
        raise ConfigError("server.port must be between 1 and 65535")
    if server.max_report_bytes < 1024:
        raise ConfigError("server.max_report_bytes must be at least 1024")
    if server.alertmanager_token is not None and len(server.alertmanager_token) < 16:
        raise ConfigError("server.alertmanager_token must be at least 16 characters long")
    http = _parse_http(data.get("http", {}))
    clock_raw = dict(data.get("clock", {}))
    try:
        start = _parse_start(clock_raw.pop("start", None))
    except ValueError as exc:
        raise ConfigError(f"clock.start is not a valid date-time: {exc}") from None
    clock = ClockSettings(start=start, **clock_raw)
    if clock.mode not in {"real", "accelerated", "fixed"}:
        raise ConfigError("clock.mode must be one of real, accelerated, fixed")
    if clock.mode != "real" and clock.start is None:
        raise ConfigError(f"clock.start is required when clock.mode is {clock.mode}")
    if clock.factor <= 0:
        raise ConfigError("clock.factor must be positive")
    monitoring_raw = dict(data.get("monitoring", {}))
    damping = monitoring_raw.pop("damping", {"default": 2})
    for kind, count in damping.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ConfigError(f"monitoring.damping.{kind} must be a whole number of at least 1")
    check_overrides = _overrides(monitoring_raw.pop("check_overrides", {}), "monitoring.check_overrides")
    integration_overrides = _overrides(
        monitoring_raw.pop("integration_overrides", {}), "monitoring.integration_overrides"
    )
    monitoring = MonitoringSettings(
        damping={"default": 2, **damping},
        check_overrides=check_overrides,
        integration_overrides=integration_overrides,
        **monitoring_raw,
    )
    if monitoring.watchdog_minutes < 0:
        raise ConfigError("monitoring.watchdog_minutes must be 0 (off) or a number of minutes")
    if monitoring.silent_intervals < 1 or monitoring.agent_interval_seconds < 1:
        raise ConfigError(
            "monitoring.silent_intervals and monitoring.agent_interval_seconds must be at least 1"
        )
    retention = RetentionSettings(**data.get("retention", {}))
    if retention.raw_report_age() < timedelta(hours=1) or retention.prune_batch_rows < 1:
        raise ConfigError(
            "retention.raw_report_hours must be at least 1 and retention.prune_batch_rows at least 1"
        )
    notifications_raw = dict(data.get("notifications", {}))
    for key in ("apprise_config", "rota"):
        if key in notifications_raw and not Path(notifications_raw[key]).is_absolute():
            notifications_raw[key] = str((base_dir / notifications_raw[key]).resolve())
    notifications = NotificationSettings(**notifications_raw)
    if notifications.ack_secret is not None and len(notifications.ack_secret) < 16:
        raise ConfigError("notifications.ack_secret must be at least 16 characters long")
    url = data.get("database", {}).get("url", CollectorConfig.database_url)
    if not url.startswith(("sqlite://", "postgresql+psycopg://")):
        raise ConfigError("database.url must start with sqlite:/// or postgresql+psycopg://")
    routing_rules = None
    if "rules" in data.get("routing", {}):
        from collector.routing.rule_config import RoutingConfigError, parse_rules

        try:
            routing_rules = parse_rules(data["routing"]["rules"])
        except RoutingConfigError as exc:
            raise ConfigError(str(exc)) from None
    return CollectorConfig(
        database_url=_resolve_sqlite(url, base_dir),
        routing_rules=routing_rules,
        server=server,
        http=http,
        clock=clock,
        monitoring=monitoring,
        retention=retention,
        notifications=notifications,
        base_dir=base_dir,
    )


def _resolve_sqlite(url: str, base_dir: Path) -> str:
    """A relative SQLite path is relative to the config file's folder; the folder is created."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite://" or url.startswith("sqlite:////"):
        if url.startswith("sqlite:////"):
            Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)
        return url
    path = (base_dir / url[len(prefix) :]).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"{prefix}{path}"


def load_config(path: Path | None) -> CollectorConfig:
    """Read the TOML file (or defaults when none is given)."""
    if path is None:
        return parse_config({}, Path.cwd())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist; pass --config with an existing file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return parse_config(data, path.parent.resolve())

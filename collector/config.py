"""Collector configuration: every key declared once (prioritysupport.config_keys), errors naming the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collector.policy.catalogue import CatalogueError
from collector.policy.policy import Policy, load_policy
from collector.policy.triage import parse_impact, parse_scope
from collector.routing.rule_config import RULES
from prioritysupport.config_keys import (
    BOOLEAN,
    DATE_TIME,
    NUMBER,
    PATH,
    TABLE,
    TEXT,
    WHOLE,
    ConfigKeyError,
    Key,
    Keys,
    Kind,
    at_least,
    between,
    keys_of,
    min_length,
    one_of,
    read_table,
    setting,
)

if TYPE_CHECKING:
    from collector.routing.rules import Rule


class ConfigError(ValueError):
    """A configuration problem, phrased as one sentence for the user."""


def _addresses(value: tuple[str, ...]) -> tuple[str, ...]:
    if "*" in value:
        raise ValueError("must name the proxy's addresses; '*' would trust every client")
    return value


def _with_offset(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must be a date-time with a UTC offset, e.g. 2026-11-27T16:30:00+01:00")
    return value


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError("must be positive")
    return value


def _off_or_minutes(value: int) -> int:
    if value < 0:
        raise ValueError("must be 0 (off) or a number of minutes")
    return value


def _database_url(value: str) -> str:
    if not value.startswith(("sqlite://", "postgresql+psycopg://")):
        raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
    return value


_BYTES = at_least(1024)


@dataclass(frozen=True)
class ServerSettings:
    host: str = setting(TEXT, "127.0.0.1", "Address the HTTP server listens on.")
    port: int = setting(
        WHOLE, 8480, "TCP port the HTTP server listens on (1-65535).", check=between(1, 65535)
    )
    max_report_bytes: int = setting(
        WHOLE, 1_048_576, "Largest accepted agent report in bytes (at least 1024).", check=_BYTES
    )
    run_worker: bool = setting(
        BOOLEAN, True, "Run the notification and sweep worker inside the server process."
    )
    ingest_linger_ms: float = setting(
        NUMBER,
        10.0,
        "Milliseconds the ingest writer waits after a batch's first report for more (0-100): a longer "
        "wait stores more reports per transaction (less CPU each) and adds up to that much latency.",
        check=between(0, 100),
    )
    # Optional: the Alertmanager webhook then needs `Authorization: Bearer <this>`.
    alertmanager_token: str | None = setting(
        TEXT,
        None,
        "Bearer token the Alertmanager webhook must send (16+ characters).",
        secret=True,
        check=min_length(16),
    )


def _proxies(value: list[object]) -> tuple[str, ...]:
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError("")  # the kind's own words: a list of addresses
    return _addresses(tuple(str(item).strip() for item in value))


PROXY_ADDRESSES = Kind("array", 'a list of addresses, e.g. ["10.0.0.5"]', (list,), _proxies)


@dataclass(frozen=True)
class HttpSettings:
    # Uvicorn believes X-Forwarded-For only from these addresses; empty: from nobody (the default).
    trusted_proxies: tuple[str, ...] = setting(
        PROXY_ADDRESSES,
        (),
        "Proxy addresses whose X-Forwarded-For/-Proto are believed; empty: none.",
    )
    max_body_bytes: int = setting(
        WHOLE,
        1_048_576,
        "Largest body of a request without its own limit below (staff forms, API), in bytes.",
        check=_BYTES,
    )
    max_alertmanager_bytes: int = setting(
        WHOLE, 2_097_152, "Largest Alertmanager webhook body in bytes.", check=_BYTES
    )
    max_client_api_bytes: int = setting(
        WHOLE, 262_144, "Largest body sent to the client ticket API in bytes.", check=_BYTES
    )


@dataclass(frozen=True)
class ClockSettings:
    mode: str = setting(
        TEXT,
        "real",
        "Time source: real, accelerated or fixed (demos and tests).",
        check=one_of("real", "accelerated", "fixed"),
    )
    start: datetime | None = setting(
        DATE_TIME, None, "Start instant with a UTC offset; required unless mode is real.", check=_with_offset
    )
    factor: float = setting(
        NUMBER, 1.0, "Accelerated mode: simulated seconds per real second.", check=_positive
    )


def _impact(value: str) -> str:
    return parse_impact(value).value


def _scope(value: str) -> str:
    return parse_scope(value).value


# Impact and scope of monitoring incidents for one check key or integration name.
IMPACT_SCOPE = Key(
    TABLE,
    "Impact and scope of its incidents.",
    keys={
        "impact": Key(TEXT, "Impact: low, medium or high (Dutch words too).", required=True, check=_impact),
        "scope": Key(
            TEXT, "Scope: one-user, multiple-users or organisation (Dutch too).", required=True, check=_scope
        ),
    },
    check=lambda table: (table["impact"], table["scope"]),
)


@dataclass(frozen=True)
class MonitoringSettings:
    agent_interval_seconds: int = setting(
        WHOLE, 60, "Seconds between the agents' reports.", check=at_least(1)
    )
    silent_intervals: int = setting(
        WHOLE, 3, "Missed report intervals after which an agent counts as silent.", check=at_least(1)
    )
    probe_timeout_seconds: float = setting(
        NUMBER, 5.0, "Seconds to wait when the collector probes the instance of a silent agent."
    )
    # Consecutive failing reports before a condition opens a ticket, per check kind.
    damping: dict[str, int] = setting(
        TABLE,
        {"default": 2},
        "Consecutive failing reports before a ticket opens, per check kind (kind = count).",
        each=Key(WHOLE, "Failing reports in a row.", check=at_least(1)),
        check=lambda counts: {"default": 2, **counts},
    )
    sweep_seconds: float = setting(
        NUMBER, 30.0, "Seconds between sweeps: SLA breaches, held tickets, silent agents."
    )
    # Over the agent's defaults (agent/schema/check-kinds.json), per check key: {"odoo.login": ("high", ...)}.
    check_overrides: dict[str, tuple[str, str]] = setting(
        TABLE,
        {},
        "Per check key: a table with impact and scope for its incidents.",
        each=IMPACT_SCOPE,
        entry="check",
    )
    integration_overrides: dict[str, tuple[str, str]] = setting(
        TABLE,
        {},
        "Per integration name: a table with impact and scope for its incidents.",
        each=IMPACT_SCOPE,
        entry="integration",
    )
    watchdog_minutes: int = setting(
        WHOLE,
        0,
        "Minutes without Alertmanager's Watchdog alert before the ops channel hears of it (0: off).",
        check=_off_or_minutes,
    )
    backup_glob: str | None = setting(
        TEXT, None, "Backup files (a glob); /metrics exports the newest one's time for the backup alert."
    )

    def failures_needed(self, kind: str) -> int:
        return self.damping.get(kind, self.damping.get("default", 2))


@dataclass(frozen=True)
class RetentionSettings:
    raw_report_hours: int = setting(
        WHOLE, 24, "Hours that raw agent reports are kept (compressed, for debugging).", check=at_least(1)
    )
    raw_report_days: int | None = setting(
        WHOLE, None, "Older setting in days; when given it replaces raw_report_hours.", check=at_least(1)
    )
    prune_every_minutes: int = setting(
        WHOLE,
        10,
        "Minutes between the collector's own pruning rounds (0: only by command).",
        check=at_least(0),
    )
    prune_batch_rows: int = setting(WHOLE, 250, "Raw reports deleted per transaction.", check=at_least(1))
    prune_pause_ms: int = setting(WHOLE, 20, "Pause between two pruning transactions.", check=at_least(0))

    def raw_report_age(self) -> timedelta:
        if self.raw_report_days is not None:
            return timedelta(days=self.raw_report_days)
        return timedelta(hours=self.raw_report_hours)


@dataclass(frozen=True)
class NotificationSettings:
    apprise_config: str | None = setting(
        PATH, None, "Apprise YAML file with channels by tag; relative to this file."
    )
    smtp_host: str | None = setting(TEXT, None, "SMTP server for mailto: recipients.")
    smtp_port: int = setting(WHOLE, 25, "Port of that SMTP server.")
    smtp_sender: str = setting(TEXT, "support@localhost", "Sender address of outgoing mail.")
    rota: str | None = setting(
        PATH, None, "On-call rota TOML; oncall-* tags page the person on call; relative to this file."
    )
    ack_secret: str | None = setting(
        TEXT,
        None,
        "Signs the acknowledge links in pages (16+ characters).",
        secret=True,
        check=min_length(16),
    )
    public_url: str | None = setting(TEXT, None, "URL where staff reach this collector, for those links.")


@dataclass(frozen=True)
class PolicySettings:
    catalogue: Path | None = setting(
        PATH,
        None,
        "Policy catalogue TOML replacing the shipped collector/policy/catalogue.toml; "
        "a bad file stops the start with the reason.",
        check=Path,
    )


# [database] and [routing] are not models of their own: their values live on CollectorConfig.
DATABASE_KEYS: Keys = {
    "url": Key(
        TEXT,
        "SQLAlchemy URL: sqlite:///... (relative to this file) or postgresql+psycopg://...",
        "sqlite:///var/collector.db",
        secret=True,
        check=_database_url,
    ),
}
ROUTING_KEYS: Keys = {
    "rules": RULES,
}


def _section(model: type, help_text: str) -> Key:
    return Key(TABLE, help_text, keys=keys_of(model))


# The whole file, section by section: parsing, defaults and docs/configuration.md come from here.
COLLECTOR_KEYS: Keys = {
    "database": Key(TABLE, "The database.", keys=DATABASE_KEYS),
    "server": _section(ServerSettings, "The HTTP server."),
    "http": _section(HttpSettings, "HTTP limits and proxies."),
    "clock": _section(ClockSettings, "The time source."),
    "monitoring": _section(MonitoringSettings, "Agents, checks and sweeps."),
    "retention": _section(RetentionSettings, "How long data is kept."),
    "routing": Key(TABLE, "Notification routing.", keys=ROUTING_KEYS),
    "notifications": _section(NotificationSettings, "Channels, mail and the on-call rota."),
    "policy": _section(PolicySettings, "The policy catalogue."),
}


@dataclass(frozen=True)
class CollectorConfig:
    database_url: str = DATABASE_KEYS["url"].default
    server: ServerSettings = field(default_factory=ServerSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    clock: ClockSettings = field(default_factory=ClockSettings)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    base_dir: Path = field(default_factory=Path.cwd)
    # [[routing.rules]]: replaces routing.rules.DEFAULT_RULES when given (collector/routing/rule_config.py)
    routing_rules: tuple[Rule, ...] | None = None


def _relative_paths(section: dict[str, Any], keys: Keys, base_dir: Path) -> dict[str, Any]:
    """Path keys given relative are relative to the config file's folder; the value keeps its type."""
    resolved = dict(section)
    for name, key in keys.items():
        value = section[name]
        if key.kind is PATH and value is not None and not Path(value).is_absolute():
            full = (base_dir / value).resolve()
            resolved[name] = full if isinstance(value, Path) else str(full)
    return resolved


def parse_config(data: dict[str, Any], base_dir: Path) -> CollectorConfig:
    """Validate a decoded TOML document and build the settings; nothing is used before all is checked."""
    try:
        values = read_table(data, COLLECTOR_KEYS)
    except ConfigKeyError as error:
        raise ConfigError(str(error)) from None
    clock = ClockSettings(**values["clock"])
    if clock.mode != "real" and clock.start is None:
        raise ConfigError(f"clock.start is required when clock.mode is {clock.mode}")
    policy = PolicySettings(
        **_relative_paths(values["policy"], COLLECTOR_KEYS["policy"].keys or {}, base_dir)
    )
    _check_policy(policy)
    return CollectorConfig(
        database_url=_resolve_sqlite(values["database"]["url"], base_dir),
        routing_rules=values["routing"]["rules"],
        server=ServerSettings(**values["server"]),
        http=HttpSettings(**values["http"]),
        clock=clock,
        monitoring=MonitoringSettings(**values["monitoring"]),
        retention=RetentionSettings(**values["retention"]),
        notifications=NotificationSettings(
            **_relative_paths(values["notifications"], COLLECTOR_KEYS["notifications"].keys or {}, base_dir)
        ),
        policy=policy,
        base_dir=base_dir,
    )


def _check_policy(settings: PolicySettings) -> None:
    """Read the configured catalogue now, so a bad file stops the start with the reason."""
    if settings.catalogue is not None:
        policy_from_settings(settings)


def policy_from_settings(settings: PolicySettings) -> Policy:
    """The shipped catalogue with the configured override merged over it; ConfigError when it is bad."""
    try:
        return load_policy(settings.catalogue)
    except CatalogueError as exc:  # its message names the file and the key
        raise ConfigError(f"policy.catalogue: {exc}") from None
    except (OSError, ValueError) as exc:  # unreadable (a folder, no permission) or an odd value
        raise ConfigError(
            f"policy.catalogue: catalogue file {settings.catalogue} cannot be used ({exc}): fix or replace it"
        ) from None


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

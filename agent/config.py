"""The agent's TOML configuration: validated at start, errors name the key; secrets never printed."""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.checks.host import DISK
from agent.checks.integrations import BY_CHECK as INTEGRATION_SPECS
from agent.checks.spec import CheckSpec

INTEGRATION_CHECKS = tuple(INTEGRATION_SPECS)
IMPACTS = ("low", "medium", "high")
SCOPES = ("one-user", "multiple-users", "organisation")
PROTOCOLS = ("auto", "xmlrpc", "json2")
SECRET_KEYS = ("api_key", "password", "token")


@dataclass(frozen=True)
class Setting:
    """One key of the file: the reader takes its default from here and the reference documents it."""

    kind: str  # string, number, integer, boolean, choice, table, list
    help: str
    default: Any = None
    required: bool = False
    secret: bool = False  # also accepted as <key>_env, naming an environment variable
    default_text: str | None = None  # when the default depends on other settings


# The keys per table, by path ("" is the top level); docs/config_reference.py renders these.
SETTINGS: dict[str, dict[str, Setting]] = {
    "": {
        "agent_id": Setting("string", "This agent's identity, as enrolled at the collector.", required=True),
        "state_dir": Setting(
            "string", "Folder for the spool and state; relative to the configuration file.", "state"
        ),
        "counts_in_child": Setting(
            "boolean", "Count users and custom lines in a short-lived child process (keeps memory low).", True
        ),
        "intervals": Setting("table", "How often each kind of check runs ([intervals])."),
        "collector": Setting("table", "Where reports go ([collector])."),
        "spool": Setting("table", "Limits of the on-disk spool for unsent reports ([spool])."),
        "exporter": Setting("table", "The optional Prometheus /metrics endpoint ([exporter])."),
        "host": Setting("table", "Host checks ([host])."),
        "instances": Setting("list", "The Odoo instances to watch ([[instances]]).", required=True),
    },
    "intervals": {
        "availability": Setting("number", "Seconds between availability checks (at least 1).", 60.0),
        "integrations": Setting("number", "Default seconds between integration checks (at least 1).", 60.0),
        "host": Setting("number", "Seconds between host checks (at least 1).", 60.0),
        "counts": Setting("number", "Seconds between user and custom-line counts (at least 1).", 3600.0),
    },
    "collector": {
        "url": Setting(
            "string",
            "The collector's report intake, posted to as given (https://HOST/api/v1/reports); "
            "without it reports stay in the spool.",
        ),
        "token": Setting("string", "Enrolment token sent with every report; required with url.", secret=True),
        "ca_bundle": Setting("string", "PEM CA bundle to verify the collector's certificate."),
        "timeout": Setting("number", "Seconds to wait for the collector (at least 0.1).", 10.0),
    },
    "spool": {
        "max_bytes": Setting(
            "integer", "Largest spool size in bytes before the oldest reports go.", 50 * 2**20
        ),
        "max_age_hours": Setting("number", "Hours after which an unsent report is dropped.", 7 * 24.0),
    },
    "exporter": {
        "listen": Setting("string", "host:port for Prometheus /metrics, e.g. 127.0.0.1:9469; unset: off."),
    },
    "host": {
        "disk_warn_percent": Setting("number", "Disk usage percentage that counts as a warning.", 90.0),
        "disk_critical_percent": Setting(
            "number", "Disk usage percentage that counts as critical.", DISK.high_at
        ),
        "local_postgres": Setting("boolean", "Also check a PostgreSQL server on this host.", False),
    },
    "instances": {
        "name": Setting("string", "Unique name of the instance, as in the contracts file.", required=True),
        "url": Setting("string", "Base URL of the Odoo instance (https://).", required=True),
        "database": Setting("string", "Odoo database name.", required=True),
        "login": Setting("string", "Odoo user the agent signs in as.", "admin"),
        "api_key": Setting("string", "Odoo API key of that user (preferred over password).", secret=True),
        "password": Setting("string", "Odoo password, when no API key can be used.", secret=True),
        "protocol": Setting("choice", "RPC protocol: " + ", ".join(PROTOCOLS) + ".", "auto"),
        "timeout": Setting("number", "Seconds to wait for Odoo (at least 0.1).", 10.0),
        "retries": Setting("integer", "Retries of a failed call before it counts as failing.", 1),
        "ca_bundle": Setting("string", "PEM CA bundle to verify the instance's certificate."),
        "slow_ms": Setting(
            "number", "Response time in milliseconds above which the instance is slow.", 2000.0
        ),
        "addons_paths": Setting("list", "Folders with custom modules whose lines are counted.", []),
        "integrations": Setting("list", "The instance's integrations ([[instances.integrations]]).", []),
    },
    "instances.integrations": {
        "name": Setting("string", "Unique name of the integration within the instance.", required=True),
        "check": Setting("choice", "How it is checked: " + ", ".join(INTEGRATION_CHECKS) + ".", "http"),
        "impact": Setting(
            "choice",
            "Impact of a failure: " + ", ".join(IMPACTS) + ".",
            default_text="per check (policy section 8)",
        ),
        "scope": Setting(
            "choice",
            "Scope of a failure: " + ", ".join(SCOPES) + ".",
            default_text="per check (policy section 8)",
        ),
        "interval": Setting(
            "number", "Seconds between checks (at least 1).", default_text="intervals.integrations"
        ),
    },
}


class ConfigError(ValueError):
    """One sentence naming the key and what to do."""


@dataclass(frozen=True)
class Integration:
    name: str
    check: str
    impact: str
    scope: str
    interval: float
    options: dict[str, Any]


@dataclass(frozen=True)
class Instance:
    name: str
    url: str
    database: str
    login: str
    secret: str = field(repr=False)
    secret_is_api_key: bool
    protocol: str
    timeout: float
    retries: int
    verify: bool | str
    slow_ms: float
    addons_paths: tuple[Path, ...]
    integrations: tuple[Integration, ...]


@dataclass(frozen=True)
class Collector:
    url: str | None
    token: str | None = field(repr=False)
    ca_bundle: str | None
    timeout: float


@dataclass(frozen=True)
class Intervals:
    availability: float
    integrations: float
    host: float
    counts: float


@dataclass(frozen=True)
class AgentConfig:
    agent_id: str
    state_dir: Path
    collector: Collector
    intervals: Intervals
    instances: tuple[Instance, ...]
    spool_max_bytes: int
    spool_max_age_hours: float
    exporter_listen: tuple[str, int] | None
    counts_in_child: bool
    disk_warn_percent: float
    disk_critical_percent: float
    local_postgres: bool = False


_FROM_SETTINGS: Any = object()  # a getter called without a default takes the one in SETTINGS


class _Reader:
    """Typed access to a TOML table that reports problems with the full key path."""

    def __init__(
        self, table: dict[str, Any], path: str, settings: dict[str, Setting], extra: tuple[str, ...] = ()
    ) -> None:
        self.table = table
        self.path = path
        self.settings = settings
        self.extra = extra  # keys declared elsewhere (the options of an integration check)
        self.used: set[str] = set()

    def _declared(self, name: str) -> None:
        """Only keys in SETTINGS (or `extra`) are read, so the reference lists every accepted key."""
        base = name.removesuffix("_env")
        secret_env = name != base and base in self.settings and self.settings[base].secret
        if name not in self.settings and name not in self.extra and not secret_env:
            raise AssertionError(f"{self.key(name)} is read but not declared in agent.config.SETTINGS")

    def _default(self, name: str, given: Any) -> Any:
        if given is not _FROM_SETTINGS:
            return given
        setting = self.settings.get(name)
        return setting.default if setting else None

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: str) -> Any:
        self._declared(name)
        self.used.add(name)
        return self.table.get(name)

    def string(self, name: str, default: Any = _FROM_SETTINGS, required: bool | None = None) -> str | None:
        value = self.raw(name)
        if required is None:
            required = name in self.settings and self.settings[name].required
        if value is None:
            if required:
                raise ConfigError(f"{self.key(name)} is missing: add it to the configuration")
            return self._default(name, default)
        if not isinstance(value, str) or (required and not value.strip()):
            raise ConfigError(f"{self.key(name)} must be a non-empty string")
        return value

    def number(self, name: str, default: Any = _FROM_SETTINGS, minimum: float = 0.0) -> float:
        value = self.raw(name)
        if value is None:
            return float(self._default(name, default))
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise ConfigError(f"{self.key(name)} must be a number at or above {minimum:g}")
        return float(value)

    def integer(self, name: str, default: Any = _FROM_SETTINGS, minimum: int = 0) -> int:
        value = self.raw(name)
        if value is None:
            return int(self._default(name, default))
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ConfigError(f"{self.key(name)} must be a whole number at or above {minimum}")
        return value

    def boolean(self, name: str, default: Any = _FROM_SETTINGS) -> bool:
        value = self.raw(name)
        if value is None:
            return bool(self._default(name, default))
        if not isinstance(value, bool):
            raise ConfigError(f"{self.key(name)} must be true or false")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: Any = _FROM_SETTINGS) -> str:
        value = self.string(name, default)
        assert value is not None
        if value not in choices:
            raise ConfigError(f"{self.key(name)} is {value!r}: use one of {', '.join(choices)}")
        return value

    def table_of(self, name: str) -> _Reader:
        value = self.raw(name)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise ConfigError(f"{self.key(name)} must be a table ([{self.key(name)}])")
        return _Reader(value, self.key(name), SETTINGS[self.key(name)])

    def secret(self, name: str, environ: dict[str, str]) -> str | None:
        """A secret from `name` in the file or from the variable named by `name_env`."""
        inline = self.string(name, None)
        variable = self.string(f"{name}_env", None)
        if inline is not None and variable is not None:
            raise ConfigError(f"{self.key(name)} and {self.key(name + '_env')} are both set: keep one")
        if variable is not None:
            value = environ.get(variable)
            if not value:
                raise ConfigError(
                    f"{self.key(name + '_env')} names {variable}, which is empty or unset: export it"
                )
            return value
        return inline

    def reject_unknown(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise ConfigError(f"{self.key(unknown[0])} is not a known setting: check its spelling")


def _check_permissions(path: Path, data: dict[str, Any]) -> None:
    """A file holding secrets must not be readable by group or others."""
    if not _holds_secret(data):
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{path} holds secrets but others can read it (mode {stat.S_IMODE(mode):o}): "
            f"run 'chmod 600 {path}' or move the secrets to environment variables"
        )


def _holds_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return any((key in SECRET_KEYS and item) or _holds_secret(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_secret(item) for item in value)
    return False


def load_config(path: Path, environ: dict[str, str] | None = None) -> AgentConfig:
    """Read and validate the configuration file; ConfigError says what to fix."""
    env = dict(os.environ if environ is None else environ)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist: give the agent's configuration with --config") from None
    except OSError as error:
        raise ConfigError(
            f"{path} cannot be read ({error.strerror}): check the path and its permissions"
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML ({error}): fix the syntax") from None
    _check_permissions(path, data)
    return parse_config(data, env, base_dir=path.parent)


def parse_config(data: dict[str, Any], environ: dict[str, str], base_dir: Path) -> AgentConfig:
    top = _Reader(data, "", SETTINGS[""])
    agent_id = top.string("agent_id")
    assert agent_id is not None
    state_dir = Path(top.string("state_dir") or "state")
    if not state_dir.is_absolute():
        state_dir = base_dir / state_dir

    intervals_table = top.table_of("intervals")
    intervals = Intervals(
        availability=intervals_table.number("availability", minimum=1),
        integrations=intervals_table.number("integrations", minimum=1),
        host=intervals_table.number("host", minimum=1),
        counts=intervals_table.number("counts", minimum=1),
    )
    intervals_table.reject_unknown()

    collector_table = top.table_of("collector")
    collector_url = collector_table.string("url")
    if collector_url is not None and not collector_url.startswith(("http://", "https://")):
        raise ConfigError("collector.url must start with https:// (or http:// for a local test)")
    collector = Collector(
        url=collector_url,
        token=collector_table.secret("token", environ),
        ca_bundle=collector_table.string("ca_bundle"),
        timeout=collector_table.number("timeout", minimum=0.1),
    )
    if collector.url and not collector.token:
        raise ConfigError(
            "collector.token is missing: set it (or collector.token_env) to the enrolment token"
        )
    if collector.ca_bundle and not Path(collector.ca_bundle).is_file():
        raise ConfigError(f"collector.ca_bundle {collector.ca_bundle} is not a file: give a PEM CA bundle")
    collector_table.reject_unknown()

    spool = top.table_of("spool")
    spool_max_bytes = spool.integer("max_bytes", minimum=1024)
    spool_max_age_hours = spool.number("max_age_hours", minimum=0.01)
    spool.reject_unknown()

    exporter = top.table_of("exporter")
    listen = exporter.string("listen")
    exporter.reject_unknown()
    exporter_listen = _parse_listen(listen) if listen else None

    host = top.table_of("host")
    disk_warn = host.number("disk_warn_percent", minimum=1)
    disk_critical = host.number("disk_critical_percent", minimum=1)
    local_postgres = host.boolean("local_postgres")
    host.reject_unknown()

    counts_in_child = top.boolean("counts_in_child")

    raw_instances = top.raw("instances")
    if not isinstance(raw_instances, list) or not raw_instances:
        raise ConfigError(
            "instances is missing: add at least one [[instances]] table with name, url and database"
        )
    instances = tuple(
        _parse_instance(item, f"instances[{index}]", environ, intervals)
        for index, item in enumerate(raw_instances)
    )
    names = [instance.name for instance in instances]
    if len(set(names)) != len(names):
        raise ConfigError("instances: two instances share a name; give each a unique name")
    top.reject_unknown()
    return AgentConfig(
        agent_id=agent_id,
        state_dir=state_dir,
        collector=collector,
        intervals=intervals,
        instances=instances,
        spool_max_bytes=spool_max_bytes,
        spool_max_age_hours=spool_max_age_hours,
        exporter_listen=exporter_listen,
        counts_in_child=counts_in_child,
        disk_warn_percent=disk_warn,
        disk_critical_percent=disk_critical,
        local_postgres=local_postgres,
    )


def _parse_listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"exporter.listen is {value!r}: use host:port, e.g. 127.0.0.1:9469")
    return host or "127.0.0.1", int(port)


def _parse_instance(item: Any, path: str, environ: dict[str, str], intervals: Intervals) -> Instance:
    if not isinstance(item, dict):
        raise ConfigError(f"{path} must be a table ([[instances]])")
    table = _Reader(item, path, SETTINGS["instances"])
    name = table.string("name")
    url = table.string("url")
    database = table.string("database")
    assert name and url and database is not None
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{path}.url must start with https:// or http://")
    login = table.string("login") or "admin"
    api_key = table.secret("api_key", environ)
    password = table.secret("password", environ)
    if api_key and password:
        raise ConfigError(f"{path}.api_key and {path}.password are both set: keep the API key")
    if not api_key and not password:
        raise ConfigError(f"{path}.api_key is missing: set it (or {path}.api_key_env) to an Odoo API key")
    verify: bool | str = True
    ca_bundle = table.string("ca_bundle")
    if ca_bundle:
        if not Path(ca_bundle).is_file():
            raise ConfigError(f"{path}.ca_bundle {ca_bundle} is not a file: give a PEM CA bundle")
        verify = ca_bundle
    addons = table.raw("addons_paths") or []
    if not isinstance(addons, list) or not all(isinstance(entry, str) for entry in addons):
        raise ConfigError(f"{path}.addons_paths must be a list of folder paths")
    raw_integrations = table.raw("integrations") or []
    if not isinstance(raw_integrations, list):
        raise ConfigError(f"{path}.integrations must be a list of tables ([[instances.integrations]])")
    integrations = tuple(
        _parse_integration(entry, f"{path}.integrations[{index}]", intervals)
        for index, entry in enumerate(raw_integrations)
    )
    names = [integration.name for integration in integrations]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}.integrations: two integrations share a name; give each a unique name")
    protocol = table.choice("protocol", PROTOCOLS)
    if protocol == "json2" and not api_key:
        raise ConfigError(
            f'{path}.protocol = "json2" needs an api_key (JSON-2 takes no passwords): '
            'give api_key, or set protocol = "auto"'
        )
    instance = Instance(
        name=name,
        url=url.rstrip("/"),
        database=database,
        login=login,
        secret=api_key or password or "",
        secret_is_api_key=bool(api_key),
        protocol=protocol,
        timeout=table.number("timeout", minimum=0.1),
        retries=table.integer("retries", minimum=0),
        verify=verify,
        slow_ms=table.number("slow_ms", minimum=1),
        addons_paths=tuple(Path(entry) for entry in addons),
        integrations=integrations,
    )
    table.reject_unknown()
    return instance


# Views of the integration specs (agent/checks/integrations) for docs/config_reference.py.
_INTEGRATION_OPTIONS: dict[str, dict[str, tuple[type, ...]]] = {
    check: {option.name: option.types for option in spec.options} for check, spec in INTEGRATION_SPECS.items()
}
INTEGRATION_OPTION_HELP: dict[str, dict[str, str]] = {
    check: {option.name: option.help for option in spec.options} for check, spec in INTEGRATION_SPECS.items()
}
_REQUIRED_OPTIONS: dict[str, tuple[str, ...]] = {
    check: tuple(option.name for option in spec.options if option.required)
    for check, spec in INTEGRATION_SPECS.items()
}
# Every integration option is declared; only the chosen check's are read, the others are unknown keys.
_ALL_OPTION_NAMES = tuple(option.name for spec in INTEGRATION_SPECS.values() for option in spec.options)


def _parse_integration(item: Any, path: str, intervals: Intervals) -> Integration:
    if not isinstance(item, dict):
        raise ConfigError(f"{path} must be a table")
    table = _Reader(item, path, SETTINGS["instances.integrations"], extra=_ALL_OPTION_NAMES)
    name = table.string("name")
    check = table.choice("check", INTEGRATION_CHECKS)
    assert name is not None
    spec = INTEGRATION_SPECS[check]
    impact = table.choice("impact", IMPACTS, spec.impact)
    scope = table.choice("scope", SCOPES, spec.scope)
    interval = table.number("interval", intervals.integrations, minimum=1)
    options = _integration_options(table, spec, path)
    table.reject_unknown()
    return Integration(name=name, check=check, impact=impact, scope=scope, interval=interval, options=options)


def _integration_options(table: _Reader, spec: CheckSpec, path: str) -> dict[str, Any]:
    """The options the spec declares, type-checked, then the required ones, then each option's own test."""
    options: dict[str, Any] = {}
    for option in spec.options:
        value = table.raw(option.name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, option.types):
            raise ConfigError(f"{path}.{option.name} has the wrong type for a {spec.name} check")
        options[option.name] = value
    for option in spec.options:
        if option.required and option.name not in options:
            raise ConfigError(f"{path}.{option.name} is missing: a {spec.name} check needs it")
    for option in spec.options:
        if option.valid is not None and option.name in options and not option.valid(options[option.name]):
            raise ConfigError(f"{path}.{option.name} {option.invalid}")
    return options

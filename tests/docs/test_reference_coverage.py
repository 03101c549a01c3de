"""Every key a loader accepts is in the models the reference is generated from, and nothing more.

Two directions per file: the keys of the shipped example (deploy/examples) are all documented, and a
document that sets every documented key is accepted by the real loader.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent.config import _INTEGRATION_OPTIONS, SETTINGS, _Reader, parse_config
from alerts.oncall import ROTA_KEYS, parse_rota
from collector.config import COLLECTOR_KEYS
from collector.config import parse_config as parse_collector_config
from collector.contracts.book import CONTRACT_FILE_KEYS, ContractFileError, parse_contracts
from collector.helpdesk.settings import HelpdeskSettings, env_variable
from collector.policy.catalogue import CATALOGUE_KEYS, DEFAULT_CATALOGUE_PATH
from collector.routing.rule_config import RULE_KEYS
from prioritysupport.config_keys import Keys, declared_tables

EXAMPLES = Path(__file__).resolve().parents[2] / "deploy" / "examples"


def _tables(keys: Keys) -> dict[str, Keys]:
    """The declared tables of a file by dotted path: "", "customer.contact", "people.<id>", ..."""
    return {table.path: table.keys for table in declared_tables(keys)}


CONTRACT_TABLES = _tables(CONTRACT_FILE_KEYS)
ROTA_TABLES = _tables(ROTA_KEYS)
SECTIONS = {name: dict(key.keys or {}) for name, key in COLLECTOR_KEYS.items()}


def _example(name: str) -> dict[str, Any]:
    return tomllib.loads((EXAMPLES / name).read_text(encoding="utf-8"))


# -- agent -----------------------------------------------------------------------------------------


def _agent_keys(data: dict[str, Any]) -> set[tuple[str, str]]:
    """(section, key) pairs of an agent document; integration options under 'check=<kind>'."""
    found = {("", key) for key in data}
    for section in ("intervals", "collector", "spool", "exporter", "host"):
        found |= {(section, key) for key in data.get(section, {})}
    for instance in data.get("instances", []):
        found |= {("instances", key) for key in instance}
        for integration in instance.get("integrations", []):
            common = SETTINGS["instances.integrations"]
            check = integration.get("check", common["check"].default)
            for key in integration:
                found.add(("instances.integrations", key) if key in common else (f"check={check}", key))
    return found


def _documented_agent_keys() -> set[tuple[str, str]]:
    documented = {(section, key) for section, table in SETTINGS.items() for key in table}
    documented |= {
        (section, f"{key}_env")
        for section, table in SETTINGS.items()
        for key, setting in table.items()
        if setting.secret
    }
    documented |= {
        (f"check={check}", key) for check, options in _INTEGRATION_OPTIONS.items() for key in options
    }
    return documented


def _full_agent_document(tmp_path: Path) -> dict[str, Any]:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not checked here\n", encoding="utf-8")
    integrations = [
        {"name": "web", "check": "http", "impact": "high", "scope": "organisation", "interval": 30,
         "url": "https://shop.example/health", "expect_status": 200, "keyword": "ok", "max_latency_ms": 900,
         "timeout": 5},
        {"name": "socket", "check": "tcp", "host": "127.0.0.1", "port": 5432, "timeout": 2},
        {"name": "crons", "check": "odoo_cron", "crons": ["Send invoices"], "overdue_minutes": 60},
        {"name": "jobs", "check": "queue_job", "channel": "root", "model_name": "sale.order",
         "method_name": "action_confirm", "threshold": 3},
        {"name": "mail", "check": "mail", "threshold": 2},
        {"name": "orders", "check": "freshness", "model": "sale.order", "domain": [["state", "=", "sale"]],
         "field": "write_date", "max_age_minutes": 120},
    ]  # fmt: skip
    return {
        "agent_id": "acme",
        "state_dir": str(tmp_path / "state"),
        "counts_in_child": False,
        "intervals": {"availability": 30, "integrations": 30, "host": 30, "counts": 600},
        "collector": {"url": "https://collector.example", "token_env": "PS_TOKEN", "ca_bundle": str(bundle),
                      "timeout": 5},
        "spool": {"max_bytes": 4096, "max_age_hours": 24},
        "exporter": {"listen": "127.0.0.1:9469"},
        "host": {"disk_warn_percent": 80, "disk_critical_percent": 95, "local_postgres": True},
        "instances": [
            {"name": "prod", "url": "https://odoo.example", "database": "prod", "login": "monitor",
             "api_key": "k", "protocol": "xmlrpc", "timeout": 5, "retries": 2, "ca_bundle": str(bundle),
             "slow_ms": 1500, "addons_paths": [str(tmp_path)], "integrations": integrations},
            {"name": "test", "url": "https://test.example", "database": "test", "password_env": "ODOO_PW"},
        ],
    }  # fmt: skip


def test_every_key_of_the_agent_example_is_documented() -> None:
    undocumented = _agent_keys(_example("agent.toml")) - _documented_agent_keys()
    assert not undocumented


def test_the_agent_accepts_every_documented_key(tmp_path: Path) -> None:
    document = _full_agent_document(tmp_path)
    # A secret is given one way per table: these forms are tried in the variant below.
    alternates = {("collector", "token"), ("instances", "password"), ("instances", "api_key_env")}
    assert _documented_agent_keys() - _agent_keys(document) == alternates
    config = parse_config(document, {"PS_TOKEN": "t", "ODOO_PW": "p"}, base_dir=tmp_path)
    assert [len(instance.integrations) for instance in config.instances] == [6, 0]

    variant = _full_agent_document(tmp_path)
    variant["collector"] = {"url": "https://collector.example", "token": "t"}
    variant["instances"][0] = {**variant["instances"][0], "api_key_env": "ODOO_KEY"}
    del variant["instances"][0]["api_key"]
    variant["instances"][1] = {**variant["instances"][1], "password": "p"}
    del variant["instances"][1]["password_env"]
    assert alternates <= _agent_keys(variant)
    config = parse_config(variant, {"ODOO_KEY": "k"}, base_dir=tmp_path)
    assert [instance.secret for instance in config.instances] == ["k", "p"]


def test_agent_defaults_come_from_the_settings_table(tmp_path: Path) -> None:
    minimal = {"agent_id": "a", "instances": [{"name": "p", "url": "https://o.example", "database": "d",
                                                "api_key": "k", "integrations": [{"name": "w",
                                                "url": "https://o.example"}]}]}  # fmt: skip
    config = parse_config(minimal, {}, base_dir=tmp_path)
    assert config.intervals.counts == SETTINGS["intervals"]["counts"].default
    assert config.spool_max_bytes == SETTINGS["spool"]["max_bytes"].default
    assert config.counts_in_child is SETTINGS[""]["counts_in_child"].default
    instance = config.instances[0]
    assert (instance.login, instance.protocol) == (
        SETTINGS["instances"]["login"].default,
        SETTINGS["instances"]["protocol"].default,
    )
    assert instance.integrations[0].check == SETTINGS["instances.integrations"]["check"].default


def test_the_agent_reader_refuses_to_read_an_undocumented_key() -> None:
    with pytest.raises(AssertionError, match="not declared"):
        _Reader({"surprise": 1}, "", SETTINGS[""]).raw("surprise")


# -- collector -------------------------------------------------------------------------------------


@pytest.mark.parametrize("keys", [COLLECTOR_KEYS, CONTRACT_FILE_KEYS, ROTA_KEYS, CATALOGUE_KEYS])
def test_every_declared_key_has_help(keys: Keys) -> None:
    for table in declared_tables(keys):
        for name, key in table.keys.items():
            assert key.help.strip(), f"{table.path}.{name}"


def test_every_key_of_the_collector_example_is_documented() -> None:
    data = _example("collector.toml")
    for section, table in data.items():
        assert set(table) <= set(SECTIONS[section]), section


def test_the_collector_accepts_every_documented_key(tmp_path: Path) -> None:
    values: dict[str, dict[str, Any]] = {
        "database": {"url": "sqlite:///collector.db"},
        "server": {"host": "127.0.0.1", "port": 8481, "max_report_bytes": 4096, "run_worker": False,
                   "ingest_linger_ms": 2.5, "alertmanager_token": "a" * 16},
        "http": {"trusted_proxies": ["10.0.0.5"], "max_body_bytes": 2048, "max_alertmanager_bytes": 4096,
                 "max_client_api_bytes": 4096},
        "clock": {"mode": "fixed", "start": datetime(2026, 11, 27, 9, tzinfo=UTC), "factor": 2},
        "monitoring": {"agent_interval_seconds": 30, "silent_intervals": 2, "probe_timeout_seconds": 1,
                       "damping": {"default": 3}, "sweep_seconds": 5,
                       "check_overrides": {"odoo.login": {"impact": "high", "scope": "organisation"}},
                       "integration_overrides": {"edi": {"impact": "hoog", "scope": "organisatie breed"}},
                       "watchdog_minutes": 15, "backup_glob": "/var/backups/ps/*.db"},
        "retention": {"raw_report_hours": 48, "raw_report_days": 2, "prune_every_minutes": 10,
                      "prune_batch_rows": 250, "prune_pause_ms": 20},
        "routing": {"rules": [{"name": "page", "match": {"event": "ticket_opened"}, "kind": "page",
                               "recipients": ["oncall-primary"], "calendar": "premium", "continue": True,
                               "escalation": {"A": [{"after_minutes": 15, "recipients": ["manager"]}]}}]},
        "notifications": {"apprise_config": "apprise.yml", "smtp_host": "127.0.0.1", "smtp_port": 2525,
                          "smtp_sender": "s@example.org", "rota": "oncall.toml", "ack_secret": "b" * 16,
                          "public_url": "https://support.example"},
        "policy": {"catalogue": "catalogue.toml"},
    }  # fmt: skip
    (tmp_path / "catalogue.toml").write_text("[limits]\nover_reminder_days = 14\n", encoding="utf-8")
    assert {section: set(table) for section, table in values.items()} == {
        section: set(keys) for section, keys in SECTIONS.items()
    }
    assert set(values["routing"]["rules"][0]) == set(RULE_KEYS)
    config = parse_collector_config(values, tmp_path)
    assert config.routing_rules is not None and config.server.port == 8481
    assert config.server.ingest_linger_ms == 2.5
    assert config.policy.catalogue == tmp_path / "catalogue.toml"


# -- contracts and rota ----------------------------------------------------------------------------


def test_every_key_of_the_contracts_example_is_documented() -> None:
    data = _example("contracts.toml")
    assert set(data) <= set(CONTRACT_TABLES[""])
    for customer in data["customer"]:
        assert set(customer) <= set(CONTRACT_TABLES["customer"])
        for child in ("contact", "instance", "contract"):
            for table in customer.get(child, []):
                assert set(table) <= set(CONTRACT_TABLES[f"customer.{child}"]), child


def test_the_contracts_loader_accepts_exactly_the_documented_keys() -> None:
    customer = {"key": "acme", "name": "Acme", "language": "en", "account_manager": "am@example.org",
                "contact": [{"name": "Jan", "email": "jan@example.org", "language": "nl", "phone": "1"}],
                "instance": [{"name": "prod", "url": "https://odoo.example"}],
                "contract": [{"effective_from": datetime(2026, 1, 1).date(), "package": "small",
                              "premium": True, "migration": True, "integrations": ["edi"],
                              "notify_customer_incidents": False,
                              "excluded_authors": ["Odoo S.A."]}]}  # fmt: skip
    assert set(customer) == set(CONTRACT_TABLES["customer"])
    for child in ("contact", "instance", "contract"):
        assert set(customer[child][0]) == set(CONTRACT_TABLES[f"customer.{child}"])
    assert parse_contracts({"customer": [customer]})[0].contracts[0].premium is True
    with pytest.raises(ContractFileError, match="unknown key"):
        parse_contracts({"customer": [{**customer, "colour": "red"}]})


def _rota_keys(data: dict[str, Any]) -> set[tuple[str, str]]:
    found = {("", key) for key in data}
    for person in data.get("people", {}).values():
        found |= {("people.<id>", key) for key in person}
    for section in ("rotations", "overrides"):
        found |= {(section, key) for table in data.get(section, []) for key in table}
    return found


def test_every_key_of_the_rota_example_is_documented_and_the_defaults_are_the_tables() -> None:
    documented = {(section, key) for section, table in ROTA_TABLES.items() for key in table}
    data = _example("oncall.toml")
    assert _rota_keys(data) <= documented
    minimal = {"people": {"a": {"name": "A"}}, "rotations": [{"tag": "oncall-primary", "members": ["a"]}]}
    rota = parse_rota(minimal)
    assert rota.timezone.key == ROTA_TABLES[""]["timezone"].default
    assert rota.rotations[0].start == ROTA_TABLES["rotations"]["start"].default


# -- catalogue -------------------------------------------------------------------------------------


def test_the_shipped_catalogue_sets_every_required_key_and_nothing_undeclared() -> None:
    shipped = tomllib.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    for table in declared_tables(CATALOGUE_KEYS):
        if "<" in table.path:
            continue
        node: Any = shipped
        for part in filter(None, table.path.split(".")):
            node = node[part]
        assert set(node) <= set(table.keys), table.path
        assert {name for name, key in table.keys.items() if key.required} <= set(node), table.path


# -- helpdesk --------------------------------------------------------------------------------------


def test_exactly_the_documented_helpdesk_variables_are_read() -> None:
    marked = {field.name for field in fields(HelpdeskSettings) if field.metadata["env"]}
    changed = {
        "cookie_secure": "no",
        "secret_key": "s" * 32,
        "protect_management_api": "false",
        "mail_intake_host": "127.0.0.2",
        "mail_intake_port": "2626",
    }
    assert set(changed) == marked
    every_field = {field.name: "7" for field in fields(HelpdeskSettings)}
    environ = {env_variable(name): value for name, value in {**every_field, **changed}.items()}
    settings = HelpdeskSettings.from_env(environ)
    defaults = HelpdeskSettings()
    differing = {
        f.name for f in fields(HelpdeskSettings) if getattr(settings, f.name) != getattr(defaults, f.name)
    }
    assert differing == marked
    assert all(field.metadata["help"] for field in fields(HelpdeskSettings))

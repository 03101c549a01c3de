"""The example configuration set loads with the real loaders, and its files agree with each other."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from tests.deploy.components import DEPLOY, load_yaml

EXAMPLES = DEPLOY / "examples"


def _agent_config(tmp_path: Path) -> object:
    from agent.config import load_config

    # The agent refuses a secrets file others can read: copy it the way an installer would.
    copy = tmp_path / "agent.toml"
    shutil.copy(EXAMPLES / "agent.toml", copy)
    copy.chmod(0o600)
    return load_config(copy, environ={})


def test_collector_examples_load() -> None:
    from collector.config import load_config

    example = load_config(EXAMPLES / "collector.toml")
    assert example.server.port == 8480 and example.server.run_worker is True
    assert example.notifications.apprise_config == "/etc/prioritysupport/apprise.yml"
    container = load_config(DEPLOY / "docker" / "collector.toml")
    assert container.database_url.startswith("postgresql+psycopg://") and container.server.host == "0.0.0.0"


def test_agent_example_loads_and_matches_the_contracts(tmp_path: Path) -> None:
    from collector.contracts.book import read_contracts_file

    config = _agent_config(tmp_path)
    customers = {customer.key: customer for customer in read_contracts_file(EXAMPLES / "contracts.toml")}
    acme = customers["acme"]
    assert {i.name for i in config.instances} <= {i.name for i in acme.instances}  # type: ignore[attr-defined]
    integrations = {n.name for i in config.instances for n in i.integrations}  # type: ignore[attr-defined]
    assert set(acme.contracts[-1].integrations) <= integrations
    assert config.exporter_listen == ("127.0.0.1", 9469)  # type: ignore[attr-defined]  # local unless opened


def test_file_sd_example_uses_the_agent_exporter_port_and_known_customers() -> None:
    groups = load_yaml(DEPLOY / "prometheus" / "file_sd" / "agents.example.yml")
    assert all(target.endswith(":9469") for group in groups for target in group["targets"])


def test_oncall_and_apprise_examples_resolve_every_tag_the_routing_uses() -> None:
    from alerts.channels import ChannelBook
    from alerts.oncall import load_rota

    rota = load_rota(EXAMPLES / "oncall.toml")
    at = datetime(2026, 12, 25, 12, tzinfo=UTC)
    assert rota.person_on_call("oncall-primary", at) == "carla"  # the Christmas override
    book = ChannelBook.from_yaml(EXAMPLES / "apprise.yml")
    for tag in ("support-team", "ops", "oncall-primary", "oncall-secondary", "support-manager"):
        assert book.resolve(tag, at), f"no channel for tag {tag}"

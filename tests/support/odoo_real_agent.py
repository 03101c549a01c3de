"""Agent configurations that watch a real Odoo stack, and small readers of the agent's reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.config import AgentConfig, load_config
from agent.report import CheckResult, Report
from agent.runner import COUNTS, Agent
from tests.agent.helpers import toml_value
from tests.support.odoo_real import OdooStack
from tests.support.odoo_real_seed import MONITORING_LOGIN


def agent_config(
    folder: Path,
    stack: OdooStack,
    integrations: list[dict[str, Any]] | None = None,
    instance: dict[str, Any] | None = None,
    top: dict[str, Any] | None = None,
    collector: dict[str, Any] | None = None,
    host: dict[str, Any] | None = None,
) -> AgentConfig:
    """One instance: the stack, logged in with the monitoring user's API key (secrets inline, file 0600)."""
    settings = {"agent_id": f"real-{stack.series}", "state_dir": str(folder / "state")}
    settings["counts_in_child"] = False
    lines = [f"{key} = {toml_value(value)}" for key, value in {**settings, **(top or {})}.items()]
    for table, values in (("collector", collector), ("host", host)):
        if values:
            lines += [f"[{table}]", *(f"{key} = {toml_value(value)}" for key, value in values.items())]
    entry = {
        "name": "prod",
        "url": stack.url,
        "database": stack.database,
        "login": MONITORING_LOGIN,
        "api_key": stack.api_key,
        "timeout": 30.0,  # a busy shared machine: generous
        "retries": 0,
        "slow_ms": 20000,
        "addons_paths": [str(path) for path in stack.addons_paths],
        **(instance or {}),
    }
    lines += ["[[instances]]", *(f"{key} = {toml_value(v)}" for key, v in entry.items() if v is not None)]
    for integration in integrations or []:
        lines.append("[[instances.integrations]]")
        lines += [f"{key} = {toml_value(v)}" for key, v in integration.items()]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "agent.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return load_config(path, environ={})


def without_counts(agent: Agent) -> Agent:
    """The slow counts (users, cloc) never fall due: the checks' tests stay fast."""
    for number in range(len(agent.monitors)):
        agent.due[(number, COUNTS)] = float("inf")
    return agent


def run_once(config: AgentConfig) -> Report:
    """Every check once (not the counts)."""
    [report] = without_counts(Agent(config, push=False)).run_due()
    return report


def checks_of(report: Report) -> dict[str, CheckResult]:
    return {check.key: check for check in report.checks}


def statuses(report: Report) -> dict[str, str]:
    return {check.key: check.status for check in report.checks}

"""Command line of the agent: `agent run`, `agent once`, `agent check-config`.

Only typer, rich and the standard library at module level; the runtime loads inside the commands.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from agent.config import AgentConfig, Instance
    from agent.report import Report

agent_app = typer.Typer(
    help="The agent beside a customer's Odoo: checks, counts, reports.", no_args_is_help=True
)

CONFIG_OPTION = typer.Option(Path("agent.toml"), "--config", "-c", help="The agent's TOML configuration.")


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _load(path: Path) -> AgentConfig:
    from agent.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as error:
        raise _fail(f"Configuration error: {error}.", 2) from None


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@agent_app.command("check-config")
def check_config(config: Path = CONFIG_OPTION) -> None:
    """Validate the configuration and say what it watches (secrets are not shown)."""
    loaded = _load(config)
    notes: dict[str, str] = {}
    problems: list[str] = []
    for instance in loaded.instances:
        problem, note = _check_protocol(instance)
        if problem:
            problems.append(f"Configuration error: {problem}.")
        if note:
            notes[instance.name] = note
    if problems:
        raise _fail("\n".join(problems), 2)
    typer.echo(f"{config}: valid. Agent {loaded.agent_id!r}, state in {loaded.state_dir}.")
    for instance in loaded.instances:
        secret = "API key" if instance.secret_is_api_key else "password"
        typer.echo(
            f"- {instance.name}: {instance.url} database {instance.database!r} "
            f"as {instance.login!r} ({secret}), "
            f"{len(instance.integrations)} integration(s), {len(instance.addons_paths)} addons path(s)"
        )
        if instance.name in notes:
            typer.echo(f"  {notes[instance.name]}")
    target = loaded.collector.url or "nowhere (no collector.url: reports stay in the spool)"
    typer.echo(f"Reports go to {target}.")


def _check_protocol(instance: Instance) -> tuple[str | None, str | None]:
    """(problem, note) for protocol = "json2", which needs Odoo 19+: the server is asked when it answers."""
    if instance.protocol != "json2":
        return None, None
    from agent.odoo import Credentials, OdooClientError, ProtocolMismatch, connect
    from agent.odoo.transport import HttpTransport, TransportSettings

    settings = TransportSettings(timeout=min(instance.timeout, 10.0), retries=0, verify=instance.verify)
    transport = HttpTransport(settings)
    credentials = Credentials(instance.database, instance.login, instance.secret, instance.secret_is_api_key)
    try:
        connect(instance.url, credentials, transport, "json2")
    except ProtocolMismatch as error:
        return f"instance {instance.name!r}: {error}", None
    except OdooClientError as error:
        return None, f"JSON-2 not confirmed: the server could not be asked ({error})"
    finally:
        transport.close()
    return None, "the server offers JSON-2"


@agent_app.command("once")
def once(
    config: Path = CONFIG_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the reports as a JSON array."),
    no_push: bool = typer.Option(False, "--no-push", help="Do not send (nor spool) the reports."),
    log_level: str = typer.Option("warning", "--log-level", help="debug, info, warning or error."),
) -> None:
    """Run every check and count once, print the reports, and push them unless --no-push."""
    _setup_logging(log_level)
    loaded = _load(config)
    from agent.runner import Agent

    try:
        agent = Agent(loaded, push=not no_push)
        reports = agent.run_due(force=True)
    except OSError as error:
        raise _fail(
            f"The agent cannot use {loaded.state_dir}: {error.strerror}; check state_dir.", 1
        ) from None
    if as_json:
        typer.echo(json.dumps([report.to_json() for report in reports], indent=2))
    else:
        _print_reports(reports)
    if not no_push and agent.last_flush is not None and agent.last_flush.error:
        typer.echo(
            f"Not delivered yet ({agent.last_flush.error}); kept in the spool for the next run.", err=True
        )


@agent_app.command("run")
def run(
    config: Path = CONFIG_OPTION,
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning or error."),
) -> None:
    """Run continuously: every check on its own interval, reports pushed, /metrics when configured."""
    _load(config)  # errors now, with the command line's wording
    # Replace this process by the lean daemon (same pid): the command line's modules stay out of memory.
    arguments = [sys.executable, "-m", "agent.daemon", "--config", str(config), "--log-level", log_level]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, arguments)


def _print_reports(reports: list[Report]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    colours = {"ok": "green", "failing": "red", "unknown": "yellow"}
    for report in reports:
        info = report.instance
        table = Table(
            title=f"{info.name} ({info.url}, Odoo {info.odoo_version or '?'} over {info.protocol or '?'})"
        )
        for column in ("check", "status", "value", "detail"):
            table.add_column(column)
        for check in report.checks:
            value = "" if check.value is None else f"{check.value:g} {check.unit or ''}".strip()
            colour = colours[check.status]
            table.add_row(check.key, f"[{colour}]{check.status}[/{colour}]", value, check.detail or "")
        console.print(table)
        counts = report.counts
        if counts is not None:
            lines = "unknown" if counts.custom_lines is None else counts.custom_lines
            console.print(
                f"Users: {counts.internal_users} internal, {counts.share_users} share, "
                f"{counts.active_users_15d} active in 15 days. Custom lines: {lines} "
                f"(source: {counts.custom_lines_source}, {len(counts.modules)} module(s))."
            )


def register(app: typer.Typer) -> None:
    """Add `agent run`, `agent once` and `agent check-config` to the root application."""
    app.add_typer(agent_app, name="agent")

"""Root command. Each package registers its own sub-commands.

Registration modules import only typer, rich and the standard library at module level, so an
agent-only install (no web framework, no database library) still gets a working command.
"""

from __future__ import annotations

import typer

from agent.cli import register as register_agent
from agent.cloc.cli import register as register_cloc
from alerts.cli import register as register_alerts
from collector.cli import register as register_collector
from collector.helpdesk.cli import register as register_helpdesk
from collector.policy.cli import register as register_policy
from demo.cli import register as register_demo

app = typer.Typer(
    name="prioritysupport",
    help="PrioritySupport Monitor: contracts, monitoring, SLA and helpdesk for Odoo support.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for register in (
    register_policy,
    register_cloc,
    register_agent,
    register_alerts,
    register_collector,
    register_helpdesk,
    register_demo,
):
    register(app)


@app.command("version")
def version() -> None:
    """Print the installed version."""
    from importlib.metadata import version as dist_version

    typer.echo(dist_version("prioritysupport"))


def main() -> None:
    app()

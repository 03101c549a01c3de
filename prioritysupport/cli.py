"""Root command. Each package registers its own sub-commands.

Registration modules import only typer, rich and the standard library at module level, so an
agent-only install (no web framework, no database library) still gets a working command.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

# Commands with a lean entry point of their own: run without building the typer application, which costs
# about 0.15 s of start-up (typer, rich and every package's registration). `--help` still goes to typer.
_LEAN_COMMANDS = {"cloc": "agent.cloc.__main__"}  # each module has main(argv, prog) -> exit code


def build_app() -> typer.Typer:
    import typer

    from agent.cli import register as register_agent
    from agent.cloc.cli import register as register_cloc
    from alerts.cli import register as register_alerts
    from collector.cli import register as register_collector
    from collector.cli_helpdesk import register as register_helpdesk
    from collector.evaluation.cli import register as register_report
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
        register_report,
        register_demo,
    ):
        register(app)

    @app.command("version")
    def version() -> None:
        """Print the installed version."""
        from importlib.metadata import version as dist_version

        typer.echo(dist_version("prioritysupport"))

    return app


def _lean_entry(argv: list[str]) -> str | None:
    if len(argv) < 2 or argv[1] not in _LEAN_COMMANDS:
        return None
    if any(arg in ("--help", "-h") for arg in argv[2:]):
        return None
    return _LEAN_COMMANDS[argv[1]]


def main() -> None:
    lean = _lean_entry(sys.argv)
    if lean is not None:
        import importlib

        module = importlib.import_module(lean)
        sys.exit(module.main(sys.argv[2:], prog=f"prioritysupport {sys.argv[1]}"))
    build_app()(prog_name="prioritysupport")

"""Command-line registration: `sim odoo` (the Odoo simulator) and `demo` (the stack and its scenario)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

SERIES = ("14.0", "15.0", "16.0", "17.0", "18.0", "19.0")

sim_app = typer.Typer(help="Simulated services for tests and the demo.", no_args_is_help=True)


@sim_app.command("odoo")
def sim_odoo(
    port: int = typer.Option(8069, "--port", help="TCP port on 127.0.0.1."),
    version: str = typer.Option("17.0", "--version", help="Odoo series: " + ", ".join(SERIES) + "."),
    users: int = typer.Option(5, "--users", help="Active internal users, admin included."),
    portal_users: int = typer.Option(2, "--portal-users", help="Active portal (share) users."),
    db: str = typer.Option("demo", "--db", help="Database name."),
    addons_path: str | None = typer.Option(
        None, "--addons-path", help="Comma-separated addons folders whose modules count as installed."
    ),
    api_key: str | None = typer.Option(
        None,
        "--api-key",
        envvar="ODOO_SIM_API_KEY",
        help="API key accepted besides the password (needed on 19).",
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
) -> None:
    """Run a fake Odoo speaking XML-RPC, JSON-RPC, the /web routes and JSON-2 (19), with fault injection."""
    from demo.sim import OdooSimulator

    paths = [Path(part.strip()) for part in addons_path.split(",") if part.strip()] if addons_path else None
    for path in paths or []:
        if not path.is_dir():
            typer.echo(f"error: --addons-path {path} is not a folder: give existing folders.", err=True)
            raise typer.Exit(2)
    try:
        simulator = OdooSimulator(
            version=version,
            users=users,
            portal_users=portal_users,
            db=db,
            api_key=api_key,
            addons_path=paths,
            host=host,
            port=port,
        )
    except ValueError as error:
        typer.echo(f"error: {error}.", err=True)
        raise typer.Exit(2) from None
    try:
        simulator.start()
    except OSError as error:
        simulator.stop()
        message = f"cannot listen on {host}:{port} ({error.strerror}): choose another --port."
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"Odoo {version} simulator on {simulator.url} (database {db!r}, login admin/admin). "
        f"Addons: {', '.join(str(p) for p in simulator.addons_paths)}. "
        f"Faults: POST {simulator.url}/__sim__/control. Ctrl-C stops."
    )
    if version == "19.0" and api_key is None:
        typer.echo("No --api-key: JSON-2 clients will be refused (XML-RPC with the password still works).")
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()


def demo(
    exit_after: bool = typer.Option(False, "--exit", help="Stop after the scenario instead of staying up."),
    realtime: bool = typer.Option(False, "--realtime", help="Run the stack on the real clock, no scenario."),
    speed_seconds: float = typer.Option(
        180.0, "--speed-seconds", help="Roughly how many real seconds the scenario takes (60-900)."
    ),
    workdir: Path = typer.Option(
        Path("var/demo"),
        "--workdir",
        help="Folder for the database, configs and agent logs (reset each run).",
    ),
) -> None:
    """Run the whole stack on 127.0.0.1 and play Friday 15:00 to Monday 10:00 in about three minutes."""
    if not 60 <= speed_seconds <= 900:
        typer.echo(
            "error: --speed-seconds must be between 60 and 900: give roughly how long the scenario may take.",
            err=True,
        )
        raise typer.Exit(2)
    if workdir.exists() and not workdir.is_dir():
        message = f"--workdir {workdir} is a file: give a folder (it is created when missing)."
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(2)
    from demo.run import pace_for, run_demo

    code = run_demo(workdir, exit_after=exit_after, realtime=realtime, pace=pace_for(speed_seconds))
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add `sim odoo` and `demo` to the root application."""
    app.add_typer(sim_app, name="sim")
    app.command("demo")(demo)

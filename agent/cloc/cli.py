"""`prioritysupport cloc`: custom code lines, the way `odoo-bin cloc` counts them.

Only typer and the standard library at module level: the counter loads when the command runs.
"""

from __future__ import annotations

import typer


def cloc(
    path: list[str] | None = typer.Option(
        None, "-p", "--path", help="A module folder, counted as one module (repeat for several)."
    ),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="List every counted file."),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    addons_path: str | None = typer.Option(
        None,
        "--addons-path",
        help="Comma-separated addons folders: count every module outside the standard folders.",
    ),
    installed: str | None = typer.Option(
        None, "--installed", help="With --addons-path: only these comma-separated module names."
    ),
    odoo_version: str | None = typer.Option(
        None, "--odoo-version", help="Count with the rules of this Odoo version (default: current rules)."
    ),
    cache_dir: str | None = typer.Option(
        None, "--cache-dir", help="Where to keep the cache (default: $XDG_CACHE_HOME/prioritysupport)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Count every file again, without a cache."),
) -> None:
    """Count custom code lines per module, identical to `odoo-bin cloc`."""
    from agent.cloc.command import CommandError, run_cloc

    try:
        run_cloc(path or [], verbose, json_output, addons_path, installed, odoo_version, cache_dir, no_cache)
    except CommandError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None


def register(app: typer.Typer) -> None:
    """Add `cloc` to the root application."""
    app.command("cloc")(cloc)

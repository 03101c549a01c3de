"""`prioritysupport report`: the evaluation report of one customer, or the overview of all, for a month.

Only typer and the standard library at module level; the database, policy and Jinja2 load inside.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

FORMATS = ("html", "csv", "json")


def register(app: typer.Typer) -> None:
    """Add `report` to the root application."""
    app.command("report")(report)


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _parse_instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        _fail(f"--as-of {text!r} is not a date-time: write it like 2026-11-02T09:00:00+01:00")
    if value.tzinfo is None:
        _fail("--as-of needs a UTC offset, for example 2026-11-02T09:00:00+01:00")
    return value


def _database_url(config_path: Path | None, database_url: str | None) -> str:
    if database_url:
        return database_url
    if config_path is None:  # the documented default, read where it is; nothing is created here
        return f"sqlite:///{Path.cwd() / 'var' / 'collector.db'}"
    from collector.config import ConfigError, load_config

    try:
        return load_config(config_path).database_url
    except ConfigError as error:
        _fail(str(error))


def _configured_catalogue(config_path: Path | None) -> Path | None:
    """The `[policy] catalogue` of --config: the report judges by the catalogue the collector runs with."""
    if config_path is None:
        return None
    from collector.config import ConfigError, load_config

    try:
        return load_config(config_path).policy.catalogue
    except ConfigError as error:
        _fail(str(error))


def _policy(path: Path | None) -> Any:
    from collector.policy.catalogue import CatalogueError
    from collector.policy.policy import load_policy

    try:
        return load_policy(path)
    except CatalogueError as error:
        _fail(str(error), 1)


def _engine(url: str) -> Any:
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url

    from collector.storage.database import make_engine

    parsed = make_url(url)
    file_database = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    # Opening a missing SQLite file would create an empty database where the user happens to stand.
    if file_database and not Path(str(parsed.database)).is_file():
        _fail(
            f"there is no database at {parsed.database}: give the collector's database with "
            "--config collector.toml or --database-url, or run 'prioritysupport collector migrate' first",
            1,
        )
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    except Exception as error:  # any driver error: say where we tried, not a traceback
        _fail(f"cannot open the database ({type(error).__name__}): check --config or --database-url", 1)
    if "tickets" not in tables:
        _fail("the database has no collector tables: run 'prioritysupport collector migrate' first", 1)
    return engine


def report(
    period: Annotated[str, typer.Option("--period", help="The month, as YYYY-MM (for example 2026-10).")],
    customer: Annotated[
        str | None, typer.Option("--customer", help="The customer's key, as in the contracts file.")
    ] = None,
    all_customers: Annotated[
        bool, typer.Option("--all", help="An overview across all customers instead of one customer.")
    ] = False,
    output_format: Annotated[str, typer.Option("--format", help="html (printable), csv or json.")] = "html",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="collector.toml (for the database; default: var/collector.db here)."
        ),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Overrides the database of --config.")
    ] = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            "--catalogue",
            help="A catalogue TOML merged over the shipped one (default: [policy] catalogue of --config).",
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", help="nl or en (default: the customer's language; nl for --all)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge ticket outcomes as known at this instant (default: now)."),
    ] = None,
) -> None:
    """The evaluation report (evaluatie) of a customer for a month, computed from the database alone."""
    from collector.evaluation import exports, html, service
    from collector.evaluation.data import UnknownCustomer
    from collector.evaluation.period import PeriodError, parse_period
    from prioritysupport.clock import FixedClock, SystemClock

    if output_format not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, got {output_format!r}")
    if all_customers == (customer is not None):
        _fail("give either --customer KEY or --all")
    if language is not None and language not in ("nl", "en"):
        _fail(f"--language must be nl or en, got {language!r}")
    try:
        month = parse_period(period)
    except PeriodError as error:
        _fail(str(error))
    clock = FixedClock(_parse_instant(as_of)) if as_of else SystemClock()
    engine = _engine(_database_url(config, database_url))
    policy = _policy(catalogue or _configured_catalogue(config))
    try:
        if all_customers:
            overview = service.overview(engine, month, clock=clock, policy=policy)
            text = {
                "html": lambda: html.render_overview_html(overview, language or "nl"),
                "csv": lambda: exports.overview_csv(overview),
                "json": lambda: exports.to_json(overview),
            }[output_format]()
        else:
            assert customer is not None
            try:
                result = service.customer_report(engine, customer, month, clock=clock, policy=policy)
            except UnknownCustomer:
                _fail(f"no customer has the key {customer!r}: see 'prioritysupport collector load-contracts'")
            text = {
                "html": lambda: html.render_customer_html(result, language),
                "csv": lambda: exports.customer_csv(result),
                "json": lambda: exports.to_json(result),
            }[output_format]()
    finally:
        engine.dispose()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror}", 1)
    typer.echo(f"wrote {output}", err=True)

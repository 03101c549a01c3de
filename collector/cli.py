"""`prioritysupport collector ...`: serve, migrate, worker, load-contracts, enroll-agent, prune, maintenance,
silence.

Only typer, rich and the standard library at module level: the heavy imports happen inside each command.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from collector.config import CollectorConfig

collector_app = typer.Typer(help="The central service: ingest, tickets, SLA, routing.", no_args_is_help=True)
maintenance_app = typer.Typer(
    help="Maintenance windows: monitoring records but opens and pages nothing.", no_args_is_help=True
)
collector_app.add_typer(maintenance_app, name="maintenance")
silence_app = typer.Typer(
    help="Silences: one condition records but opens and pages nothing until the end.", no_args_is_help=True
)
collector_app.add_typer(silence_app, name="silence")

# The event loop shares the interpreter lock with the ingest writer thread (PostgreSQL, and SQLite while
# its write lock is busy), the sweep and the checkpoints; at Python's default 5 ms they hand it over many
# times per batch, each hand-over a pair of wake-ups. 20 ms, measured with the writer thread on SQLite:
# CPU per report at 1,000 reports/s from 10,000 agents 0.57 -> 0.50 ms, p99 no worse (docs/benchmarks.md,
# "Fleet-shaped ingest"). The writer lets go at every database call anyway, so the loop never waits
# 20 ms for it; only pure-Python stretches of the sweep can hold the lock that long.
SERVE_SWITCH_INTERVAL = 0.020

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="collector.toml (defaults apply when omitted)")
]


def register(app: typer.Typer) -> None:
    """Add this package's commands to the root application."""
    app.add_typer(collector_app, name="collector")


def _logging() -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _config(path: Path | None) -> CollectorConfig:
    from collector.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        _fail(str(exc), 2)


def _engine(config: CollectorConfig, *, check: bool = True) -> Engine:
    from collector.storage.database import DatabaseBehind, check_schema, make_engine, prepare_fresh, writing

    engine = make_engine(config.database_url)
    try:
        prepare_fresh(engine)
        if check:
            check_schema(engine)
    except DatabaseBehind as exc:
        _fail(str(exc))
    except Exception as exc:
        _fail(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: {exc}")
    # Command-line work is short: every transaction may take the write lock up front.
    return writing(engine)


@collector_app.command("migrate")
def migrate_command(config: ConfigOption = None) -> None:
    """Apply the database migrations (the collector's and alerts/ tables)."""
    from collector.storage.database import make_engine, migrate

    settings = _config(config)
    engine = make_engine(settings.database_url)
    try:
        revision = migrate(engine)
    except Exception as exc:
        _fail(f"migration failed: {exc}")
    typer.echo(f"database at revision {revision}")


@collector_app.command("serve")
def serve_command(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="override server.host")] = None,
    port: Annotated[int | None, typer.Option(help="override server.port")] = None,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="do not deliver notifications here")] = False,
) -> None:
    """Run the collector (HTTP API, ingest, periodic SLA work and, by default, the delivery worker)."""
    import uvicorn

    from collector.config import ConfigError
    from collector.delivery import build_delivery_worker
    from collector.http.proxies import uvicorn_proxy_options
    from collector.service import build_collector
    from collector.storage.database import make_engine
    from collector.web.app import create_app

    settings = _config(config)
    _logging()
    _engine(settings).dispose()  # migrates a fresh database, refuses one that is behind
    engine = make_engine(settings.database_url, background_checkpoints=True)
    collector = build_collector(settings, engine=engine)
    if settings.server.run_worker and not no_worker:
        try:
            worker = build_delivery_worker(collector.config.notifications, collector.outbox)
        except ConfigError as exc:
            _fail(str(exc), 2)
        if worker is not None:
            collector.extras["delivery_worker"] = worker
    app = create_app(collector)
    sys.setswitchinterval(SERVE_SWITCH_INTERVAL)
    uvicorn.run(
        app,
        host=host or settings.server.host,
        port=port or settings.server.port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        **uvicorn_proxy_options(settings.http),  # X-Forwarded-For only from [http] trusted_proxies
    )


@collector_app.command("worker")
def worker_command(config: ConfigOption = None) -> None:
    """Run only the notification delivery worker (for a separate process or host)."""
    import signal
    import threading

    from collector.config import ConfigError
    from collector.delivery import build_delivery_worker
    from collector.service import build_collector

    settings = _config(config)
    _logging()
    engine = _engine(settings)
    collector = build_collector(settings, engine=engine)
    try:
        worker = build_delivery_worker(collector.config.notifications, collector.outbox)
    except ConfigError as exc:
        _fail(str(exc), 2)
    if worker is None:
        _fail("no notification channels are configured: set [notifications] apprise_config or smtp_host")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    typer.echo("delivery worker running; Ctrl-C stops it", err=True)
    worker.run(stop)


@collector_app.command("load-contracts")
def load_contracts_command(
    file: Annotated[Path, typer.Argument(help="contracts TOML file")], config: ConfigOption = None
) -> None:
    """Load customers, contacts, instances and contracts (idempotent, all or nothing)."""
    from collector.contracts.book import ContractFileError, apply_contracts, read_contracts_file

    settings = _config(config)
    try:
        specs = read_contracts_file(file)
    except ContractFileError as exc:
        _fail(f"{file}: {exc}", 2)
    engine = _engine(settings)
    counts = apply_contracts(engine, specs)
    typer.echo(", ".join(f"{n} {what}" for what, n in counts.items()))


@collector_app.command("enroll-agent")
def enroll_agent_command(
    customer: Annotated[str, typer.Argument(help="customer key from the contracts file")],
    config: ConfigOption = None,
    rotate: Annotated[bool, typer.Option(help="new token; current ones keep working for --grace")] = False,
    grace_hours: Annotated[float, typer.Option("--grace-hours", help="grace period on rotation")] = 24.0,
    revoke: Annotated[bool, typer.Option(help="revoke every token of the customer")] = False,
) -> None:
    """Create an agent token for a customer. The token is printed once; only its hash is stored."""
    from collector.clock_setup import clock_from_settings
    from collector.ingest import enrolment

    settings = _config(config)
    engine = _engine(settings)
    now = clock_from_settings(settings.clock).now()
    try:
        with engine.begin() as conn:
            if revoke:
                count = enrolment.revoke_all(conn, customer, now)
                typer.echo(f"revoked {count} token(s) of {customer}")
                return
            if rotate:
                token = enrolment.rotate(conn, customer, now, timedelta(hours=grace_hours))
            else:
                token = enrolment.enroll(conn, customer, now)
    except enrolment.EnrolmentError as exc:
        _fail(str(exc), 2)
    typer.echo(token)
    if sys.stderr.isatty():
        typer.echo("store this token in the agent's configuration now: it is not shown again", err=True)


@collector_app.command("prune")
def prune_command(
    config: ConfigOption = None,
    hours: Annotated[int | None, typer.Option(help="override retention.raw_report_hours")] = None,
    days: Annotated[int | None, typer.Option(help="override retention (in days)")] = None,
) -> None:
    """Delete raw reports older than the retention period in small batches (ingest keeps running);
    conditions, flips, tickets and the counts history are kept. SQLite gives the space back."""
    from collector.clock_setup import clock_from_settings
    from collector.storage.retention import PrunePace, prune_reports

    settings = _config(config)
    engine = _engine(settings)
    keep = settings.retention.raw_report_age()
    if hours is not None:
        keep = timedelta(hours=hours)
    if days is not None:
        keep = timedelta(days=days)
    if keep < timedelta(hours=1):
        _fail("--hours must be at least 1 (or --days at least 1)", 2)
    pace = PrunePace(settings.retention.prune_batch_rows, settings.retention.prune_pause_ms / 1000)
    deleted = prune_reports(engine, clock_from_settings(settings.clock).now() - keep, pace=pace)
    typer.echo(f"deleted {deleted} raw report(s) older than {_age(keep)}")


def _age(keep: timedelta) -> str:
    hours = int(keep.total_seconds() // 3600)
    return f"{hours // 24} day(s)" if hours % 24 == 0 else f"{hours} hour(s)"


def _local(moment: datetime) -> str:
    """A time as people read it: 'Sat 28 Nov 2026 22:00', Amsterdam time."""
    from alerts.people_time import local_time

    return local_time(moment, "en", with_year=True)


def _instant(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"{name} must be a date-time like 2026-11-28T22:00:00+01:00", 2)
    if parsed.tzinfo is None:
        _fail(f"{name} needs a UTC offset, like 2026-11-28T22:00:00+01:00", 2)
    return parsed


@maintenance_app.command("add")
def maintenance_add(
    customer: Annotated[str, typer.Argument(help="customer key")],
    start: Annotated[str, typer.Option(help="start, ISO 8601 with offset")],
    end: Annotated[str, typer.Option(help="end, ISO 8601 with offset")],
    instance: Annotated[str | None, typer.Option(help="one instance (default: all of the customer)")] = None,
    reason: Annotated[str, typer.Option(help="why")] = "",
    config: ConfigOption = None,
) -> None:
    """Plan a maintenance window."""
    from collector.clock_setup import clock_from_settings
    from collector.contracts.lookup import UnknownTarget, resolve_target
    from collector.monitoring.maintenance import MaintenanceError, add_window

    settings = _config(config)
    engine = _engine(settings)
    starts, ends = _instant(start, "--start"), _instant(end, "--end")
    try:
        with engine.begin() as conn:
            customer_id, instance_id = resolve_target(conn, customer, instance)
            window_id = add_window(
                conn,
                customer_id,
                instance_id,
                starts,
                ends,
                reason,
                clock_from_settings(settings.clock).now(),
            )
    except (MaintenanceError, UnknownTarget) as exc:
        _fail(str(exc), 2)
    typer.echo(f"maintenance window {window_id} planned")


@maintenance_app.command("list")
def maintenance_list(config: ConfigOption = None) -> None:
    """Show maintenance windows."""
    from rich.console import Console
    from rich.table import Table

    from collector.monitoring.maintenance import list_windows

    settings = _config(config)
    engine = _engine(settings)
    with engine.connect() as conn:
        rows = list_windows(conn)
    table = Table("id", "customer", "instance", "starts", "ends", "reason")
    for row in rows:
        table.add_row(
            str(row.id),
            row.customer,
            row.instance or "(all)",
            _local(row.starts_at),
            _local(row.ends_at),
            row.reason,
        )
    Console().print(table)


@maintenance_app.command("remove")
def maintenance_remove(
    window_id: Annotated[int, typer.Argument(help="window id from 'maintenance list'")],
    config: ConfigOption = None,
) -> None:
    """Remove a maintenance window."""
    from collector.monitoring.maintenance import remove_window

    settings = _config(config)
    engine = _engine(settings)
    with engine.begin() as conn:
        removed = remove_window(conn, window_id)
    if not removed:
        _fail(f"maintenance window {window_id} does not exist", 2)
    typer.echo(f"maintenance window {window_id} removed")


ConditionArgument = Annotated[str, typer.Argument(help="condition id, or customer/instance/check")]


@silence_app.command("add")
def silence_add(
    condition: ConditionArgument,
    until: Annotated[str, typer.Option(help="end, ISO 8601 with offset")],
    reason: Annotated[str, typer.Option(help="why (required)")],
    config: ConfigOption = None,
) -> None:
    """Silence one condition until a time."""
    from collector.monitoring.maintenance import MaintenanceError, find_condition, silence

    settings = _config(config)
    engine = _engine(settings)
    ends = _instant(until, "--until")
    try:
        with engine.begin() as conn:
            condition_id = find_condition(conn, condition)
            silence(conn, condition_id, ends, reason)
    except MaintenanceError as exc:
        _fail(str(exc), 2)
    typer.echo(f"condition {condition_id} silenced until {_local(ends)}")


@silence_app.command("list")
def silence_list(config: ConfigOption = None) -> None:
    """Show the silences in force."""
    from rich.console import Console
    from rich.table import Table

    from collector.clock_setup import clock_from_settings
    from collector.monitoring.maintenance import list_silences

    settings = _config(config)
    engine = _engine(settings)
    with engine.connect() as conn:
        rows = list_silences(conn, clock_from_settings(settings.clock).now())
    table = Table("id", "customer", "instance", "check", "state", "until", "reason")
    for row in rows:
        table.add_row(
            str(row.id),
            row.customer,
            row.instance,
            row.check_key,
            row.state,
            _local(row.silenced_until),
            row.silence_reason or "",
        )
    Console(width=200).print(table)


@silence_app.command("remove")
def silence_remove(condition: ConditionArgument, config: ConfigOption = None) -> None:
    """End a condition's silence now."""
    from collector.monitoring.maintenance import MaintenanceError, find_condition, unsilence

    settings = _config(config)
    engine = _engine(settings)
    try:
        with engine.begin() as conn:
            condition_id = find_condition(conn, condition)
            removed = unsilence(conn, condition_id)
    except MaintenanceError as exc:
        _fail(str(exc), 2)
    if not removed:
        _fail(f"condition {condition} is not silenced (see 'prioritysupport collector silence list')", 2)
    typer.echo(f"silence of condition {condition_id} removed")

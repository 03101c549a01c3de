"""Commands of alerts/: `oncall who`, `oncall ical`, `ack`. Heavy imports stay inside the commands."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

ONCALL_ENV = "PRIORITYSUPPORT_ONCALL"
DATABASE_ENV = "PRIORITYSUPPORT_DATABASE_URL"

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help=f"On-call TOML file (default: ${ONCALL_ENV} or ./oncall.toml)."),
]


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _rota_path(config: Path | None) -> Path:
    return config or Path(os.environ.get(ONCALL_ENV, "oncall.toml"))


def _load(config: Path | None) -> object:
    from alerts.oncall import RotaError, load_rota

    try:
        return load_rota(_rota_path(config))
    except RotaError as error:
        _fail(str(error), 2)
        raise  # unreachable; keeps type checkers calm


def _parse_at(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(at)
    except ValueError:
        _fail(f"--at '{at}' is not a date-time: write it as 2026-03-28T22:30 or 2026-03-28T22:30+01:00", 2)
        raise
    return instant


def register(app: typer.Typer) -> None:
    """Add this package's commands to the root application."""
    oncall = typer.Typer(help="The on-call rota: who is on call, and its iCal feed.", no_args_is_help=True)
    app.add_typer(oncall, name="oncall")

    @oncall.command("who")
    def who(
        at: Annotated[
            str | None, typer.Option(help="Instant (ISO 8601); without a zone it is the rota's local time.")
        ] = None,
        config: ConfigOption = None,
        tag: Annotated[str, typer.Option(help="Rotation tag.")] = "oncall-primary",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Who is on call now (or --at a time), with the phone number the emergency line forwards to."""
        from alerts.oncall import Rota, current_oncall
        from alerts.people_time import local_time

        rota = _load(config)
        assert isinstance(rota, Rota)
        instant = _parse_at(at)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=rota.timezone)
        current = current_oncall(rota, instant.astimezone(UTC), tag)
        if current is None:
            known = ", ".join(r.tag for r in rota.rotations) or "none"
            _fail(f"no rotation answers '{tag}': use --tag with one of {known}", 2)
            return
        if as_json:
            typer.echo(json.dumps(current, indent=2))
            return
        until = datetime.fromisoformat(current["until"]).astimezone(rota.timezone)
        reason = f" ({current['reason']})" if current["reason"] else ""
        phone = current["phone"] or "no phone number in the rota"
        typer.echo(
            f"{current['name']}, phone {phone}, {current['email']}, "
            f"until {local_time(until, 'en')} ({rota.timezone}){reason}"
        )

    @oncall.command("ical")
    def ical(
        config: ConfigOption = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    ) -> None:
        """Print the rota as an iCalendar feed (4 weeks back, 12 ahead)."""
        from alerts.ical import rota_calendar
        from alerts.oncall import Rota

        rota = _load(config)
        assert isinstance(rota, Rota)
        feed = rota_calendar(rota, datetime.now(UTC))
        if output:
            output.write_text(feed, encoding="utf-8", newline="")
        else:
            typer.echo(feed, nl=False)

    @app.command("ack")
    def ack(
        reference: Annotated[str, typer.Argument(help="The subject reference, e.g. a ticket number.")],
        by: Annotated[str | None, typer.Option(help="Who acknowledges (default: your user name).")] = None,
        database: Annotated[
            str | None, typer.Option(help=f"Database URL (default: ${DATABASE_ENV}).", show_default=False)
        ] = None,
    ) -> None:
        """Acknowledge a page: its escalation chain stops."""
        url = database or os.environ.get(DATABASE_ENV)
        if not url:
            _fail(f"no database given: pass --database or set {DATABASE_ENV}", 2)
            return
        from sqlalchemy import create_engine
        from sqlalchemy.exc import SQLAlchemyError

        from alerts.masking import mask_url
        from alerts.outbox import Outbox
        from prioritysupport.clock import SystemClock

        who_acks = by or os.environ.get("USER") or "cli"
        try:
            engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
            known = Outbox(engine, SystemClock()).acknowledge(reference, by=who_acks, via="cli")
        except (SQLAlchemyError, ValueError) as error:
            _fail(f"could not reach the database at {mask_url(url)} ({type(error).__name__}): check the URL")
            return
        if not known:
            _fail(f"nothing was paged for '{reference}': check the reference")
        typer.echo(f"{reference} acknowledged by {who_acks}; its escalation has stopped.")

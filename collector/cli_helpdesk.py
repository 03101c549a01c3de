"""`prioritysupport collector add-user | add-api-client | mail-intake` (helpdesk commands).

Only typer, rich and the standard library at module level; `register(app)` adds the commands to the
`collector` group whatever application it is given.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="collector.toml (defaults apply when omitted)")
]
PASSWORD_ENV = "PRIORITYSUPPORT_NEW_PASSWORD"


def register(app: typer.Typer) -> None:
    """Add the helpdesk commands to `prioritysupport collector`."""
    from collector.cli import collector_app

    collector_app.command("add-user")(add_user)
    collector_app.command("add-api-client")(add_api_client)
    collector_app.command("add-staff-token")(add_staff_token)
    collector_app.command("set-password")(set_password_command)
    collector_app.command("mail-intake")(mail_intake)


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _engine(config: Path | None) -> object:
    from collector.cli import _config, _engine

    return _engine(_config(config))  # migrates a fresh database, refuses one that is behind


def add_user(
    username: Annotated[str, typer.Argument(help="sign-in name (letters, digits, dots, dashes)")],
    role: Annotated[str, typer.Option(help="engineer, manager or admin")] = "engineer",
    name: Annotated[str | None, typer.Option(help="name shown on the pages")] = None,
    email: Annotated[str | None, typer.Option(help="e-mail address")] = None,
    language: Annotated[str, typer.Option(help="nl or en")] = "nl",
    config: ConfigOption = None,
) -> None:
    """Create a staff account. The password is asked twice (or read from $PRIORITYSUPPORT_NEW_PASSWORD)."""
    from sqlalchemy import Engine

    from collector.cli import _config
    from collector.clock_setup import clock_from_settings
    from collector.helpdesk.staff.accounts import AccountError, create_user
    from collector.helpdesk.staff.passwords import WeakPassword

    password = _new_password()
    engine = _engine(config)
    assert isinstance(engine, Engine)
    now = clock_from_settings(_config(config).clock).now()
    try:
        with engine.begin() as conn:
            user = create_user(
                conn, username, password, role, now, display_name=name, email=email, language=language
            )
    except (AccountError, WeakPassword) as exc:
        _fail(str(exc), 2)
    typer.echo(f"staff account {user.username} ({user.role}) created")


def _new_password() -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            _fail(f"no terminal to ask the password: set {PASSWORD_ENV} or run interactively", 2)
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            _fail("the two passwords differ; try again", 2)
    return password


def set_password_command(
    username: Annotated[str, typer.Argument(help="the staff account's sign-in name")],
    config: ConfigOption = None,
) -> None:
    """Give a staff account a new password (asked twice, or $PRIORITYSUPPORT_NEW_PASSWORD); this signs
    that person out everywhere and lifts a lock-out."""
    from sqlalchemy import Engine

    from collector.helpdesk.staff.accounts import AccountError, set_password
    from collector.helpdesk.staff.passwords import WeakPassword
    from collector.storage.database import writing

    password = _new_password()
    engine = _engine(config)
    assert isinstance(engine, Engine)
    try:
        with writing(engine).begin() as conn:
            ended = set_password(conn, username, password)
    except (AccountError, WeakPassword) as exc:
        _fail(str(exc), 2)
    typer.echo(f"new password set for {username.strip().lower()}; {ended} session(s) ended")


def add_api_client(
    customer: Annotated[str, typer.Argument(help="customer key")],
    label: Annotated[str, typer.Option(help="what the token is for")] = "api",
    revoke: Annotated[bool, typer.Option(help="revoke every API token of the customer instead")] = False,
    config: ConfigOption = None,
) -> None:
    """Create a ticket-API token for a customer. It is printed once; only its hash is stored."""
    from sqlalchemy import Engine

    from collector.cli import _config
    from collector.clock_setup import clock_from_settings
    from collector.helpdesk.public.clients import ClientError, create_client, revoke_clients

    engine = _engine(config)
    assert isinstance(engine, Engine)
    now = clock_from_settings(_config(config).clock).now()
    try:
        with engine.begin() as conn:
            if revoke:
                typer.echo(f"revoked {revoke_clients(conn, customer, now)} token(s) of {customer}")
                return
            token = create_client(conn, customer, label, now)
    except ClientError as exc:
        _fail(str(exc), 2)
    typer.echo(token)


def add_staff_token(
    username: Annotated[str, typer.Argument(help="staff account the token acts as")],
    config: ConfigOption = None,
) -> None:
    """Create a management-API token for a staff account (printed once; only its hash is stored)."""
    from sqlalchemy import Engine

    from collector.cli import _config
    from collector.clock_setup import clock_from_settings
    from collector.helpdesk.staff.accounts import AccountError
    from collector.helpdesk.staff.tokens import create_staff_token

    engine = _engine(config)
    assert isinstance(engine, Engine)
    try:
        with engine.begin() as conn:
            token = create_staff_token(conn, username, clock_from_settings(_config(config).clock).now())
    except AccountError as exc:
        _fail(str(exc), 2)
    typer.echo(token)


def mail_intake(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="listen address (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="listen port (default 2525)")] = None,
) -> None:
    """Receive customer mail over SMTP (point the MX or a Postfix transport here) and file it as tickets."""
    import signal
    import threading

    from sqlalchemy import Engine

    from collector.cli import _config
    from collector.helpdesk.mail.intake import MailIntake
    from collector.helpdesk.settings import HelpdeskSettings
    from collector.service import build_collector

    settings = _config(config)
    engine = _engine(config)
    assert isinstance(engine, Engine)
    helpdesk = HelpdeskSettings.from_env()
    collector = build_collector(settings, engine=engine)
    listen_host, listen_port = host or helpdesk.mail_intake_host, port or helpdesk.mail_intake_port
    try:
        server = MailIntake(collector, listen_host, listen_port, helpdesk.max_attachment_bytes).start()
    except (OSError, RuntimeError) as exc:
        _fail(f"cannot listen on {listen_host}:{listen_port}: {exc}; choose another --port")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    typer.echo(f"mail intake listening on {listen_host}:{listen_port}; Ctrl-C stops it", err=True)
    stop.wait()
    server.stop()

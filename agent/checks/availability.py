"""Is the Odoo instance there: login page, health, version, authentication, one cheap read, latency."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests

from agent.checks.common import Stopwatch
from agent.checks.spec import CheckSpec
from agent.odoo import (
    CredentialsRejected,
    DatabaseUnavailable,
    OdooClient,
    OdooClientError,
    ProtocolMismatch,
    ServerDown,
    WrongDatabase,
)
from agent.odoo.transport import HttpTransport
from agent.report import CheckResult, Status

if TYPE_CHECKING:
    from agent.config import Instance

HEALTH_FIRST_MAJOR = 15

# Policy section 8: an instance that does not answer is an A; a refused monitoring login a D.
LOGIN_PAGE = CheckSpec("login_page", impact="high", scope="organisation")
HEALTH = CheckSpec("health", impact="high", scope="organisation")
VERSION = CheckSpec("version", impact="high", scope="organisation")
AUTHENTICATION = CheckSpec("authentication", impact="low", scope="one-user")
READ = CheckSpec("read", impact="medium", scope="organisation")  # a failing read alone: slow or refused, a B
LATENCY = CheckSpec("latency", impact="medium", scope="organisation")
DATABASE = CheckSpec("database", impact="high", scope="organisation")
AVAILABILITY: tuple[CheckSpec, ...] = (LOGIN_PAGE, HEALTH, VERSION, AUTHENTICATION, READ, LATENCY, DATABASE)


@dataclass
class AvailabilityOutcome:
    checks: list[CheckResult] = field(default_factory=list)
    version: dict[str, Any] | None = None
    authenticated: bool = False


@dataclass
class _Access:
    """What signing in and reading found out; the defaults say that nothing was tried."""

    auth: tuple[Status, str] = ("unknown", "not tried: the server did not answer")
    database: tuple[Status, str] = ("unknown", "not known")
    read: CheckResult = field(default_factory=lambda: READ.result("odoo.read", "unknown", detail="not tried"))
    read_ms: float | None = None
    no_read: str = "Odoo did not answer its version"  # why nothing was read, for the latency check
    authenticated: bool = False


def _major(version: dict[str, Any]) -> int | None:
    info = version.get("server_version_info") or []
    return info[0] if info and isinstance(info[0], int) else None


def _login_page(instance: Instance, transport: HttpTransport) -> CheckResult:
    watch = Stopwatch()
    try:
        response = transport.request("GET", f"{instance.url}/web/login", allow_redirects=True)
    except (ServerDown, requests.TooManyRedirects) as error:
        # A real Odoo whose PostgreSQL just stopped sends /web/login round a redirect loop.
        detail = str(error) if isinstance(error, ServerDown) else "/web/login redirects in a loop"
        return LOGIN_PAGE.result("odoo.login_page", "failing", detail=detail, duration_ms=watch.ms)
    return LOGIN_PAGE.result(
        "odoo.login_page",
        "ok" if response.status_code == 200 else "failing",
        value=float(response.status_code),
        unit="http_status",
        detail=f"/web/login answered HTTP {response.status_code}",
        duration_ms=watch.ms,
    )


def _version(
    client: OdooClient | None, client_error: OdooClientError | None
) -> tuple[CheckResult, dict[str, Any] | None]:
    """The version check and the version it found (None when Odoo did not answer it)."""
    if isinstance(client_error, ProtocolMismatch) and client_error.version is not None:
        # Odoo answered, over another protocol than the configured one: a configuration error, not an outage.
        version = client_error.version
        detail = f"{version.get('server_version')} (over XML-RPC)"
        return VERSION.result("odoo.version", "ok", detail=detail), version
    if client is None:
        return VERSION.result("odoo.version", "failing", detail=str(client_error)), None
    watch = Stopwatch()
    try:
        version = client.version()
    except OdooClientError as error:
        return VERSION.result("odoo.version", "failing", detail=str(error), duration_ms=watch.ms), None
    detail = str(version.get("server_version"))
    return VERSION.result("odoo.version", "ok", detail=detail, duration_ms=watch.ms), version


def _health(
    instance: Instance, transport: HttpTransport, major: int | None
) -> tuple[CheckResult, bool | None]:
    """The health check, and what it says about the database (None when it does not say)."""
    if major is not None and major < HEALTH_FIRST_MAJOR:
        return HEALTH.result(
            "odoo.health", "unknown", detail=f"Odoo {major}.0 has no /web/health route"
        ), None
    watch = Stopwatch()
    try:
        response = transport.request("GET", f"{instance.url}/web/health", params={"db_server_status": "1"})
    except ServerDown as error:
        return HEALTH.result("odoo.health", "failing", detail=str(error), duration_ms=watch.ms), None
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    database = body.get("db_server_status")
    passing = response.status_code == 200 and body.get("status") == "pass"
    detail = f"/web/health answered HTTP {response.status_code} {body.get('status', '')}".strip()
    check = HEALTH.result(
        "odoo.health",
        "ok" if passing else "failing",
        value=float(response.status_code),
        unit="http_status",
        detail=detail,
        duration_ms=watch.ms,
    )
    return check, database if isinstance(database, bool) else None


def _access_before_login(database_up: bool | None, client_error: OdooClientError | None) -> _Access:
    """What is known before signing in: the database as health saw it, a protocol that does not fit."""
    access = _Access()
    if database_up is not None:
        access.database = (
            "ok" if database_up else "failing",
            "/web/health reports PostgreSQL " + ("up" if database_up else "down"),
        )
    if isinstance(client_error, ProtocolMismatch):
        access.auth = ("failing", f"configuration error: {client_error}")
        access.no_read = "the configured protocol does not fit this Odoo"
        access.read = READ.result("odoo.read", "unknown", detail="not tried: configuration error")
    return access


def _sign_in_and_read(instance: Instance, client: OdooClient, access: _Access, database_known: bool) -> None:
    """Authenticate, then read the monitoring user; each typed error says which check it fails."""
    try:
        client.authenticate()
        access.authenticated = True
        access.auth = (
            "ok",
            f"authenticated as {instance.login!r} over {client.protocol} ({client.auth_call})",
        )
        watch = Stopwatch()
        client.search_read("res.users", [("login", "=", instance.login)], ["login"], limit=1)
        access.read_ms = watch.ms
        access.read = READ.result(
            "odoo.read",
            "ok",
            value=access.read_ms,
            unit="ms",
            detail="res.users read",
            duration_ms=access.read_ms,
        )
        if not database_known:
            access.database = ("ok", "Odoo answered a database read")
    except CredentialsRejected as error:
        access.auth, access.no_read = ("failing", str(error)), "the login was refused"
    except WrongDatabase as error:
        access.auth = access.database = ("failing", str(error))
        access.no_read = str(error)
    except DatabaseUnavailable as error:
        access.auth = ("unknown", "not known: the database is unavailable")
        access.database, access.no_read = ("failing", str(error)), str(error)
    except OdooClientError as error:
        access.no_read = str(error)
        if access.authenticated:
            access.read = _failed_read(error)
        else:
            access.auth = ("unknown", str(error))


def _failed_read(error: OdooClientError) -> CheckResult:
    """A read that nothing answered means the instance went away (policy section 8: unreachable, an A);
    one that Odoo answered with an error keeps the read's own B."""
    if isinstance(error, ServerDown):
        return READ.result("odoo.read", "failing", detail=str(error), impact="high", scope="organisation")
    return READ.result("odoo.read", "failing", detail=str(error))


def check_availability(
    instance: Instance,
    transport: HttpTransport,
    client: OdooClient | None,
    client_error: OdooClientError | None,
) -> AvailabilityOutcome:
    """Availability checks of one instance; `client` is None when connecting failed with `client_error`."""
    outcome = AvailabilityOutcome()
    login_page = _login_page(instance, transport)
    version_check, outcome.version = _version(client, client_error)
    major = _major(outcome.version) if outcome.version is not None else None
    health, database_up = _health(instance, transport, major)
    access = _access_before_login(database_up, client_error)
    if client is not None and outcome.version is not None:
        _sign_in_and_read(instance, client, access, database_known=database_up is not None)
    outcome.authenticated = access.authenticated
    auth_status, auth_detail = access.auth
    database_status, database_detail = access.database
    outcome.checks = [
        login_page,
        version_check,
        health,
        AUTHENTICATION.result("odoo.authentication", auth_status, detail=auth_detail),
        access.read,
        DATABASE.result("odoo.database", database_status, detail=database_detail),
        _latency(instance, access.read_ms, access.no_read),
    ]
    return outcome


def _latency(instance: Instance, read_ms: float | None, no_read: str) -> CheckResult:
    """The time of the read; without a read there is nothing to time (the version call is no read)."""
    if read_ms is None:
        detail = f"not measured: no read happened ({no_read})"
        return LATENCY.result("odoo.latency", "unknown", unit="ms", detail=detail)
    slow = read_ms > instance.slow_ms
    return LATENCY.result(
        "odoo.latency",
        "failing" if slow else "ok",
        value=read_ms,
        unit="ms",
        detail=f"res.users read in {read_ms:.0f} ms (bound {instance.slow_ms:.0f} ms)",
    )

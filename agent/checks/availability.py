"""Is the Odoo instance there: login page, health, version, authentication, one cheap read, latency."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from agent.checks.common import Stopwatch, result
from agent.config import Instance
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

HEALTH_FIRST_MAJOR = 15


@dataclass
class AvailabilityOutcome:
    checks: list[CheckResult] = field(default_factory=list)
    version: dict[str, Any] | None = None
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
        return result(
            "odoo.login_page",
            "login_page",
            "failing",
            detail=detail,
            impact="high",
            scope="organisation",
            duration_ms=watch.ms,
        )
    status: Status = "ok" if response.status_code == 200 else "failing"
    return result(
        "odoo.login_page",
        "login_page",
        status,
        value=float(response.status_code),
        unit="http_status",
        detail=f"/web/login answered HTTP {response.status_code}",
        impact="high",
        scope="organisation",
        duration_ms=watch.ms,
    )


def _health(
    instance: Instance, transport: HttpTransport, major: int | None
) -> tuple[CheckResult, bool | None]:
    """The health check, and what it says about the database (None when it does not say)."""
    if major is not None and major < HEALTH_FIRST_MAJOR:
        return result(
            "odoo.health",
            "health",
            "unknown",
            detail=f"Odoo {major}.0 has no /web/health route",
            impact="high",
            scope="organisation",
        ), None
    watch = Stopwatch()
    try:
        response = transport.request("GET", f"{instance.url}/web/health", params={"db_server_status": "1"})
    except ServerDown as error:
        return result(
            "odoo.health",
            "health",
            "failing",
            detail=str(error),
            impact="high",
            scope="organisation",
            duration_ms=watch.ms,
        ), None
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    database = body.get("db_server_status")
    passing = response.status_code == 200 and body.get("status") == "pass"
    detail = f"/web/health answered HTTP {response.status_code} {body.get('status', '')}".strip()
    return (
        result(
            "odoo.health",
            "health",
            "ok" if passing else "failing",
            value=float(response.status_code),
            unit="http_status",
            detail=detail,
            impact="high",
            scope="organisation",
            duration_ms=watch.ms,
        ),
        database if isinstance(database, bool) else None,
    )


def check_availability(
    instance: Instance,
    transport: HttpTransport,
    client: OdooClient | None,
    client_error: OdooClientError | None,
) -> AvailabilityOutcome:
    """Availability checks of one instance; `client` is None when connecting failed with `client_error`."""
    outcome = AvailabilityOutcome()
    checks = outcome.checks
    checks.append(_login_page(instance, transport))

    major: int | None = None
    version_ms: float | None = None
    mismatch = client_error if isinstance(client_error, ProtocolMismatch) else None
    if mismatch is not None and mismatch.version is not None:
        # Odoo answered, over another protocol than the configured one: a configuration error, not an outage.
        outcome.version = mismatch.version
        major = _major(mismatch.version)
        checks.append(
            result(
                "odoo.version",
                "version",
                "ok",
                detail=f"{mismatch.version.get('server_version')} (over XML-RPC)",
                impact="high",
                scope="organisation",
            )
        )
    elif client is None:
        checks.append(
            result(
                "odoo.version",
                "version",
                "failing",
                detail=str(client_error),
                impact="high",
                scope="organisation",
            )
        )
    else:
        watch = Stopwatch()
        try:
            outcome.version = client.version()
            version_ms = watch.ms
            major = _major(outcome.version)
            checks.append(
                result(
                    "odoo.version",
                    "version",
                    "ok",
                    detail=str(outcome.version.get("server_version")),
                    impact="high",
                    scope="organisation",
                    duration_ms=version_ms,
                )
            )
        except OdooClientError as error:
            checks.append(
                result(
                    "odoo.version",
                    "version",
                    "failing",
                    detail=str(error),
                    impact="high",
                    scope="organisation",
                    duration_ms=watch.ms,
                )
            )

    health, database_up = _health(instance, transport, major)
    checks.append(health)

    auth_status: Status = "unknown"
    auth_detail = "not tried: the server did not answer"
    database_status: Status = "unknown"
    database_detail = "not known"
    read_check = result(
        "odoo.read", "read", "unknown", detail="not tried", impact="high", scope="organisation"
    )
    read_ms: float | None = None
    no_read = "Odoo did not answer its version"  # why nothing was read, for the latency check
    if database_up is not None:
        database_status = "ok" if database_up else "failing"
        database_detail = "/web/health reports PostgreSQL " + ("up" if database_up else "down")
    if mismatch is not None:
        auth_status, auth_detail = "failing", f"configuration error: {mismatch}"
        no_read = "the configured protocol does not fit this Odoo"
        read_check = result(
            "odoo.read",
            "read",
            "unknown",
            detail="not tried: configuration error",
            impact="high",
            scope="organisation",
        )
    if client is not None and outcome.version is not None:
        try:
            client.authenticate()
            outcome.authenticated = True
            auth_status, auth_detail = (
                "ok",
                f"authenticated as {instance.login!r} over {client.protocol} ({client.auth_call})",
            )
            watch = Stopwatch()
            client.search_read("res.users", [("login", "=", instance.login)], ["login"], limit=1)
            read_ms = watch.ms
            read_check = result(
                "odoo.read",
                "read",
                "ok",
                value=read_ms,
                unit="ms",
                detail="res.users read",
                impact="high",
                scope="organisation",
                duration_ms=read_ms,
            )
            if database_up is None:
                database_status, database_detail = "ok", "Odoo answered a database read"
        except CredentialsRejected as error:
            auth_status, auth_detail = "failing", str(error)
            no_read = "the login was refused"
        except WrongDatabase as error:
            auth_status, auth_detail = "failing", str(error)
            database_status, database_detail = "failing", str(error)
            no_read = str(error)
        except DatabaseUnavailable as error:
            auth_status, auth_detail = "unknown", "not known: the database is unavailable"
            database_status, database_detail = "failing", str(error)
            no_read = str(error)
        except OdooClientError as error:
            no_read = str(error)
            if outcome.authenticated:
                read_check = result(
                    "odoo.read", "read", "failing", detail=str(error), impact="high", scope="organisation"
                )
            else:
                auth_status, auth_detail = "unknown", str(error)
    checks.append(
        result(
            "odoo.authentication",
            "authentication",
            auth_status,
            detail=auth_detail,
            impact="low",
            scope="one-user",
        )
    )
    checks.append(read_check)
    checks.append(
        result(
            "odoo.database",
            "database",
            database_status,
            detail=database_detail,
            impact="high",
            scope="organisation",
        )
    )

    checks.append(_latency(instance, read_ms, no_read))
    return outcome


def _latency(instance: Instance, read_ms: float | None, no_read: str) -> CheckResult:
    """The time of the read; without a read there is nothing to time (the version call is no read)."""
    if read_ms is None:
        return result(
            "odoo.latency",
            "latency",
            "unknown",
            unit="ms",
            detail=f"not measured: no read happened ({no_read})",
            impact="medium",
            scope="organisation",
        )
    slow = read_ms > instance.slow_ms
    return result(
        "odoo.latency",
        "latency",
        "failing" if slow else "ok",
        value=read_ms,
        unit="ms",
        detail=f"res.users read in {read_ms:.0f} ms (bound {instance.slow_ms:.0f} ms)",
        impact="medium",
        scope="organisation",
    )

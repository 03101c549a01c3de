"""The tcp integration check: a host and port accept a connection."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from agent.checks.common import Stopwatch
from agent.checks.integrations.context import IntegrationContext, integration_result
from agent.checks.spec import CheckSpec, Option
from agent.report import CheckResult

if TYPE_CHECKING:
    from agent.config import Integration


def check_tcp(integration: Integration, context: IntegrationContext) -> CheckResult:
    options = integration.options
    host, port = str(options["host"]), int(options["port"])
    watch = Stopwatch()
    try:
        with socket.create_connection((host, port), timeout=float(TCP.value(options, "timeout"))):
            pass
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        detail = f"{host}:{port} refused or unreachable ({reason})"
        return integration_result(integration, "failing", detail, duration_ms=watch.ms)
    return integration_result(
        integration,
        "ok",
        f"{host}:{port} accepts connections",
        value=watch.ms,
        unit="ms",
        duration_ms=watch.ms,
    )


TCP = CheckSpec(
    "tcp",
    impact="medium",
    scope="multiple-users",
    options=(
        Option("host", (str,), "Host name or address to connect to.", required=True),
        Option("port", (int,), "TCP port that must accept a connection.", required=True),
        Option("timeout", (int, float), "Seconds to wait for the connection (default 5).", default=5),
    ),
    run=check_tcp,
)

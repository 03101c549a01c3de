"""The http integration check: a URL answers with the expected status, keyword and speed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.checks.common import Stopwatch
from agent.checks.integrations.context import IntegrationContext, integration_result
from agent.checks.spec import CheckSpec, Option
from agent.report import CheckResult

if TYPE_CHECKING:
    from agent.config import Integration


def _is_web_url(value: object) -> bool:
    return str(value).startswith(("http://", "https://"))


def check_http(integration: Integration, context: IntegrationContext) -> CheckResult:
    import requests

    options = integration.options
    url = str(options["url"])
    expected = int(HTTP.value(options, "expect_status"))
    keyword = options.get("keyword")
    bound = options.get("max_latency_ms")
    watch = Stopwatch()
    try:
        response = context.session.get(
            url, timeout=float(HTTP.value(options, "timeout")), verify=context.verify
        )
    except requests.RequestException as error:
        detail = f"{url} is unreachable ({error.__class__.__name__})"
        return integration_result(integration, "failing", detail, duration_ms=watch.ms)
    elapsed = watch.ms
    problems = []
    if response.status_code != expected:
        problems.append(f"HTTP {response.status_code}, expected {expected}")
    if keyword and str(keyword) not in response.text:
        problems.append(f"keyword {keyword!r} not found")
    if bound is not None and elapsed > float(bound):
        problems.append(f"{elapsed:.0f} ms, above {float(bound):.0f} ms")
    detail = "; ".join(problems) or f"HTTP {response.status_code} in {elapsed:.0f} ms"
    return integration_result(
        integration, "failing" if problems else "ok", detail, value=elapsed, unit="ms", duration_ms=elapsed
    )


HTTP = CheckSpec(
    "http",
    impact="medium",
    scope="multiple-users",
    options=(
        Option(
            "url",
            (str,),
            "URL that must answer.",
            required=True,
            valid=_is_web_url,
            invalid="must start with https:// or http://",
        ),
        Option("expect_status", (int,), "HTTP status that counts as up (default 200).", default=200),
        Option("keyword", (str,), "Text the response body must contain."),
        Option("max_latency_ms", (int, float), "Response time in milliseconds above which the check fails."),
        Option("timeout", (int, float), "Seconds to wait for the answer (default 10).", default=10),
    ),
    run=check_http,
)

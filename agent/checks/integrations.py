"""Integration ("koppeling") checks: http, tcp, odoo_cron, queue_job, mail, freshness."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from agent.checks.common import Stopwatch, result
from agent.checks.cron import CronFields, cron_problems, parse_odoo_datetime
from agent.config import Integration
from agent.odoo import OdooClient, OdooClientError
from agent.report import CheckResult, Impact, Scope, Status


class IntegrationContext:
    """What an integration check may use: the Odoo client (None when unreachable) and the version."""

    def __init__(
        self,
        client: OdooClient | None,
        major: int | None,
        session: requests.Session,
        verify: bool | str,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.major = major
        self.session = session
        self.verify = verify
        self.now = now or (lambda: datetime.now(UTC))


def _result(
    integration: Integration,
    status: Status,
    detail: str,
    value: float | None = None,
    unit: str | None = None,
    duration_ms: float | None = None,
) -> CheckResult:
    impact: Impact = integration.impact  # type: ignore[assignment]
    scope: Scope = integration.scope  # type: ignore[assignment]
    return result(
        f"integration:{integration.name}",
        integration.check,
        status,
        name=integration.name,
        value=value,
        unit=unit,
        detail=detail,
        impact=impact,
        scope=scope,
        integration=integration.name,
        duration_ms=duration_ms,
    )


def check_http(integration: Integration, context: IntegrationContext) -> CheckResult:
    options = integration.options
    url = str(options["url"])
    expected = int(options.get("expect_status", 200))
    keyword = options.get("keyword")
    bound = options.get("max_latency_ms")
    watch = Stopwatch()
    try:
        response = context.session.get(url, timeout=float(options.get("timeout", 10)), verify=context.verify)
    except requests.RequestException as error:
        return _result(
            integration, "failing", f"{url} is unreachable ({error.__class__.__name__})", duration_ms=watch.ms
        )
    elapsed = watch.ms
    problems = []
    if response.status_code != expected:
        problems.append(f"HTTP {response.status_code}, expected {expected}")
    if keyword and str(keyword) not in response.text:
        problems.append(f"keyword {keyword!r} not found")
    if bound is not None and elapsed > float(bound):
        problems.append(f"{elapsed:.0f} ms, above {float(bound):.0f} ms")
    detail = "; ".join(problems) or f"HTTP {response.status_code} in {elapsed:.0f} ms"
    return _result(
        integration, "failing" if problems else "ok", detail, value=elapsed, unit="ms", duration_ms=elapsed
    )


def check_tcp(integration: Integration, context: IntegrationContext) -> CheckResult:
    host, port = str(integration.options["host"]), int(integration.options["port"])
    watch = Stopwatch()
    try:
        with socket.create_connection((host, port), timeout=float(integration.options.get("timeout", 5))):
            pass
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        return _result(
            integration, "failing", f"{host}:{port} refused or unreachable ({reason})", duration_ms=watch.ms
        )
    return _result(
        integration,
        "ok",
        f"{host}:{port} accepts connections",
        value=watch.ms,
        unit="ms",
        duration_ms=watch.ms,
    )


def _odoo_unavailable(integration: Integration) -> CheckResult:
    return _result(integration, "unknown", "not known: Odoo did not answer")


def _cron_fields(client: OdooClient, major: int | None) -> CronFields:
    try:
        available = client.call("ir.cron", "fields_get", [], {"attributes": ["type"]})
    except OdooClientError:
        return CronFields.for_major(major)  # fields_get refused (rights, proxy): go by the version
    fields = CronFields.from_available(available if isinstance(available, dict) else {})
    return fields if fields.names else CronFields.for_major(major)


def check_odoo_cron(integration: Integration, context: IntegrationContext) -> CheckResult:
    """Named scheduled actions: failing by failure_count (18+), archived, or an overdue nextcall."""
    if context.client is None:
        return _odoo_unavailable(integration)
    names = [str(name) for name in integration.options["crons"]]
    overdue = timedelta(minutes=float(integration.options.get("overdue_minutes", 30)))
    watch = Stopwatch()
    try:
        fields = _cron_fields(context.client, context.major)
        crons = context.client.search_read("ir.cron", fields.domain(names), fields.read())
    except OdooClientError as error:
        return _result(integration, "unknown", f"could not read ir.cron: {error}", duration_ms=watch.ms)
    problems = cron_problems(crons, names, fields, context.now(), overdue)
    detail = "; ".join(problems) or f"{len(crons)} scheduled action(s) on time"
    return _result(
        integration,
        "failing" if problems else "ok",
        detail,
        value=float(len(problems)),
        unit="problems",
        duration_ms=watch.ms,
    )


def check_queue_job(integration: Integration, context: IntegrationContext) -> CheckResult:
    """Failed OCA queue jobs of a channel / model / method above a threshold, with the latest error."""
    if context.client is None:
        return _odoo_unavailable(integration)
    domain: list[Any] = [("state", "=", "failed")]
    for key in ("channel", "model_name", "method_name"):
        if key in integration.options:
            domain.append((key, "=", str(integration.options[key])))
    threshold = int(integration.options.get("threshold", 0))
    watch = Stopwatch()
    try:
        failed = context.client.search_count("queue.job", domain)
        latest = (
            context.client.search_read(
                "queue.job",
                domain,
                ["exc_name", "exc_message", "date_created"],
                limit=1,
                order="date_created desc, id desc",
            )
            if failed
            else []
        )
    except OdooClientError as error:
        return _result(integration, "unknown", f"could not read queue.job: {error}", duration_ms=watch.ms)
    detail = f"{failed} failed job(s) (threshold {threshold})"
    if latest:
        job = latest[0]
        detail += f"; latest: {job.get('exc_name') or ''}: {job.get('exc_message') or ''}".rstrip(": ")
    return _result(
        integration,
        "failing" if failed > threshold else "ok",
        detail,
        value=float(failed),
        unit="jobs",
        duration_ms=watch.ms,
    )


def check_mail(integration: Integration, context: IntegrationContext) -> CheckResult:
    """Outgoing mail in exception above a threshold."""
    if context.client is None:
        return _odoo_unavailable(integration)
    threshold = int(integration.options.get("threshold", 0))
    watch = Stopwatch()
    domain: list[Any] = [("state", "=", "exception")]
    try:
        count = context.client.search_count("mail.mail", domain)
        latest = (
            context.client.search_read(
                "mail.mail", domain, ["failure_type", "failure_reason"], limit=1, order="id desc"
            )
            if count
            else []
        )
    except OdooClientError as error:
        return _result(integration, "unknown", f"could not read mail.mail: {error}", duration_ms=watch.ms)
    detail = f"{count} mail(s) in exception (threshold {threshold})"
    if latest:
        reason = f"{latest[0].get('failure_type') or ''} {latest[0].get('failure_reason') or ''}".strip()
        detail += f"; latest: {reason}"
    return _result(
        integration,
        "failing" if count > threshold else "ok",
        detail,
        value=float(count),
        unit="mails",
        duration_ms=watch.ms,
    )


def check_freshness(integration: Integration, context: IntegrationContext) -> CheckResult:
    """The newest record of a model and domain must be younger than max_age_minutes."""
    if context.client is None:
        return _odoo_unavailable(integration)
    model = str(integration.options["model"])
    field = str(integration.options.get("field", "create_date"))
    domain = [
        tuple(leaf) if isinstance(leaf, list) else leaf for leaf in integration.options.get("domain", [])
    ]
    max_age = timedelta(minutes=float(integration.options["max_age_minutes"]))
    watch = Stopwatch()
    try:
        newest = context.client.search_read(model, list(domain), [field], limit=1, order=f"{field} desc")
    except OdooClientError as error:
        return _result(integration, "unknown", f"could not read {model}: {error}", duration_ms=watch.ms)
    stamp = parse_odoo_datetime(newest[0].get(field)) if newest else None
    if stamp is None:
        return _result(integration, "failing", f"no {model} record matches", duration_ms=watch.ms)
    age = context.now() - stamp
    minutes = age.total_seconds() / 60
    status: Status = "failing" if age > max_age else "ok"
    detail = f"newest {model} is {minutes:.0f} min old (bound {max_age.total_seconds() / 60:.0f} min)"
    return _result(integration, status, detail, value=round(minutes, 1), unit="minutes", duration_ms=watch.ms)


CHECKS: dict[str, Callable[[Integration, IntegrationContext], CheckResult]] = {
    "http": check_http,
    "tcp": check_tcp,
    "odoo_cron": check_odoo_cron,
    "queue_job": check_queue_job,
    "mail": check_mail,
    "freshness": check_freshness,
}


def check_integration(integration: Integration, context: IntegrationContext) -> CheckResult:
    return CHECKS[integration.check](integration, context)

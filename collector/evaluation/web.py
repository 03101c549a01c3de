"""The report for the staff pages: one call that a signed-in route makes, no web framework needed here.

The helpdesk's staff router adds, behind its sign-in dependency, for example:
    GET /staff/reports?customer=acme&period=2026-10&format=html  ->  report_document(...)
and returns Response(document.body, media_type=document.media_type, status_code=document.status, headers=
{"Content-Disposition": f'inline; filename="{document.filename}"'}).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from collector.evaluation import exports, html, service
from collector.evaluation.data import UnknownCustomer
from collector.evaluation.period import PeriodError, parse_period
from collector.policy.policy import Policy
from prioritysupport.clock import Clock

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


@dataclass(frozen=True)
class ReportDocument:
    status: int  # 200, or 400 / 404 with a one-sentence text body
    media_type: str
    body: str
    filename: str


def _problem(status: int, message: str) -> ReportDocument:
    return ReportDocument(status, "text/plain; charset=utf-8", message, "error.txt")


def report_document(
    engine: Engine,
    *,
    customer: str | None,
    period: str,
    output_format: str = "html",
    language: str | None = None,
    clock: Clock,
    policy: Policy,
) -> ReportDocument:
    """One customer's report (customer given) or the overview of all (customer None or empty)."""
    if output_format not in MEDIA_TYPES:
        return _problem(400, f"format must be one of {', '.join(MEDIA_TYPES)}")
    if language not in (None, "nl", "en"):
        return _problem(400, "language must be nl or en")
    try:
        month = parse_period(period)
    except PeriodError as error:
        return _problem(400, str(error))
    name = f"{customer or 'all'}-{month.label}.{output_format}"
    if not customer:
        overview = service.overview(engine, month, clock=clock, policy=policy)
        body = {
            "html": lambda: html.render_overview_html(overview, language or "nl"),
            "csv": lambda: exports.overview_csv(overview),
            "json": lambda: exports.to_json(overview),
        }[output_format]()
        return ReportDocument(200, MEDIA_TYPES[output_format], body, name)
    try:
        report = service.customer_report(engine, customer, month, clock=clock, policy=policy)
    except UnknownCustomer:
        return _problem(404, f"no customer has the key {customer!r}")
    body = {
        "html": lambda: html.render_customer_html(report, language),
        "csv": lambda: exports.customer_csv(report),
        "json": lambda: exports.to_json(report),
    }[output_format]()
    return ReportDocument(200, MEDIA_TYPES[output_format], body, name)

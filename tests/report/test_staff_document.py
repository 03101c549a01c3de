"""The staff pages' entry point answers documents or one-sentence problems, never exceptions."""

from __future__ import annotations

from sqlalchemy import Engine

from collector.evaluation.web import ReportDocument, report_document
from collector.policy.policy import load_policy
from prioritysupport.clock import FixedClock
from tests.report.fixture_data import GENERATED_AT


def _document(
    engine: Engine, customer: str = "acme", period: str = "2026-10", output_format: str = "html"
) -> ReportDocument:
    return report_document(
        engine,
        customer=customer,
        period=period,
        output_format=output_format,
        clock=FixedClock(GENERATED_AT),
        policy=load_policy(),
    )


def test_customer_report_for_the_browser(report_engine: Engine) -> None:
    document = _document(report_engine)
    assert (document.status, document.media_type) == (200, "text/html; charset=utf-8")
    assert document.filename == "acme-2026-10.html"
    assert "Acme Tuinmeubelen" in document.body


def test_overview_as_csv(report_engine: Engine) -> None:
    document = _document(report_engine, customer="", output_format="csv")
    assert (document.status, document.filename) == (200, "all-2026-10.csv")
    assert document.body.count("\n") == 3  # header, acme, bakker


def test_problems_are_sentences(report_engine: Engine) -> None:
    assert _document(report_engine, period="10-2026").status == 400
    assert _document(report_engine, output_format="pdf").status == 400
    missing = _document(report_engine, customer="nobody")
    assert (missing.status, missing.body) == (404, "no customer has the key 'nobody'")

"""The outermost middleware: page headers, then body limits before anything reads a body."""

from __future__ import annotations

from fastapi import FastAPI

from collector.helpdesk.settings import HelpdeskSettings
from collector.http.body_limits import BodyLimit
from collector.http.page_headers import PageHeaders
from collector.service import Collector
from collector.web.body_rules import body_rules


def add_edge_middleware(app: FastAPI, collector: Collector) -> None:
    """Added last, so they run first."""
    runtime = collector.extras.get("helpdesk_runtime")
    rules, default = body_rules(collector, runtime.settings if runtime else HelpdeskSettings())
    app.add_middleware(BodyLimit, rules=rules, default=default)
    app.add_middleware(PageHeaders)

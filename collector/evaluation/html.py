"""The printable HTML report: Jinja2 templates with inline SVG charts, no JavaScript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from collector.evaluation import formatting as fmt
from collector.evaluation import svg
from collector.evaluation.labels import labels_for
from collector.evaluation.model import PRIORITIES, CustomerReport, Overview

TEMPLATES = Path(__file__).with_name("templates")
PRIORITY_COLORS = dict(zip(PRIORITIES, svg.PALETTE, strict=False))


def _environment(language: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        duration=fmt.duration,
        hours=fmt.business_hours,
        percent=fmt.percent,
        local=fmt.local,
        number=lambda value: fmt.number(value, language),
        priorities=PRIORITIES,
    )
    return env


def render_customer_html(report: CustomerReport, language: str | None = None) -> str:
    language = language or report.language
    t = labels_for(language)
    column_totals = {p: sum(row.get(p, 0) for row in report.counts.values()) for p in PRIORITIES}
    priority_chart = svg.horizontal_bars(
        [svg.Bar(f"{t['priority']} {p}", n, str(n), PRIORITY_COLORS[p]) for p, n in column_totals.items()],
        title=t["tickets"],
    )
    availability_chart = svg.horizontal_bars(
        [
            svg.Bar(
                a.integration or a.instance,
                a.share or 0.0,
                fmt.percent(a.share, 2),
                svg.PALETTE[4] if (a.share or 0) >= 0.99 else svg.PALETTE[0],
            )
            for a in report.availability
        ],
        title=t["availability"],
        maximum=1.0,
    )
    days = [day.day.strftime("%d-%m") for day in report.usage]
    users_chart = svg.line_chart(
        [
            svg.Series(t["users"], [d.users for d in report.usage], svg.PALETTE[3]),
            svg.Series(t["limit"], [d.users_limit for d in report.usage], svg.PALETTE[0], dashed=True),
        ],
        days,
        title=t["users"],
    )
    lines_chart = svg.line_chart(
        [
            svg.Series(t["lines"], [d.lines for d in report.usage], svg.PALETTE[5]),
            svg.Series(t["limit"], [d.lines_limit for d in report.usage], svg.PALETTE[0], dashed=True),
        ],
        days,
        title=t["lines"],
    )
    return str(
        _environment(language)
        .get_template("customer.html.j2")
        .render(
            r=report,
            u=report.usage_summary,
            t=t,
            language=language,
            column_totals=column_totals,
            priority_chart=priority_chart,
            availability_chart=availability_chart,
            users_chart=users_chart,
            lines_chart=lines_chart,
        )
    )


def render_overview_html(overview: Overview, language: str = "nl") -> str:
    return str(
        _environment(language)
        .get_template("overview.html.j2")
        .render(o=overview, t=labels_for(language), language=language)
    )

"""The overview across customers (`report --all`): one row per customer from its full report."""

from __future__ import annotations

from collections.abc import Sequence

from collector.evaluation.model import CustomerReport, Overview, OverviewRow
from collector.evaluation.period import Period


def overview_row(report: CustomerReport) -> OverviewRow:
    instance_shares = [a.share for a in report.availability if a.integration is None and a.share is not None]
    package = report.usage[-1].package if report.usage else None
    if package is None and report.contracts:
        package = report.contracts[-1].package
    return OverviewRow(
        customer=report.customer,
        customer_name=report.customer_name,
        package=package,
        tickets=len(report.tickets),
        incidents_ab=sum(
            1 for line in report.tickets if line.category == "incident" and line.priority in ("A", "B")
        ),
        response_attainment=report.response_attainment.share,
        resolution_attainment=report.resolution_attainment.share,
        breaches=len(report.breaches),
        open_at_end=len(report.backlog),
        lowest_availability=min(instance_shares) if instance_shares else None,
        peak_users=report.usage_summary.peak_users,
        users_limit=report.usage_summary.users_limit_at_end,
        peak_lines=report.usage_summary.peak_lines,
        lines_limit=report.usage_summary.lines_limit_at_end,
    )


def build_overview(reports: Sequence[CustomerReport], period: Period) -> Overview:
    first = reports[0] if reports else None
    return Overview(
        period=period.label,
        start=period.start,
        end=period.end,
        generated_at=first.generated_at if first else period.end,
        measured_until=first.measured_until if first else period.end,
        rows=tuple(overview_row(report) for report in reports),
    )

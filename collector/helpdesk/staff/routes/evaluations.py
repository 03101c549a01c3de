"""`/staff/reports`: the monthly SLA evaluation (collector/evaluation) behind the staff sign-in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from collector.helpdesk.i18n import LOCAL_ZONE
from collector.helpdesk.staff.deps import PageDep
from collector.http.deps import CollectorDep
from collector.storage import tables as core

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/reports")
def reports(
    collector: CollectorDep,
    page: PageDep,
    customer: str = "",
    period: str = "",
    format: str = "html",
    lang: str = "",
) -> Response:
    if not period:  # no month chosen yet: the form
        with collector.engine.connect() as conn:
            customers = list(
                conn.execute(select(core.customers.c.key).order_by(core.customers.c.key)).scalars()
            )
        now = collector.clock.now().astimezone(LOCAL_ZONE)
        previous = f"{now.year - 1}-12" if now.month == 1 else f"{now.year}-{now.month - 1:02d}"
        return page("staff/reports.html", customers=customers, default_period=previous)
    from collector.evaluation.web import report_document

    document = report_document(
        collector.engine,
        customer=customer[:64] or None,
        period=period[:20],
        output_format=format,
        language=lang or None,
        clock=collector.clock,
        policy=collector.policy,
    )
    disposition = "attachment" if format in ("csv", "json") else "inline"
    return Response(
        document.body,
        media_type=document.media_type,
        status_code=document.status,
        headers={
            "Content-Disposition": f'{disposition}; filename="{document.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )

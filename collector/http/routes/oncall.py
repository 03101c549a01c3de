"""On-call (who is on call, iCal feed) and page acknowledgement: the router alerts/ builds."""

from __future__ import annotations

from fastapi import APIRouter

from alerts.http import alerts_router
from collector.http.deps import rota_loader
from collector.service import Collector


def oncall_router(collector: Collector) -> APIRouter:
    """alerts/ knows nothing of the collector, so its router is built from the parts, once per app."""
    return alerts_router(
        clock=collector.clock,
        rota=rota_loader(collector),
        outbox=collector.outbox,
        signer=collector.outbox.ack_signer,
        ack_pages=False,  # collector/http/routes/ack_page.py serves /ack/{token}
    )

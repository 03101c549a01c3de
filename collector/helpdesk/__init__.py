"""The collector's helpdesk side: web form, mail and phone intake, the client ticket API and staff pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from collector.helpdesk.settings import HelpdeskSettings
    from collector.service import Collector


def install_helpdesk(app: FastAPI, collector: Collector, settings: HelpdeskSettings | None = None) -> None:
    """Add the helpdesk routes to the collector's app (its tables come with the migrations, 0002)."""
    from collector.helpdesk.wiring import install

    install(app, collector, settings)

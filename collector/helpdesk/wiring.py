"""Adding the helpdesk to the collector's FastAPI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from collector.helpdesk.context import Helpdesk, page_environment
from collector.helpdesk.ratelimit import RateLimiter
from collector.helpdesk.settings import HelpdeskSettings
from collector.helpdesk.signing import Signer, load_or_create_secret
from collector.service import Collector

STATIC = Path(__file__).with_name("static")


def install(app: FastAPI, collector: Collector, settings: HelpdeskSettings | None = None) -> Helpdesk:
    from collector.helpdesk.public import api, web
    from collector.helpdesk.staff import pages as staff

    settings = settings or collector.extras.get("helpdesk") or HelpdeskSettings.from_env()
    secret = settings.secret_key or load_or_create_secret(collector.engine)
    helpdesk = Helpdesk(
        collector=collector,
        settings=settings,
        signer=Signer(secret, settings.session_hours * 3600),
        form_limiter=RateLimiter(settings.form_submissions, settings.form_window_seconds),
        # Lock-out protects each account; this slows guessing across many accounts from one address.
        login_limiter=RateLimiter(30, 600.0),
        pages=page_environment(),
        form_attempts=RateLimiter(settings.form_attempts, settings.form_window_seconds),
    )
    app.include_router(api.router(helpdesk))
    app.include_router(web.router(helpdesk))
    app.include_router(staff.router(helpdesk))
    staff.install_handlers(app, helpdesk)
    from collector.helpdesk.staff.guard import ManagementApiGuard

    app.add_middleware(ManagementApiGuard, helpdesk=helpdesk, guard_api=settings.protect_management_api)
    app.mount("/helpdesk-static", StaticFiles(directory=str(STATIC)), name="helpdesk-static")
    collector.extras["helpdesk_runtime"] = helpdesk
    return helpdesk

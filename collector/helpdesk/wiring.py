"""Adding the helpdesk to the collector's FastAPI app: the runtime on app.state, then the routers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from collector.helpdesk.context import Helpdesk, page_environment
from collector.helpdesk.ratelimit import RateLimiter
from collector.helpdesk.settings import HelpdeskSettings
from collector.helpdesk.signing import Signer, load_or_create_secret
from collector.helpdesk.staff.page_filters import install as install_page_filters
from collector.service import Collector

STATIC = Path(__file__).with_name("static")


def runtime(collector: Collector, settings: HelpdeskSettings) -> Helpdesk:
    """What the routes share: the signer with its secret, the rate limits and the page templates."""
    secret = settings.secret_key or load_or_create_secret(collector.engine)
    return Helpdesk(
        collector=collector,
        settings=settings,
        signer=Signer(secret, settings.session_hours * 3600),
        form_limiter=RateLimiter(settings.form_submissions, settings.form_window_seconds),
        # Lock-out protects each account; this slows guessing across many accounts from one address.
        login_limiter=RateLimiter(30, 600.0),
        pages=page_environment(install_page_filters),
        form_attempts=RateLimiter(settings.form_attempts, settings.form_window_seconds),
    )


def install(app: FastAPI, collector: Collector, settings: HelpdeskSettings | None = None) -> Helpdesk:
    from collector.helpdesk.public import api, web
    from collector.helpdesk.staff.guard import ManagementApiGuard
    from collector.helpdesk.staff.routes import ROUTERS as STAFF_ROUTERS
    from collector.helpdesk.staff.routes.errors import install_handlers

    settings = settings or collector.extras.get("helpdesk") or HelpdeskSettings.from_env()
    helpdesk = runtime(collector, settings)
    app.state.collector = collector  # what collector.http.deps reads; create_app may have set it already
    app.state.helpdesk = helpdesk  # what collector.helpdesk.deps reads
    for router in (api.router, web.router, *STAFF_ROUTERS):
        app.include_router(router)
    install_handlers(app)
    app.add_middleware(ManagementApiGuard, helpdesk=helpdesk, guard_api=settings.protect_management_api)
    app.mount("/helpdesk-static", StaticFiles(directory=str(STATIC)), name="helpdesk-static")
    collector.extras["helpdesk_runtime"] = helpdesk
    return helpdesk

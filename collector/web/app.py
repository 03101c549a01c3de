"""The collector's HTTP application: ingest, management API, Alertmanager intake, /metrics, /healthz.

`create_app` only assembles; the routes live in collector/http/routes, one router per resource, and take
what they need from collector/http/deps.py.
"""

from __future__ import annotations

from collector.helpdesk import install_helpdesk
from collector.http.agent_reports import make_report_endpoint
from collector.http.errors import EXCEPTION_HANDLERS
from collector.http.ingest_shortcut import CollectorApp
from collector.http.lifespan import lifespan
from collector.http.routes import ack_page, alertmanager, customers, health, maintenance, tickets
from collector.http.routes.oncall import oncall_router
from collector.service import Collector
from collector.web.edge import add_edge_middleware

# In the order they were always matched and listed in the OpenAPI document.
ROUTERS = (
    health.router,
    customers.router,
    tickets.router,
    maintenance.router,
    alertmanager.router,
)


def create_app(collector: Collector, *, run_background: bool = True) -> CollectorApp:
    app = CollectorApp(
        title="PrioritySupport collector",
        version="1",
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.collector = collector
    app.state.run_background = run_background
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(oncall_router(collector))
    app.include_router(ack_page.router)
    ack_page.mount_ack_static(app)
    install_helpdesk(app, collector)  # web form, mail/phone intake pages, client API, staff pages
    add_edge_middleware(app, collector)
    # Ingest bypasses the whole stack (collector/http/ingest_shortcut.py); the endpoint checks the token
    # first and bounds the body itself.
    app.ingest = make_report_endpoint(collector)
    return app

"""The staff pages' routers, one per area; wiring.py includes them in this order."""

from __future__ import annotations

from collector.helpdesk.staff.routes import (
    customers,
    evaluations,
    maintenance,
    phone,
    queue,
    signin,
    tickets,
)

ROUTERS = (
    signin.router,
    queue.router,
    tickets.router,
    customers.router,
    phone.router,
    maintenance.router,
    evaluations.router,
)

"""The assembled web application: the management API, the helpdesk and the edge rules every request passes.

Owns `create_app` (state, lifespan, error handlers, routers in order) and the outermost middleware: body
limits per route family (which needs to know the helpdesk's limits and client tokens) and page headers.
It sits above collector/http and collector/helpdesk and is the only place that joins them.
"""

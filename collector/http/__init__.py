"""The collector's HTTP edge: the FastAPI application, its routers and the rules every request passes.

Owns routing of requests to services, body limits, security headers, trusted proxies, request and response
models, the acknowledgement page and /metrics. Nothing below this folder imports it."""

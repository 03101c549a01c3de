"""Which proxies uvicorn may believe about the client's address (X-Forwarded-For) and scheme.

Uvicorn's own default believes 127.0.0.1, so anything on the host could claim any address and dodge the
per-address limits. Here nobody is believed unless `[http] trusted_proxies` names the proxy.
"""

from __future__ import annotations

from typing import Any

from collector.config import HttpSettings


def uvicorn_proxy_options(http: HttpSettings) -> dict[str, Any]:
    if not http.trusted_proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": []}
    return {"proxy_headers": True, "forwarded_allow_ips": list(http.trusted_proxies)}

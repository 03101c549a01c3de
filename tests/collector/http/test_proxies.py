"""Uvicorn believes X-Forwarded-For only from `[http] trusted_proxies`; by default from nobody."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
import requests
import uvicorn

from collector.config import HttpSettings
from collector.http.proxies import uvicorn_proxy_options
from tests.support.components import free_port, wait_for_port


async def echo_client(scope: Any, receive: Any, send: Any) -> None:
    """An ASGI app that answers with the client address uvicorn gave it."""
    if scope["type"] != "http":
        return
    body = json.dumps({"client": scope["client"][0], "scheme": scope["scheme"]}).encode()
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": body})


def seen_by_app(http: HttpSettings) -> dict[str, str]:
    port = free_port()
    config = uvicorn.Config(
        echo_client,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        **uvicorn_proxy_options(http),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_for_port(port)
        headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
        return dict(requests.get(f"http://127.0.0.1:{port}/", headers=headers, timeout=30).json())
    finally:
        server.should_exit = True
        thread.join(10)


def test_by_default_no_proxy_is_believed() -> None:
    assert seen_by_app(HttpSettings()) == {"client": "127.0.0.1", "scheme": "http"}


@pytest.mark.parametrize("proxy", ["127.0.0.1", "127.0.0.0/8"])
def test_a_named_proxy_passes_the_client_address(proxy: str) -> None:
    assert seen_by_app(HttpSettings(trusted_proxies=(proxy,))) == {"client": "203.0.113.7", "scheme": "https"}


def test_another_proxy_is_not_believed() -> None:
    assert seen_by_app(HttpSettings(trusted_proxies=("10.0.0.5",)))["client"] == "127.0.0.1"

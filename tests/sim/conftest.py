"""Fixtures of the simulator suite: simulators started in process on free ports."""

from __future__ import annotations

from typing import Any

from tests.support.simulators import SimFactory, start_sim

__all__ = ["SimFactory", "start_sim"]


def proxy(url: str) -> Any:
    """An xmlrpc.client proxy typed loosely: Odoo's answers are dynamic."""
    import xmlrpc.client

    return xmlrpc.client.ServerProxy(url)

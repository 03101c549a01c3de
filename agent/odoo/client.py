"""One interface over XML-RPC (Odoo 14-18) and JSON-2 (19+)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Protocol = Literal["xmlrpc", "json2"]


@dataclass(frozen=True)
class Credentials:
    database: str
    login: str
    secret: str  # API key or password; never logged
    is_api_key: bool


class OdooClient(ABC):
    """What the checks need from Odoo, whatever the protocol."""

    protocol: Protocol

    def __init__(self, base_url: str, credentials: Credentials) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.auth_call = ""  # the call that authenticate() used last, for the check's detail

    @abstractmethod
    def version(self) -> dict[str, Any]:
        """server_version, server_version_info, server_serie (no login needed)."""

    @abstractmethod
    def authenticate(self) -> int:
        """The user id, or CredentialsRejected."""

    @abstractmethod
    def call(
        self, model: str, method: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        """A public model method (model-level: search, search_read, search_count, fields_get)."""

    def search_count(self, model: str, domain: list[Any]) -> int:
        return int(self.call(model, "search_count", [domain]))

    def search_read(
        self,
        model: str,
        domain: list[Any],
        fields: list[str],
        limit: int | None = None,
        order: str | None = None,
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"fields": fields}
        if limit is not None:
            kwargs["limit"] = limit
        if order is not None:
            kwargs["order"] = order
        return list(self.call(model, "search_read", [domain], kwargs))

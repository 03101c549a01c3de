"""Typed errors of the Odoo client: each says which of the usual problems happened."""

from __future__ import annotations

from typing import Any


class OdooClientError(Exception):
    """Base class; the message is a sentence fit for a check's detail."""


class ServerDown(OdooClientError):
    """Nothing answered: refused, reset, timed out or an HTTP 5xx without an Odoo body."""


class NotOdoo(OdooClientError):
    """Something answered, but not the way Odoo does."""


class WrongDatabase(OdooClientError):
    """The configured database does not exist on the server."""


class DatabaseUnavailable(OdooClientError):
    """Odoo answered, but its PostgreSQL did not."""


class CredentialsRejected(OdooClientError):
    """The login, password or API key was refused."""


class RemoteError(OdooClientError):
    """Odoo raised an error for the call itself (unknown model, bad field, access error)."""

    def __init__(self, message: str, name: str | None = None) -> None:
        super().__init__(message)
        self.name = name


class ProtocolMismatch(OdooClientError):
    """A configuration error: the configured protocol is not on this server (JSON-2 before Odoo 19)."""

    def __init__(self, message: str, version: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.version = version  # what the server answered to XML-RPC version(), when it did


# How a lost PostgreSQL shows in Odoo's faults: refused at connect (OperationalError), or a connection
# that died under a running request (InterfaceError: "cursor already closed", "connection already closed").
DATABASE_LOST_MARKERS = (
    "OperationalError",
    "could not connect to server",
    "InterfaceError",
    "connection already closed",
    "cursor already closed",
)


def database_lost(text: str) -> bool:
    return any(marker in text for marker in DATABASE_LOST_MARKERS)

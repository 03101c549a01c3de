"""Talking to Odoo: one client interface, XML-RPC or JSON-2 chosen by probing."""

from agent.odoo.client import Credentials, OdooClient
from agent.odoo.errors import (
    CredentialsRejected,
    DatabaseUnavailable,
    NotOdoo,
    OdooClientError,
    ProtocolMismatch,
    RemoteError,
    ServerDown,
    WrongDatabase,
)
from agent.odoo.probe import connect

__all__ = [
    "Credentials",
    "CredentialsRejected",
    "DatabaseUnavailable",
    "NotOdoo",
    "OdooClient",
    "OdooClientError",
    "ProtocolMismatch",
    "RemoteError",
    "ServerDown",
    "WrongDatabase",
    "connect",
]

"""Choosing the protocol: JSON-2 where the server offers it (19+) and an API key is configured."""

from __future__ import annotations

from typing import Any, Literal

from agent.odoo.client import Credentials, OdooClient
from agent.odoo.errors import NotOdoo, OdooClientError, ProtocolMismatch
from agent.odoo.json2 import Json2Client
from agent.odoo.transport import HttpTransport
from agent.odoo.xmlrpc import XmlRpcClient

ProtocolChoice = Literal["auto", "xmlrpc", "json2"]
JSON2_FIRST_MAJOR = 19


def connect(
    base_url: str, credentials: Credentials, transport: HttpTransport, protocol: ProtocolChoice = "auto"
) -> OdooClient:
    """A client for the server; with "auto", asks /web/version (19+) and falls back to XML-RPC."""
    if protocol == "xmlrpc":
        return XmlRpcClient(base_url, credentials, transport)
    json2 = Json2Client(base_url, credentials, transport)
    if protocol == "json2":
        _require_json2(json2, XmlRpcClient(base_url, credentials, transport))
        return json2
    if credentials.is_api_key:
        try:
            info = json2.version()
            major = info["server_version_info"][0]
            if isinstance(major, int) and major >= JSON2_FIRST_MAJOR:
                return json2
        except NotOdoo:
            pass  # no /web/version before 19: XML-RPC it is
        except OdooClientError:
            raise
    return XmlRpcClient(base_url, credentials, transport)


def json2_mismatch(version: dict[str, Any]) -> ProtocolMismatch | None:
    """The configuration error when a server of this version has no JSON-2, else None."""
    info = version.get("server_version_info") or []
    major = info[0] if info and isinstance(info[0], int) else None
    if major is None or major >= JSON2_FIRST_MAJOR:
        return None
    return ProtocolMismatch(
        f'protocol = "json2" needs Odoo {JSON2_FIRST_MAJOR} or later, and this server runs Odoo '
        f'{version.get("server_version", major)}: set protocol = "auto" or "xmlrpc" for this instance',
        version=version,
    )


def _require_json2(json2: Json2Client, xmlrpc: XmlRpcClient) -> None:
    """JSON-2 was configured: a server without /web/version that answers XML-RPC is an older Odoo."""
    try:
        mismatch = json2_mismatch(json2.version())
    except NotOdoo as missing:
        try:
            version = xmlrpc.version()
        except OdooClientError:
            raise missing from None  # not an older Odoo either: report what JSON-2 met
        mismatch = json2_mismatch(version)
        if mismatch is None:
            raise
    if mismatch is not None:
        raise mismatch

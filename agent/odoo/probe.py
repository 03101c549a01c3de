"""Choosing the protocol: JSON-2 where the server offers it (19+) and an API key is configured."""

from __future__ import annotations

from typing import Literal

from agent.odoo.client import Credentials, OdooClient
from agent.odoo.errors import NotOdoo, OdooClientError
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

"""XML-RPC on /xmlrpc/2 (every supported version): marshalled by the standard library, sent by requests."""

from __future__ import annotations

import re
import xml.parsers.expat
import xmlrpc.client
from collections.abc import Sequence
from typing import Any

from agent.odoo.client import Credentials, OdooClient
from agent.odoo.errors import (
    CredentialsRejected,
    DatabaseUnavailable,
    NotOdoo,
    OdooClientError,
    RemoteError,
    ServerDown,
    WrongDatabase,
    database_lost,
)
from agent.odoo.transport import HttpTransport

# Odoo's fault codes on /xmlrpc/2.
FAULT_WARNING = 2
FAULT_ACCESS_DENIED = 3
FAULT_ACCESS_ERROR = 4

_MISSING_DB = re.compile(r'database "([^"]*)" does not exist')


def classify_fault(fault: xmlrpc.client.Fault, database: str) -> OdooClientError:
    text = str(fault.faultString)
    last_line = text.strip().splitlines()[-1] if text.strip() else ""
    if fault.faultCode == FAULT_ACCESS_DENIED:
        return CredentialsRejected("Odoo refused the monitoring credentials (Access Denied)")
    if _MISSING_DB.search(text):
        return WrongDatabase(f"database {database!r} does not exist on this Odoo server")
    if database_lost(text):
        return DatabaseUnavailable(f"Odoo cannot reach its PostgreSQL database: {last_line[:300]}")
    if fault.faultCode in (FAULT_WARNING, FAULT_ACCESS_ERROR):
        return RemoteError(last_line[:500], name="warning" if fault.faultCode == FAULT_WARNING else "access")
    return RemoteError(last_line[:500])


class XmlRpcClient(OdooClient):
    protocol = "xmlrpc"

    def __init__(self, base_url: str, credentials: Credentials, transport: HttpTransport) -> None:
        super().__init__(base_url, credentials)
        self.transport = transport
        self._uid: int | None = None

    def _rpc(self, service: str, method: str, params: Sequence[Any]) -> Any:
        url = f"{self.base_url}/xmlrpc/2/{service}"
        body = xmlrpc.client.dumps(tuple(params), method, allow_none=True)
        response = self.transport.request(
            "POST", url, data=body.encode("utf-8"), headers={"Content-Type": "text/xml"}
        )
        if response.status_code >= 500:
            raise ServerDown(f"{url} answered HTTP {response.status_code}")
        if response.status_code != 200:
            raise NotOdoo(f"{url} answered HTTP {response.status_code}: is this an Odoo server?")
        try:
            result, _ = xmlrpc.client.loads(response.content)
        except xmlrpc.client.Fault as fault:
            raise classify_fault(fault, self.credentials.database) from None
        except (xml.parsers.expat.ExpatError, ValueError):
            raise NotOdoo(f"{url} did not answer XML-RPC: is this an Odoo server?") from None
        return result[0] if result else None

    def version(self) -> dict[str, Any]:
        info = self._rpc("common", "version", [])
        if not isinstance(info, dict) or "server_version" not in info:
            raise NotOdoo(
                f"{self.base_url} answered version() without server_version: is this an Odoo server?"
            )
        return info

    def authenticate(self) -> int:
        creds = self.credentials
        self.auth_call = "common.authenticate"
        uid = self._rpc("common", "authenticate", [creds.database, creds.login, creds.secret, {}])
        if not uid:
            self._uid = None
            raise CredentialsRejected(f"Odoo refused the login {creds.login!r} with the configured secret")
        self._uid = int(uid)
        return self._uid

    def call(
        self, model: str, method: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        if self._uid is None:
            self.authenticate()
        creds = self.credentials
        params = [creds.database, self._uid, creds.secret, model, method, list(args), kwargs or {}]
        return self._rpc("object", "execute_kw", params)

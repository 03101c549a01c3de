"""JSON-2 (Odoo 19+): POST /json/2/<model>/<method> with a bearer API key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests

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

# Positional arguments of the model methods we call, named as JSON-2 wants them.
_PARAMETERS: dict[str, tuple[str, ...]] = {
    "search": ("domain", "offset", "limit", "order"),
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "fields_get": ("allfields", "attributes"),
    "context_get": (),
}


def classify_response(response: requests.Response, database: str) -> OdooClientError:
    url = response.url
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "name" not in body:
        if response.status_code >= 500:
            return ServerDown(f"{url} answered HTTP {response.status_code}")
        return NotOdoo(
            f"{url} answered HTTP {response.status_code} without an Odoo error body: is this Odoo 19+?"
        )
    name, message = str(body.get("name")), str(body.get("message") or "")
    if response.status_code == 401 or name.endswith("AccessDenied") or name.endswith("Unauthorized"):
        return CredentialsRejected("Odoo refused the monitoring API key")
    if "database" in message and "does not exist" in message:
        return WrongDatabase(f"database {database!r} does not exist on this Odoo server")
    if database_lost(name) or database_lost(message):
        return DatabaseUnavailable(f"Odoo cannot reach its PostgreSQL database: {message[:300]}")
    return RemoteError(message[:500], name=name)


class Json2Client(OdooClient):
    protocol = "json2"

    def __init__(self, base_url: str, credentials: Credentials, transport: HttpTransport) -> None:
        super().__init__(base_url, credentials)
        self.transport = transport

    def version(self) -> dict[str, Any]:
        url = f"{self.base_url}/web/version"
        response = self.transport.request("GET", url)
        if response.status_code >= 500:
            raise ServerDown(f"{url} answered HTTP {response.status_code}")
        try:
            body = response.json()
            info = list(body["version_info"])
            version = str(body["version"])
        except (ValueError, KeyError, TypeError):
            raise NotOdoo(f"{url} did not answer Odoo's version: is this Odoo 19+?") from None
        return {
            "server_version": version,
            "server_version_info": info,
            "server_serie": f"{info[0]}.{info[1]}" if len(info) > 1 else version,
            "protocol_version": 1,
        }

    def _post(self, model: str, method: str, payload: dict[str, Any]) -> Any:
        url = f"{self.base_url}/json/2/{model}/{method}"
        headers = {
            "Authorization": f"bearer {self.credentials.secret}",
            "X-Odoo-Database": self.credentials.database,
            "Content-Type": "application/json",
        }
        response = self.transport.request("POST", url, json=payload, headers=headers)
        if response.status_code != 200:
            raise classify_response(response, self.credentials.database)
        try:
            return response.json()
        except ValueError:
            raise NotOdoo(f"{url} answered without JSON: is this Odoo 19+?") from None

    def authenticate(self) -> int:
        """The key's user id (0 when the call used does not say it); CredentialsRejected when refused.

        JSON-2 is stateless: the key is checked on every call. context_get tells whose key it is, but a
        server or proxy may refuse that method; then a read of the user's own res.users record, which
        any API key may make, proves the key as well. auth_call names the call that succeeded.
        """
        attempts: list[tuple[str, str, dict[str, Any]]] = [
            ("res.users", "context_get", {}),
            (
                "res.users",
                "search_read",
                {"domain": [["login", "=", self.credentials.login]], "fields": ["id"], "limit": 1},
            ),
            ("res.users", "search_count", {"domain": [["login", "=", self.credentials.login]]}),
        ]
        refused: list[str] = []
        for model, method, payload in attempts:
            try:
                answer = self._post(model, method, payload)
            except (RemoteError, NotOdoo) as error:
                # The method, not the key, was refused (an error body or a proxy's page): try the next.
                refused.append(f"{model}/{method}: {error}")
                continue
            self.auth_call = f"{model}/{method}"
            return _uid_from(method, answer)
        raise RemoteError("no call could check the API key: " + "; ".join(refused))

    def call(
        self, model: str, method: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        names = _PARAMETERS.get(method)
        if names is None or len(args) > len(names):
            raise RemoteError(f"the agent does not know the parameters of {model}.{method} for JSON-2")
        payload = dict(zip(names, args, strict=False))
        payload.update(kwargs or {})
        return self._post(model, method, payload)


def _uid_from(method: str, answer: Any) -> int:
    if method == "context_get" and isinstance(answer, dict) and isinstance(answer.get("uid"), int):
        return int(answer["uid"])
    if method == "search_read" and isinstance(answer, list) and answer and isinstance(answer[0], dict):
        uid = answer[0].get("id")
        return int(uid) if isinstance(uid, int) else 0
    return 0

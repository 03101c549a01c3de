"""A recorded set of calls, played against a real Odoo and the simulator, reduced to comparable shapes.

A shape keeps what a client relies on and drops the data: the HTTP status, XML-RPC fault codes and the
first line of fault strings, JSON-RPC error codes and names, and for results the keys and value types.
"""

from __future__ import annotations

import json
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib import error as urlerror
from urllib import request as urlrequest


@dataclass(frozen=True)
class Target:
    """Where and as whom: `key_login` is the user the API key belongs to."""

    url: str
    db: str
    login: str
    password: str
    key_login: str
    api_key: str


def shape(value: Any) -> Any:
    """Keys and types, recursively; a list is the shape of its first item."""
    if isinstance(value, dict):
        return {str(key): shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [shape(value[0])] if value else []
    if value is None:
        return "null"
    return type(value).__name__


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def _xmlrpc(target: Target, service: str, method: str, *args: Any) -> Any:
    proxy = xmlrpc.client.ServerProxy(f"{target.url}/xmlrpc/2/{service}", allow_none=True)
    try:
        return {"result": shape(getattr(proxy, method)(*args))}
    except xmlrpc.client.Fault as fault:
        return {"fault": fault.faultCode, "first_line": _first_line(str(fault.faultString))}
    except xmlrpc.client.ProtocolError as error:
        return {"http_status": error.errcode}


_UIDS: dict[Target, int] = {}


def _uid(target: Target) -> int:
    """The API key's user, asked once per target (checking a key costs a hash on the server)."""
    if target not in _UIDS:
        common = xmlrpc.client.ServerProxy(f"{target.url}/xmlrpc/2/common")
        uid: Any = common.authenticate(target.db, target.key_login, target.api_key, {})
        _UIDS[target] = int(uid)
    return _UIDS[target]


def _execute(
    target: Target, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
) -> Any:
    key = target.api_key
    uid = _uid(target)
    return _xmlrpc(target, "object", "execute_kw", target.db, uid, key, model, method, args, kwargs or {})


def _http(target: Target, method: str, path: str, body: Any = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    req = urlrequest.Request(f"{target.url}{path}", data=data, headers=headers, method=method)
    try:
        with urlrequest.urlopen(req, timeout=60) as answer:
            status, content_type, raw = answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urlerror.HTTPError as error:
        status, content_type, raw = error.code, error.headers.get("Content-Type", ""), error.read()
    answer_shape: dict[str, Any] = {"http_status": status, "content_type": content_type.split(";")[0].strip()}
    if answer_shape["content_type"] == "application/json":
        payload = json.loads(raw)
        if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
            error_body = payload["error"]
            data_part = error_body.get("data") or {}
            answer_shape["error"] = {
                "code": error_body.get("code"),
                "name": data_part.get("name"),
                "first_line": _first_line(str(data_part.get("message") or "")),
                "data_keys": sorted(data_part),
            }
            answer_shape["keys"] = sorted(payload)
        else:
            answer_shape["body"] = shape(payload)
    return answer_shape


def _jsonrpc(target: Target, path: str, params: dict[str, Any]) -> dict[str, Any]:
    return _http(target, "POST", path, {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})


USER_FIELDS = ["login", "name", "share", "active"]

# name -> call; each answers a shape. The order is the order in which they are played.
CALLS: dict[str, Callable[[Target], Any]] = {
    "xmlrpc version": lambda t: _xmlrpc(t, "common", "version"),
    "xmlrpc login good": lambda t: _xmlrpc(t, "common", "login", t.db, t.login, t.password),
    "xmlrpc login bad": lambda t: _xmlrpc(t, "common", "login", t.db, t.login, "not-the-password"),
    "xmlrpc authenticate api key": lambda t: _xmlrpc(
        t, "common", "authenticate", t.db, t.key_login, t.api_key, {}
    ),
    "xmlrpc authenticate bad": lambda t: _xmlrpc(
        t, "common", "authenticate", t.db, t.key_login, "0" * 40, {}
    ),
    "search_count res.users": lambda t: _execute(t, "res.users", "search_count", [[("share", "=", False)]]),
    "search_read res.users": lambda t: _execute(
        t, "res.users", "search_read", [[("login", "=", t.login)]], {"fields": USER_FIELDS, "limit": 1}
    ),
    "context_get": lambda t: _execute(t, "res.users", "context_get", []),
    "fault missing model": lambda t: _execute(t, "no.such.model", "search_count", [[]]),
    "fault missing field": lambda t: _execute(t, "res.users", "search_count", [[("no_such_field", "=", 1)]]),
    "fault missing method": lambda t: _execute(t, "res.users", "no_such_method", [[]]),
    "fault access error": lambda t: _execute(t, "res.users", "_compute_display_name", [[]]),
    "fault wrong database": lambda t: _xmlrpc(
        t, "object", "execute_kw", "no_such_db", 2, t.password, "res.users", "search_count", [[]]
    ),
    "web health": lambda t: _http(t, "GET", "/web/health"),
    "web health db_server_status": lambda t: _http(t, "GET", "/web/health?db_server_status=1"),
    "web login": lambda t: _http(t, "GET", f"/web/login?db={t.db}"),
    "jsonrpc version": lambda t: _jsonrpc(
        t, "/jsonrpc", {"service": "common", "method": "version", "args": []}
    ),
    "jsonrpc version_info": lambda t: _jsonrpc(t, "/web/webclient/version_info", {}),
    "session authenticate good": lambda t: _jsonrpc(
        t, "/web/session/authenticate", {"db": t.db, "login": t.login, "password": t.password}
    ),
    "session authenticate bad": lambda t: _jsonrpc(
        t, "/web/session/authenticate", {"db": t.db, "login": t.login, "password": "not-the-password"}
    ),
}


def play(target: Target) -> dict[str, Any]:
    return {name: call(target) for name, call in CALLS.items()}

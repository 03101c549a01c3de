"""How Odoo puts results and errors on the wire: XML-RPC faults, JSON-RPC error objects, JSON-2 bodies."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

from demo.sim.orm import AccessDenied, AccessError, MissingError, OdooError, UserError

# Odoo's integer fault codes on /xmlrpc/2 (1 is also used for unexpected errors, with the traceback).
FAULT_APPLICATION_ERROR = 1
FAULT_WARNING = 2
FAULT_ACCESS_DENIED = 3
FAULT_ACCESS_ERROR = 4


def fake_traceback(error: OdooError) -> str:
    return (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 1, in dispatch\n'
        "    result = endpoint(**params)\n"
        f"{error.odoo_name}: {error.message}\n"
    )


def xmlrpc_fault(error: OdooError) -> xmlrpc.client.Fault:
    if isinstance(error, AccessError):
        return xmlrpc.client.Fault(FAULT_ACCESS_ERROR, error.message)
    if isinstance(error, AccessDenied):
        return xmlrpc.client.Fault(FAULT_ACCESS_DENIED, error.message)
    if isinstance(error, UserError | MissingError):
        return xmlrpc.client.Fault(FAULT_WARNING, error.message)
    return xmlrpc.client.Fault(FAULT_APPLICATION_ERROR, fake_traceback(error))


def xmlrpc_response(result: Any) -> bytes:
    body = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
    return body.encode("utf-8")


def xmlrpc_fault_response(error: OdooError) -> bytes:
    return xmlrpc.client.dumps(xmlrpc_fault(error), methodresponse=True).encode("utf-8")


def serialize_exception(error: OdooError) -> dict[str, Any]:
    """Odoo's serialize_exception: the `data` of a JSON-RPC error and the body of a JSON-2 error."""
    return {
        "name": error.odoo_name,
        "message": error.message,
        "arguments": [error.message],
        "context": {},
        "debug": fake_traceback(error),
    }


def jsonrpc_error(request_id: Any, error: OdooError, session_expired: bool = False) -> dict[str, Any]:
    if session_expired:
        return {
            "jsonrpc": "2.0",
            "id": request_id,
            "error": {"code": 100, "message": "Odoo Session Expired", "data": serialize_exception(error)},
        }
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {"code": 200, "message": "Odoo Server Error", "data": serialize_exception(error)},
    }


def jsonrpc_result(request_id: Any, result: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "result": result}

"""Every error of the management API is `{"error": "<sentence>"}`: the handlers and the helper routes use."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from collector.storage.text_checks import LONE_SURROGATE


def bad(exc: Exception, status: int = 422) -> HTTPException:
    """The caller's mistake, answered with the sentence the service raised."""
    return HTTPException(status_code=status, detail=str(exc))


async def invalid_request(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    where = "/".join(str(part) for part in first.get("loc", ()) if part != "body")
    return JSONResponse({"error": f"{where or 'body'}: {first.get('msg')}", "field": where}, status_code=422)


async def unstorable_text(_request: Request, _exc: Exception) -> Response:
    # Text the database cannot hold (a lone surrogate) that a model did not catch: the transaction
    # has rolled back, so nothing was stored; the caller's input is at fault, not the server.
    return JSONResponse({"error": f"a text {LONE_SURROGATE}"}, status_code=400)


async def http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)


Handler = Callable[[Request, Exception], Coroutine[Any, Any, Response]]

EXCEPTION_HANDLERS: dict[int | type[Exception], Handler] = {
    RequestValidationError: invalid_request,
    UnicodeEncodeError: unstorable_text,
    HTTPException: http_error,
}

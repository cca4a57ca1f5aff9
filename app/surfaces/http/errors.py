"""Every error the HTTP API answers is ``{"error": {"type", "message"}}`` with a fitting status.

``install_error_handlers(app)`` maps ``NewsQAError`` to its ``status_code``, request validation to
400/415/422 with one readable line, Starlette's ``HTTPException`` to its status, and anything else
to a one-line 500 (the traceback goes to the server log).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from indexing.errors import NewsQAError

__all__ = ["error_response", "install_error_handlers"]


def error_response(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status, headers=headers)


_HTTP_KINDS = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
}


_JSON_KINDS = {
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
}


def _readable_validation(exc: RequestValidationError, request: Request) -> tuple[int, str]:
    """One line naming each bad field; malformed JSON is a 400, not a schema problem.

    A body that was not read as JSON (FastAPI reads it only with a JSON ``Content-Type``:
    ``strict_content_type``) is a 415 saying so, not a field error.
    """
    parts: list[str] = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            return (
                400,
                f"the body is not valid JSON ({err.get('ctx', {}).get('error', 'parse error')})",
            )
        if tuple(err.get("loc", ())) == ("body",):
            given = request.headers.get("content-type")
            sent = f"Content-Type {given!r}" if given else "no Content-Type"
            if isinstance(err.get("input"), (bytes, bytearray)):
                return (
                    415,
                    f"the body must be JSON sent with 'Content-Type: application/json' (this request sent {sent})",
                )
            if err.get("type") == "missing":
                return (
                    422,
                    "the request has no body: send a JSON object with 'Content-Type: application/json'",
                )
            if err.get("type") == "model_attributes_type":
                kind = _JSON_KINDS.get(type(err.get("input")).__name__, "that")
                return 422, f"the body must be a JSON object with the request's fields, not {kind}"
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return 422, "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewsQAError)
    async def _newsqa_error(_: Request, exc: NewsQAError) -> JSONResponse:
        return error_response(exc.status_code, type(exc).__name__, str(exc) or type(exc).__name__)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = _readable_validation(exc, request)
        kind = {400: "BadInputError", 415: "UnsupportedMediaType"}.get(status, "ValidationError")
        return error_response(status, kind, message)

    @app.exception_handler(HTTPException)
    async def _http_error(_: Request, exc: HTTPException) -> JSONResponse:
        kind = _HTTP_KINDS.get(exc.status_code, "HTTPError")
        return error_response(exc.status_code, kind, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal_error(_: Request, exc: Exception) -> JSONResponse:
        # A bug, not bad input: say so in one line; the traceback goes to the server log.
        return error_response(500, "InternalError", f"internal error ({type(exc).__name__}); see the server log")

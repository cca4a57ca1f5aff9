"""The API key: with ``settings.api_key`` set, writes need it, and reads too when ``settings.api_key_reads``.

A request carries it as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``; a missing or wrong key is a 401.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from app.settings import Settings

__all__ = ["key_checker", "read_access", "write_access"]

_bearer = HTTPBearer(auto_error=False, description="NEWSQA_API_KEY as a bearer token.")
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="NEWSQA_API_KEY.")


def key_checker(settings: Settings, *, write: bool) -> Callable[..., None]:
    """A FastAPI dependency that lets a request through when it carries the key the route needs."""

    def check(
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        header_key: Annotated[str | None, Depends(_key_header)],
    ) -> None:
        expected = settings.api_key
        if not expected or not (write or settings.api_key_reads):
            return
        given = bearer.credentials if bearer else header_key
        # Constant-time compare so response timing does not leak the key.
        if not given or not hmac.compare_digest(given.encode(), expected.encode()):
            what = "this request" if not write else "writes"
            raise HTTPException(
                401,
                f"an API key is required for {what}: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
                if not given
                else "the API key is not valid",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check


def read_access(settings: Settings) -> list[Any]:
    """The route dependencies of a read."""
    return [Depends(key_checker(settings, write=False))]


def write_access(settings: Settings) -> list[Any]:
    """The route dependencies of a write."""
    return [Depends(key_checker(settings, write=True))]

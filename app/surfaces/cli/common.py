"""What several commands share: the filter flags and printing a result as JSON or for people."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from app.settings import Settings
from indexing.errors import BadInputError, StoreError

if TYPE_CHECKING:
    from indexing.store.lock import OwnerInfo

__all__ = ["add_filter_arguments", "call_server", "print_result", "serving_owner"]

M = TypeVar("M", bound=BaseModel)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """``--outlet`` (repeatable), ``--since`` and ``--until``: the filters of search and ask."""
    parser.add_argument("--outlet", action="append", metavar="X", help="only this outlet (repeatable)")
    parser.add_argument("--since", metavar="D", help="published on or after D (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="D", help="published on or before D (YYYY-MM-DD)")


def print_result(result: M, *, as_json: bool, human: Callable[[M], str]) -> None:
    """Print ``result`` as its JSON contract (``--json``) or in the command's human form."""
    if as_json:
        json.dump(result.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(human(result))


def serving_owner(settings: Settings) -> OwnerInfo | None:
    """The ``newsqa serve`` that owns this store (it has a URL), or None.

    ``ask`` and ``search`` then go through its HTTP API: its models are warm, so an
    answer costs tens of milliseconds instead of a cold start of seconds.
    """
    if settings.chroma_url:
        return None  # a Chroma server is shared by design; nobody owns it
    from indexing.store.lock import WriterLock

    owner = WriterLock(settings).owner()
    return owner if owner is not None and owner.url else None


def call_server(owner: OwnerInfo, route: str, body: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """POST ``body`` (JSON) to ``/api/v1/<route>`` of the serving process; its JSON reply, or a one-line error."""
    import httpx

    url = f"{owner.url.rstrip('/')}/api/v1/{route}"  # type: ignore[union-attr]
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=600)
    except httpx.HTTPError as exc:
        raise StoreError(f"the store is owned by {owner.describe()}, which cannot be reached: {exc}") from exc
    if response.status_code == 401:
        raise BadInputError(f"the newsqa server at {owner.url} needs its API key: set NEWSQA_API_KEY")
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        error = BadInputError if response.status_code in (400, 413, 415, 422) else StoreError
        raise error(f"the newsqa server at {owner.url} answered {response.status_code}: {message}")
    return response.json()

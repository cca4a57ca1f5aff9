"""JSON articles: one object, a list, ``{"articles": [...]}``, or JSON Lines (one object per line)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from indexing.ingest.loaders._common import LoadFailure, Origin, Reject, build_article, canonical_field
from indexing.ingest.loaders._decode import decode_text
from indexing.models import Article

_LIST_KEYS = ("articles", "items", "data", "results")


def _describe(exc: json.JSONDecodeError, *, with_line: bool = True) -> str:
    where = f"line {exc.lineno} column {exc.colno}" if with_line else f"column {exc.colno}"
    return f"malformed JSON ({exc.msg} at {where})"


def fields_of(obj: dict[str, Any]) -> dict[str, Any]:
    """Canonical Article fields of a JSON object, by alias; the first non-empty alias wins."""
    fields: dict[str, Any] = {}
    for key, value in obj.items():
        name = canonical_field(str(key))
        if name is None or name in fields or value in (None, "", [], {}):
            continue
        if name == "body" and isinstance(value, list):
            # A body given as a list of paragraphs.
            value = "\n\n".join(str(part) for part in value if part not in (None, ""))
        elif name == "body" and not isinstance(value, str):
            continue
        fields[name] = value
    return fields


def _items_of(obj: Any) -> tuple[list[Any], bool]:
    """(items, is_list): the article objects inside a parsed JSON document."""
    if isinstance(obj, dict):
        if "body" not in fields_of(obj):  # an envelope, not an article: {"articles": [...]}
            for key in _LIST_KEYS:
                if isinstance(obj.get(key), list):
                    return obj[key], True
        return [obj], False
    if isinstance(obj, list):
        return obj, True
    raise Reject(f"expected a JSON object or a list of objects, not {_json_type(obj)}")


def _json_type(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }
    return names.get(type(value), "a number")


def articles_in(obj: Any, origin: Origin) -> list[Article | LoadFailure]:
    """Articles of a parsed JSON document; each bad item is one failure naming it (``origin#n``)."""
    try:
        items, is_list = _items_of(obj)
    except Reject as exc:
        return [LoadFailure(origin.label, str(exc))]
    if is_list and not items:
        return [LoadFailure(origin.label, "empty list: no articles")]
    results: list[Article | LoadFailure] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        item_origin = origin.item(f"#{number}") if is_list else origin
        name = f"item {number}" if is_list else "the article"
        if not isinstance(item, dict):
            results.append(LoadFailure(item_origin.label, f"{name} is {_json_type(item)}, not a JSON object"))
            continue
        fallback = None
        if origin.id_base:
            fallback = f"{origin.id_base}#{number}" if is_list else origin.id_base
        article = build_article(fields_of(item), item_origin, fallback_id=fallback, item=name)
        if isinstance(article, Article):
            if article.id in seen:
                article = LoadFailure(
                    item_origin.label,
                    f"duplicate id '{article.id}' (same as item {seen[article.id]})",
                )
            else:
                seen[article.id] = number
        results.append(article)
    return results


def parse_json_document(text: str, origin: Origin) -> list[Article | LoadFailure]:
    """Articles of a .json file's text. Several JSON values one per line are read as JSON Lines."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and exc.lineno > 1:
            return list(parse_json_lines(text.encode("utf-8").splitlines(), origin))
        return [LoadFailure(origin.label, _describe(exc))]
    return articles_in(obj, origin)


def parse_json_lines(lines: Iterable[bytes], origin: Origin) -> Iterator[Article | LoadFailure]:
    """Articles of JSON Lines, streamed; a bad line is a failure ``file:N`` and the others still load.

    Items without an id get ``<file>#<line number>``.
    """
    seen: dict[str, int] = {}
    any_line = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        any_line = True
        line_origin = origin.item(f":{number}")
        try:
            obj = json.loads(decode_text(raw, line_origin.label))
        except Reject as exc:
            yield LoadFailure(line_origin.label, str(exc))
            continue
        except json.JSONDecodeError as exc:
            yield LoadFailure(line_origin.label, _describe(exc, with_line=False))
            continue
        if not isinstance(obj, dict):
            yield LoadFailure(line_origin.label, f"expected a JSON object, not {_json_type(obj)}")
            continue
        fallback = f"{origin.id_base}#{number}" if origin.id_base else None
        article = build_article(fields_of(obj), line_origin, fallback_id=fallback, item=f"line {number}")
        if isinstance(article, Article):
            if article.id in seen:
                article = LoadFailure(
                    line_origin.label,
                    f"duplicate id '{article.id}' (same as line {seen[article.id]})",
                )
            else:
                seen[article.id] = number
        yield article
    if not any_line:
        yield LoadFailure(origin.label, "empty file")

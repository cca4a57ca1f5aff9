"""Plain-text and Markdown articles: optional front matter, then the title rule, then the body.

---                      <- optional front matter: the very first line is '---'
title: Port strike ends
outlet: Harbor Gazette
published_at: 2026-09-14
---
Title line               <- only when there is no front-matter title: the first line
                            is the title when a blank line follows it
(blank line)
Body ...                 <- Article.body: the rest, leading blank lines dropped,
                            trailing whitespace dropped, line endings as '\\n'
"""

from __future__ import annotations

from typing import Any

from indexing.ingest.loaders._common import (
    LoadFailure,
    Origin,
    Reject,
    build_article,
    canonical_field,
    clean_body,
    logger,
    normalise_newlines,
)
from indexing.models import Article

FRONT_MATTER_FENCE = "---"


def split_front_matter(text: str, label: str = "") -> tuple[dict[str, str], str]:
    """(metadata, rest): the ``---`` block at the very top, if any, and the text after it.

    Keys are mapped to Article fields through the same aliases as JSON ('date' ->
    published_at). Raises Reject for an opened but never closed block, or a line in
    it that is not ``key: value``: reading it as body text would hide the mistake.
    """
    if not text.startswith(FRONT_MATTER_FENCE) or text.split("\n", 1)[0].rstrip() != FRONT_MATTER_FENCE:
        return {}, text
    lines = text.split("\n")
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FRONT_MATTER_FENCE), None)
    if closing is None:
        raise Reject("front matter opened with '---' on line 1 is never closed by a '---' line")
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:closing], start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise Reject(f"front matter line {number} is not 'key: value'")
        name = canonical_field(key)
        if name is None:
            logger.debug("%s: front matter key %r ignored", label, key.strip())
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[name] = value
    return meta, "\n".join(lines[closing + 1 :])


def split_title(text: str, *, markdown: bool = False) -> tuple[str, str]:
    """(title, rest): the first non-blank line is the title when a blank line follows it.

    In Markdown a leading '# ' is dropped from the title, and a setext heading
    (a line underlined with '===') counts as a title too.
    """
    body = clean_body(text)
    first, newline, rest = body.partition("\n")
    second, _, after = rest.partition("\n")
    if markdown and second.strip() and set(second.strip()) == {"="}:
        return first.strip(), after
    if not newline or second.strip():
        return "", body
    title = first.strip()
    if markdown and title.startswith("#"):
        title = title.lstrip("#").strip()
    return title, rest


def parse_text_article(text: str, origin: Origin, *, markdown: bool = False) -> Article | LoadFailure:
    """One article from the text of a .txt/.md file."""
    text = normalise_newlines(text).lstrip("\ufeff")
    try:
        meta, rest = split_front_matter(text, origin.label)
    except Reject as exc:
        return LoadFailure(origin.label, str(exc))
    fields: dict[str, Any] = dict(meta)
    if meta.get("title"):
        fields["body"] = rest
    else:
        fields["title"], fields["body"] = split_title(rest, markdown=markdown)
    if not clean_body(fields["body"]):
        reason = "only a title line, no body text" if fields.get("title") else "no text"
        return LoadFailure(origin.label, reason)
    return build_article(fields, origin, fallback_id=origin.id_base)

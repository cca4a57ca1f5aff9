"""RSS and Atom feeds (feedparser): each entry becomes an article."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import feedparser

from indexing.ingest.loaders._common import (
    Defaults,
    LoadFailure,
    Origin,
    build_article,
    is_url,
    one_line,
    parse_date,
    safe_id,
    short_hash,
)
from indexing.ingest.loaders._html import html_fragment_to_text
from indexing.models import Article

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def looks_like_feed(head: bytes) -> bool:
    """True when the start of a document is an RSS/Atom/RDF feed rather than HTML or other XML."""
    sample = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(marker in sample for marker in (b"<rss", b"<feed", b"<rdf:rdf"))


def _text_of(detail: dict[str, Any] | None, fallback: str | None = None) -> str:
    value = (detail.get("value") if detail else fallback) or ""
    kind = ((detail.get("type") if detail else "") or "").lower()
    # Plain-text parts may still hold markup (feeds are loose about their declared types).
    return html_fragment_to_text(value) if kind in _HTML_TYPES or "<" in value else value.strip()


def _entry_body(entry: Any) -> str:
    # Feeds often carry a teaser in <description>/<summary> and the full text in
    # <content:encoded>/<content>: keep the longest.
    candidates = [_text_of(content) for content in entry.get("content") or []]
    candidates.append(_text_of(entry.get("summary_detail"), entry.get("summary")))
    return max(candidates, key=len, default="")


def _entry_author(entry: Any) -> str | None:
    author = entry.get("author") or ""
    # RSS <author> is "email (Name)"; keep the name.
    if "@" in author and "(" in author and author.endswith(")"):
        author = author[author.index("(") + 1 : -1]
    names = [a.get("name") for a in entry.get("authors") or [] if a.get("name") and "@" not in a["name"]]
    if not author and names:
        author = ", ".join(dict.fromkeys(names))
    return one_line(author) or None


def _entry_date(entry: Any) -> date | str | None:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            try:
                return parse_date(raw)
            except ValueError:
                parsed = entry.get(f"{key}_parsed")
                if isinstance(parsed, time.struct_time):
                    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
                return raw  # build_article logs it as unrecognised
    return None


def entry_id(entry: Any, *, outlet: str | None, fallback: str) -> str:
    """A stable id for a feed entry: '<host or outlet>/<hash of guid or link>'.

    It does not depend on where the feed was read from, so the same entry in two
    snapshots of a feed (or the feed file and its URL) is the same article.
    """
    key = entry.get("id") or entry.get("link")
    if not key:
        return fallback
    link = entry.get("link") or ""
    prefix = urlsplit(link).netloc if is_url(link) else ""
    if not prefix and outlet:
        prefix = "-".join(outlet.lower().split())
    return safe_id(f"{prefix or 'feed'}/{short_hash(key)}")


def parse_feed(data: bytes, origin: Origin) -> Iterator[Article | LoadFailure]:
    """Articles of an RSS/Atom feed. The outlet is the feed's title unless folder settings or --outlet name one.

    A document feedparser cannot read as a feed (or a feed with no entries) is one failure;
    an entry without text is a failure naming the entry (``feed.xml#3``).
    """
    try:
        # A stream, never bytes or str: feedparser would treat those as a path or URL to open.
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 (feedparser reports most problems as bozo, not all)
        yield LoadFailure(origin.label, f"unreadable feed ({type(exc).__name__}: {exc})")
        return
    if not parsed.version and not (parsed.bozo and parsed.entries):
        # Well-formed XML that is not RSS/Atom (feedparser still reads any <item> as an entry).
        yield LoadFailure(origin.label, "not an RSS or Atom feed")
        return
    if not parsed.entries:
        if parsed.bozo:
            problem = parsed.get("bozo_exception")
            yield LoadFailure(origin.label, f"not a readable RSS/Atom feed ({problem or 'parse error'})")
        elif not parsed.version:
            yield LoadFailure(origin.label, "not an RSS or Atom feed")
        else:
            yield LoadFailure(origin.label, "feed has no entries")
        return
    feed_title = one_line(parsed.feed.get("title") or "") or None
    # A feed title is often a section name ("Meridian Wire - Top stories"): only a guess at
    # the outlet, so an outlet from folder settings or --outlet wins over it.
    outlet = origin.defaults.outlet or feed_title
    entry_origin = Origin(
        origin.label,
        origin.source_path,
        origin.id_base,
        Defaults(outlet=outlet, published_at=origin.defaults.published_at, author=origin.defaults.author),
    )
    base = origin.id_base or safe_id(urlsplit(origin.label).netloc or origin.label)
    seen: dict[str, int] = {}
    for number, entry in enumerate(parsed.entries, start=1):
        item_origin = entry_origin.item(f"#{number}")
        title = (
            html_fragment_to_text(entry.get("title") or "") if "<" in (entry.get("title") or "") else entry.get("title")
        )
        link = entry.get("link")
        fields = {
            "title": title,
            "body": _entry_body(entry),
            "author": _entry_author(entry),
            "published_at": _entry_date(entry),
            "url": link if link and is_url(link) else None,
            "id": entry_id(entry, outlet=outlet, fallback=f"{base}#{number}"),
        }
        article = build_article(fields, item_origin, fallback_id=None, item=f"entry {number}")
        if isinstance(article, Article):
            if article.id in seen:
                article = LoadFailure(item_origin.label, f"duplicate entry (same id/link as entry {seen[article.id]})")
            else:
                seen[article.id] = number
        yield article

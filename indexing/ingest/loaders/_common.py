"""What every loader shares: failures, the origin of an item, field aliases, dates, ids, bodies."""

from __future__ import annotations

import hashlib
import logging
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from indexing.models import Article

logger = logging.getLogger("newsqa.loaders")

MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class LoadFailure:
    """One item that could not be loaded; the rest of the input still loads.

    ``source`` names the item as the user would recognise it: a path
    (``corpus/a.txt``), a JSONL line (``feed.jsonl:17``), a list item or feed
    entry (``items.json#3``) or a URL. ``reason`` is one line.
    """

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class Reject(Exception):
    """Internal: the whole item is unusable; becomes one LoadFailure at the boundary."""


@dataclass(frozen=True)
class Defaults:
    """Metadata for articles that carry none themselves (folder settings merged over ``--outlet``)."""

    outlet: str | None = None
    published_at: date | None = None
    author: str | None = None


@dataclass(frozen=True)
class Origin:
    """Where items come from: how to name them in failures, their source_path and id fallback."""

    label: str
    source_path: str | None = None
    # Path-derived id ("business/001"); None when there is no path (API JSON), in which
    # case items without an id get one from their url or content.
    id_base: str | None = None
    defaults: Defaults = field(default_factory=Defaults)

    def item(self, suffix: str) -> Origin:
        return Origin(f"{self.label}{suffix}", self.source_path, self.id_base, self.defaults)


# --- field aliases (JSON objects, front matter) -------------------------------------------
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title", "headline"),
    "body": ("body", "text", "content", "article"),
    "outlet": ("outlet", "source", "publisher", "site_name"),
    "author": ("author", "byline", "authors"),
    "published_at": ("published_at", "date", "published", "pubDate", "datetime"),
    "url": ("url", "link"),
}
_ALIAS_TO_FIELD = {alias.lower(): name for name, aliases in FIELD_ALIASES.items() for alias in aliases}


def canonical_field(key: str) -> str | None:
    """The Article field an input key stands for ('headline' -> 'title'), or None."""
    return _ALIAS_TO_FIELD.get(key.strip().lower())


# --- text -------------------------------------------------------------------------------------
def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_body(text: str) -> str:
    """Drop leading blank lines and trailing whitespace; nothing else, so offsets stay predictable."""
    text = normalise_newlines(text)
    start = 0
    while True:
        newline = text.find("\n", start)
        if newline == -1 or text[start:newline].strip():
            break
        start = newline + 1
    if not text[start:].strip():
        return ""
    return text[start:].rstrip()


def one_line(value: Any) -> str:
    """A metadata value as a single line of text (titles, authors, outlets)."""
    return " ".join(str(value).split())


def text_of(value: Any) -> str | None:
    """A metadata value as text: names inside objects ({"name": ...}), lists joined with ', '."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("title")
        return text_of(value)
    if isinstance(value, list | tuple):
        names = [name for name in (text_of(item) for item in value) if name]
        return ", ".join(names) or None
    text = one_line(value)
    return text or None


# --- dates ------------------------------------------------------------------------------------
_DATE_FORMATS = (
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%Y/%m/%d",
    "%Y%m%d",
)


def parse_date(value: Any) -> date | None:
    """A publication date from ISO 8601, RFC 2822 or '25 November 2004'; the date as written.

    A timestamp keeps its own calendar day ('2026-09-30T23:30:00-05:00' -> 2026-09-30):
    converting to UTC would move late-evening articles to the next day.
    Raises ValueError for text that is not a recognisable date; None for no value.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")  # noqa: TRY004 (one error type for bad dates)
    if isinstance(value, int | float):
        # Seconds since the epoch (some JSON exports), or milliseconds.
        seconds = value / 1000 if value > 10**11 else value
        return datetime.fromtimestamp(seconds, tz=UTC).date()
    text = one_line(value)
    for parse in (datetime.fromisoformat, date.fromisoformat):
        try:
            parsed = parse(text)
            return parsed.date() if isinstance(parsed, datetime) else parsed
        except ValueError:
            pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    # "Thursday, 25 November 2004" and "25 November 2004 10:00": drop the weekday and the time.
    candidate = text.split(", ", 1)[1] if "," in text.split(" ", 1)[0] else text
    for attempt in (candidate, " ".join(candidate.split()[:3])):
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(attempt, fmt).date()
            except ValueError:
                pass
    raise ValueError(f"unrecognised date {text!r}")


# --- ids --------------------------------------------------------------------------------------
def short_hash(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def safe_id(value: Any) -> str:
    """An id with no control characters or surrounding slashes/space; '/' is kept."""
    text = str(value).replace("\\", "/")
    text = "".join("_" if unicodedata.category(ch).startswith("C") else ch for ch in text)
    text = text.strip().strip("/").strip()
    if len(text) > MAX_ID_LENGTH:
        # Long ids stay unique: a readable prefix plus a hash of the whole.
        text = f"{text[: MAX_ID_LENGTH - 17]}-{short_hash(text)}"
    return text


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))


def path_id(path: Path, root: Path | None) -> str:
    """'business/001' for root/business/001.txt; the file's stem when it is not under root."""
    relative = Path(path.name)
    if root is not None:
        try:
            # the path as given first: a symlinked file keeps its place in the corpus
            # (resolving first would name it after its target, or by its bare file name)
            pairs = [(_absolute(path), _absolute(root)), (path.resolve(), root.resolve())]
        except OSError:
            pairs = []
        for inside, base in pairs:
            if inside.is_relative_to(base):
                relative = inside.relative_to(base)
                break
    posix = PurePosixPath(*relative.parts)
    return safe_id(str(posix.with_suffix("")) if posix.suffix else str(posix))


def url_id(url: str) -> str:
    """'example.com/news/2026/story' for https://example.com/news/2026/story.html?x=1 (plus a hash of the query)."""
    parts = urlsplit(url)
    path = PurePosixPath(parts.path or "/")
    stem = str(path.with_suffix("")) if path.suffix and len(path.suffix) <= 6 else str(path)
    ident = f"{parts.netloc}{stem}".rstrip("/")
    if parts.query:
        ident += f"-{short_hash(parts.query, 8)}"
    return safe_id(ident)


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


# --- articles ---------------------------------------------------------------------------------
def build_article(
    fields: dict[str, Any],
    origin: Origin,
    *,
    fallback_id: str | None,
    item: str = "",
) -> Article | LoadFailure:
    """An Article from canonical fields, filling gaps from ``origin.defaults``; never raises.

    ``item`` names the item in failures ("item 3"), ``fallback_id`` is used when the data has no id.
    """
    label = origin.label
    body = clean_body(str(fields.get("body") or ""))
    title = one_line(fields.get("title") or "")
    if not body:
        what = f'"{title}"' if title else (item or "the article")
        return LoadFailure(label, f"{what} has no body text")
    published_at = origin.defaults.published_at
    raw_date = fields.get("published_at")
    if raw_date not in (None, ""):
        try:
            published_at = parse_date(raw_date)
        except ValueError:
            logger.warning("%s: unrecognised date %r; loaded without it", label, raw_date)
    explicit_id = fields.get("id")
    ident = safe_id(explicit_id) if explicit_id not in (None, "") else None
    if not ident:
        ident = fallback_id
    if not ident:
        url = fields.get("url")
        ident = url_id(url) if isinstance(url, str) and is_url(url) else f"article-{short_hash(title + body)}"
    try:
        return Article(
            id=ident,
            title=title,
            outlet=text_of(fields.get("outlet")) or origin.defaults.outlet,
            author=text_of(fields.get("author")) or origin.defaults.author,
            published_at=published_at,
            url=text_of(fields.get("url")),
            body=body,
            source_path=origin.source_path,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem.get("loc", ()))
        return LoadFailure(label, f"invalid {where or 'article'}: {problem.get('msg', 'invalid value')}")

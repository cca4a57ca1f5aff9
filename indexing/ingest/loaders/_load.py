"""Loading one source (file, URL, uploaded bytes or posted JSON) into Articles and LoadFailures."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from indexing.ingest.loaders._common import (
    Defaults,
    LoadFailure,
    Origin,
    Reject,
    is_url,
    logger,
    path_id,
    safe_id,
    url_id,
)
from indexing.ingest.loaders._decode import check_not_binary, decode_text
from indexing.ingest.loaders._discover import (
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    JSON_SUFFIXES,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    DiscoveredSource,
    discover,
    folder_defaults,
    supported_list,
)
from indexing.ingest.loaders._feeds import looks_like_feed, parse_feed
from indexing.ingest.loaders._fetch import fetch
from indexing.ingest.loaders._html import parse_html_article
from indexing.ingest.loaders._json import articles_in, parse_json_document, parse_json_lines
from indexing.ingest.loaders._text import parse_text_article
from indexing.models import Article

Loaded = Article | LoadFailure


def _kind(suffix: str, data: bytes, content_type: str = "") -> str:
    """'text' | 'markdown' | 'html' | 'json' | 'jsonl' | 'feed': by extension, else by content.

    ``.xml`` is the one ambiguous extension: an XHTML page saved as .xml is read as HTML.
    """
    suffix = suffix.lower()
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in FEED_SUFFIXES:
        return "html" if not looks_like_feed(head) and _looks_like_html(head) else "feed"
    for kind, suffixes in (
        ("html", HTML_SUFFIXES),
        ("json", JSON_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
    ):
        if suffix in suffixes:
            return kind
    if suffix in TEXT_SUFFIXES:
        return "markdown" if suffix in (".md", ".markdown") else "text"
    if head[:1] in (b"{", b"[") or "json" in content_type:
        return "json"
    if looks_like_feed(head) or content_type.endswith(("rss+xml", "atom+xml", "rdf+xml")):
        return "feed"
    if "html" in content_type or _looks_like_html(head):
        return "html"
    if content_type.endswith("/xml"):
        return "feed"
    return "text"


def _looks_like_html(head: bytes) -> bool:
    lowered = head[:2048].lower()
    if lowered.startswith(b"<?xml"):
        lowered = lowered[lowered.find(b"?>") + 2 :].lstrip()
    return lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered


def _parse(data: bytes, kind: str, origin: Origin, *, url: str | None = None) -> Iterator[Loaded]:
    """Articles of one document's bytes, once its kind is known; Reject becomes one failure."""
    try:
        if kind == "jsonl":
            check_not_binary(data)
            yield from parse_json_lines(data.splitlines(), origin)
        elif kind == "feed":
            check_not_binary(data)
            yield from parse_feed(data, origin)
        elif kind == "html":
            check_not_binary(data)
            yield parse_html_article(data, origin, url=url)
        elif kind == "json":
            yield from parse_json_document(decode_text(data, origin.label), origin)
        else:
            yield parse_text_article(decode_text(data, origin.label), origin, markdown=kind == "markdown")
    except Reject as exc:
        yield LoadFailure(origin.label, str(exc))


def display_path(path: Path) -> str:
    """The path relative to the current folder when it lies inside it, else absolute."""
    absolute = os.path.normpath(os.path.abspath(path))
    cwd = os.getcwd()
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    return absolute


def load_source(source: str | Path, *, outlet: str | None = None, root: Path | None = None) -> Iterator[Loaded]:
    """Articles (and failures) of one file or http(s) URL; never raises for bad input.

    ``outlet`` fills in when neither the article nor folder settings name one.
    ``root`` is the ingest root ids are relative to: by default the folder argument
    ``discover`` found the file under (``DiscoveredSource.ingest_root``), else the file's folder.
    A folder given here is expanded as ``load_all`` would.
    """
    label = str(source)
    try:
        if is_url(label):
            yield from _load_url(label, outlet)
            return
        path = Path(label)
        if path.is_dir():
            yield from load_all([label], outlet=outlet)
            return
        if root is None and isinstance(source, DiscoveredSource):
            root = source.ingest_root
        root = root or path.parent
        yield from _load_path(path, label, outlet, Path(root))
    except Exception as exc:  # noqa: BLE001 (a bug must not stop a 2,000-file ingest)
        logger.exception("unexpected error loading %s", label)
        yield LoadFailure(label, f"unexpected error ({type(exc).__name__}: {exc})")


def _load_path(path: Path, label: str, outlet: str | None, root: Path) -> Iterator[Loaded]:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES:
        yield LoadFailure(label, f"unsupported file type '{suffix or path.name}' ({supported_list()})")
        return
    try:
        defaults = folder_defaults(path, root, outlet)
    except Reject as exc:
        yield LoadFailure(label, str(exc))
        return
    origin = Origin(label, display_path(path), path_id(path, root), defaults)
    try:
        if suffix in JSONL_SUFFIXES:
            # Streamed: a JSONL export may be far larger than memory allows.
            with path.open("rb") as handle:
                head = handle.read(65536)
                check_not_binary(head)
                handle.seek(0)
                yield from parse_json_lines(handle, origin)
            return
        data = path.read_bytes()
    except FileNotFoundError:
        yield LoadFailure(label, "no such file or folder")
        return
    except PermissionError:
        yield LoadFailure(label, "permission denied")
        return
    except IsADirectoryError:
        yield LoadFailure(label, "is a folder")
        return
    except Reject as exc:
        yield LoadFailure(label, str(exc))
        return
    except OSError as exc:
        yield LoadFailure(label, f"cannot read ({exc.strerror or exc})")
        return
    yield from _parse(data, _kind(suffix, data), origin)


def _load_url(url: str, outlet: str | None) -> Iterator[Loaded]:
    try:
        fetched = fetch(url)
    except Reject as exc:
        yield LoadFailure(url, str(exc))
        return
    suffix = PurePosixPath(fetched.url.split("?", 1)[0]).suffix
    kind = _kind(
        suffix if suffix in JSON_SUFFIXES | JSONL_SUFFIXES else "",
        fetched.data,
        fetched.content_type,
    )
    # A page or text document is one article, its id from its URL; JSON and feeds carry their own.
    id_base = url_id(fetched.url) if kind in ("html", "text", "markdown") else None
    origin = Origin(url, url, id_base, Defaults(outlet=outlet))
    yield from _parse(fetched.data, kind, origin, url=fetched.url)


def load_bytes(data: bytes, filename: str, *, outlet: str | None = None) -> list[Loaded]:
    """Articles of an uploaded file: format by ``filename``'s extension, or by content when it has none.

    A ``.json`` upload holding one object per line is read as JSON Lines. A single-article
    upload (text, Markdown, HTML) without an id gets its id from the filename
    (``desk/pier.txt`` -> ``desk/pier``), so re-uploading an edited file updates it.
    JSON/JSONL items without an id get one from their url or content, as in
    ``articles_from_json``: upload names repeat ("request.jsonl", "export.json"), and a
    position-based id (``export#3``) would silently overwrite another upload's article.
    ``source_path`` is the filename.
    """
    clean = PurePosixPath(*[p for p in PurePosixPath(filename.replace("\\", "/")).parts if p not in ("/", ".", "..")])
    name = str(clean) if clean.parts else "upload"
    id_base = safe_id(str(clean.with_suffix("")) if clean.suffix else name) or "upload"
    kind = _kind(clean.suffix, data)
    origin = Origin(name, name, None if kind in ("json", "jsonl") else id_base, Defaults(outlet=outlet))
    try:
        return list(_parse(data, kind, origin))
    except Exception as exc:  # noqa: BLE001 (as load_source: a failure, not a traceback)
        logger.exception("unexpected error loading upload %s", name)
        return [LoadFailure(name, f"unexpected error ({type(exc).__name__}: {exc})")]


def articles_from_json(obj: Any, *, origin: str, outlet: str | None = None) -> list[Loaded]:
    """Articles of a parsed JSON document as posted to the API: an object, a list, or ``{"articles": [...]}``.

    Field aliases as for files. ``origin`` names the document in failures
    (``origin#3`` for the third item). Items without an id get one from their url
    (``example.com/news/story``), else from their content (``article-<hash>``), so
    re-posting the same article updates it instead of duplicating it.
    """
    return articles_in(obj, Origin(origin, None, None, Defaults(outlet=outlet)))


def load_all(paths: Sequence[str | Path], *, outlet: str | None = None) -> Iterator[Loaded]:
    """Everything under ``paths`` (files, folders, URLs): discovery failures first, then each source.

    An article whose id was already loaded in this run is a failure naming the first
    source, so two files cannot silently overwrite each other (``a.txt`` and ``a.md``).
    """
    sources, failures = discover(paths)
    yield from failures
    first_seen: dict[str, str] = {}
    for source in sources:
        for item in load_source(source, outlet=outlet):
            if isinstance(item, Article):
                where = item.source_path or str(source)
                if item.id in first_seen:
                    item = LoadFailure(
                        where,
                        f"duplicate article id '{item.id}' (already loaded from {first_seen[item.id]})",
                    )
                else:
                    first_seen[item.id] = where
            yield item

"""Expanding the paths a user names into loadable sources, and reading folder settings (``newsqa.json``)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

from indexing.ingest.loaders._common import Defaults, LoadFailure, Reject, is_url, logger, parse_date, text_of

FOLDER_SETTINGS_FILE = "newsqa.json"
FOLDER_SETTINGS_KEYS = ("outlet", "published_at", "author")

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES

# Corpus folders often carry a description of themselves (the BBC set has README.TXT):
# inside a folder these are not articles. Named explicitly, they load like any file.
_NOT_ARTICLES = ("readme", "license", "licence", "changelog", "copying")


class DiscoveredSource(str):
    """A source string that remembers the folder argument it was found under (its ingest root).

    It *is* the path or URL string; ``load_source`` reads ``.ingest_root`` so that ids
    are relative to the folder the user named ("business/001"), not to the file's parent.
    """

    ingest_root: Path | None

    def __new__(cls, value: str, root: Path | None = None) -> Self:
        obj = super().__new__(cls, value)
        obj.ingest_root = root
        return obj


def _skipped_in_folder(name: str) -> bool:
    lower = name.lower()
    return name.startswith(".") or lower == FOLDER_SETTINGS_FILE or lower.split(".")[0] in _NOT_ARTICLES


def discover(paths: Sequence[str | Path]) -> tuple[list[str], list[LoadFailure]]:
    """Expand files, folders and http(s) URLs into sources to load, in a stable order.

    Folders are walked recursively in sorted order; hidden files and folders, the
    folder-settings file ``newsqa.json`` and README/LICENSE files are skipped, and so
    are files of unsupported types (silently: a corpus folder may hold other files).
    A folder with nothing loadable is one failure that counts what it skipped. A
    missing path, an unreadable one, or a file of unsupported type named explicitly
    is a failure. Each source is returned once, as a ``DiscoveredSource`` carrying its root.
    """
    sources: list[str] = []
    failures: list[LoadFailure] = []
    seen: set[str] = set()

    def add(value: str, root: Path | None, key: str) -> None:
        if key not in seen:
            seen.add(key)
            sources.append(DiscoveredSource(value, root))

    for given in paths:
        text = str(given)
        if is_url(text):
            add(text, None, text)
            continue
        path = Path(text)
        try:
            if path.is_dir():
                failures.extend(_walk_folder(path, add))
            elif path.is_file():
                suffix = path.suffix.lower()
                if path.name.lower() == FOLDER_SETTINGS_FILE:
                    failures.append(LoadFailure(text, "a folder-settings file, not articles"))
                elif suffix not in SUPPORTED_SUFFIXES:
                    failures.append(
                        LoadFailure(
                            text,
                            f"unsupported file type '{suffix or path.name}' ({supported_list()})",
                        )
                    )
                else:
                    add(text, path.parent, str(path.resolve()))
            elif path.exists():
                failures.append(LoadFailure(text, "not a regular file or folder"))
            else:
                failures.append(LoadFailure(text, "no such file or folder"))
        except PermissionError:
            failures.append(LoadFailure(text, "permission denied"))
        except OSError as exc:
            failures.append(LoadFailure(text, f"cannot read ({exc.strerror or exc})"))
    return sources, failures


def _walk_folder(folder: Path, add: Any) -> list[LoadFailure]:
    failures: list[LoadFailure] = []
    found: list[Path] = []
    skipped: dict[str, int] = {}
    visited: set[str] = set()

    def on_error(exc: OSError) -> None:
        where = exc.filename or str(folder)
        reason = "permission denied" if isinstance(exc, PermissionError) else f"cannot read ({exc.strerror or exc})"
        failures.append(LoadFailure(str(where), reason))

    for current, dirnames, filenames in os.walk(folder, onerror=on_error, followlinks=True):
        real = os.path.realpath(current)
        if real in visited:  # a symlink loop
            dirnames[:] = []
            continue
        visited.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if _skipped_in_folder(name):
                continue
            suffix = Path(name).suffix.lower()
            if suffix not in SUPPORTED_SUFFIXES:
                skipped[suffix or "(no extension)"] = skipped.get(suffix or "(no extension)", 0) + 1
                continue
            found.append(Path(current) / name)
    # One order for the whole tree (by relative path), not os.walk's files-before-subfolders.
    for path in sorted(found, key=lambda p: p.relative_to(folder).parts):
        add(str(path), folder, str(path.resolve()))
    if skipped:
        logger.info(
            "%s: skipped %d file(s) of unsupported types %s",
            folder,
            sum(skipped.values()),
            sorted(skipped),
        )
    if not found and not failures:
        detail = ""
        if skipped:
            kinds = ", ".join(f"{count} {suffix}" for suffix, count in sorted(skipped.items()))
            detail = f" (skipped {kinds})"
        failures.append(LoadFailure(str(folder), f"no loadable files{detail}; {supported_list()}"))
    return failures


def supported_list() -> str:
    return "supported: " + " ".join(sorted(SUPPORTED_SUFFIXES))


# --- folder settings ---------------------------------------------------------------------------
_SETTINGS_CACHE: dict[tuple[str, float], dict[str, Any]] = {}


def _read_settings(path: Path) -> dict[str, Any]:
    key = (str(path), path.stat().st_mtime)
    if key not in _SETTINGS_CACHE:
        try:
            obj = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise Reject(f"bad folder settings {path}: malformed JSON ({exc.msg} at line {exc.lineno})") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise Reject(f"bad folder settings {path}: cannot read ({exc})") from exc
        if not isinstance(obj, dict):
            raise Reject(f"bad folder settings {path}: expected a JSON object")
        unknown = sorted(set(obj) - set(FOLDER_SETTINGS_KEYS))
        if unknown:
            logger.warning(
                "%s: ignoring unknown keys %s (known: %s)",
                path,
                unknown,
                ", ".join(FOLDER_SETTINGS_KEYS),
            )
        settings = {k: obj[k] for k in FOLDER_SETTINGS_KEYS if obj.get(k) not in (None, "")}
        if "published_at" in settings:
            try:
                settings["published_at"] = parse_date(settings["published_at"])
            except ValueError as exc:
                raise Reject(f"bad folder settings {path}: {exc}") from exc
        _SETTINGS_CACHE[key] = settings
    return _SETTINGS_CACHE[key]


def folder_defaults(path: Path, root: Path | None, outlet: str | None) -> Defaults:
    """Defaults for a file: the nearest ``newsqa.json`` per key (file's folder up to ``root``), then ``outlet``.

    Raises Reject when a settings file on the way is malformed: loading with the
    wrong outlet silently would be worse than not loading.
    """
    folder = path.resolve().parent
    stop = root.resolve() if root else folder
    if stop != folder and stop not in folder.parents:
        stop = folder
    merged: dict[str, Any] = {}
    while True:
        candidate = folder / FOLDER_SETTINGS_FILE
        if candidate.is_file():
            for name, value in _read_settings(candidate).items():
                merged.setdefault(name, value)
        if folder == stop or folder.parent == folder:
            break
        folder = folder.parent
    return Defaults(
        outlet=text_of(merged.get("outlet")) or outlet,
        published_at=merged.get("published_at"),
        author=text_of(merged.get("author")),
    )

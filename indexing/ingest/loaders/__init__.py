"""Article loaders: files, folders, JSON/JSONL, HTML pages and RSS/Atom feeds into ``Article`` objects.

    from indexing.ingest.loaders import discover, load_source, load_all

    sources, failures = discover(["corpus/sample", "https://example.com/feed.xml"])
    for source in sources:
        for item in load_source(source, outlet="Harbor Gazette"):
            ...  # an Article, or a LoadFailure(source, reason) for an item that could not load

Loaders never raise for bad input: every unreadable file, malformed JSON line,
article without text, broken feed or unreachable URL is one ``LoadFailure`` with a
one-line reason, and the rest still loads. Formats, fields, folder settings
(``newsqa.json``) and ids are described in ``docs/ingest-formats.md``.
"""

from indexing.ingest.loaders._common import FIELD_ALIASES, LoadFailure, parse_date
from indexing.ingest.loaders._discover import FOLDER_SETTINGS_FILE, SUPPORTED_SUFFIXES, DiscoveredSource, discover
from indexing.ingest.loaders._html import html_fragment_to_text
from indexing.ingest.loaders._load import articles_from_json, load_all, load_bytes, load_source

__all__ = [
    "FIELD_ALIASES",
    "FOLDER_SETTINGS_FILE",
    "SUPPORTED_SUFFIXES",
    "DiscoveredSource",
    "LoadFailure",
    "articles_from_json",
    "discover",
    "html_fragment_to_text",
    "load_all",
    "load_bytes",
    "load_source",
    "parse_date",
]

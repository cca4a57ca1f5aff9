"""HTML: the main text of a page (trafilatura) and a faithful text rendering of an HTML fragment (lxml)."""

from __future__ import annotations

from typing import Any

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Document, use_config

from indexing.ingest.loaders._common import LoadFailure, Origin, Reject, build_article
from indexing.models import Article

# trafilatura hands texts shorter than MIN_EXTRACTED_SIZE (250 chars) to its fallback
# extractors, which split sentences at every inline tag ("Hello\nworld\n, said"); short
# news items are legitimate, so the main extractor's result is kept at any size.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
_CONFIG.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
_CONFIG.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
# Only dates the page states in its metadata, and future dates allowed: htmldate's default
# upper bound (today) would drop the date of a scheduled or fictional article.
_DATE_PARAMS = {"original_date": True, "extensive_search": False, "max_date": "2100-12-31"}

_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption"),
        *("figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"),
        *("nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul"),
    }
)
_SKIPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "iframe",
        "object",
        "svg",
        "button",
        "form",
        "select",
    }
)


def html_fragment_to_text(markup: str) -> str:
    """Readable text of an HTML fragment (a feed entry): paragraphs separated by a blank line.

    Unlike main-content extraction, nothing is judged boilerplate: a feed entry is
    all content. Entities are decoded, scripts and styles dropped, whitespace inside
    a paragraph collapsed, ``<br>`` kept as a line break.
    """
    if "<" not in markup:
        return "\n\n".join(" ".join(p.split()) for p in markup.split("\n\n") if p.strip())
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return " ".join(markup.split())
    paragraphs: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        lines = (" ".join(line.split()) for line in "".join(pending).split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
        pending.clear()

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else None  # comments have no str tag
        if tag is None or tag.lower() in _SKIPPED_TAGS:
            return
        tag = tag.lower()
        if tag in _BLOCK_TAGS:
            flush()
        if tag == "br":
            pending.append("\n")
        if element.text:
            pending.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                pending.append(child.tail)
        if tag in _BLOCK_TAGS:
            flush()

    walk(root)
    flush()
    return "\n\n".join(paragraphs)


def extract_page(data: bytes | str, url: str | None = None) -> dict[str, Any]:
    """Canonical fields of an HTML page: main text as body, title/date/author/url/outlet from metadata.

    Raises Reject when the page has no extractable text.
    """
    try:
        document = trafilatura.bare_extraction(
            data,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
            config=_CONFIG,
        )
    except Exception as exc:
        raise Reject(f"unreadable HTML ({type(exc).__name__}: {exc})") from exc
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    # bare_extraction returns a Document here (as_dict is off); a dict or None has no text.
    if not text or not isinstance(document, Document):
        raise Reject("HTML page with no extractable text")
    title = (document.title or "").strip()
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    # trafilatura keeps the page's <h1> as the first line of the text; it is the title, not body.
    if title and lines and lines[0] == title and len(lines) > 1:
        lines = lines[1:]
    author = document.author.replace("; ", ", ") if document.author else None
    return {
        "title": title,
        "body": "\n\n".join(lines),
        "author": author,
        "published_at": document.date,
        "url": document.url or url,
        "outlet": document.sitename,
    }


def parse_html_article(data: bytes | str, origin: Origin, *, url: str | None = None) -> Article | LoadFailure:
    """One article from an HTML page."""
    try:
        fields = extract_page(data, url)
    except Reject as exc:
        return LoadFailure(origin.label, str(exc))
    return build_article(fields, origin, fallback_id=origin.id_base)

"""The article routes: ingest (``POST /articles``), list, get and delete.

Writes (ingest, delete) hold :func:`app.service.write_lock`, so two uploads never interleave
(the UI's uploads hold the same lock).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from app.service import NewsQA
from app.surfaces.http.models import ERROR_RESPONSES, ArticlePage, ArticleSummary, Deleted
from indexing.errors import BadInputError
from indexing.ingest.pipeline import IngestFailure, IngestReport
from indexing.models import Article

__all__ = ["CLIENT_HEADER", "article_routes"]

# Content types a browser sends cross-site without a CORS preflight: writes with them need CLIENT_HEADER.
_NO_PREFLIGHT = frozenset({"multipart/form-data", "text/plain", "application/x-www-form-urlencoded"})
CLIENT_HEADER = "X-NewsQA-Client"

# Upload content types we accept, mapped to the file name the loaders dispatch on.
_BODY_FORMATS = {
    "application/x-ndjson": "request.jsonl",
    "application/jsonl": "request.jsonl",
    "application/x-jsonlines": "request.jsonl",
    "application/jsonlines": "request.jsonl",
    "text/plain": "request.txt",
    "text/markdown": "request.md",
    "text/html": "request.html",
    "application/rss+xml": "request.rss",
    "application/atom+xml": "request.atom",
    "application/xml": "request.xml",
    "text/xml": "request.xml",
}
_MAX_UPLOAD_FILES = 1000
_ALL = 10**9  # "every article" for the store's list_articles


def article_routes(qa: NewsQA, writes: threading.Lock, *, read: list[Any], write: list[Any]) -> APIRouter:
    """The article routes over ``qa``; writes hold ``writes``; ``read``/``write`` are their key checks."""
    router = APIRouter(responses=ERROR_RESPONSES)

    def locked(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with writes:
            return fn(*args, **kwargs)

    @router.post("/articles", tags=["articles"], dependencies=write)
    async def ingest(
        request: Request,
        outlet: str | None = Query(default=None, description="Outlet for articles whose data names none."),
    ) -> IngestReport:
        """Ingest articles: a JSON article, a list, or ``{"articles": [...]}``; a JSONL body
        (``Content-Type: application/x-ndjson``); or files as ``multipart/form-data``
        (.txt .md .html .json .jsonl .xml/.rss/.atom). Same rules as ``newsqa ingest``:
        unchanged articles are skipped, changed ones replaced. Items that cannot be
        loaded are listed in ``failed``; the rest are still ingested.
        """
        articles, failures = await _articles_from_request(request, outlet)
        if not articles and not failures:
            raise BadInputError("the request holds no articles")
        report = await run_in_threadpool(locked, qa.ingest, articles, outlet=outlet) if articles else IngestReport()
        report.failed = [IngestFailure(source=f.source, reason=f.reason) for f in failures] + list(report.failed)
        return report

    @router.get("/articles", tags=["articles"], dependencies=read)
    def list_articles(
        offset: int = Query(default=0, ge=0),
        limit: int = Query(default=50, ge=1, le=500),
        outlet: str | None = None,
        q: str | None = Query(default=None, max_length=500, description="Words in the title (or body)."),
        since: date | None = None,
        until: date | None = None,
    ) -> ArticlePage:
        """Articles in the store, a page at a time, filtered by outlet, words and date range."""
        qa.filters(None, since, until)
        return _article_page(qa, offset=offset, limit=limit, outlet=outlet, query=q, since=since, until=until)

    @router.get("/articles/{article_id:path}", tags=["articles"], dependencies=read)
    def get_article(article_id: str) -> Article:
        """One article with its full body (ids may contain ``/``)."""
        article = qa.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        return article

    @router.delete("/articles/{article_id:path}", tags=["articles"], dependencies=write)
    def delete_article(article_id: str) -> Deleted:
        """Delete an article and all its passages."""
        if not locked(qa.delete_article, article_id):
            raise HTTPException(404, f"no article with id {article_id!r}")
        return Deleted(id=article_id, deleted=True)

    return router


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "application/json").split(";")[0].strip().lower()


async def _articles_from_request(request: Request, outlet: str | None) -> tuple[list[Article], list[Any]]:
    """Articles and per-item load failures from any accepted body; never reads a server path."""
    from indexing.ingest.loaders import articles_from_json, load_bytes

    if not request.headers.get("content-type"):
        raise HTTPException(
            415, "the request has no Content-Type: send application/json, application/x-ndjson or multipart/form-data"
        )
    media = _media_type(request)
    if media in _NO_PREFLIGHT and not (request.headers.get("authorization") or request.headers.get(CLIENT_HEADER)):
        # A web page can make a browser send these to a server on your machine without asking first
        # (no CORS preflight); a header of our own (or the API key) proves a real client sent them.
        raise HTTPException(
            403,
            f"{media} uploads need the header '{CLIENT_HEADER}: <any value>' (or the API key): "
            "without it another web page could add articles through your browser",
        )
    items: list[Any] = []
    if media == "multipart/form-data":
        form = await request.form(max_files=_MAX_UPLOAD_FILES, max_fields=100)
        try:
            uploads = [v for _, v in form.multi_items() if hasattr(v, "read") and hasattr(v, "filename")]
            if not uploads:
                raise BadInputError("the multipart body holds no files (send them as file fields)")
            for upload in uploads:
                data = await upload.read()
                items.extend(await run_in_threadpool(load_bytes, data, upload.filename or "upload.txt", outlet=outlet))
        finally:
            await form.close()
    elif media in ("application/json", "text/json") or media.endswith("+json"):
        raw = await request.body()
        try:
            obj = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadInputError(f"the body is not valid JSON ({exc})") from exc
        items = articles_from_json(obj, origin="request", outlet=outlet)
    elif media in _BODY_FORMATS:
        raw = await request.body()
        items = await run_in_threadpool(load_bytes, raw, _BODY_FORMATS[media], outlet=outlet)
    else:
        raise HTTPException(
            415,
            f"unsupported content type {media!r}: send application/json, application/x-ndjson or multipart/form-data",
        )
    articles = [item for item in items if isinstance(item, Article)]
    failures = [item for item in items if not isinstance(item, Article)]
    return articles, failures


def _article_page(
    qa: NewsQA,
    *,
    offset: int,
    limit: int,
    outlet: str | None,
    query: str | None,
    since: date | None,
    until: date | None,
) -> ArticlePage:
    dated = since is not None or until is not None
    # The store pages by outlet and words only; a date range is applied here, over the whole listing.
    listing = qa.list_articles(
        offset=0 if dated else offset, limit=_ALL if dated else limit, outlet=outlet, query=query
    )
    total: int | None = listing.get("total") if isinstance(listing, dict) else None
    rows = listing.get("articles", []) if isinstance(listing, dict) else list(listing)
    summaries = []
    for row in rows:
        data = row if isinstance(row, dict) else row.model_dump()
        published = data.get("published_at")
        if isinstance(published, str):
            published = date.fromisoformat(published[:10])
        if dated and ((published is None) or (since and published < since) or (until and published > until)):
            continue
        chars = data.get("chars") or len(data.get("body") or "")
        summaries.append(ArticleSummary(**{**data, "published_at": published, "chars": chars}))
    if dated:
        total, summaries = len(summaries), summaries[offset : offset + limit]
    return ArticlePage(offset=offset, limit=limit, total=total, articles=summaries)

"""The HTTP API: ``create_app(settings, qa)`` builds the FastAPI app serving ``/api/v1``.

Routes (JSON contract in ``DESIGN.md``; OpenAPI at ``/docs``):

    POST   /api/v1/search            SearchRequest  -> SearchResponse
    POST   /api/v1/ask               AskRequest     -> Answer
    POST   /api/v1/ask/stream        AskRequest     -> server-sent events status/token/answer/error
    POST   /api/v1/articles          JSON | JSONL | multipart files -> IngestReport      (write)
    GET    /api/v1/articles          ?offset&limit&outlet&q&since&until -> ArticlePage
    GET    /api/v1/articles/{id}     -> Article
    DELETE /api/v1/articles/{id}     -> {"id", "deleted"}                            (write)
    GET    /api/v1/health            -> {"status": "ok", ...}
    GET    /api/v1/stats             -> corpus counts

Every error is ``{"error": {"type", "message"}}`` with the status the error class
carries (``NewsQAError.status_code``); bad input never yields a 500. With
``settings.api_key`` set, writes need the key (``Authorization: Bearer KEY`` or
``X-API-Key: KEY``), and reads too when ``settings.api_key_reads``. Bodies larger
than ``settings.max_request_bytes`` answer 413. Model inference runs in the
threadpool; writes are serialised by one lock so two uploads never interleave.
"""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.service import NewsQA, write_lock
from indexing.errors import BadInputError, NewsQAError
from indexing.models import Answer, Article, SearchResponse
from indexing.pipeline import IngestFailure, IngestReport
from indexing.settings import Settings

__all__ = ["API_PREFIX", "AskRequest", "ChatTurn", "SearchRequest", "create_app"]

API_PREFIX = "/api/v1"

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


# --- request / response models --------------------------------------------------------------
class _Filters(BaseModel):
    outlets: list[str] | None = Field(default=None, description="Only these outlets (exact names).")
    since: date | None = Field(default=None, description="Published on or after (ISO date).")
    until: date | None = Field(default=None, description="Published on or before (ISO date).")


class SearchRequest(_Filters):
    query: str = Field(min_length=1, max_length=2000, description="What to look for.")
    k: int = Field(default=10, ge=1, le=100, description="How many passages to return.")


class ChatTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20000)


class AskRequest(_Filters):
    question: str = Field(
        min_length=1,
        max_length=2000,
        description="The question (a follow-up when history is given).",
    )
    history: list[ChatTurn] = Field(default_factory=list, max_length=50, description="Earlier turns, oldest first.")


class ErrorBody(BaseModel):
    type: str = Field(description="Error class, e.g. BadInputError, Unauthorized, PayloadTooLarge.")
    message: str = Field(description="One line for humans.")


class ErrorResponse(BaseModel):
    error: ErrorBody


class ArticleSummary(BaseModel):
    id: str
    title: str = ""
    outlet: str | None = None
    author: str | None = None
    published_at: date | None = None
    url: str | None = None
    source_path: str | None = None
    chars: int = Field(description="Length of the body in characters.")


class ArticlePage(BaseModel):
    offset: int
    limit: int
    total: int | None = Field(default=None, description="Matching articles in all pages, when known.")
    articles: list[ArticleSummary]


class Deleted(BaseModel):
    id: str
    deleted: bool


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 415, 422, 500, 502, 503)
}


# --- errors -----------------------------------------------------------------------------------
class PayloadTooLarge(HTTPException):
    """Raised from inside the body stream; an HTTPException so FastAPI re-raises it unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit:,} bytes")


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status, headers=headers)


_HTTP_KINDS = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
}


_JSON_KINDS = {
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
}


def _readable_validation(exc: RequestValidationError, request: Request) -> tuple[int, str]:
    """One line naming each bad field; malformed JSON is a 400, not a schema problem.

    A body that was not read as JSON (FastAPI reads it only with a JSON ``Content-Type``:
    ``strict_content_type``) is a 415 saying so, not a field error.
    """
    parts: list[str] = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            return (
                400,
                f"the body is not valid JSON ({err.get('ctx', {}).get('error', 'parse error')})",
            )
        if tuple(err.get("loc", ())) == ("body",):
            given = request.headers.get("content-type")
            sent = f"Content-Type {given!r}" if given else "no Content-Type"
            if isinstance(err.get("input"), (bytes, bytearray)):
                return (
                    415,
                    f"the body must be JSON sent with 'Content-Type: application/json' (this request sent {sent})",
                )
            if err.get("type") == "missing":
                return (
                    422,
                    "the request has no body: send a JSON object with 'Content-Type: application/json'",
                )
            if err.get("type") == "model_attributes_type":
                kind = _JSON_KINDS.get(type(err.get("input")).__name__, "that")
                return 422, f"the body must be a JSON object with the request's fields, not {kind}"
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return 422, "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewsQAError)
    async def _newsqa_error(_: Request, exc: NewsQAError) -> JSONResponse:
        return _error(exc.status_code, type(exc).__name__, str(exc) or type(exc).__name__)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = _readable_validation(exc, request)
        kind = {400: "BadInputError", 415: "UnsupportedMediaType"}.get(status, "ValidationError")
        return _error(status, kind, message)

    @app.exception_handler(HTTPException)
    async def _http_error(_: Request, exc: HTTPException) -> JSONResponse:
        kind = _HTTP_KINDS.get(exc.status_code, "HTTPError")
        return _error(exc.status_code, kind, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal_error(_: Request, exc: Exception) -> JSONResponse:
        # A bug, not bad input: say so in one line; the traceback goes to the server log.
        return _error(500, "InternalError", f"internal error ({type(exc).__name__}); see the server log")


class BodyLimitMiddleware:
    """Refuses ``/api`` bodies over ``max_bytes`` with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int, prefix: str = "/api/") -> None:
        self.app, self.max_bytes, self.prefix = app, max_bytes, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            too_large = PayloadTooLarge(self.max_bytes)
            response = _error(413, "PayloadTooLarge", str(too_large.detail), headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited_receive, send)


# --- auth -------------------------------------------------------------------------------------
_bearer = HTTPBearer(auto_error=False, description="NEWSQA_API_KEY as a bearer token.")
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="NEWSQA_API_KEY.")


def _key_checker(settings: Settings, *, write: bool) -> Callable[..., None]:
    def check(
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        header_key: Annotated[str | None, Depends(_key_header)],
    ) -> None:
        expected = settings.api_key
        if not expected or not (write or settings.api_key_reads):
            return
        given = bearer.credentials if bearer else header_key
        # Constant-time compare so response timing does not leak the key.
        if not given or not hmac.compare_digest(given.encode(), expected.encode()):
            what = "this request" if not write else "writes"
            raise HTTPException(
                401,
                f"an API key is required for {what}: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
                if not given
                else "the API key is not valid",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check


# --- the app ----------------------------------------------------------------------------------
def create_app(
    settings: Settings,
    qa: NewsQA | None = None,
    *,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[Any]] | None = None,
) -> FastAPI:
    """The FastAPI app with the ``/api/v1`` routes over ``qa`` (built from ``settings`` when None)."""
    qa = qa or NewsQA(settings)
    # FastAPIOffline is FastAPI with /docs served from Swagger UI files inside the
    # fastapi-offline package (Swagger UI 5, which reads OpenAPI 3.1): nothing comes from a CDN.
    app = FastAPIOffline(
        docs_url="/docs",
        redoc_url=None,
        static_url="/docs-static",
        title="newsqa",
        version=_version(),
        summary="Question answering over news that keeps who said what.",
        description="Cited, speaker-attributed answers; hedged and anonymous claims are marked. "
        'Errors are `{"error": {"type", "message"}}`.',
        lifespan=lifespan,
    )
    app.state.qa = qa
    app.state.settings = settings
    app.state.write_lock = write_lock(qa)
    _install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.include_router(_router(settings, qa, app.state.write_lock), prefix=API_PREFIX)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsqa")
    except PackageNotFoundError:  # running from a checkout
        return "0.1.0"


def _router(settings: Settings, qa: NewsQA, writes: threading.Lock) -> APIRouter:
    read = [Depends(_key_checker(settings, write=False))]
    write = [Depends(_key_checker(settings, write=True))]
    router = APIRouter(responses=_ERRORS)

    def locked(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with writes:
            return fn(*args, **kwargs)

    app_version = _version()

    @router.get("/health", tags=["meta"])
    def health() -> dict[str, Any]:
        """Cheap liveness check: no model is loaded to answer it."""
        return {
            "status": "ok",
            "version": app_version,
            "store": "server" if settings.chroma_url else "embedded",
        }

    @router.get("/stats", tags=["meta"], dependencies=read)
    def stats() -> dict[str, Any]:
        """Corpus counts: articles, chunks, per-outlet counts, date range."""
        return jsonable_encoder(qa.stats())

    @router.post("/search", tags=["answers"], dependencies=read)
    def search(body: SearchRequest) -> SearchResponse:
        """Hybrid (dense + BM25) search for passages, with their claims."""
        return qa.search(body.query, k=body.k, outlets=body.outlets, since=body.since, until=body.until)

    @router.post("/ask", tags=["answers"], dependencies=read)
    def ask(body: AskRequest) -> Answer:
        """Answer a question (or a follow-up, with history) with cited, attributed claims, or a refusal."""
        return qa.ask(
            body.question,
            history=[t.model_dump() for t in body.history],
            outlets=body.outlets,
            since=body.since,
            until=body.until,
        )

    @router.post(
        "/ask/stream",
        tags=["answers"],
        dependencies=read,
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"text/event-stream": {}},
                "description": "status, token, answer (last) and error events",
            }
        },
    )
    async def ask_stream(body: AskRequest) -> StreamingResponse:
        """Server-sent events: ``status`` and ``token`` while composing, then ``answer`` with the full Answer.

        Each event's ``data`` is JSON: ``{"type": "token", "text": "..."}``, ``{"type": "answer", "answer": {...}}``.
        A failure after the stream started arrives as an ``error`` event with ``{"error": {"type", "message"}}``.
        """
        if not body.question.strip():
            raise BadInputError("the question is empty")
        qa.filters(body.outlets, body.since, body.until)  # bad filters -> 400 before the stream starts
        events = qa.astream(
            body.question,
            history=[t.model_dump() for t in body.history],
            outlets=body.outlets,
            since=body.since,
            until=body.until,
        )
        # Pull the first event now so errors before any output still get a proper status.
        try:
            first = await anext(events)
        except StopAsyncIteration:
            first = None
        return StreamingResponse(
            _sse(first, events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

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


# --- helpers ----------------------------------------------------------------------------------
async def _sse(first: dict[str, Any] | None, rest: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    def frame(event: dict[str, Any]) -> bytes:
        kind = str(event.get("type", "message"))
        return f"event: {kind}\ndata: {json.dumps(jsonable_encoder(event), ensure_ascii=False)}\n\n".encode()

    try:
        if first is not None:
            yield frame(first)
        async for event in rest:
            yield frame(event)
    except NewsQAError as exc:
        yield frame({"type": "error", "error": {"type": type(exc).__name__, "message": str(exc)}})
    except Exception as exc:  # noqa: BLE001 - the stream already said 200: report in-band
        yield frame(
            {
                "type": "error",
                "error": {
                    "type": "InternalError",
                    "message": f"internal error ({type(exc).__name__})",
                },
            }
        )


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "application/json").split(";")[0].strip().lower()


async def _articles_from_request(request: Request, outlet: str | None) -> tuple[list[Article], list[Any]]:
    """Articles and per-item load failures from any accepted body; never reads a server path."""
    from indexing.loaders import articles_from_json, load_bytes

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

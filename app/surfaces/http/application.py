"""``create_app(settings, qa)``: the FastAPI app with the ``/api/v1`` routes, error handlers and limits."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi_offline import FastAPIOffline

from app.service import NewsQA, write_lock
from app.settings import Settings
from app.surfaces.http.answers import answer_routes
from app.surfaces.http.articles import article_routes
from app.surfaces.http.auth import read_access, write_access
from app.surfaces.http.errors import install_error_handlers
from app.surfaces.http.limits import BodyLimitMiddleware
from app.surfaces.http.models import ERROR_RESPONSES

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"


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
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    read, write = read_access(settings), write_access(settings)
    # The order here is the order of the paths in the OpenAPI description.
    app.include_router(_meta_routes(settings, qa, read), prefix=API_PREFIX)
    app.include_router(answer_routes(qa, read), prefix=API_PREFIX)
    app.include_router(article_routes(qa, app.state.write_lock, read=read, write=write), prefix=API_PREFIX)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsqa")
    except PackageNotFoundError:  # running from a checkout
        return "0.1.0"


def _meta_routes(settings: Settings, qa: NewsQA, read: list[Any]) -> APIRouter:
    router = APIRouter(responses=ERROR_RESPONSES)
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

    return router

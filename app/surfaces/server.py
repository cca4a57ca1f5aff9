"""One process for every surface: the Gradio UI at ``/``, the HTTP API at ``/api/v1``, OpenAPI at ``/docs``.

``serve(settings)`` takes the store's writer lock (naming this server's URL, so a
concurrent ``newsqa ingest`` forwards its articles here instead of writing the
store), runs uvicorn, and releases the lock on shutdown. ``create_server_app``
builds the ASGI app alone, for tests and other ASGI servers.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app.service import NewsQA
from app.settings import Settings
from indexing.errors import NewsQAError

__all__ = ["create_server_app", "owner_url", "serve"]

log = logging.getLogger(__name__)


def owner_url(settings: Settings) -> str:
    """The URL other processes on this machine use to reach the server."""
    host = settings.host
    if host in ("0.0.0.0", "", "::"):  # bound to every interface: loopback reaches it
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def _warm_up(qa: NewsQA) -> None:
    """Load the embedder, open the store and build the chain now, so the first question is not slow."""
    try:
        qa.embedder.embed(["warm up"])
        qa.chain  # noqa: B018 - builds the searcher and chain
        qa.searcher.store.article_texts(["warm-up"])  # the first read of article bodies opens their collection
    except NewsQAError as exc:
        log.warning("warm-up failed (the server still starts): %s", exc)


def create_server_app(settings: Settings, qa: NewsQA | None = None, *, warm_up: bool = True) -> FastAPI:
    """The FastAPI app with the API and the Gradio UI mounted at ``/`` (the writer lock is ``serve``'s job).

    A ``qa`` passed in is left open at shutdown; one built here is closed.
    """
    import gradio as gr

    from app.surfaces.http import create_app
    from app.surfaces.ui import UI_CSS, build_ui, ui_theme

    owned = qa is None  # close only what we opened: a caller's NewsQA outlives the server
    qa = qa or NewsQA(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            await run_in_threadpool(_warm_up, qa)
        yield
        if owned:
            qa.close()

    app = create_app(settings, qa, lifespan=lifespan)
    blocks = build_ui(qa, api_key=settings.api_key)
    blocks.queue(default_concurrency_limit=4)
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        css=UI_CSS,
        theme=ui_theme(),
        ssr_mode=False,
        max_file_size=settings.max_request_bytes,
        footer_links=[],  # Gradio's "Use via API" is Gradio's own API; newsqa's is linked in the header
        show_error=True,
        mcp_server=False,
        pwa=False,
        auth=_key_login(settings.api_key) if settings.api_key and settings.api_key_reads else None,
        auth_message="This newsqa server needs its API key for reads: sign in with any user name and the key as password.",
    )
    return app


def _key_login(key: str):
    """Gradio login for ``NEWSQA_API_KEY_READS``: any user name, the API key as password (constant-time)."""

    def check(_username: str, password: str) -> bool:
        return hmac.compare_digest(password.encode(), key.encode())

    return check


def serve(settings: Settings) -> int:
    """Run the server until interrupted; holds the writer lock of an embedded store meanwhile."""
    import uvicorn

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    lock = None
    url = owner_url(settings)
    if not settings.chroma_url:  # a Chroma server arbitrates its own writers
        from indexing.store.lock import WriterLock

        lock = WriterLock(settings)
        lock.acquire(owner_url=url)  # StoreLockedError names the owner; the CLI prints it
    try:
        app = create_server_app(settings)
        print(
            f"newsqa: serving {url}/ (UI), {url}/api/v1 (API), {url}/docs (OpenAPI); store {settings.chroma_url or settings.home}",
            flush=True,
        )
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            timeout_graceful_shutdown=5,
        )
    finally:
        if lock is not None:
            lock.release()
    return 0

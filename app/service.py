"""``NewsQA``: the Python API. One object wires settings, embedder, store, retriever and chain.

    from app import NewsQA

    qa = NewsQA()                       # settings from NEWSQA_* env vars / defaults
    qa.ingest(["corpus/sample"])        # -> IngestReport
    qa.search("What did the minister say?").results
    answer = qa.ask("What did the minister say about the port?")
    print(answer.answer)                # text with [n] markers
    qa.retriever                        # a LangChain BaseRetriever
    qa.chain                            # the LCEL Runnable behind ask()

Everything heavy (models, store) is created on first use and shared.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.models import Answer, SearchResponse
from app.settings import Settings
from indexing.errors import BadInputError
from indexing.models import Article

logger = logging.getLogger("newsqa.service")

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

    from app.retrieve.retrieval import HybridSearcher, NewsRetriever, SearchFilters
    from indexing.embedding.embedder import Embedder
    from indexing.ingest.pipeline import IngestReport
    from indexing.store.protocol import VectorStore

__all__ = ["NewsQA", "write_lock"]

_EMBEDDERS: dict[tuple[object, ...], Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def shared_embedder(settings: Settings) -> Embedder:
    """One embedder per (model, backend) per process: loading one costs ~1 s."""
    from indexing.embedding.embedder import load_embedder

    key = (settings.embed_model, settings.embed_backend, settings.embed_quantize, settings.embed_batch_size)
    with _EMBEDDERS_LOCK:
        if key not in _EMBEDDERS:
            _EMBEDDERS[key] = load_embedder(settings)
        return _EMBEDDERS[key]


def _as_date(value: str | date | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInputError(f"{name} must be an ISO date like 2026-01-31, not {value!r}") from exc


class NewsQA:
    """The newsqa system behind every surface (CLI, HTTP API, UI, eval)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._embedder = embedder
        self._chat_model = chat_model

    # --- wiring ------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        """The embedder of the store's vectors: ``embed_backend``, unless the store was written with another
        backend (``VectorStore.recorded_embedder``), whose vectors a query must match: then that one, with a warning."""
        if self._embedder is None:
            settings = self.settings
            recorded = self.store.recorded_embedder()
            if recorded in ("onnx", "onnx-int8", "torch") and recorded != settings.embed_backend:
                logger.warning(
                    "%s was written with the %r embedder; using it instead of %r (NEWSQA_EMBED_BACKEND) so queries "
                    "match its vectors (re-ingest into a new store to change it)",
                    self.store.where,
                    recorded,
                    settings.embed_backend,
                )
                settings = settings.model_copy(update={"embed_backend": recorded})
            self._embedder = shared_embedder(settings)
        return self._embedder

    @cached_property
    def store(self) -> VectorStore:
        from indexing.store.chroma import open_store

        return open_store(self.settings)

    @cached_property
    def searcher(self) -> HybridSearcher:
        from app.retrieve.retrieval import HybridSearcher

        return HybridSearcher(self.store, self.embedder, self.settings)

    @cached_property
    def retriever(self) -> NewsRetriever:
        """A LangChain ``BaseRetriever`` over the corpus (Documents carry claims in metadata)."""
        from app.retrieve.retrieval import NewsRetriever

        return NewsRetriever(searcher=self.searcher, k=self.settings.top_k)

    @cached_property
    def chain(self) -> Runnable:
        """The answer chain: condense -> retrieve -> compose -> guard; input {"question", "history", "filters"}."""
        from app.chain import build_chain

        return build_chain(self.searcher, self.settings, chat_model=self._chat_model)

    # --- operations ---------------------------------------------------------------------
    def ingest(
        self,
        sources: Iterable[str | Path | Article],
        *,
        outlet: str | None = None,
        progress: bool | str = False,
        reprocess: bool = False,
    ) -> IngestReport:
        """Load, analyse, chunk, embed and store articles from paths, URLs or Article objects (``reprocess``: also
        those already stored unchanged, replacing them)."""
        from indexing.ingest.pipeline import Ingestor

        return Ingestor(self.store, self.embedder, self.settings).ingest(
            list(sources), outlet=outlet or self.settings.outlet, progress=progress, reprocess=reprocess
        )

    @staticmethod
    def filters(
        outlets: Sequence[str] | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
    ) -> SearchFilters:
        from app.retrieve.retrieval import SearchFilters

        start, end = _as_date(since, "since"), _as_date(until, "until")
        if start and end and end < start:
            raise BadInputError(f"until ({end}) is before since ({start})")
        return SearchFilters(outlets=list(outlets) if outlets else None, since=start, until=end)

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        outlets: Sequence[str] | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
    ) -> SearchResponse:
        if not query or not query.strip():
            raise BadInputError("the query is empty")
        if not 1 <= k <= 100:
            raise BadInputError(f"k must be between 1 and 100, not {k}")
        results = self.searcher.search(query, k=k, filters=self.filters(outlets, since, until))
        return SearchResponse(query=query, results=results)

    def _chain_input(self, question: str, history: Sequence[Any] | None, outlets, since, until) -> dict[str, Any]:
        if not question or not question.strip():
            raise BadInputError("the question is empty")
        turns = []
        for turn in history or []:
            turns.append(turn if isinstance(turn, dict) else turn.model_dump())
        return {"question": question, "history": turns, "filters": self.filters(outlets, since, until)}

    def ask(
        self,
        question: str,
        *,
        history: Sequence[Any] | None = None,
        outlets: Sequence[str] | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
    ) -> Answer:
        """Answer ``question`` (a follow-up when ``history`` is given) with cited, attributed claims."""
        return self.chain.invoke(self._chain_input(question, history, outlets, since, until))

    async def astream(
        self,
        question: str,
        *,
        history: Sequence[Any] | None = None,
        outlets: Sequence[str] | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Stream events: ``{"type": "status"|"token"|"answer", ...}``; the last is the full Answer."""
        from app.chain import astream_answer

        async for event in astream_answer(self.chain, self._chain_input(question, history, outlets, since, until)):
            yield event

    def delete_article(self, article_id: str) -> bool:
        return self.store.delete_article(article_id)

    def list_articles(self, *, offset: int = 0, limit: int = 50, outlet: str | None = None, query: str | None = None):
        return self.store.list_articles(offset=offset, limit=limit, outlet=outlet, query=query)

    def get_article(self, article_id: str) -> Article | None:
        return self.store.get_article(article_id)

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()


_WRITE_LOCKS: weakref.WeakKeyDictionary[NewsQA, threading.Lock] = weakref.WeakKeyDictionary()
_WRITE_LOCKS_GUARD = threading.Lock()


def write_lock(qa: NewsQA) -> threading.Lock:
    """The one lock that serialises writes (ingest, delete) to ``qa`` from every surface (HTTP API, UI)."""
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(qa, threading.Lock())

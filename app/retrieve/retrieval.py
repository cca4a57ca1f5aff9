"""Hybrid retrieval: dense (Chroma, MiniLM) + BM25, fused by reciprocal rank, with filters.

    searcher = HybridSearcher(store, embedder, settings)
    searcher.search("what did the minister say", k=5,
                    filters=SearchFilters(outlets=["Harbor Gazette"], since=date(2026, 1, 1)))

    retriever = NewsRetriever(searcher=searcher, k=8)        # a LangChain BaseRetriever
    retriever.invoke("port strike", config={"configurable": {"filters": {"outlets": ["Harbor Gazette"]}}})

The score of a result is its fused reciprocal-rank score: ``sum(1 / (rrf_k + rank))``
over the dense and lexical rankings it appears in (higher is better).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, ensure_config
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.models import ClosestArticle, SearchResult
from app.settings import Settings
from indexing.embedding.embedder import Embedder
from indexing.errors import BadInputError, NewsQAError, RetrievalError
from indexing.store.lexical import LexicalFilter, LexicalIndex
from indexing.store.protocol import VectorStore
from indexing.store.rows import ChunkRow, published_day

__all__ = ["HybridSearcher", "NewsRetriever", "SearchFilters", "SearchMode"]

SearchMode = Literal["hybrid", "dense", "lexical"]

# Candidates taken from each ranking before fusion: enough that a passage ranked
# moderately by both can overtake one ranked high by only one.
_MIN_CANDIDATES = 40
_QUERY_CACHE = 256


class SearchFilters(BaseModel):
    """Which passages may be returned: any of ``outlets``; published within ``since``..``until`` (inclusive)."""

    model_config = ConfigDict(frozen=True)

    outlets: list[str] | None = Field(default=None, description="Keep passages from any of these outlets.")
    since: date | None = Field(default=None, description="Published on or after this day.")
    until: date | None = Field(default=None, description="Published on or before this day.")

    @model_validator(mode="after")
    def _ordered(self) -> SearchFilters:
        if self.since and self.until and self.until < self.since:
            raise ValueError(f"until ({self.until}) is before since ({self.since})")
        return self

    @property
    def empty(self) -> bool:
        return not self.outlets and not self.since and not self.until

    def chroma_where(self) -> dict[str, Any] | None:
        """The filters as a Chroma ``where`` clause (None when there are none)."""
        conditions: list[dict[str, Any]] = []
        if self.outlets:
            conditions.append({"outlet": {"$in": list(self.outlets)}})
        if self.since:
            conditions.append({"published_day": {"$gte": published_day(self.since)}})
        if self.until:
            conditions.append({"published_day": {"$lte": published_day(self.until)}})
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def lexical(self) -> LexicalFilter:
        return LexicalFilter(tuple(self.outlets) if self.outlets else None, self.since, self.until)


def _coerce_filters(value: SearchFilters | Mapping[str, Any] | None) -> SearchFilters | None:
    if value is None or isinstance(value, SearchFilters):
        return value
    try:
        return SearchFilters.model_validate(dict(value))
    except ValueError as exc:
        raise BadInputError(f"bad search filters: {exc.errors()[0]['msg'] if hasattr(exc, 'errors') else exc}") from exc


def _result(row: ChunkRow, rank: int, score: float) -> SearchResult:
    meta = row.meta
    return SearchResult(
        rank=rank,
        chunk_id=row.id,
        article_id=str(meta.get("article_id", row.id.rsplit(":", 1)[0])),
        title=str(meta.get("title", "")),
        outlet=meta.get("outlet"),
        published_at=meta.get("published_at"),
        url=meta.get("url"),
        source_path=meta.get("source_path"),
        text=row.text,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        score=round(float(score), 6),
        claims=row.claims(),
        sentence_vectors=meta.get("sentence_vectors"),
    )


class HybridSearcher:
    """Dense + BM25 search over one store; thread-safe; the BM25 index and embedder stay in memory."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        settings: Settings,
        *,
        lexical: LexicalIndex | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.lexical = lexical or LexicalIndex(settings)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def embed_query(self, query: str) -> np.ndarray:
        """The query's vector (recent queries are cached: a chat asks the same one twice)."""
        with self._cache_lock:
            hit = self._cache.get(query)
            if hit is not None:
                self._cache.move_to_end(query)
                return hit
        vector = self.embedder.embed([query])[0]
        with self._cache_lock:
            self._cache[query] = vector
            while len(self._cache) > _QUERY_CACHE:
                self._cache.popitem(last=False)
        return vector

    def correct_query(self, query: str) -> tuple[str, list[tuple[str, str]]]:
        """``query`` with typos corrected against the corpus's words (:meth:`LexicalIndex.correct`)."""
        try:
            self.lexical.ensure(self.store)
        except NewsQAError:
            return query, []
        return self.lexical.correct(query)

    def search(
        self,
        query: str,
        k: int = 10,
        filters: SearchFilters | Mapping[str, Any] | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[SearchResult]:
        """The ``k`` best passages for ``query`` within ``filters``, best first (rank 1)."""
        if not query or not query.strip():
            raise BadInputError("the query is empty")
        if k < 1:
            raise BadInputError(f"k must be at least 1, not {k}")
        if mode not in ("hybrid", "dense", "lexical"):
            raise BadInputError(f"unknown search mode {mode!r}")
        chosen = _coerce_filters(filters) or SearchFilters()
        depth = max(_MIN_CANDIDATES, 4 * k) if mode == "hybrid" else k
        try:
            version = self.store.version()  # also refreshes a stale embedded reader
            dense: list[tuple[ChunkRow, float]] = []
            lexical: list[tuple[str, float]] = []
            if mode in ("hybrid", "dense"):
                dense = self.store.query(self.embed_query(query), depth, where=chosen.chroma_where())
            if mode in ("hybrid", "lexical"):
                self.lexical.ensure(self.store, version)
                lexical = self.lexical.search(query, depth, chosen.lexical())
            if mode == "dense":
                return [_result(row, i + 1, score) for i, (row, score) in enumerate(dense[:k])]
            if mode == "lexical":
                rows = self._rows([cid for cid, _ in lexical[:k]], {})
                ranked = [(rows[cid], score) for cid, score in lexical[:k] if cid in rows]
                return [_result(row, i + 1, score) for i, (row, score) in enumerate(ranked)]
            return self._fuse(dense, lexical, k)
        except NewsQAError:
            raise
        except Exception as exc:
            raise RetrievalError(f"search failed: {type(exc).__name__}: {exc}") from exc

    def _rows(self, ids: list[str], known: dict[str, ChunkRow]) -> dict[str, ChunkRow]:
        """Chunk rows for ``ids``: those the dense ranking already read, the rest from the store
        (the lexical index keeps ids only; a chunk deleted since it was indexed is left out)."""
        missing = [cid for cid in ids if cid not in known]
        rows = {cid: known[cid] for cid in ids if cid in known}
        if missing:
            rows.update((row.id, row) for row in self.store.get_chunks(missing))
        return rows

    def _fuse(
        self, dense: list[tuple[ChunkRow, float]], lexical: list[tuple[str, float]], k: int
    ) -> list[SearchResult]:
        rrf_k = self.settings.rrf_k
        fused: dict[str, float] = {}
        best_rank: dict[str, int] = {}
        for ranking in ([row.id for row, _ in dense], [cid for cid, _ in lexical]):
            for rank, cid in enumerate(ranking, start=1):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (rrf_k + rank)
                best_rank[cid] = min(best_rank.get(cid, rank), rank)
        order = sorted(fused, key=lambda cid: (-fused[cid], best_rank[cid], cid))
        rows = self._rows(order[:k], {row.id: row for row, _ in dense})
        if len(rows) < min(k, len(order)):  # chunks deleted since the lexical index saw them
            rows = self._rows(order, {row.id: row for row, _ in dense})
        order = [cid for cid in order if cid in rows][:k]
        return [_result(rows[cid], i + 1, fused[cid]) for i, cid in enumerate(order)]

    def closest_articles(
        self, query: str, n: int = 3, filters: SearchFilters | Mapping[str, Any] | None = None
    ) -> list[ClosestArticle]:
        """The articles nearest ``query`` as a whole (for a refusal's "closest articles")."""
        chosen = _coerce_filters(filters) or SearchFilters()
        found = self.store.closest_articles(self.embed_query(query), n, where=chosen.chroma_where())
        return [
            ClosestArticle(
                article_id=aid,
                title=str(meta.get("title", "")),
                outlet=meta.get("outlet"),
                published_at=meta.get("published_at"),
                score=round(score, 6),
            )
            for aid, meta, score in found
        ]


class NewsRetriever(BaseRetriever):
    """LangChain retriever over :class:`HybridSearcher`.

    Each ``Document`` has the chunk text as ``page_content`` and the
    ``SearchResult`` fields (claims as a list of dicts) as metadata. Per call,
    ``k``/``filters``/``outlets``/``since``/``until`` may be given as keyword
    arguments to ``invoke`` or under ``config["configurable"]``;
    ``search_kwargs`` holds defaults.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Any
    k: int = 8
    search_kwargs: dict[str, Any] = Field(default_factory=dict)
    # The answer chain's own retriever carries each chunk's stored sentence vectors in the metadata
    # ("sentence_vectors"); a retriever made for a user leaves them out.
    carry_vectors: bool = False

    def invoke(self, input: str, config: RunnableConfig | None = None, **kwargs: Any) -> list[Document]:
        config = ensure_config(config)
        configurable = config.get("configurable") or {}
        per_call: dict[str, Any] = {
            key: configurable[key]
            for key in ("k", "filters", "outlets", "since", "until", "mode")
            if key in configurable
        }
        return super().invoke(input, config, **{**per_call, **kwargs})

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        options = {**self.search_kwargs, **kwargs}
        filters = _coerce_filters(options.get("filters"))
        if filters is None and any(options.get(key) for key in ("outlets", "since", "until")):
            filters = _coerce_filters({key: options.get(key) for key in ("outlets", "since", "until")})
        results = self.searcher.search(
            query,
            k=int(options.get("k", self.k)),
            filters=filters,
            mode=options.get("mode", "hybrid"),
        )
        return [
            Document(
                page_content=r.text,
                metadata=r.model_dump(mode="json", exclude={"text"})
                | ({"sentence_vectors": r.sentence_vectors} if self.carry_vectors and r.sentence_vectors else {}),
                id=r.chunk_id,
            )
            for r in results
        ]

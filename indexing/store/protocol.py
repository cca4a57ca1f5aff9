"""The ``VectorStore`` Protocol: what the pipeline, the lexical index and the app rely on of a store.

``indexing.store.chroma.NewsStore`` (Chroma, embedded or a `chroma run` server) is the
one implementation; ``open_store(settings)`` builds it. Any class with these
methods fits (``typing.Protocol``, no base class). The behaviours every store
must show are the shared contract tests in ``tests/contracts/test_store_contract.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from indexing.models import Article, Chunk
    from indexing.store.rows import ChunkRow

__all__ = ["VectorStore"]


@runtime_checkable
class VectorStore(Protocol):
    """Articles and their embedded chunks, searchable by vector, with a version stamp and a change log."""

    where: str
    """Where the store is, for messages ("the store at ...", "the Chroma server at ...")."""

    @property
    def remote(self) -> bool:
        """True for a store behind a server (several processes may write it)."""
        ...

    # --- writes ------------------------------------------------------------------------------
    def write_articles(
        self,
        items: Sequence[tuple[Article, Sequence[Chunk]]],
        embeddings: np.ndarray,
        sentence_vectors: Sequence[np.ndarray] | None = None,
    ) -> None:
        """Store articles with their chunks (``embeddings``: one row per chunk, in order), replacing any earlier
        version of each with none of its old chunks left behind. ``sentence_vectors`` (one array per chunk, a row
        per sentence of its text: :mod:`indexing.embedding.sentence_vectors`) are kept with the chunks when given."""
        ...

    def delete_article(self, article_id: str) -> bool:
        """Delete an article and all its chunks; False when there was no such article."""
        ...

    def hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        """``{article_id: content_hash}`` of the complete articles among ``article_ids``."""
        ...

    def discard_pending(self, older_than: float | None = None) -> list[str]:
        """Delete articles a killed run left half-written; returns their ids."""
        ...

    def recorded_embedder(self) -> str | None:
        """The embedding backend the stored vectors were made with; None for an empty store."""
        ...

    def record_embedder(self, backend: str) -> None:
        """Record the backend of the vectors about to be written, unless one is recorded already."""
        ...

    # --- versions and the change log -------------------------------------------------------------
    def version(self) -> str:
        """A stamp that changes on every write by any process."""
        ...

    def identity(self) -> str:
        """Which store this is (a recreated store differs)."""
        ...

    def change_ids(self) -> list[str]:
        """The ids of every change record (each names the articles one write touched)."""
        ...

    def changed_articles(self, change_ids: Sequence[str]) -> list[str]:
        """The article ids named by these change records."""
        ...

    # --- reads --------------------------------------------------------------------------------
    def get_article(self, article_id: str) -> Article | None:
        """A stored article, or None."""
        ...

    def article_texts(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The bodies of the stored articles among ``article_ids``, by id (one read for all of them)."""
        ...

    def list_articles(
        self, *, offset: int = 0, limit: int = 50, outlet: str | None = None, query: str | None = None
    ) -> dict[str, Any]:
        """A page of article summaries, newest first: ``{"total", "offset", "limit", "articles"}``."""
        ...

    def stats(self) -> dict[str, Any]:
        """Counts for humans and health checks: articles, chunks, outlets, date range, where."""
        ...

    def chunk_count(self) -> int:
        """How many chunks the store holds."""
        ...

    def chunks_of(self, article_ids: Sequence[str], page: int = 200) -> Iterator[ChunkRow]:
        """The stored chunks of these articles, as they are now."""
        ...

    def iter_chunks(self, page: int = 2000) -> Iterator[ChunkRow]:
        """Every stored chunk, in pages."""
        ...

    def get_chunks(self, ids: Sequence[str]) -> list[ChunkRow]:
        """The chunks with these ids (those that exist)."""
        ...

    def query(self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[ChunkRow, float]]:
        """The ``n`` chunks nearest ``embedding`` (``where``: a Chroma metadata filter): ``(row, cosine
        similarity)``, best first."""
        ...

    def closest_articles(
        self, embedding: np.ndarray, n: int = 3, where: dict[str, Any] | None = None
    ) -> list[tuple[str, dict[str, Any], float]]:
        """Articles whose centroid is nearest ``embedding``: ``(id, metadata, similarity)``."""
        ...

    def close(self) -> None:
        """Release the client; the store is not used after."""
        ...

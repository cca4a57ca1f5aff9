"""How the store lays out its records: metadata of chunks and articles, rows read back, shared constants.

What ``NewsStore`` writes into Chroma metadata and how it reads it back; no
Chroma client here (see ``indexing.store.chroma`` for the collections).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, overload

from indexing.models import Article, Chunk, Claim

__all__ = [
    "COMPLETE",
    "EMBEDDER_KEY",
    "PENDING",
    "READ_PAGE",
    "VERSION_KEY",
    "WRITE_BATCH",
    "ChunkRow",
    "article_fields",
    "article_from_record",
    "article_summary",
    "chunk_metadata",
    "clean_metadata",
    "published_day",
    "record_metadata",
    "same_vectors",
]

VERSION_KEY = "newsqa_version"
# the embedding backend a store's vectors were made with (metadata of the articles collection)
EMBEDDER_KEY = "newsqa_embed_backend"
PENDING, COMPLETE = "pending", "complete"
# Chroma's embedded limit is ~5,000 records per call; smaller calls keep memory flat.
WRITE_BATCH = 1000
READ_PAGE = 2000


def same_vectors(backend: str, other: str) -> bool:
    """Do two embedding backends give the same vectors? ``onnx`` and ``torch`` run the same float weights."""
    return backend == other or {backend, other} == {"onnx", "torch"}


@overload
def published_day(value: date) -> int: ...
@overload
def published_day(value: None) -> None: ...


def published_day(value: date | None) -> int | None:
    """``date(2005, 3, 1)`` -> ``20050301``: an int Chroma can range-filter."""
    return value.year * 10000 + value.month * 100 + value.day if value else None


def clean_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    # Chroma metadata cannot hold None
    return {k: v for k, v in meta.items() if v is not None}


def article_fields(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "published_day": published_day(article.published_at),
        "url": article.url,
        "source_path": article.source_path,
        "content_hash": article.content_hash,
    }


def chunk_metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    """The metadata stored with a chunk (what search results are rebuilt from)."""
    meta = article_fields(article)
    meta.pop("author")
    meta.update(
        index=chunk.index,
        start=chunk.start,
        end=chunk.end,
        token_count=chunk.token_count,
        claims=json.dumps([c.model_dump(mode="json", exclude_defaults=True) for c in chunk.claims]),
    )
    return clean_metadata(meta)


class ChunkRow:
    """A stored chunk as read back: id, text and metadata (claims still JSON)."""

    __slots__ = ("id", "meta", "text")

    def __init__(self, id: str, text: str, meta: dict[str, Any]) -> None:
        self.id, self.text, self.meta = id, text, meta

    def claims(self) -> list[Claim]:
        raw = self.meta.get("claims")
        return [Claim.model_validate(c) for c in json.loads(raw)] if raw else []


def article_from_record(article_id: str, meta: dict[str, Any], body: str) -> Article:
    """The Article an article record holds (its metadata and, as the document, the body)."""
    return Article(
        id=article_id,
        title=meta.get("title", ""),
        outlet=meta.get("outlet"),
        author=meta.get("author"),
        published_at=meta.get("published_at"),
        url=meta.get("url"),
        body=body,
        source_path=meta.get("source_path"),
    )


def article_summary(article_id: str, meta: dict[str, Any]) -> dict[str, Any]:
    """One entry of ``list_articles``: an article record's metadata, without the body."""
    return {
        "id": article_id,
        "title": meta.get("title", ""),
        "outlet": meta.get("outlet"),
        "author": meta.get("author"),
        "published_at": meta.get("published_at"),
        "url": meta.get("url"),
        "source_path": meta.get("source_path"),
        "chars": meta.get("chars", 0),
        "chunks": meta.get("chunks", 0),
        "content_hash": meta.get("content_hash"),
    }


def record_metadata(article: Article, state: str, chunks: int, now: float) -> dict[str, Any]:
    """The metadata of an article record in ``state`` (pending or complete) with ``chunks`` chunks."""
    return clean_metadata(
        {**article_fields(article), "state": state, "chunks": chunks, "chars": len(article.body), "pending_since": now}
    )

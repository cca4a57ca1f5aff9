"""The vector store: chunks and article records in Chroma (embedded or a `chroma run` server).

Two collections (cosine space, our own embeddings; Chroma's default ONNX
embedding function is never used, so nothing is ever downloaded):

- ``<collection>``: one record per chunk, id ``<article_id>:<index>``, document
  = the chunk text (exactly ``body[start:end]``), metadata = article fields,
  offsets, ``content_hash`` of the article version it came from, claims as JSON;
- ``<collection>_articles``: one record per article, document = the body,
  embedding = the normalised mean of its chunk vectors (the "closest article"),
  metadata = article fields, ``content_hash`` and ``state`` (``pending`` while
  its chunks are being written, ``complete`` after).

Kill safety: the pipeline marks a record ``pending`` (with the new hash) before
it writes any chunk, writes the chunks, deletes the article's chunks of any
other hash, and marks the record ``complete`` last. A run killed anywhere leaves
either the old complete record (the article is redone next run) or a pending
one; :meth:`NewsStore.discard_pending` (called at the start of every run)
deletes pending articles with all their chunks, so the rerun re-adds them.

Every write changes a version stamp in the chunk collection's metadata; the
lexical index and readers in other processes compare it (one cheap metadata
read) to see new articles without a restart.

Every write also appends one record to ``<collection>_changes`` naming the
articles it touched (written after the articles are committed, before the
version stamp changes). The change log is how a lexical index in any process,
on any machine sharing a Chroma server, catches up incrementally: it applies
the changes it has not seen by re-reading those articles' current chunks
(idempotent, so order and repeats do not matter). See ``indexing.store.lexical``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence

import numpy as np

from indexing.embedding.sentence_vectors import encode_vectors
from indexing.models import Article, Chunk
from indexing.settings import IndexSettings
from indexing.store.reads import StoreReader
from indexing.store.rows import (
    COMPLETE,
    EMBEDDER_KEY,
    PENDING,
    VERSION_KEY,
    WRITE_BATCH,
    ChunkRow,
    chunk_metadata,
    published_day,
    record_metadata,
    same_vectors,
)

__all__ = ["ChunkRow", "NewsStore", "chunk_metadata", "open_store", "published_day", "same_vectors"]


class NewsStore(StoreReader):
    """Articles and their chunks in Chroma. Construct with :func:`open_store`.

    The connection is ``store_connection.ChromaConnection``, the reads ``store_reads.StoreReader``; the writes
    (the pipeline's kill-safe protocol, the change log, the version stamp) are here. ``indexing.store.protocol.
    VectorStore`` is what callers may rely on.
    """

    def record_embedder(self, backend: str) -> None:
        """Record the embedding backend of the vectors about to be written, unless the store already has one."""
        with self._translate():
            collection = self._articles_collection()
            if not (collection.metadata or {}).get(EMBEDDER_KEY):
                collection.modify(metadata={EMBEDDER_KEY: backend})

    def _bump(self) -> None:
        stamp = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        self._chunks.modify(metadata={VERSION_KEY: stamp})
        self._seen_version = stamp

    def _log_change(self, article_ids: Sequence[str]) -> None:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return
        self._changes.add(
            ids=[f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}"],
            embeddings=[[1.0]],
            documents=[json.dumps(ids)],
            metadatas=[{"articles": len(ids), "at": time.time()}],
        )

    def discard_pending(self, older_than: float | None = None) -> list[str]:
        """Delete articles a killed run left half-written (record and chunks); returns their ids.

        ``older_than`` (seconds) spares pending records younger than that: on a
        shared Chroma server another client may be writing them right now.
        """
        removed: list[str] = []
        with self._translate():
            got = self._articles.get(where={"state": PENDING}, include=["metadatas"])
            now = time.time()
            for aid, meta in zip(got["ids"], got["metadatas"], strict=True):
                if older_than is not None and now - float((meta or {}).get("pending_since", 0)) < older_than:
                    continue
                self._chunks.delete(where={"article_id": aid})
                self._articles.delete(ids=[aid])
                removed.append(aid)
            if removed:
                self._log_change(removed)
                self._bump()
        return removed

    def write_articles(
        self,
        items: Sequence[tuple[Article, Sequence[Chunk]]],
        embeddings: np.ndarray,
        sentence_vectors: Sequence[np.ndarray] | None = None,
    ) -> None:
        """Store ``items`` (articles with their chunks; ``embeddings`` row per chunk, in order; ``sentence_vectors``,
        when given, an array per chunk kept in its metadata as ``sentence_vectors``).

        Replaces any earlier version of each article, with none of its old
        chunks left behind, in the kill-safe order described in the module docstring.
        """
        if not items:
            return
        if sentence_vectors is not None and len(sentence_vectors) != len(embeddings):
            raise ValueError(f"{len(sentence_vectors)} sentence-vector blocks for {len(embeddings)} chunks")
        ids, docs, metas = [], [], []
        records: list[tuple[Article, np.ndarray, int]] = []
        row = 0
        for article, chunks in items:
            for k, chunk in enumerate(chunks):
                ids.append(chunk.id)
                docs.append(chunk.text)
                meta = chunk_metadata(article, chunk)
                if sentence_vectors is not None and len(sentence_vectors[row + k]):
                    meta["sentence_vectors"] = encode_vectors(sentence_vectors[row + k])
                metas.append(meta)
            vectors = embeddings[row : row + len(chunks)]
            row += len(chunks)
            centroid = vectors.mean(axis=0) if len(chunks) else np.zeros(embeddings.shape[1], dtype=np.float32)
            norm = float(np.linalg.norm(centroid))
            centroid = centroid / norm if norm > 0 else np.eye(1, embeddings.shape[1], dtype=np.float32)[0]
            records.append((article, centroid, len(chunks)))
        if row != len(embeddings):
            raise ValueError(f"{len(embeddings)} embeddings for {row} chunks")
        with self._translate():
            # only an article stored before can have chunks of another version to delete
            # (its record is written, pending, before any of its chunks)
            earlier = set(self._articles.get(ids=[a.id for a, _, _ in records], include=[])["ids"])
            self._upsert_records(records, PENDING)
            for i in range(0, len(ids), WRITE_BATCH):
                self._chunks.upsert(
                    ids=ids[i : i + WRITE_BATCH],
                    embeddings=embeddings[i : i + WRITE_BATCH],
                    documents=docs[i : i + WRITE_BATCH],
                    metadatas=metas[i : i + WRITE_BATCH],
                )
            for article, _, count in records:
                if article.id not in earlier:
                    continue
                # chunks of another version, and those past the new chunk count (the same version chunked
                # again, in fewer chunks: ``ingest --reprocess``)
                self._chunks.delete(
                    where={
                        "$and": [
                            {"article_id": article.id},
                            {"$or": [{"content_hash": {"$ne": article.content_hash}}, {"index": {"$gte": count}}]},
                        ]
                    }
                )
            # logged before the records turn complete: a run killed in between leaves them
            # pending, and the next run's discard_pending removes them (and logs that)
            self._log_change([a.id for a, _, _ in records])
            self._upsert_records(records, COMPLETE)
            self._bump()

    def _upsert_records(self, records: Sequence[tuple[Article, np.ndarray, int]], state: str) -> None:
        now = time.time()
        for i in range(0, len(records), WRITE_BATCH):
            part = records[i : i + WRITE_BATCH]
            self._articles.upsert(
                ids=[a.id for a, _, _ in part],
                embeddings=np.stack([c for _, c, _ in part]),
                documents=[a.body for a, _, _ in part],
                metadatas=[record_metadata(a, state, n, now) for a, _, n in part],
            )

    def delete_article(self, article_id: str) -> bool:
        """Delete an article and all its chunks; False when there was no such article."""
        with self._translate():
            got = self._articles.get(ids=[article_id], include=[])
            existed = bool(got["ids"])
            before = self._chunks.get(where={"article_id": article_id}, include=[], limit=1)
            if not existed and not before["ids"]:
                return False
            self._chunks.delete(where={"article_id": article_id})
            self._articles.delete(ids=[article_id])
            self._log_change([article_id])
            self._bump()
        return existed


def open_store(settings: IndexSettings) -> NewsStore:
    """The store ``settings`` point at: a Chroma server when ``chroma_url`` is set, else embedded."""
    return NewsStore(settings)

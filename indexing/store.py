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
(idempotent, so order and repeats do not matter). See ``indexing.lexical``.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, overload
from urllib.parse import urlsplit

import numpy as np

from .errors import BadInputError, StoreError
from .models import Article, Chunk, Claim
from .settings import IndexSettings

__all__ = ["ChunkRow", "NewsStore", "chunk_metadata", "open_store", "published_day", "same_vectors"]

logger = logging.getLogger("newsqa.store")

VERSION_KEY = "newsqa_version"
# the embedding backend a store's vectors were made with (metadata of the articles collection)
EMBEDDER_KEY = "newsqa_embed_backend"
PENDING, COMPLETE = "pending", "complete"
# Chroma's embedded limit is ~5,000 records per call; smaller calls keep memory flat.
_WRITE_BATCH = 1000
_READ_PAGE = 2000


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


def _clean(meta: dict[str, Any]) -> dict[str, Any]:
    # Chroma metadata cannot hold None
    return {k: v for k, v in meta.items() if v is not None}


def _article_fields(article: Article) -> dict[str, Any]:
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
    meta = _article_fields(article)
    meta.pop("author")
    meta.update(
        index=chunk.index,
        start=chunk.start,
        end=chunk.end,
        token_count=chunk.token_count,
        claims=json.dumps([c.model_dump(mode="json", exclude_defaults=True) for c in chunk.claims]),
    )
    return _clean(meta)


class ChunkRow:
    """A stored chunk as read back: id, text and metadata (claims still JSON)."""

    __slots__ = ("id", "meta", "text")

    def __init__(self, id: str, text: str, meta: dict[str, Any]) -> None:
        self.id, self.text, self.meta = id, text, meta

    def claims(self) -> list[Claim]:
        raw = self.meta.get("claims")
        return [Claim.model_validate(c) for c in json.loads(raw)] if raw else []


def _parse_url(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInputError(f"NEWSQA_CHROMA_URL must look like http://host:port, not {url!r}")
    ssl = parts.scheme == "https"
    return parts.hostname, parts.port or (443 if ssl else 8000), ssl


class NewsStore:
    """Articles and their chunks in Chroma. Construct with :func:`open_store`."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.url = settings.chroma_url
        self.where = f"the Chroma server at {self.url}" if self.url else f"the store at {settings.chroma_dir}"
        self._client: Any = None
        self._chunks: Any = None
        self._articles: Any = None
        self._seen_version: str | None = None
        self._count: tuple[str | None, int] | None = None
        self._open()

    # --- connection ---------------------------------------------------------------------
    @property
    def remote(self) -> bool:
        return self.url is not None

    def _open(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        with self._translate():
            if self.url:
                host, port, ssl = _parse_url(self.url)
                self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
            else:
                self.settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.settings.chroma_dir), settings=chroma_settings)
            config = {"hnsw": {"space": "cosine"}}
            self._chunks = self._client.get_or_create_collection(
                self.settings.collection, configuration=config, embedding_function=None
            )
            self._articles = self._client.get_or_create_collection(
                f"{self.settings.collection}_articles",
                configuration=config,
                embedding_function=None,
            )
            self._changes = self._client.get_or_create_collection(
                f"{self.settings.collection}_changes", embedding_function=None
            )
            self._seen_version = self._read_version()

    def _reopen(self) -> None:
        """Embedded readers only: Chroma's in-process vector index does not see another
        process's writes, so a reader drops its client and opens the store afresh."""
        from chromadb.api.shared_system_client import SharedSystemClient

        identifier = getattr(self._client, "_identifier", None)
        try:
            self._client.close()
        except Exception:
            logger.debug("closing the stale Chroma client failed", exc_info=True)
        # another client in this process may still share the old system: give us a new one
        if identifier is not None:
            SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        self._open()

    @contextmanager
    def _translate(self) -> Iterator[None]:
        """Turn Chroma / network exceptions into one-line StoreErrors."""
        try:
            yield
        except StoreError:
            raise
        except BadInputError:
            raise
        except Exception as exc:
            text = " ".join(str(exc).split()) or type(exc).__name__
            if self.url and _is_connection_error(exc):
                raise StoreError(f"cannot reach the Chroma server at {self.url}: {text}") from exc
            raise StoreError(f"{self.where} failed: {text}") from exc

    def close(self) -> None:
        if self._client is not None and not self.remote:
            try:
                self._client.close()
            except Exception:
                logger.debug("closing the Chroma client failed", exc_info=True)
        self._client = self._chunks = self._articles = self._changes = None

    # --- versioning -----------------------------------------------------------------------
    def _read_version(self) -> str:
        collection = self._client.get_collection(self.settings.collection, embedding_function=None)
        return str((collection.metadata or {}).get(VERSION_KEY, "0"))

    def version(self) -> str:
        """The current version stamp; changes on every write by any process.

        An embedded reader whose view is older reopens its client first, so what
        it queries next includes the other process's writes.
        """
        with self._translate():
            current = self._read_version()
            if current != self._seen_version:
                if not self.remote:
                    self._reopen()  # sets _seen_version to the stamp it opened at
                else:
                    self._seen_version = current
            return self._seen_version or current

    # --- the embedder the vectors were made with -------------------------------------------------
    def _articles_collection(self) -> Any:
        # fetched afresh: the handle opened with the store keeps the metadata it was opened with
        return self._client.get_collection(f"{self.settings.collection}_articles", embedding_function=None)

    def recorded_embedder(self) -> str | None:
        """The embedding backend this store's vectors were made with: the one recorded before its first write;
        ``"onnx"`` for a store written before backends were recorded (float MiniLM: ``onnx`` and ``torch``
        give the same vectors); None for an empty store."""
        with self._translate():
            recorded = (self._articles_collection().metadata or {}).get(EMBEDDER_KEY)
            if recorded:
                return str(recorded)
            return "onnx" if self._articles.count() else None

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

    # --- the change log (what the lexical index catches up from) ---------------------------------
    def identity(self) -> str:
        """Which store this is: location and the chunk collection's id (a recreated collection differs)."""
        with self._translate():
            return f"{self.url or self.settings.chroma_dir}|{self.settings.collection}|{self._chunks.id}"

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

    def change_ids(self) -> list[str]:
        """The ids of every change record (each names the articles one write touched)."""
        ids: list[str] = []
        with self._translate():
            offset = 0
            while True:
                got = self._changes.get(include=[], limit=_READ_PAGE * 5, offset=offset)
                ids.extend(got["ids"])
                if len(got["ids"]) < _READ_PAGE * 5:
                    break
                offset += _READ_PAGE * 5
        return ids

    def changed_articles(self, change_ids: Sequence[str]) -> list[str]:
        """The article ids named by these change records (in no particular order)."""
        found: list[str] = []
        with self._translate():
            for i in range(0, len(change_ids), _READ_PAGE):
                got = self._changes.get(ids=list(change_ids[i : i + _READ_PAGE]), include=["documents"])
                for doc in got["documents"]:
                    found.extend(json.loads(doc or "[]"))
        return list(dict.fromkeys(found))

    def chunks_of(self, article_ids: Sequence[str], page: int = 200) -> Iterator[ChunkRow]:
        """The stored chunks of these articles, as they are now."""
        ids = list(dict.fromkeys(article_ids))
        with self._translate():
            for i in range(0, len(ids), page):
                part = ids[i : i + page]
                where = {"article_id": part[0]} if len(part) == 1 else {"article_id": {"$in": part}}
                got = self._chunks.get(where=where, include=["documents", "metadatas"])
                for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                    yield ChunkRow(cid, text or "", meta or {})

    # --- writes (the pipeline's protocol) ----------------------------------------------------
    def hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        """``{article_id: content_hash}`` of the complete records among ``article_ids``."""
        found: dict[str, str] = {}
        ids = list(dict.fromkeys(article_ids))
        with self._translate():
            for i in range(0, len(ids), _READ_PAGE):
                got = self._articles.get(ids=ids[i : i + _READ_PAGE], include=["metadatas"])
                for aid, meta in zip(got["ids"], got["metadatas"], strict=True):
                    if meta and meta.get("state") == COMPLETE:
                        found[aid] = str(meta.get("content_hash"))
        return found

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
    ) -> None:
        """Store ``items`` (articles with their chunks; ``embeddings`` row per chunk, in order).

        Replaces any earlier version of each article, with none of its old
        chunks left behind, in the kill-safe order described in the module docstring.
        """
        if not items:
            return
        ids, docs, metas = [], [], []
        records: list[tuple[Article, np.ndarray, int]] = []
        row = 0
        for article, chunks in items:
            for chunk in chunks:
                ids.append(chunk.id)
                docs.append(chunk.text)
                metas.append(chunk_metadata(article, chunk))
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
            for i in range(0, len(ids), _WRITE_BATCH):
                self._chunks.upsert(
                    ids=ids[i : i + _WRITE_BATCH],
                    embeddings=embeddings[i : i + _WRITE_BATCH],
                    documents=docs[i : i + _WRITE_BATCH],
                    metadatas=metas[i : i + _WRITE_BATCH],
                )
            for article, _, _ in records:
                if article.id not in earlier:
                    continue
                self._chunks.delete(
                    where={
                        "$and": [
                            {"article_id": article.id},
                            {"content_hash": {"$ne": article.content_hash}},
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
        for i in range(0, len(records), _WRITE_BATCH):
            part = records[i : i + _WRITE_BATCH]
            self._articles.upsert(
                ids=[a.id for a, _, _ in part],
                embeddings=np.stack([c for _, c, _ in part]),
                documents=[a.body for a, _, _ in part],
                metadatas=[
                    _clean(
                        {
                            **_article_fields(a),
                            "state": state,
                            "chunks": n,
                            "chars": len(a.body),
                            "pending_since": now,
                        }
                    )
                    for a, _, n in part
                ],
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

    # --- reads ---------------------------------------------------------------------------------
    def get_article(self, article_id: str) -> Article | None:
        with self._translate():
            got = self._articles.get(ids=[article_id], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        meta, body = got["metadatas"][0] or {}, got["documents"][0]
        if meta.get("state") != COMPLETE:
            return None
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

    def _article_metas(self, outlet: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        where: dict[str, Any] = {"state": COMPLETE}
        if outlet:
            where = {"$and": [where, {"outlet": outlet}]}
        rows: list[tuple[str, dict[str, Any]]] = []
        with self._translate():
            offset = 0
            while True:
                got = self._articles.get(where=where, include=["metadatas"], limit=_READ_PAGE, offset=offset)
                rows.extend(zip(got["ids"], (m or {} for m in got["metadatas"]), strict=True))
                if len(got["ids"]) < _READ_PAGE:
                    break
                offset += _READ_PAGE
        return rows

    def list_articles(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        outlet: str | None = None,
        query: str | None = None,
    ) -> dict[str, Any]:
        """A page of article summaries, newest first: ``{"total": n, "articles": [...]}``.

        ``query`` keeps articles whose title or id contains every word of it
        (case-insensitive).
        """
        rows = self._article_metas(outlet)
        if query:
            words = query.lower().split()
            rows = [(i, m) for i, m in rows if all(w in f"{m.get('title', '')} {i}".lower() for w in words)]
        rows.sort(key=lambda r: (r[1].get("published_at") or "", r[0]), reverse=True)
        page = rows[offset : offset + limit]
        articles = [
            {
                "id": aid,
                "title": m.get("title", ""),
                "outlet": m.get("outlet"),
                "author": m.get("author"),
                "published_at": m.get("published_at"),
                "url": m.get("url"),
                "source_path": m.get("source_path"),
                "chars": m.get("chars", 0),
                "chunks": m.get("chunks", 0),
                "content_hash": m.get("content_hash"),
            }
            for aid, m in page
        ]
        return {"total": len(rows), "offset": offset, "limit": limit, "articles": articles}

    def stats(self) -> dict[str, Any]:
        """Counts for humans and health checks: articles, chunks, outlets, date range, where."""
        rows = self._article_metas()
        with self._translate():
            chunk_count = self._chunks.count()
        outlets: dict[str, int] = {}
        days = []
        for _, meta in rows:
            name = meta.get("outlet") or "(none)"
            outlets[name] = outlets.get(name, 0) + 1
            if meta.get("published_at"):
                days.append(meta["published_at"])
        return {
            "articles": len(rows),
            "chunks": chunk_count,
            "outlets": dict(sorted(outlets.items())),
            "first_published": min(days) if days else None,
            "last_published": max(days) if days else None,
            "store": self.url or str(self.settings.chroma_dir),
            "collection": self.settings.collection,
            "version": self._seen_version,
        }

    def _chunk_total(self) -> int:
        """The chunk count, read once per version stamp (a count scans the whole collection)."""
        if self._count is None or self._count[0] != self._seen_version or not self._count[1]:
            self._count = (self._seen_version, int(self._chunks.count()))
        return self._count[1]

    def chunk_count(self) -> int:
        with self._translate():
            return int(self._chunks.count())

    def iter_chunks(self, page: int = _READ_PAGE) -> Iterator[ChunkRow]:
        """Every stored chunk (for rebuilding the lexical index), in pages."""
        with self._translate():
            offset = 0
            while True:
                got = self._chunks.get(include=["documents", "metadatas"], limit=page, offset=offset)
                for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                    yield ChunkRow(cid, text or "", meta or {})
                if len(got["ids"]) < page:
                    break
                offset += page

    def get_chunks(self, ids: Sequence[str]) -> list[ChunkRow]:
        with self._translate():
            got = self._chunks.get(ids=list(ids), include=["documents", "metadatas"])
        return [
            ChunkRow(i, t or "", m or {})
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def query(self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[ChunkRow, float]]:
        """Nearest chunks to ``embedding``: ``(row, cosine similarity)``, best first."""
        with self._translate():
            total = self._chunk_total()
            if total == 0:
                return []
            got = self._chunks.query(
                query_embeddings=[np.asarray(embedding, dtype=np.float32)],
                n_results=min(n, total),
                where=where or None,
                include=["documents", "metadatas", "distances"],
            )
        return [
            (ChunkRow(cid, text or "", meta or {}), 1.0 - float(dist))
            for cid, text, meta, dist in zip(
                got["ids"][0],
                got["documents"][0],
                got["metadatas"][0],
                got["distances"][0],
                strict=True,
            )
        ]

    def closest_articles(
        self, embedding: np.ndarray, n: int = 3, where: dict[str, Any] | None = None
    ) -> list[tuple[str, dict[str, Any], float]]:
        """Articles whose centroid is nearest ``embedding``: ``(id, metadata, similarity)``."""
        condition: dict[str, Any] = {"state": COMPLETE}
        if where:
            condition = {"$and": [condition, where]}
        with self._translate():
            total = self._articles.count()
            if total == 0:
                return []
            got = self._articles.query(
                query_embeddings=[np.asarray(embedding, dtype=np.float32)],
                n_results=min(n, total),
                where=condition,
                include=["metadatas", "distances"],
            )
        return [
            (aid, meta or {}, 1.0 - float(dist))
            for aid, meta, dist in zip(got["ids"][0], got["metadatas"][0], got["distances"][0], strict=True)
        ]


def _is_connection_error(exc: BaseException) -> bool:
    import httpx

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (httpx.TransportError, ConnectionError, OSError)):
            return True
        if "connect" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def open_store(settings: IndexSettings) -> NewsStore:
    """The store ``settings`` point at: a Chroma server when ``chroma_url`` is set, else embedded."""
    return NewsStore(settings)

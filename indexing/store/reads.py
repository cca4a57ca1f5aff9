"""The store's reads: articles, chunks, nearest neighbours, stats and the change log.

``StoreReader`` holds every read ``NewsStore`` offers; the writes live in
``indexing.store.chroma``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from indexing.models import Article
from indexing.store.connection import ChromaConnection
from indexing.store.rows import COMPLETE, READ_PAGE, ChunkRow, article_from_record, article_summary

__all__ = ["StoreReader"]


class StoreReader(ChromaConnection):
    """Reads over a store's collections (``NewsStore`` adds the writes)."""

    def change_ids(self) -> list[str]:
        """The ids of every change record (each names the articles one write touched)."""
        ids: list[str] = []
        with self._translate():
            offset = 0
            while True:
                got = self._changes.get(include=[], limit=READ_PAGE * 5, offset=offset)
                ids.extend(got["ids"])
                if len(got["ids"]) < READ_PAGE * 5:
                    break
                offset += READ_PAGE * 5
        return ids

    def changed_articles(self, change_ids: Sequence[str]) -> list[str]:
        """The article ids named by these change records (in no particular order)."""
        found: list[str] = []
        with self._translate():
            for i in range(0, len(change_ids), READ_PAGE):
                got = self._changes.get(ids=list(change_ids[i : i + READ_PAGE]), include=["documents"])
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

    def hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        """``{article_id: content_hash}`` of the complete records among ``article_ids``."""
        found: dict[str, str] = {}
        ids = list(dict.fromkeys(article_ids))
        with self._translate():
            for i in range(0, len(ids), READ_PAGE):
                got = self._articles.get(ids=ids[i : i + READ_PAGE], include=["metadatas"])
                for aid, meta in zip(got["ids"], got["metadatas"], strict=True):
                    if meta and meta.get("state") == COMPLETE:
                        found[aid] = str(meta.get("content_hash"))
        return found

    def get_article(self, article_id: str) -> Article | None:
        with self._translate():
            got = self._articles.get(ids=[article_id], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        meta, body = got["metadatas"][0] or {}, got["documents"][0]
        if meta.get("state") != COMPLETE:
            return None
        return article_from_record(article_id, meta, body or "")

    def article_texts(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The bodies of the stored articles among ``article_ids``, by id (one read per page of ids)."""
        ids = list(dict.fromkeys(article_ids))
        found: dict[str, str] = {}
        with self._translate():
            for i in range(0, len(ids), READ_PAGE):
                got = self._articles.get(ids=ids[i : i + READ_PAGE], include=["metadatas", "documents"])
                for aid, meta, body in zip(got["ids"], got["metadatas"], got["documents"], strict=True):
                    if meta and meta.get("state") == COMPLETE:
                        found[aid] = body or ""
        return found

    def _article_metas(self, outlet: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        where: dict[str, Any] = {"state": COMPLETE}
        if outlet:
            where = {"$and": [where, {"outlet": outlet}]}
        rows: list[tuple[str, dict[str, Any]]] = []
        with self._translate():
            offset = 0
            while True:
                got = self._articles.get(where=where, include=["metadatas"], limit=READ_PAGE, offset=offset)
                rows.extend(zip(got["ids"], (m or {} for m in got["metadatas"]), strict=True))
                if len(got["ids"]) < READ_PAGE:
                    break
                offset += READ_PAGE
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
        articles = [article_summary(aid, m) for aid, m in page]
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

    def iter_chunks(self, page: int = READ_PAGE) -> Iterator[ChunkRow]:
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

"""The store's connection to Chroma: embedded ``PersistentClient`` or a `chroma run` server (``HttpClient``).

``ChromaConnection`` opens the three collections (chunks, articles, changes),
reopens an embedded reader that another process's writes made stale, reads the
version stamp, and turns Chroma and network exceptions into ``StoreError``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from indexing.errors import BadInputError, StoreError
from indexing.settings import IndexSettings
from indexing.store.rows import EMBEDDER_KEY, VERSION_KEY

__all__ = ["ChromaConnection"]

logger = logging.getLogger("newsqa.store")


def _parse_url(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInputError(f"NEWSQA_CHROMA_URL must look like http://host:port, not {url!r}")
    ssl = parts.scheme == "https"
    return parts.hostname, parts.port or (443 if ssl else 8000), ssl


# Candidates the HNSW index explores per query (Chroma's default is 100). Over the 6,741 chunks of BBC News,
# 100 missed the true nearest chunk for 11 of the 400 analyst questions and 0.6 % of the true top 10; 200 misses
# only exact ties between copies of one story (recall@10 0.999) for about 0.5 ms more per query
# (bench/ann_recall.py).
HNSW_EF_SEARCH = 200


def _widen_search(collection: Any) -> None:
    """Raise an existing collection's ``ef_search`` to :data:`HNSW_EF_SEARCH` (a store made with Chroma's default
    keeps it otherwise); before its index is loaded, so this process searches with it too."""
    from chromadb.errors import ChromaError

    try:
        hnsw = (collection.configuration or {}).get("hnsw") or {}
        if hnsw and int(hnsw.get("ef_search") or 0) < HNSW_EF_SEARCH:
            collection.modify(configuration={"hnsw": {"ef_search": HNSW_EF_SEARCH}})
    except (ChromaError, ValueError, TypeError, AttributeError) as exc:
        # a server that cannot change it: search as the store is, and say so
        logger.warning("could not raise ef_search of %s: %s", getattr(collection, "name", "?"), exc)


class ChromaConnection:
    """The Chroma client and collections of one store; the base of ``NewsStore``."""

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
            config = {"hnsw": {"space": "cosine", "ef_search": HNSW_EF_SEARCH}}
            self._chunks = self._client.get_or_create_collection(
                self.settings.collection, configuration=config, embedding_function=None
            )
            self._articles = self._client.get_or_create_collection(
                f"{self.settings.collection}_articles",
                configuration=config,
                embedding_function=None,
            )
            for collection in (self._chunks, self._articles):
                _widen_search(collection)
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

    def identity(self) -> str:
        """Which store this is: location and the chunk collection's id (a recreated collection differs)."""
        with self._translate():
            return f"{self.url or self.settings.chroma_dir}|{self.settings.collection}|{self._chunks.id}"


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

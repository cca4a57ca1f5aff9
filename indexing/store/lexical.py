"""BM25 over a store's chunks, kept up to date incrementally (``LexicalIndex``).

The Chroma store is the one source of truth; this index is derived from it and
catches up from the store's change log (``VectorStore.change_ids``): every write,
by any process on any machine sharing a Chroma server, logs the articles it
touched. ``ensure`` applies the changes this index has not seen yet by reading
those articles' chunks as they are now: an added article's chunks join the
index, a replaced or deleted article's old chunks leave it. Applying a change
is idempotent, so the order in which processes see changes does not matter:
every process ends with the index of the store's current chunks, whatever it
saw in between. Adding 100 articles costs reading and tokenizing those 100.

The index is saved under ``settings.lexical_dir`` (per store identity) after a
full build and after larger catch-ups, so the next process loads it and
applies only the changes since. With no saved copy (a new machine) the first
query builds it from the store once.

The word counts for typo correction keep the words of replaced or deleted
chunks until the next full build (which happens when more than a quarter of
the index has been replaced).

The index itself (postings, scoring, filters, typo correction) is
``indexing.store.bm25``; the saved copy's files are ``indexing.store.lexical_files``.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np

from indexing.settings import IndexSettings
from indexing.store.bm25 import Bm25Index, LexicalFilter
from indexing.store.lexical_files import FORMAT, index_dir, read_generation, write_generation

if TYPE_CHECKING:
    from pathlib import Path

    from indexing.store.protocol import VectorStore

__all__ = ["LexicalFilter", "LexicalIndex"]

logger = logging.getLogger("newsqa.lexical")

# a catch-up touching more than this share of the indexed articles rebuilds from the store instead
_REBUILD_SHARE = 0.5
# dead chunks above this share of the index: rebuild (refreshes the word counts too)
_DEAD_SHARE = 0.25
_MIN_MERGE = 200_000  # delta postings before a merge is considered


class LexicalIndex(Bm25Index):
    """BM25 over one store's chunks, caught up with the store's change log on each ``ensure``."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.root = settings.lexical_dir / settings.collection
        self._version: str | None = None
        self._identity: str | None = None
        self._applied: set[str] = set()  # change records already applied
        super().__init__()

    @property
    def version(self) -> str | None:
        return self._version

    # --- keeping in step ----------------------------------------------------------------------
    def ensure(self, store: VectorStore, version: str | None = None) -> None:
        """Catch up with the store: load the saved index or build it once, then apply new changes."""
        current = version if version is not None else store.version()
        if current == self._version:
            return
        with self._lock:
            if current == self._version:
                return
            identity = store.identity()
            if identity != self._identity:
                self._reset()
                self._applied = set()
                if not self._load(identity):
                    self._full_build(store, identity)
            self._catch_up(store, identity)
            self._version = current

    def _full_build(self, store: VectorStore, identity: str) -> None:
        changes = store.change_ids()  # listed first: every change after this is applied later
        started = time.perf_counter()
        self._reset()
        self._build(store.iter_chunks())
        self._applied = set(changes)
        self._identity = identity
        logger.info("built the lexical index of %d chunks in %.1f s", self._n_live, time.perf_counter() - started)
        self._save(identity)

    def _catch_up(self, store: VectorStore, identity: str) -> None:
        changes = [c for c in store.change_ids() if c not in self._applied]
        if not changes:
            return
        articles = store.changed_articles(changes)
        if (
            self._dead > _DEAD_SHARE * max(self._n_live, 1)
            or len(articles) > _REBUILD_SHARE * max(len(self._article_docs), 1)
            and len(articles) > 1000
        ):
            self._full_build(store, identity)
            return
        self._remove_articles(articles)
        self._add(store.chunks_of(articles))
        self._applied.update(changes)
        if self._delta_size > max(_MIN_MERGE, len(self._post_docs) // 10):
            self._merge()
        if self._added_since_save > max(1000, self._n_live // 10):
            self._save(identity)

    # --- persistence ----------------------------------------------------------------------------
    def _dir_for(self, identity: str) -> Path:
        return index_dir(self.root, identity)

    def _save(self, identity: str) -> None:
        """Write a generation folder, then point ``current`` at it (readers never see half)."""
        with self._lock:
            if self._delta or self._dead:
                self._merge()
            base = self._dir_for(identity)
            arrays: dict[str, np.ndarray] = {
                "indptr": self._indptr,
                "post_docs": self._post_docs,
                "post_tf": self._post_tf,
                "lengths": self._lengths,
                "outlet_codes": self._outlet_codes,
                "days": self._days,
            }
            state = {
                "format": FORMAT,
                "identity": identity,
                "vocab": list(self._vocab),
                "outlets": list(self._outlet_ids),
                "chunk_ids": self.chunk_ids,
                "applied": sorted(self._applied),
            }
            try:
                write_generation(base, arrays, state, self.words)
                self._added_since_save = 0
            except OSError as exc:
                # the saved copy is an optimisation: a read-only home still answers from memory
                logger.warning("could not save the lexical index to %s: %s", base, exc)

    def _load(self, identity: str) -> bool:
        base = self._dir_for(identity)
        try:
            generation = read_generation(base, identity)
        except (OSError, ValueError, KeyError) as exc:
            logger.debug("lexical index at %s not usable (%s); building it", base, exc)
            return False
        if generation is None:
            return False
        loaded, state, words = generation
        self._reset()
        self._indptr = loaded["indptr"]
        self._post_docs = loaded["post_docs"]
        self._post_tf = loaded["post_tf"]
        self._lengths = loaded["lengths"]
        self._outlet_codes = loaded["outlet_codes"]
        self._days = loaded["days"]
        self._vocab = {term: i for i, term in enumerate(state["vocab"])}
        self._outlet_ids = {name: i for i, name in enumerate(state["outlets"])}
        self.chunk_ids = list(state["chunk_ids"])
        self._doc_of = {cid: i for i, cid in enumerate(self.chunk_ids)}
        for i, cid in enumerate(self.chunk_ids):
            self._article_docs.setdefault(cid.rsplit(":", 1)[0], []).append(i)
        self._live = np.ones(len(self.chunk_ids), dtype=bool)
        self._n_live = len(self.chunk_ids)
        self._total_length = float(self._lengths.sum())
        self._applied = set(state["applied"])
        self._identity = identity
        self.words = words
        return True

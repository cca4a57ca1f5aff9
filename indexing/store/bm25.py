"""BM25 in memory over chunk rows (English stemming and stopwords): ``Bm25Index``, and ``LexicalFilter``.

Layout: a compressed postings matrix (``main``: term -> chunk numbers and
term frequencies) plus small per-term lists for what was added since
(``delta``), merged into ``main`` when it grows past a tenth of it (amortised,
never per write). Scores are computed at query time from the live counts
(number of chunks, average length, document frequency), so they are exactly
those of an index built from scratch over the same chunks (the Lucene BM25
variant of bm25s: k1 1.5, b 0.75, same tokens). A replaced or deleted chunk is
marked dead and dropped at the next merge.

``words`` counts the lower-case words of the indexed text for typo correction
(``correct``, see ``indexing.store.typos``); words of removed chunks stay counted
until the index is built again.

Keeping it in step with a store and saving it: ``indexing.store.lexical``.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from indexing.chunks.chunking import embedding_text
from indexing.errors import StoreError
from indexing.store.rows import ChunkRow, published_day
from indexing.store.typos import correct_query

__all__ = ["Bm25Index", "LexicalFilter"]

_K1, _B = 1.5, 0.75  # bm25s defaults (Lucene variant)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's token pattern
_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@dataclass(frozen=True)
class LexicalFilter:
    """Which chunks may match: outlets (any of), and a publication date range (inclusive)."""

    outlets: tuple[str, ...] | None = None
    since: date | None = None
    until: date | None = None


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


class _Vocabulary:
    """The stemmed terms of the live index (``term in vocabulary``)."""

    def __init__(self, index: Bm25Index) -> None:
        self._index = index

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and (term in self._index._vocab or term in self._index._delta)

    def __len__(self) -> int:
        return len(self._index._vocab.keys() | self._index._delta.keys())


class Bm25Index:
    """BM25 over chunk rows, updated in place (``_add``, ``_remove_articles``, ``_merge``; ``LexicalIndex`` keeps
    it in step with a store); ``search``, ``mask`` and ``correct`` read it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stem = _stemmer()
        self._stems: dict[str, str] = {}
        self._reset()

    def _reset(self) -> None:
        # per chunk ("doc"): id, article, live, length, outlet code, day
        self.chunk_ids: list[str] = []
        self._doc_of: dict[str, int] = {}
        self._article_docs: dict[str, list[int]] = {}
        self._live = np.zeros(0, dtype=bool)
        self._lengths = np.zeros(0, dtype=np.float32)
        self._outlet_codes = np.zeros(0, dtype=np.int32)
        self._outlet_ids: dict[str, int] = {}
        self._days = np.zeros(0, dtype=np.int64)
        self._n_live = 0
        self._total_length = 0.0
        self._dead = 0
        # postings: main (CSR over terms) + delta (per-term lists)
        self._vocab: dict[str, int] = {}
        self._indptr = np.zeros(1, dtype=np.int64)
        self._post_docs = np.zeros(0, dtype=np.int32)
        self._post_tf = np.zeros(0, dtype=np.float32)
        self._delta: dict[str, tuple[list[int], list[int]]] = {}
        self._delta_size = 0
        self.words: Counter[str] = Counter()  # lower-case word -> occurrences, for typo correction
        self._added_since_save = 0  # chunks added since the saved copy (``LexicalIndex`` saves past a share)

    @property
    def vocabulary(self) -> _Vocabulary:
        """The stemmed terms the corpus uses (what the answer chain checks question nouns against)."""
        return _Vocabulary(self)

    def __len__(self) -> int:
        return self._n_live

    def live_chunk_ids(self) -> set[str]:
        return {cid for cid, alive in zip(self.chunk_ids, self._live, strict=True) if alive}

    # --- tokens ---------------------------------------------------------------------------------
    def _tokens(self, text: str) -> list[str]:
        stops, stems = _stopwords(), self._stems
        out = []
        for word in _TOKEN.findall(text.lower()):
            if word in stops:
                continue
            stem = stems.get(word)
            if stem is None:
                stem = stems[word] = self._stem.stemWord(word)
            out.append(stem)
        return out

    # --- building ---------------------------------------------------------------------------------
    def _build(self, rows: Iterable[ChunkRow]) -> None:
        """Index ``rows`` from scratch (the store's chunks, or any chunk rows)."""
        self._reset()
        self._add(rows)
        self._merge()

    def _remove_articles(self, article_ids: Iterable[str]) -> None:
        for aid in article_ids:
            for doc in self._article_docs.pop(aid, []):
                if self._live[doc]:
                    self._live[doc] = False
                    self._n_live -= 1
                    self._total_length -= float(self._lengths[doc])
                    self._dead += 1
                self._doc_of.pop(self.chunk_ids[doc], None)

    def _add(self, rows: Iterable[ChunkRow]) -> None:
        lengths: list[float] = []
        outlets: list[int] = []
        days: list[int] = []
        first = len(self.chunk_ids)
        for row in rows:
            if row.id in self._doc_of:  # already indexed (a page read twice while the store changed)
                continue
            doc = len(self.chunk_ids)
            meta = row.meta
            text = embedding_text(meta.get("title", ""), row.text)
            tokens = self._tokens(text)
            for term, tf in Counter(tokens).items():
                entry = self._delta.get(term)
                if entry is None:
                    entry = self._delta[term] = ([], [])
                entry[0].append(doc)
                entry[1].append(tf)
            self._delta_size += len(set(tokens))
            self.words.update(_WORD.findall(text.lower()))
            self.chunk_ids.append(row.id)
            self._doc_of[row.id] = doc
            aid = str(meta.get("article_id", row.id.rsplit(":", 1)[0]))
            self._article_docs.setdefault(aid, []).append(doc)
            lengths.append(float(len(tokens)))
            outlet = meta.get("outlet")
            outlets.append(self._outlet_ids.setdefault(outlet, len(self._outlet_ids)) if outlet else -1)
            days.append(int(meta.get("published_day", -1)))
        added = len(self.chunk_ids) - first
        if not added:
            return
        self._live = np.concatenate([self._live, np.ones(added, dtype=bool)])
        self._lengths = np.concatenate([self._lengths, np.asarray(lengths, dtype=np.float32)])
        self._outlet_codes = np.concatenate([self._outlet_codes, np.asarray(outlets, dtype=np.int32)])
        self._days = np.concatenate([self._days, np.asarray(days, dtype=np.int64)])
        self._n_live += added
        self._total_length += float(sum(lengths))
        self._added_since_save += added

    def _merge(self) -> None:
        """Fold the delta into ``main`` and drop dead chunks (renumbering the live ones)."""
        n_terms = len(self._vocab)
        for term in self._delta:
            if term not in self._vocab:
                self._vocab[term] = len(self._vocab)
        counts = np.diff(self._indptr)
        term_of = np.repeat(np.arange(n_terms, dtype=np.int64), counts)
        delta_terms, delta_docs, delta_tf = [], [], []
        for term, (term_docs, term_tfs) in self._delta.items():
            delta_terms.append(np.full(len(term_docs), self._vocab[term], dtype=np.int64))
            delta_docs.append(np.asarray(term_docs, dtype=np.int32))
            delta_tf.append(np.asarray(term_tfs, dtype=np.float32))
        terms = np.concatenate([term_of, *delta_terms])
        docs = np.concatenate([self._post_docs, *delta_docs])
        tfs = np.concatenate([self._post_tf, *delta_tf])
        if self._dead:
            keep = self._live[docs]
            terms, docs, tfs = terms[keep], docs[keep], tfs[keep]
            renumber = np.cumsum(self._live, dtype=np.int64) - 1
            docs = renumber[docs].astype(np.int32)
            alive = np.flatnonzero(self._live)
            self.chunk_ids = [self.chunk_ids[i] for i in alive]
            self._lengths = self._lengths[alive]
            self._outlet_codes = self._outlet_codes[alive]
            self._days = self._days[alive]
            self._live = np.ones(len(alive), dtype=bool)
            self._doc_of = {cid: i for i, cid in enumerate(self.chunk_ids)}
            old_to_new = {int(o): i for i, o in enumerate(alive)}
            self._article_docs = {
                aid: [old_to_new[d] for d in ds if d in old_to_new] for aid, ds in self._article_docs.items()
            }
            self._dead = 0
        order = np.lexsort((docs, terms))
        terms, docs, tfs = terms[order], docs[order], tfs[order]
        indptr = np.zeros(len(self._vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(self._vocab)), out=indptr[1:])
        self._indptr, self._post_docs, self._post_tf = indptr, docs, tfs
        self._delta = {}
        self._delta_size = 0

    # --- search -------------------------------------------------------------------------------
    def mask(self, where: LexicalFilter | None) -> np.ndarray | None:
        """Boolean mask of chunks passing ``where`` (None: all pass)."""
        if where is None or (not where.outlets and not where.since and not where.until):
            return None
        allowed = np.ones(len(self.chunk_ids), dtype=bool)
        if where.outlets:
            codes = [self._outlet_ids[o] for o in where.outlets if o in self._outlet_ids]
            allowed &= np.isin(self._outlet_codes, np.asarray(codes, dtype=np.int32))
        if where.since:
            allowed &= self._days >= published_day(where.since)
        if where.until:
            allowed &= (self._days >= 0) & (self._days <= published_day(where.until))
        return allowed

    def _postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        parts_docs, parts_tf = [], []
        tid = self._vocab.get(term)
        if tid is not None:
            lo, hi = self._indptr[tid], self._indptr[tid + 1]
            parts_docs.append(self._post_docs[lo:hi])
            parts_tf.append(self._post_tf[lo:hi])
        extra = self._delta.get(term)
        if extra is not None:
            parts_docs.append(np.asarray(extra[0], dtype=np.int32))
            parts_tf.append(np.asarray(extra[1], dtype=np.float32))
        if not parts_docs:
            return None
        docs = parts_docs[0] if len(parts_docs) == 1 else np.concatenate(parts_docs)
        tfs = parts_tf[0] if len(parts_tf) == 1 else np.concatenate(parts_tf)
        if self._dead:
            alive = self._live[docs]
            docs, tfs = docs[alive], tfs[alive]
        return (docs, tfs) if len(docs) else None

    def search(self, query: str, n: int, where: LexicalFilter | None = None) -> list[tuple[str, float]]:
        """Top ``n`` chunks for ``query``: ``(chunk id, BM25 score)``, best first; no zero scores."""
        with self._lock:
            if not self._n_live:
                return []
            try:
                total = len(self.chunk_ids)
                n_live = self._n_live
                average = self._total_length / n_live if n_live else 1.0
                all_docs, all_weights = [], []
                for term in self._tokens(query):
                    found = self._postings(term)
                    if found is None:
                        continue
                    docs, tfs = found
                    df = len(docs)
                    idf = math.log(1 + (n_live - df + 0.5) / (df + 0.5))
                    norm = _K1 * ((1 - _B) + _B * self._lengths[docs] / average)
                    all_docs.append(docs)
                    all_weights.append(idf * tfs / (norm + tfs))
                if not all_docs:
                    return []
                scores = np.bincount(
                    np.concatenate(all_docs), weights=np.concatenate(all_weights), minlength=total
                ).astype(np.float32)
            except Exception as exc:
                raise StoreError(f"the lexical index failed: {exc}") from exc
            allowed = self.mask(where)
            if allowed is not None:
                scores = np.where(allowed, scores, 0.0)
            n = min(n, len(scores))
            top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    # --- typo correction --------------------------------------------------------------------
    def correct(self, query: str) -> tuple[str, list[tuple[str, str]]]:
        """``query`` with words the corpus never uses replaced by the closest word it uses often
        (``indexing.store.typos.correct_query`` over this index's words and stemmed terms)."""
        return correct_query(query, self.words, self.vocabulary, self._stem.stemWord)

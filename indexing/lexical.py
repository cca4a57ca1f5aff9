"""BM25 over the stored chunks (English stemming and stopwords), kept up to date incrementally.

The Chroma store is the one source of truth; this index is derived from it and
catches up from the store's change log (``VectorStore.change_ids``): every write,
by any process on any machine sharing a Chroma server, logs the articles it
touched. ``ensure`` applies the changes this index has not seen yet by reading
those articles' chunks as they are now: an added article's chunks join the
index, a replaced or deleted article's old chunks leave it. Applying a change
is idempotent, so the order in which processes see changes does not matter:
every process ends with the index of the store's current chunks, whatever it
saw in between. Adding 100 articles costs reading and tokenizing those 100.

Layout: a compressed postings matrix (``main``: term -> chunk numbers and
term frequencies) plus small per-term lists for what was added since
(``delta``), merged into ``main`` when it grows past a tenth of it (amortised,
never per write). Scores are computed at query time from the live counts
(number of chunks, average length, document frequency), so they are exactly
those of an index built from scratch over the same chunks (the Lucene BM25
variant of bm25s: k1 1.5, b 0.75, same tokens). A replaced or deleted chunk is
marked dead and dropped at the next merge.

The index is saved under ``settings.lexical_dir`` (per store identity) after a
full build and after larger catch-ups, so the next process loads it and
applies only the changes since. With no saved copy (a new machine) the first
query builds it from the store once.

``words`` counts the lower-case words of the indexed text for typo correction;
words of replaced or deleted chunks stay counted until the next full build
(which happens when more than a quarter of the index has been replaced).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .chunking import embedding_text
from .errors import StoreError
from .settings import IndexSettings
from .store_rows import ChunkRow, published_day

if TYPE_CHECKING:
    from .vector_store import VectorStore

__all__ = ["LexicalFilter", "LexicalIndex"]

logger = logging.getLogger("newsqa.lexical")

_FORMAT = 3  # bump when the on-disk layout changes
_K1, _B = 1.5, 0.75  # bm25s defaults (Lucene variant)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's token pattern
_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# a catch-up touching more than this share of the indexed articles rebuilds from the store instead
_REBUILD_SHARE = 0.5
# dead chunks above this share of the index: rebuild (refreshes the word counts too)
_DEAD_SHARE = 0.25
_MIN_MERGE = 200_000  # delta postings before a merge is considered


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


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

    def __init__(self, index: LexicalIndex) -> None:
        self._index = index

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and (term in self._index._vocab or term in self._index._delta)

    def __len__(self) -> int:
        return len(self._index._vocab.keys() | self._index._delta.keys())


class LexicalIndex:
    """BM25 over one store's chunks, caught up with the store's change log on each ``ensure``."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.root = settings.lexical_dir / settings.collection
        self._lock = threading.RLock()
        self._stem = _stemmer()
        self._stems: dict[str, str] = {}
        self._version: str | None = None
        self._identity: str | None = None
        self._applied: set[str] = set()  # change records already applied
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
        self._added_since_save = 0

    @property
    def version(self) -> str | None:
        return self._version

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

    # --- persistence ----------------------------------------------------------------------------
    def _dir_for(self, identity: str) -> Path:
        return self.root / hashlib.sha1(f"{_FORMAT}:{identity}".encode()).hexdigest()[:16]

    def _save(self, identity: str) -> None:
        """Write a generation folder, then point ``current`` at it (readers never see half)."""
        with self._lock:
            if self._delta or self._dead:
                self._merge()
            base = self._dir_for(identity)
            try:
                base.mkdir(parents=True, exist_ok=True)
                name = f"g{time.time_ns()}-{os.getpid()}-{threading.get_ident()}"
                tmp = base / f".tmp-{name}"
                tmp.mkdir()
                np.savez(
                    tmp / "index.npz",
                    indptr=self._indptr,
                    post_docs=self._post_docs,
                    post_tf=self._post_tf,
                    lengths=self._lengths,
                    outlet_codes=self._outlet_codes,
                    days=self._days,
                )
                state = {
                    "format": _FORMAT,
                    "identity": identity,
                    "vocab": list(self._vocab),
                    "outlets": list(self._outlet_ids),
                    "chunk_ids": self.chunk_ids,
                    "applied": sorted(self._applied),
                }
                (tmp / "state.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
                (tmp / "words.json").write_text(json.dumps(self.words, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, base / name)
                pointer = base / f".current-{name}"
                pointer.write_text(name)
                os.replace(pointer, base / "current")
                for old in base.iterdir():
                    if old.is_dir() and old.name != name and not old.name.startswith(".tmp-"):
                        shutil.rmtree(old, ignore_errors=True)
                self._added_since_save = 0
            except OSError as exc:
                # the saved copy is an optimisation: a read-only home still answers from memory
                logger.warning("could not save the lexical index to %s: %s", base, exc)

    def _load(self, identity: str) -> bool:
        base = self._dir_for(identity)
        try:
            folder = base / (base / "current").read_text().strip()
            state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
            if state.get("format") != _FORMAT or state.get("identity") != identity:
                return False
            with np.load(folder / "index.npz") as arrays:
                loaded = {key: arrays[key] for key in arrays.files}
            words = Counter(json.loads((folder / "words.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            logger.debug("lexical index at %s not usable (%s); building it", base, exc)
            return False
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
        """``query`` with words the corpus never uses replaced by the closest word it uses often.

        A word of four letters or more that is neither in the corpus nor shares its stem with a
        corpus word (nor an English function word: "what", "which", "about" ...) is replaced by
        the most frequent corpus word one edit away (a letter
        inserted, deleted, replaced, or two neighbours swapped: "minster" -> "minister",
        "qouta" -> "quota"), or two edits away for words of seven letters or more. Returns the
        corrected query and the ``(typed, corrected)`` pairs, in order (no pairs: unchanged).
        """
        words = self.words
        vocab = self.vocabulary
        if not words:
            return query, []
        fixes: list[tuple[str, str]] = []

        def fix(match: re.Match[str]) -> str:
            typed = match.group(0)
            low = typed.lower()
            if (
                len(low) < 4
                or low in words
                or not low.isalpha()
                or low in _function_words()
                or self._stem.stemWord(low) in vocab
            ):
                return typed
            best = _closest(low, words, two_edits=len(low) >= 7)
            if best is None:
                return typed
            fixes.append((typed, best))
            return best.capitalize() if typed[:1].isupper() and not typed.isupper() else best

        corrected = re.sub(r"[A-Za-z][A-Za-z'’-]*", fix, query)
        return corrected, fixes


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | swaps | replaces | inserts


def _closest(word: str, words: Counter[str], *, two_edits: bool) -> str | None:
    """The most frequent word of ``words`` one edit from ``word`` (or two, when allowed); seen twice or more.

    A word the corpus has only once may be a typo itself.
    """
    near = [w for w in _edits1(word) if words.get(w, 0) >= 2]
    if not near and two_edits:
        near = [w for e in _edits1(word) for w in _edits1(e) if words.get(w, 0) >= 2]
    if not near:
        return None
    return max(near, key=lambda w: (words[w], w))

"""BM25 over the stored chunks (bm25s, English stemming and stopwords).

The lexical index is a *derived cache* of the Chroma collection: it is rebuilt
from the collection's contents whenever the store's version stamp differs from
the one it was built at, and saved under ``settings.lexical_dir`` so the next
process loads it instead of rebuilding. A reader in another process, or a
client of a shared Chroma server, therefore sees new articles on its next query.

Each indexed text is the chunk's title header plus its text (the same string
the embedder sees). Outlet and date filters are applied as a mask over the
scores, from metadata kept beside the index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .chunking import embedding_text
from .errors import StoreError
from .settings import Settings
from .store import ChunkRow, published_day

if TYPE_CHECKING:
    from .store import NewsStore

__all__ = ["LexicalFilter", "LexicalIndex"]

logger = logging.getLogger("newsqa.lexical")
# bm25s logs every index build at DEBUG through its own handler; users need none of it
logging.getLogger("bm25s").setLevel(logging.WARNING)

_FORMAT = 2  # bump when the on-disk layout changes
_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


@dataclass(frozen=True)
class LexicalFilter:
    """Which chunks may match: outlets (any of), and a publication date range (inclusive)."""

    outlets: tuple[str, ...] | None = None
    since: date | None = None
    until: date | None = None


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


class LexicalIndex:
    """BM25 over one store's chunks, kept in step with the store's version stamp."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.lexical_dir / settings.collection
        self._lock = threading.Lock()
        self._version: str | None = None
        self._retriever: Any = None
        self._stem = _stemmer()
        self.rows: list[ChunkRow] = []
        self._outlet_codes = np.zeros(0, dtype=np.int32)
        self._outlet_ids: dict[str, int] = {}
        self._days = np.zeros(0, dtype=np.int64)
        self.words: Counter[str] = Counter()  # lower-case word -> occurrences, for typo correction

    @property
    def version(self) -> str | None:
        return self._version

    def __len__(self) -> int:
        return len(self.rows)

    # --- keeping in step ----------------------------------------------------------------------
    def ensure(self, store: NewsStore, version: str | None = None) -> None:
        """Bring the index to the store's current version (load from disk, else rebuild)."""
        current = version if version is not None else store.version()
        if current == self._version:
            return
        with self._lock:
            if current == self._version:
                return
            if not self._load(current):
                self._build(store.iter_chunks())
                self._save(current)
            self._version = current

    def rebuild(self, store: NewsStore) -> None:
        """Rebuild from the store now (the pipeline calls this once at the end of a run)."""
        current = store.version()
        with self._lock:
            self._build(store.iter_chunks())
            self._save(current)
            self._version = current

    def _build(self, rows: Any) -> None:
        import bm25s

        self.rows = list(rows)
        texts = [embedding_text(r.meta.get("title", ""), r.text) for r in self.rows]
        if texts:
            tokens = bm25s.tokenize(texts, stopwords="en", stemmer=self._stem, show_progress=False)
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=False)
            self._retriever = retriever
        else:
            self._retriever = None
        self.words = Counter(w for text in texts for w in _WORD.findall(text.lower()))
        self._index_metadata()

    def _index_metadata(self) -> None:
        self._outlet_ids = {}
        codes = []
        for row in self.rows:
            outlet = row.meta.get("outlet")
            codes.append(
                self._outlet_ids.setdefault(outlet, len(self._outlet_ids)) if outlet else -1
            )
        self._outlet_codes = np.asarray(codes, dtype=np.int32)
        self._days = np.asarray(
            [int(r.meta.get("published_day", -1)) for r in self.rows], dtype=np.int64
        )

    # --- persistence ----------------------------------------------------------------------------
    def _dir_for(self, version: str) -> Path:
        return self.root / hashlib.sha1(f"{_FORMAT}:{version}".encode()).hexdigest()[:16]

    def _save(self, version: str) -> None:
        """Write the index to a temporary folder and rename it into place (readers never see half)."""
        target = self._dir_for(version)
        if (target / "version.json").exists():
            return  # another process saved this version already
        try:
            tmp = self.root / f".tmp-{os.getpid()}-{threading.get_ident()}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            if self._retriever is not None:
                self._retriever.save(str(tmp / "bm25"), show_progress=False)
            with open(tmp / "rows.jsonl", "w", encoding="utf-8") as out:
                out.writelines(
                    json.dumps(
                        {"id": row.id, "text": row.text, "meta": row.meta}, ensure_ascii=False
                    )
                    + "\n"
                    for row in self.rows
                )
            (tmp / "words.json").write_text(json.dumps(self.words, ensure_ascii=False), encoding="utf-8")
            (tmp / "version.json").write_text(json.dumps({"version": version, "format": _FORMAT}))
            if target.exists():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                os.replace(tmp, target)
            for old in self.root.iterdir():
                if old.is_dir() and old != target and not old.name.startswith(".tmp-"):
                    shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            # the cache is an optimisation: a read-only home still answers from memory
            logger.warning("could not save the lexical index to %s: %s", self.root, exc)

    def _load(self, version: str) -> bool:
        import bm25s

        folder = self._dir_for(version)
        try:
            stamp = json.loads((folder / "version.json").read_text())
            if stamp.get("version") != version:
                return False
            rows = []
            with open(folder / "rows.jsonl", encoding="utf-8") as lines:
                for line in lines:
                    item = json.loads(line)
                    rows.append(ChunkRow(item["id"], item["text"], item["meta"]))
            retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False) if rows else None
            words = Counter(json.loads((folder / "words.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            logger.debug("lexical index at %s not usable (%s); rebuilding", folder, exc)
            return False
        self.rows, self._retriever, self.words = rows, retriever, words
        self._index_metadata()
        return True

    # --- search -------------------------------------------------------------------------------
    def mask(self, where: LexicalFilter | None) -> np.ndarray | None:
        """Boolean mask of chunks passing ``where`` (None: all pass)."""
        if where is None or (not where.outlets and not where.since and not where.until):
            return None
        allowed = np.ones(len(self.rows), dtype=bool)
        if where.outlets:
            codes = [self._outlet_ids[o] for o in where.outlets if o in self._outlet_ids]
            allowed &= np.isin(self._outlet_codes, np.asarray(codes, dtype=np.int32))
        if where.since:
            allowed &= self._days >= published_day(where.since)
        if where.until:
            allowed &= (self._days >= 0) & (self._days <= published_day(where.until))
        return allowed

    def search(
        self, query: str, n: int, where: LexicalFilter | None = None
    ) -> list[tuple[int, float]]:
        """Top ``n`` chunks for ``query``: ``(row index, BM25 score)``, best first; no zero scores."""
        import bm25s

        retriever = self._retriever
        if retriever is None or not self.rows:
            return []
        try:
            tokens = bm25s.tokenize(
                [query], stopwords="en", stemmer=self._stem, return_ids=False, show_progress=False
            )[0]
            known = [t for t in tokens if t in retriever.vocab_dict]
            if not known:
                return []
            scores = np.asarray(retriever.get_scores(known), dtype=np.float32)
        except Exception as exc:
            raise StoreError(f"the lexical index failed: {exc}") from exc
        allowed = self.mask(where)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

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
        vocab = getattr(self._retriever, "vocab_dict", None) or {}
        if not words:
            return query, []
        fixes: list[tuple[str, str]] = []

        def fix(match: re.Match[str]) -> str:
            typed = match.group(0)
            low = typed.lower()
            if len(low) < 4 or low in words or not low.isalpha() or low in _function_words() or self._stem.stemWord(low) in vocab:
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

"""The support measure: does a piece of evidence back an answer sentence?

``SupportScorer(embedder).score(sentence, evidence) -> SupportScore`` combines

- ``similarity``: cosine similarity of the two texts' MiniLM embeddings
  (marks and ``[n]`` citations removed from the sentence first), and
- ``overlap``: the share of the sentence's content words (stemmed, without
  stop words and reporting words like "said" / "according") found in the
  evidence — how much of what the sentence says is written in the evidence,

into ``combined = SIMILARITY_WEIGHT * similarity + (1 - SIMILARITY_WEIGHT) * overlap``.
A sentence is ``supported`` when ``combined >= SUPPORT_THRESHOLD`` and every
number it states (figures, years, percentages) appears in the evidence.

This is **not** an NLI model: it measures topical and lexical closeness, so it
catches sentences about something else, invented figures and invented
content, but not a negation ("did not approve" vs "approved") or a swapped
subject with the same words. The threshold was calibrated on a small
hand-labelled set of invented pairs (``tests/fixtures/support_labels.jsonl``,
``calibrate()`` reproduces it); see ``docs/answers.md`` for the agreement.

Used by the attribution guard (``app/guard/guard.py``) and by the eval suite.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.compose.marks import strip_citations, strip_marks
from indexing.embedding.embedder import Embedder
from indexing.text.lexicon import REPORTING_WORDS, SUPPORT_STOP_WORDS

__all__ = [
    "SIMILARITY_WEIGHT",
    "SUPPORT_THRESHOLD",
    "VERBATIM_OVERLAP",
    "CachedEmbedder",
    "SupportScore",
    "SupportScorer",
    "calibrate",
    "content_words",
    "load_labels",
]

# Calibrated on tests/fixtures/support_labels.jsonl (see calibrate()); the
# agreement with the hand labels at this threshold is reported in docs/answers.md.
SUPPORT_THRESHOLD = 0.55
SIMILARITY_WEIGHT = 0.5
# A sentence whose content words are (almost) all in the evidence is supported
# without an embedding call: the extractive composer writes such sentences.
VERBATIM_OVERLAP = 0.9

# Words an answer adds around a claim to keep its attribution; they are not content.
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer

    return Stemmer.Stemmer("english")


def content_words(text: str, *, drop_reporting: bool = False) -> list[str]:
    """Stemmed, lower-cased content words of ``text`` (stop words removed), in order."""
    words = []
    for token in _WORD.findall(text):
        w = token.lower().replace("’", "'")
        w = w.removesuffix("'s")
        for part in w.split("-") if "-" in w else (w,):
            if not part or part in SUPPORT_STOP_WORDS or (drop_reporting and part in REPORTING_WORDS):
                continue
            words.append(part)
    return _stemmer().stemWords(words) if words else []


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


@dataclass(frozen=True)
class SupportScore:
    """How well a piece of evidence supports a sentence; ``supported`` applies the calibrated threshold."""

    similarity: float
    overlap: float
    combined: float
    supported: bool
    missing_numbers: tuple[str, ...] = ()


class CachedEmbedder:
    """An embedder with an LRU cache per text: repeated passages and questions cost nothing.

    Answering embeds the same claim sentences again and again (they come back
    for related questions); the cache keeps the warm path light.
    """

    def __init__(self, embedder: Embedder, *, maxsize: int = 20_000) -> None:
        self.inner = embedder
        self.maxsize = maxsize
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self.inner.embed(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self.maxsize:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = []
            for t in texts:
                v = self._cache.get(t)
                if v is None:  # evicted between the two locks by another thread
                    v = self.inner.embed([t])[0]
                else:
                    self._cache.move_to_end(t)
                rows.append(v)
        if not rows:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack(rows).astype(np.float32, copy=False)


def as_cached(embedder: Embedder | CachedEmbedder) -> CachedEmbedder:
    """Wrap ``embedder`` in a cache once (the wrapper is remembered on the embedder)."""
    if isinstance(embedder, CachedEmbedder):
        return embedder
    cached = getattr(embedder, "_newsqa_cache", None)
    if cached is None:
        cached = CachedEmbedder(embedder)
        try:
            embedder._newsqa_cache = cached  # type: ignore[attr-defined]
        except AttributeError:  # an embedder with __slots__: no shared cache, still correct
            pass
    return cached


class SupportScorer:
    """Scores how well evidence supports answer sentences (see the module docstring; not NLI)."""

    def __init__(
        self,
        embedder: Embedder | CachedEmbedder,
        *,
        threshold: float = SUPPORT_THRESHOLD,
        similarity_weight: float = SIMILARITY_WEIGHT,
    ) -> None:
        self.embedder = as_cached(embedder)
        self.threshold = threshold
        self.similarity_weight = similarity_weight

    @staticmethod
    def clean(sentence: str) -> str:
        """The sentence as scored: marks and citation markers removed."""
        return strip_citations(strip_marks(sentence))

    @staticmethod
    def overlap(sentence: str, evidence: str) -> float:
        """Share of the sentence's content words (reporting words excluded) present in the evidence."""
        words = set(content_words(SupportScorer.clean(sentence), drop_reporting=True))
        if not words:
            return 0.0
        have = set(content_words(evidence))
        return len(words & have) / len(words)

    def score(self, sentence: str, evidence: str) -> SupportScore:
        """How well ``evidence`` supports ``sentence``."""
        return self.score_many([(sentence, evidence)])[0]

    def score_many(self, pairs: Iterable[tuple[str, str]], *, lazy: bool = False) -> list[SupportScore]:
        """Score many (sentence, evidence) pairs with one batched embedding call.

        With ``lazy=True`` a pair whose overlap reaches ``VERBATIM_OVERLAP`` (the
        sentence restates the evidence) is scored without embedding it: its
        similarity is reported as 1.0.
        """
        pairs = [(self.clean(s), e) for s, e in pairs]
        overlaps = [self.overlap(s, e) for s, e in pairs]
        need = [i for i, o in enumerate(overlaps) if not (lazy and o >= VERBATIM_OVERLAP)]
        sims = [1.0] * len(pairs)
        if need:
            texts = [pairs[i][0] for i in need] + [pairs[i][1] for i in need]
            vectors = self.embedder.embed(texts)
            half = len(need)
            for j, i in enumerate(need):
                sims[i] = float(np.dot(vectors[j], vectors[half + j]))
        out = []
        for (sentence, evidence), sim, ov in zip(pairs, sims, overlaps, strict=True):
            combined = self.similarity_weight * sim + (1 - self.similarity_weight) * ov
            missing = tuple(sorted(_numbers(sentence) - _numbers(evidence)))
            out.append(
                SupportScore(
                    similarity=round(sim, 4),
                    overlap=round(ov, 4),
                    combined=round(combined, 4),
                    supported=combined >= self.threshold and not missing,
                    missing_numbers=missing,
                )
            )
        return out


def load_labels(path: str | Path) -> list[dict]:
    """Read a JSONL file of ``{"sentence", "evidence", "supported": bool}`` records."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def calibrate(scorer: SupportScorer, labels: list[dict]) -> tuple[float, float]:
    """The threshold on ``combined`` that agrees best with the labels, and that agreement (0..1).

    Pairs with a number missing from the evidence count as unsupported whatever
    the threshold, as in ``score``. Ties go to the middle of the best range.
    """
    scores = scorer.score_many((r["sentence"], r["evidence"]) for r in labels)
    truth = [bool(r["supported"]) for r in labels]
    candidates = sorted({s.combined for s in scores} | {0.0, 1.0})
    best: list[float] = []
    best_agree = -1.0
    for t in candidates:
        pred = [s.combined >= t and not s.missing_numbers for s in scores]
        agree = sum(p == y for p, y in zip(pred, truth, strict=True)) / len(truth)
        if agree > best_agree + 1e-9:
            best, best_agree = [t], agree
        elif abs(agree - best_agree) <= 1e-9:
            best.append(t)
    # The best range is [best[0], next candidate above best[-1]); take its middle-ish.
    hi_index = candidates.index(best[-1])
    upper = candidates[hi_index + 1] if hi_index + 1 < len(candidates) else best[-1]
    threshold = round((best[0] + upper) / 2, 3) if len(best) == 1 else round((best[0] + best[-1]) / 2, 3)
    return threshold, best_agree


if __name__ == "__main__":  # python -m app.guard.support LABELS.jsonl : recalibrate and print agreement
    import sys

    from app.settings import Settings
    from indexing.embedding.embedder import load_embedder

    labels_path = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/support_labels.jsonl"
    labels = load_labels(labels_path)
    scorer = SupportScorer(load_embedder(Settings()))  # the embedder answers are scored with
    threshold, agreement = calibrate(scorer, labels)
    at_constant = SupportScorer(scorer.embedder, threshold=SUPPORT_THRESHOLD).score_many(
        (r["sentence"], r["evidence"]) for r in labels
    )
    agree_constant = sum(s.supported == bool(r["supported"]) for s, r in zip(at_constant, labels, strict=True)) / len(
        labels
    )
    print(f"pairs={len(labels)} best_threshold={threshold} agreement={agreement:.3f}")
    print(f"SUPPORT_THRESHOLD={SUPPORT_THRESHOLD} agreement={agree_constant:.3f}")
    for s, r in zip(at_constant, labels, strict=True):
        if s.supported != bool(r["supported"]):
            print(f"  disagree label={r['supported']} {s} :: {r['sentence'][:80]}")

"""Is the retrieved text about the question? The answerability score that refusal compares with
``REFUSE_BELOW`` (docs/answers.md, "Refusal"), and the one cached spaCy parse of a question it and the
question readers share (:func:`parse_question`)."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from app.compose.evidence import question_terms
from app.guard.support import content_words
from app.models import SearchResult

if TYPE_CHECKING:
    from app.compose.evidence import Passage

__all__ = ["answerability", "parse_question"]


_NOUNISH = frozenset({"NOUN", "PROPN", "NUM"})
_OTHER_WEIGHT = 0.35


@lru_cache(maxsize=512)
def parse_question(question: str):
    """One spaCy parse of a question, shared by ranking and the refusal checks (cached)."""
    try:
        from indexing.text.nlp import load_nlp

        return load_nlp()(question)
    except Exception:  # noqa: BLE001 - the callers fall back to plain word lists
        return None


@lru_cache(maxsize=2048)
def _term_weights(question: str) -> dict[str, float]:
    """Weight of each question term: 1 for nouns, names and numbers, 0.35 for verbs/adjectives ("big", "react").

    A question's nouns say what it is about; a missing verb is usually a paraphrase.
    One spaCy parse of the question (a few ms); the passages are never parsed.
    """
    doc = parse_question(question)
    if doc is None:  # without the parser every term weighs the same
        return {}
    weights: dict[str, float] = {}
    for token in doc:
        weight = 1.0 if token.pos_ in _NOUNISH else _OTHER_WEIGHT
        for stem in content_words(token.text, drop_reporting=True):
            weights[stem] = max(weights.get(stem, 0.0), weight)
    return weights


# How the lexical index (bm25s) cuts text into tokens: runs of two or more word characters.
_INDEX_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _absent_from(term: str, vocabulary: Container[str]) -> bool:
    """A question term the corpus never uses, judged by the lexical index's own tokens.

    The index drops one-letter tokens and splits at commas ("3,000m" is "000m"),
    so "m" or "3,000" are not absent words, only differently cut ones.
    """
    pieces = _INDEX_TOKEN.findall(term)
    return bool(pieces) and not any(p in vocabulary for p in pieces)


def answerability(
    question: str,
    passages: Sequence[Passage],
    results: Sequence[SearchResult],
    *,
    vocabulary: Container[str] | None = None,
) -> float:
    """How well the retrieved text can answer ``question`` (refusal compares it with ``REFUSE_BELOW``).

    ``0.5 * best passage cosine + 0.5 * weighted term coverage of the best chunk
    (title + text) - 0.1 per question noun the corpus vocabulary lacks`` (when the
    lexical index's vocabulary is available). Terms weigh 1 for nouns and names,
    0.35 otherwise, so "How big is the fire?" is not refused for lacking "big".
    """
    terms = question_terms(question)
    sims = [p.similarity for p in passages if p.vector is not None]
    if not sims or not results:
        return 0.0
    weights = _term_weights(question)
    total = sum(weights.get(t, _OTHER_WEIGHT) for t in terms)
    coverage = 0.0
    if total:
        for r in results:
            words = set(content_words(f"{r.title} {r.text}"))
            coverage = max(coverage, sum(weights.get(t, _OTHER_WEIGHT) for t in terms if t in words) / total)
    else:
        coverage = 1.0
    absent = 0
    if vocabulary is not None:
        absent = sum(1 for t in terms if weights.get(t) == 1.0 and _absent_from(t, vocabulary))
    return 0.5 * max(sims) + 0.5 * coverage - 0.1 * absent

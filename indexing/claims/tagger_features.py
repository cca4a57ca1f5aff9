"""The span tagger's inputs (``featurize``), defined once for training and inference so they cannot drift.

For every spaCy token: what the pipeline has already computed (the ``tok2vec``
vector the parser used, POS, tag, dependency, the head's POS and side), the
word and its shape, whether it lies in a quotation, whether the cue lexicon
knows it (``lexicon_kind``), the trained cue detector's P(cue) for the words it
scores (binned), where sentences and paragraphs start, and the role the rules
gave it (``role_tags`` / ``role_tags_of``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Doc, Token

    from indexing.models import Claim

    from .quotes import QuoteIndex

__all__ = ["CATEGORICAL", "TokenFeatures", "featurize", "lexicon_kind", "role_tags", "role_tags_of"]

# Categorical inputs, in the order the model takes them (one embedding table each).
CATEGORICAL = (
    "word",
    "shape",
    "pos",
    "tag",
    "dep",
    "head_pos",
    "head_side",
    "quote",
    "rule",
    "lexicon",
    "boundary",
    "cue_p",
)
# Bin edges of the cue detector's P(cue) (``cue_p`` input: 0 = a word the detector does not score, 1-7 the bins).
_CUE_P_BINS = np.array([0.05, 0.15, 0.3, 0.45, 0.6, 0.8])


@dataclass
class TokenFeatures:
    """Per-token inputs of one Doc: ``cats`` (n, len(CATEGORICAL)) int64, ``vectors`` (n, width) float32."""

    cats: np.ndarray
    vectors: np.ndarray
    sent_starts: list[int]


def _shape(text: str) -> int:
    if text.isspace():
        return 1
    if text in ('"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "``", "''"):
        return 2
    if not any(ch.isalnum() for ch in text):
        return 3
    if text.isdigit():
        return 4
    if text.isupper() and len(text) > 1:
        return 5
    if text[:1].isupper():
        return 6
    return 7


@lru_cache(maxsize=1)
def _lexicon_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from .cuemodel import load_cue_model
    from .cues import REPORTING_NOUNS, cue_verb_forms

    model = load_cue_model()
    heads = model.heads if model is not None else frozenset()
    return frozenset(cue_verb_forms()), frozenset(REPORTING_NOUNS), frozenset(heads)


def lexicon_kind(low: str) -> int:
    """0: no lexicon knows the word; 1 a cue verb, 2 a reporting noun, 3 "according", 4 a cue detector head."""
    verbs, nouns, heads = _lexicon_words()
    if low in verbs:
        return 1
    if low in nouns:
        return 2
    if low == "according":
        return 3
    if low in heads:
        return 4
    return 0


def role_tags(doc: Doc, claims: list[Claim]) -> np.ndarray:
    """The rules' BIO label index per token (the tagger's ``rule`` input), from the attributed claims' spans."""
    triples = [
        (
            [(s.start, s.end) for s in c.source_spans],
            [(s.start, s.end) for s in c.cue_spans],
            [(s.start, s.end) for s in c.content_spans],
        )
        for c in claims
        if c.source_spans or c.cue_spans
    ]
    return role_tags_of(doc, triples)


def role_tags_of(
    doc: Doc, triples: Sequence[tuple[list[tuple[int, int]], ...]], bounds: tuple[list[int], list[int]] | None = None
) -> np.ndarray:
    """BIO label index per token from (source pieces, cue pieces, content pieces) per attribution: cue over
    source over content where they overlap, a piece's first token ``B``. ``bounds``: the tokens' start and
    end offsets when the caller has them."""
    starts, ends = bounds if bounds is not None else ([t.idx for t in doc], [t.idx + len(t.text) for t in doc])
    tags = np.zeros(len(doc), dtype=np.int64)
    for role in (2, 0, 1):  # content, then source, then cue: later roles win
        for triple in triples:
            for a, b in triple[role]:
                lo, hi = bisect_right(ends, a), bisect_left(starts, b)
                if hi <= lo:
                    continue
                tags[lo:hi] = 2 + 2 * role
                tags[lo] = 1 + 2 * role
    return tags


def featurize(
    doc: Doc,
    quotes: QuoteIndex,
    rule: np.ndarray,
    vocab: dict[str, dict[str, int]],
    cue_score: Callable[[Token], float] | None = None,
) -> TokenFeatures:
    """The model's inputs for every token of ``doc`` (``rule``: :func:`role_tags_of` the rules' attributions;
    ``cue_score``: the cue detector's P(cue) of a token, when the caller has already computed some).

    Read from ``Doc.to_array`` and mapped once per distinct string (ingest speed: no Token objects)."""
    from spacy.attrs import DEP, HEAD, IDX, LOWER, ORTH, POS, SENT_START, TAG

    n = len(doc)
    cats = np.zeros((n, len(CATEGORICAL)), dtype=np.int64)
    if n == 0:
        return TokenFeatures(cats=cats, vectors=np.zeros((0, 96), np.float32), sent_starts=[])
    arr = doc.to_array([LOWER, ORTH, POS, TAG, DEP, HEAD, IDX, SENT_START]).astype(np.int64)
    strings = doc.vocab.strings

    def mapped(col: np.ndarray, fn) -> np.ndarray:
        uniq, inv = np.unique(col, return_inverse=True)
        return np.array([fn(strings[int(h)]) for h in uniq.tolist()], dtype=np.int64)[inv.reshape(-1)]

    words, pos_v, tag_v, dep_v = vocab["word"], vocab["pos"], vocab["tag"], vocab["dep"]
    lower, orth = arr[:, 0].astype(np.uint64), arr[:, 1].astype(np.uint64)
    cats[:, 0] = mapped(lower, lambda w: words.get(w, 1))
    shape = mapped(orth, _shape)
    cats[:, 1] = shape
    pos = mapped(arr[:, 2].astype(np.uint64), lambda w: pos_v.get(w, 1))
    cats[:, 2] = pos
    cats[:, 3] = mapped(arr[:, 3].astype(np.uint64), lambda w: tag_v.get(w, 1))
    cats[:, 4] = mapped(arr[:, 4].astype(np.uint64), lambda w: dep_v.get(w, 1))
    rel = arr[:, 5]  # head offset relative to the token
    idx = np.arange(n)
    cats[:, 5] = pos[np.clip(idx + rel, 0, n - 1)]
    cats[:, 6] = np.where(rel == 0, 0, np.where(rel < 0, 1, 2))
    starts = arr[:, 6]
    qspans = quotes.spans
    if qspans:
        qs = np.array([a for a, _ in qspans], dtype=np.int64)
        qe = np.array([b for _, b in qspans], dtype=np.int64)
        k = np.searchsorted(qs, starts, side="right") - 1
        inside = (k >= 0) & (starts < qe[np.clip(k, 0, None)])
        cats[:, 7] = np.where(inside, np.where(shape == 2, 2, 1), 0)
    cats[:, 8] = rule
    cats[:, 9] = mapped(lower, lexicon_kind)
    sent_start = arr[:, 7] == 1
    sent_start[0] = True
    newline = mapped(orth, lambda w: int("\n" in w)).astype(bool)
    para = np.zeros(n, dtype=bool)
    para[0] = True
    para[1:] = newline[:-1]
    cats[:, 10] = np.where(para, 2, np.where(sent_start, 1, 0))
    from .cuemodel import load_cue_model

    model = load_cue_model()
    if model is not None:
        heads = model.heads
        cand = np.flatnonzero(mapped(lower, lambda w: int(w in heads or w == ":")))
        for i in cand.tolist():
            tok = doc[int(i)]
            if model.candidate(tok):
                p = cue_score(tok) if cue_score is not None else model.score(tok, quotes)
                cats[i, 11] = 1 + int(np.searchsorted(_CUE_P_BINS, p, side="right"))
    tensor = doc.tensor
    vectors = tensor.astype(np.float32) if tensor is not None and len(tensor) == n else np.zeros((n, 96), np.float32)
    return TokenFeatures(cats=cats, vectors=vectors, sent_starts=np.flatnonzero(sent_start).tolist())

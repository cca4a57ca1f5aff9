"""A small trained cue detector: is this token the head of an attribution cue?

Logistic regression over sparse string features of a token in its parse
(word, suffix, POS, dependency, head, children, subject, quotation context).
Weights are learned from PolNeAR train by ``training/train_cues.py`` and shipped in
``cue_model.json`` beside this module (feature -> weight; only words and parse
labels, no article text). The engine combines it with the hand lexicon: a
token the model scores at or above ``threshold`` becomes a cue candidate.

The features are defined here, once, so training and inference cannot drift.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from indexing.text.lexicon import PRONOUN_KINDS

from .cues import is_cue_verb
from .source_nouns import ANONYMOUS_HEADS, INFO_HEADS, ORG_HEADS

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .quotes import QuoteIndex

__all__ = ["CANDIDATE_POS", "CueModel", "load_cue_model", "token_features"]

_MODEL_FILE = Path(__file__).with_name("cue_model.json")
# Parts of speech a cue head can have (verbs, reporting nouns, "according to"/"in" prepositions, "Name:" colons).
CANDIDATE_POS = frozenset(["VERB", "AUX", "NOUN", "ADP", "PUNCT", "ADJ", "PROPN"])
_SUBJ = ("nsubj", "nsubjpass", "csubj")
# Log-odds margin: context features rarely add more than this, so a core score that far below the
# threshold skips them (checked on a train holdout: same figures).
_RULE_OUT = 5.0


def _shape(tok: Token) -> str:
    return tok.lower_ if tok.is_punct else tok.pos_


def _subject_kind(subj: Token) -> str:
    """What kind of thing the subject is, from words and parse only (no NER: the pipeline may run without it)."""
    low = subj.lower_
    if low in PRONOUN_KINDS:
        return "pron-" + PRONOUN_KINDS[low]
    if low in ANONYMOUS_HEADS:
        return "group"
    if low in ORG_HEADS:
        return "org"
    if low in INFO_HEADS:
        return "info"
    if subj.pos_ == "PROPN":
        return "name" if subj.text[:1].isupper() else "propn"
    return "other"


def token_features(tok: Token, quotes: QuoteIndex | None = None) -> list[str]:
    """Feature strings of ``tok`` (the model's input); the same function serves training and inference."""
    return _core_features(tok) + _context_features(tok, quotes)


def _core_features(tok: Token) -> list[str]:
    """The token, its word and its attachment: cheap, and enough to rule most candidates out."""
    low = tok.lower_
    head = tok.head
    return [
        "b",
        "w=" + low,
        "s3=" + low[-3:],
        "p=" + tok.pos_,
        "t=" + tok.tag_,
        "d=" + tok.dep_,
        "dt=" + tok.dep_ + "|" + tok.tag_,
        "hw=" + head.lower_,
        "hp=" + head.pos_ + "|" + tok.dep_,
        "lex=" + ("1" if is_cue_verb(low) else "0") + "|" + tok.pos_,
    ]


def _context_features(tok: Token, quotes: QuoteIndex | None) -> list[str]:
    low = tok.lower_
    f: list[str] = []
    if tok.is_punct:
        f.append("pw=" + low)
        if low == ":":
            # "Name: text" in transcripts and headlines: a short run of names opening the sentence or line
            before = [t for t in tok.doc[tok.sent.start : tok.i] if not t.is_space]
            f.append("col|n=" + str(min(len(before), 7)))
            if before and all(t.pos_ == "PROPN" or t.text.isupper() for t in before):
                f.append("col|names")
            if before and before[-1].pos_ == "VERB":
                f.append("col|verb")
    subj = None
    kids = []
    for c in tok.children:
        d = c.dep_
        kids.append(d)
        if d in _SUBJ and subj is None:
            subj = c
        if d in ("ccomp", "xcomp", "parataxis", "dobj", "prep", "agent", "mark", "dative", "acl", "relcl", "poss"):
            f.append("c=" + d + ("|" + c.lower_ if d in ("prep", "mark", "agent") else ""))
    # the word with its construction: "said" + clause, "called" + object, "support" with a person subject
    top = next((d for d in ("ccomp", "xcomp", "parataxis", "dobj", "prep", "agent") if d in kids), "-")
    f.append("wk=" + low + "|" + top)
    f.append("wsub=" + low + "|" + (subj.pos_ if subj is not None else "-"))
    if subj is not None:
        f.append("sp=" + subj.pos_)
        f.append("sk=" + _subject_kind(subj))
        f.append("sw=" + subj.lower_)
    else:
        f.append("nosubj|" + tok.pos_)
    doc = tok.doc
    i = tok.i
    prev = doc[i - 1] if i > 0 else None
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    f.append("pv=" + (prev.lower_ if prev is not None else "<s>"))
    f.append("nx=" + (nxt.lower_ if nxt is not None else "</s>"))
    f.append("nxs=" + (_shape(nxt) if nxt is not None else "</s>"))
    f.append("pvs=" + (_shape(prev) if prev is not None else "<s>"))
    if tok.is_sent_start:
        f.append("first")
    if quotes is not None:
        if quotes.containing(tok.idx) is not None:
            f.append("inq|" + tok.pos_)
        # a quotation opening within the next three tokens ("said: '...'") or closing right before
        for k in range(i + 1, min(len(doc), i + 4)):
            if quotes.starting_at(doc[k].idx):
                f.append("qafter")
                break
        if prev is not None and quotes.containing(prev.idx) is not None and quotes.containing(tok.idx) is None:
            f.append("qbefore")
    return f


class CueModel:
    """Feature -> weight table of a logistic regression; ``score`` gives P(cue head)."""

    def __init__(self, weights: dict[str, float], threshold: float, heads: frozenset[str]) -> None:
        self.weights = weights
        self.threshold = threshold
        self.heads = heads  # words that headed a cue in train: the only ones worth scoring (speed)
        t = min(max(threshold, 1e-6), 1 - 1e-6)
        self._floor = math.log(t / (1 - t)) - _RULE_OUT

    def candidate(self, tok: Token) -> bool:
        return tok.pos_ in CANDIDATE_POS and (tok.lower_ in self.heads or tok.text == ":")

    def score(self, tok: Token, quotes: QuoteIndex | None = None) -> float:
        """P(``tok`` heads a cue). When the core features alone leave the score far below the threshold
        (``_RULE_OUT`` in log-odds) the context is not computed and the core score is returned (speed)."""
        w = self.weights
        z = sum(w.get(name, 0.0) for name in _core_features(tok))
        if z >= self._floor:
            z += sum(w.get(name, 0.0) for name in _context_features(tok, quotes))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def is_cue(self, tok: Token, quotes: QuoteIndex | None = None) -> bool:
        return self.candidate(tok) and self.score(tok, quotes) >= self.threshold


@lru_cache(maxsize=1)
def load_cue_model() -> CueModel | None:
    """The shipped model, or None when ``cue_model.json`` is absent (the engine then uses the lexicon alone)."""
    if not _MODEL_FILE.exists():
        return None
    data = json.loads(_MODEL_FILE.read_text(encoding="utf-8"))
    return CueModel(
        {k: float(v) for k, v in data["weights"].items()}, float(data["threshold"]), frozenset(data.get("heads", ()))
    )

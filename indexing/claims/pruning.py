"""Pruning: nested and overlapping attributions resolved, clause bounds, and the writer's own
reports told apart from a group's claims.

The functions take the engine (``engine._Engine``: the parsed document, its quotations and speaker
resolver) as ``eng`` and are reached through its methods of the same name (with a leading underscore).
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from .cues import _inflect, cue_verb_forms, is_phrasal_cue
from .record import Attribution
from .syntax import trim

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

    from .engine import _Engine

__all__ = ["clauses", "nested_ok", "prune", "writers_report"]


# From this P(cue), an attribution inside another's content is kept as its own (PolNeAR labels nested ones);
# below it the outer attribution swallows it (0.6/0.7/0.8 tried on a train holdout).
NESTED_MIN = 0.7


# Intentions and wishes: "fans are planning to wear masks" is the writer's report, not the fans' claim.
_INTENT_FORMS = frozenset(
    f
    for v in [
        "want",
        "wish",
        "plan",
        "intend",
        "seek",
        "prefer",
        "like",
        "love",
        "hate",
        "try",
        "aim",
        "decide",
        "prepare",
        "hope",
        "consider",
        "refuse",
        "decline",
        "need",
        "vote",
        "threaten",
        "agree",
    ]
    for f in _inflect(v)
) | {"sought", "tried", "tries", "trying"}


# Nouns for a view a group expresses ("expressed concerns that ...", "voiced fears that ...").
_VIEW_NOUNS = frozenset(
    [
        "concern",
        "concerns",
        "fear",
        "fears",
        "doubt",
        "doubts",
        "worry",
        "worries",
        "hope",
        "hopes",
        "belief",
        "beliefs",
        "view",
        "views",
        "warning",
        "warnings",
        "claim",
        "claims",
        "suspicion",
        "suspicions",
        "confidence",
    ]
)
# A view held, outside the reporting lexicon: "is regarded by US officials as a way to ..." credits the officials.
_VIEW_FORMS = frozenset(
    f for v in ["regard", "view", "see", "deem", "judge", "rate", "rank", "compare", "liken"] for f in _inflect(v)
) | {"saw", "seen"}


def nested_ok(eng: _Engine, a: Attribution) -> bool:
    """A nested attribution stands on its own only when the detector is confident about its cue."""
    if eng.model is None:
        return False
    verb = max(a.cue, key=lambda t: t.pos_ == "VERB")
    return eng._cue_p(verb) >= NESTED_MIN


def _reads_its_governor(a: Attribution, b: Attribution) -> bool:
    """``a`` has no source, each content holds the other's cue and ``b``'s cue verb governs ``a``'s: ``a`` took the clause it hangs
    under for its content ("It is understood no deal [was offered]": "offered" reading "It is understood")."""
    if a.source or not a.cue or not b.cue or not a.content or not b.content:
        return False  # a reading with a source of its own stands ('"...," he admitted' under "I don't know")
    if not any(x <= a.cue_start < y for x, y in b.content) or not any(x <= b.cue_start < y for x, y in a.content):
        return False
    return b.cue[-1] in a.cue[-1].ancestors


def prune(eng: _Engine, attrs: list[Attribution]) -> list[Attribution]:
    """Drop implausible sources; an attribution nested inside another's content is dropped too, unless the
    detector is confident about its cue (then it stays and the outer content loses it)."""
    attrs = [a for a in attrs if eng._plausible(a)]
    attrs = [a for a in attrs if not any(_reads_its_governor(a, b) for b in attrs if b is not a)]
    spans = [(a.content, a) for a in attrs]
    kept = []
    inner: list[tuple[Attribution, Attribution]] = []
    for a in attrs:
        pos = a.cue_start
        outer = [b for content, b in spans if b is not a and any(x <= pos < y for x, y in content)]
        if outer:
            if outer[0].layout and not all(any(x <= u and v <= y for x, y in outer[0].content) for u, v in a.content):
                continue  # a reading that runs out of a transcript turn ('"HOLT: ... approved' + '"HOLT')
            if a.layout or not eng.quotes.containing(pos) and eng._nested_ok(a):
                inner.append((a, outer[0]))
                kept.append(a)
            continue
        kept.append(a)
    # PolNeAR labels every token once: a nested attribution ("X said Y, while Z argued W") keeps its own
    # pieces and the outer content loses them.
    emptied: list[Attribution] = []
    for a, b in inner:
        if b not in kept or b in emptied:
            continue
        # the inner source counts only where it lies inside the outer content (a subject shared through
        # coordination, "X said A and insisted B", stays outside)
        outer_lo, outer_hi = min(x for x, _ in b.content), max(y for _, y in b.content)
        src = [t for t in a.source if outer_lo <= t.idx < outer_hi]
        pieces = [(t.idx, t.idx + len(t.text)) for t in a.cue + src] + list(a.content)
        lo, hi = min(p[0] for p in pieces), max(p[1] for p in pieces)
        cut: list[tuple[int, int]] = []
        for x, y in b.content:
            for u, v in ((x, min(y, lo)), (max(x, hi), y)):
                u, v = trim(eng.text, u, v)
                for conj in (" and", " but", " or", ", and", ", but"):
                    if eng.text.endswith(conj, u, v):
                        u, v = trim(eng.text, u, v - len(conj))
                if v > u:
                    cut.append((u, v))
        # A cut that would leave the outer content one word ("It is understood that [the board ... asked him to
        # reconsider]": "that") is not made: the outer reading keeps its content whole, the nested one stands too.
        if any(len(re.findall(r"\w+", eng.text[u:v])) >= 2 for u, v in cut):
            b.content = cut
        elif not cut and a.layout:
            # 'Partial transcript as follows: "HOLT: ...': the speaker line owns the turn
            emptied.append(b)
    return [a for a in kept if a not in emptied]


def clauses(eng: _Engine, sent: SpacySpan) -> list[tuple[int, int]]:
    """A journalist's sentence split where a trailing ", doing ..." / ", even as ..." clause begins,
    so a hedge is reported with the clause it qualifies."""
    text = eng.text
    root = sent.root
    cuts = []
    for c in root.children:
        if c.dep_ == "advcl" and c.i > root.i:
            first = min(t.i for t in c.subtree)
            if first > sent.start and eng.doc[first - 1].text == ",":
                cuts.append(eng.doc[first].idx)
    bounds = [sent.start_char, *sorted(cuts), sent.end_char]
    out = []
    for a, b in itertools.pairwise(bounds):
        a, b = trim(text, a, b)
        if b - a >= 2:
            out.append((a, b))
    return out


def writers_report(eng: _Engine, attr: Attribution) -> bool:
    """An unnamed group's intention or action rather than its claim: the cue is an intention verb ("plan to",
    "want to", "refused to comment") or a verb outside the reporting lexicon ("points", "are using"), and
    what follows is no reported clause and no quotation."""
    verbs = [t for t in attr.cue if t.pos_ in ("VERB", "AUX")]
    if not verbs and attr.cue[-1].pos_ == "NOUN" and attr.cue[-1].lower_ in _INTENT_FORMS:
        return True  # a headline's "Tories plan migrant health checks", "plan" read as a noun
    if not verbs or attr.cue[0].lower_ == "according":
        return False
    verb = verbs[-1]
    head = attr.source_head
    if head is not None and head.lower_ in ("you", "i", "we", "me", "us") and not eng.quotes.containing(verb.idx):
        # the writer's "you" ("you typically find them on PCs") is the reader; the writer's "I" / "we" (a
        # columnist's "I believe the problem lies ...") is the writer's own voice: neither is an unnamed source
        return True
    if any(eng.quotes.overlapping(a, b) for a, b in attr.content):
        return False
    # (the clause may hang on the cue's adjective: "Critics are concerned that ..."); an intention's infinitive
    # ("want the government to withdraw the rules", "agreed to leave their loans") reports no words
    intent = verb.lower_ in _INTENT_FORMS
    if any(
        k.dep_ in ("ccomp", "parataxis")
        and (k.pos_ in ("VERB", "AUX") or any(m.dep_ == "mark" for m in k.children))
        and not (intent and any(a.dep_ == "aux" and a.tag_ == "TO" for a in k.children))
        for k in (*verb.children, *(attr.cue[-1].children if attr.cue[-1].pos_ == "ADJ" else ()))
    ):
        return False
    if any(
        k.dep_ == "dobj"
        and k.lower_ in _VIEW_NOUNS
        and any(c.dep_ in ("acl", "ccomp") and any(m.lower_ == "that" for m in c.children) for c in k.children)
        for k in verb.children
    ):
        return False  # "scientists have expressed concerns that ...", "fans voiced fears that ...": a view reported
    low = verb.lower_
    if is_phrasal_cue(verb):
        return False  # "a spokesman played down the differences": a view of something said
    return low in _INTENT_FORMS or low not in cue_verb_forms() and low not in _VIEW_FORMS

"""Refinement: the rules' attributions turned into BIO roles for the span taggers, the taggers'
spans turned back into attributions, and the plausibility and reporting checks they pass.

The functions take the engine (``engine._Engine``: the parsed document, its quotations and speaker
resolver) as ``eng`` and are reached through its methods of the same name (with a leading underscore).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

import numpy as np

from .cues import HEARSAY_NOUNS, WEAK_CUES, cue_verb_forms, is_phrasal_cue
from .record import Attribution
from .source_types import classify_tokens
from .sources import is_plausible_source
from .syntax import runs, strip_edges, trim
from .tagger import featurize, lexicon_kind, load_lm_tagger, load_tagger, role_tags_of, runs_of

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .engine import _Engine

__all__ = ["IT_BRIEFED", "it_passive", "plausible", "refine", "reports", "rule_roles"]


# weight of the transformer tagger's log-probabilities against the span tagger's where both read a token
# (NEWSQA_ATTRIBUTION=transformer); chosen on PolNeAR dev among 0.5 / 0.7 (0.7: Cue exact +0.005)
LM_WEIGHT = 0.7


# From this P(cue), a learned cue needs no speaker-like source (weak verbs like "suggest", "show").
STRONG_LEARNED = 0.7


# Conjunctions of an adverbial clause in which a verb narrates rather than reports ("as investors returned ...").
_ADVERBIAL_MARKS = frozenset(
    ["as", "because", "since", "while", "whilst", "when", "after", "before", "until", "once", "though", "although"]
)


# Numbers somebody forecast or estimated, compared by the writer ("the figure that economists had forecast").
_QUANTITY_NOUNS = frozenset(
    [
        "figure",
        "figures",
        "number",
        "numbers",
        "amount",
        "level",
        "rate",
        "total",
        "sum",
        "estimate",
        "forecast",
        "target",
        "price",
        "growth",
        "increase",
        "rise",
        "fall",
    ]
)


_DEAL_FORMS = frozenset(["agree", "agrees", "agreed", "agreeing"])


_KNOW_FORMS = frozenset(
    [
        "know",
        "knows",
        "knew",
        "known",
        "knowing",
        "understand",
        "understands",
        "understood",
        "remember",
        "remembers",
        "remembered",
    ]
)


# Below this P(cue) a verb narrating in an adverbial clause, or "know" with an object, reports nothing (the cue
# detector's own threshold: "returned" 0.17, "seeking" 0.31, "knew" 0.22; "attacked" 0.73, "unleashed" 0.48)
_NARRATION_MAX = 0.45


def rule_roles(eng: _Engine, attrs: list[Attribution]) -> np.ndarray:
    """The rules' BIO label index per token (``tagger.role_tags_of``): the taggers' ``rule`` input."""
    triples = [(eng._source_pieces(a), runs(a.cue), sorted(a.content)) for a in attrs]
    return role_tags_of(eng.doc, triples, (eng._tok_starts, eng._tok_ends))


def refine(eng: _Engine, attrs: list[Attribution]) -> list[Attribution]:
    """Let the span tagger (``tagger.py``) redraw the rules' spans and add the attributions they missed.

    - a rule attribution whose cue the tagger labels a Cue keeps its grouping and takes the tagger's
      boundaries: the Cue runs over its cue, the Source runs over its source, the Content runs over its
      content (a role the tagger leaves unlabelled keeps the rules' span);
    - a rule attribution whose cue the tagger does not label is dropped, unless the rules found it (not the
      cue detector) with a source and a lexicon reporting verb, "according to", "with ... suggesting" or
      "in a poll" (then the rules' reading stands as it is);
    - a Cue run no rule attribution holds becomes an attribution with the nearest unused Source run of
      its sentence and the unused Content runs of that sentence (no source, no content, a cue word no
      lexicon knows, a passive's subject as the source, or a cue outside the verb lexicon with a source
      that cannot speak: none).

    The tagger's pieces become the Claim's ``*_spans`` (PolNeAR's conventions: "said Sunday", the
    apposition's comma, "that" and the full stop in the content); what a reader is shown (``source``,
    ``cue``, ``text``, hedges) stays the rules' reading, or for a tagger-only attribution its pieces without
    edge punctuation.
    """
    tagger = load_tagger(eng.settings)
    if tagger is None or not len(eng.doc):
        return attrs
    rule = eng._rule_roles(attrs)
    feats = featurize(eng.doc, eng.quotes, rule, tagger.vocab, cue_score=eng._cue_p)
    runs = _TaggedRuns(eng, runs_of(eng.doc, tagger.labels(feats, _log_probs(eng, tagger, feats, rule))))
    kept = [a for a in attrs if _redraw(runs, a)]
    for lo, hi in runs.by_role[1]:
        new = _tagger_only(eng, runs, lo, hi)
        if new is not None:
            kept.append(new)
    kept.sort(key=lambda a: a.cue_start)
    return kept


def _log_probs(eng: _Engine, tagger: Any, feats: Any, rule: np.ndarray) -> np.ndarray:
    """The span tagger's log-probabilities per token and label, averaged with the transformer's when it is on."""
    logp = tagger.log_probs(feats)
    lm = load_lm_tagger(eng.settings)
    if lm is not None:
        # the transformer reads only the sentences where a cue is possible: a role the rules gave, a cue verb,
        # a reporting noun or "according" (not the cue detector's head words: "is", "was" are among them);
        # there its log-probabilities are averaged with the span tagger's. About 70% of BBC News words; on
        # PolNeAR dev within 0.003 of reading every sentence
        lex = feats.cats[:, 9]
        cand = (feats.cats[:, 8] > 0) | ((lex > 0) & (lex < 4))
        keep = np.array([bool(cand[s.start : s.end].any()) for s in eng.sents])
        idx, lm_logp = lm.log_probs(eng.doc, rule, keep)
        logp[idx] = (1.0 - LM_WEIGHT) * logp[idx] + LM_WEIGHT * lm_logp
    return logp


def _without_dangling_preposition(doc, lo: int, hi: int, others: set[int]) -> tuple[int, int]:
    """A Cue run without a closing preposition whose object is in no run ("said in [an interview]", "said on
    [Sunday]": the tagger's cut through an adjunct, which annotators take whole or leave out). A preposition
    whose object is the content or the source stays ("warning of higher prices", "according to officials")."""
    while hi - lo > 1 and doc[hi - 1].dep_ == "prep":
        objects = [c.i for c in doc[hi - 1].children if c.dep_ in ("pobj", "pcomp")]
        if not objects or any(i in others for i in objects):
            break
        hi -= 1
    return lo, hi


class _TaggedRuns:
    """The tagger's Source / Cue / Content runs (token ranges) by role, and which of them an attribution took."""

    def __init__(self, eng: _Engine, found: list[tuple[int, int, int]]) -> None:
        self.eng = eng
        self.by_role: list[list[tuple[int, int]]] = [[], [], []]
        for role, lo, hi in found:
            self.by_role[role].append((lo, hi))
        others = {i for role in (0, 2) for lo, hi in self.by_role[role] for i in range(lo, hi)}
        self.by_role[1] = [_without_dangling_preposition(eng.doc, lo, hi, others) for lo, hi in self.by_role[1]]
        self.used: set[tuple[int, int, int]] = set()

    def over(self, role: int, idx: set[int]) -> list[tuple[int, int]]:
        """The runs of ``role`` that hold one of the token indices ``idx``."""
        return [r for r in self.by_role[role] if any(lo_i in idx for lo_i in range(r[0], r[1]))]

    def chars(self, r: tuple[int, int]) -> tuple[int, int]:
        doc = self.eng.doc
        return doc[r[0]].idx, doc[r[1] - 1].idx + len(doc[r[1] - 1].text)

    def tok_idx(self, pieces: list[tuple[int, int]]) -> set[int]:
        """Token indices of character pieces."""
        out: set[int] = set()
        for a, b in pieces:
            lo = bisect_left(self.eng._tok_ends, a + 1)
            hi = bisect_left(self.eng._tok_starts, b)
            out.update(range(lo, hi))
        return out


def _redraw(runs: _TaggedRuns, a: Attribution) -> bool:
    """A rule attribution takes the tagger's runs over its cue, source and content; False: it is dropped."""
    used, over, chars = runs.used, runs.over, runs.chars
    cues = over(1, {t.i for t in a.cue})
    if not cues:
        # the rules' own reading stands when it is a reporting verb of the lexicon or one of the rules'
        # constructions ("according to", "with forecasts suggesting", "in a poll") with a source: losing
        # an attribution shows someone's claim as the writer's (train holdout, against dropping it:
        # Content overlap +0.013, Source overlap +0.001, Cue exact -0.010)
        if (
            a.layout
            or a.learned == 0
            and a.source
            and (a.cue[-1].lower_ in cue_verb_forms() or a.cue[0].lower_ in ("according", "with", "in"))
            or a.learned == 0
            and not a.source
            and a.cue[0].lower_ in HEARSAY_NOUNS
        ):
            # its pieces are taken: the tagger's runs there do not make a rival attribution
            inside = runs.tok_idx(a.content) | {t.i for t in a.source}
            used.update((role, *r) for role in (0, 1, 2) for r in over(role, inside))
            return True
        return False
    used.update((1, *r) for r in cues)
    a.tagged_cue = [chars(r) for r in cues]
    if a.source:
        srcs = [r for r in over(0, {t.i for t in a.source}) if (0, *r) not in used]
        if srcs:
            used.update((0, *r) for r in srcs)
            a.tagged_source = [chars(r) for r in srcs]
    conts = [r for r in over(2, runs.tok_idx(a.content)) if (2, *r) not in used]
    if conts:
        used.update((2, *r) for r in conts)
        a.tagged_content = [chars(r) for r in conts]
    return True


def _closes_bracket(tokens: list[Token]) -> bool:
    return tokens[-1].text == ")" and any(t.text == "(" for t in tokens)


def _loose_tail(tokens: list[Token]) -> int | None:
    """Where a tagged source run should end when it runs on past its noun phrase (a token index), or None: at a
    preposition attached outside the run ("was welcomed by [farmers] as a lifeline", "announced by [Ana Ruiz] on
    Monday"), and before a preposition, determiner or conjunction left at its end ("the party for")."""
    ids = {t.i for t in tokens}
    end = len(tokens)
    for k, t in enumerate(tokens[1:], 1):
        if t.pos_ in ("ADP", "SCONJ") and t.head.i not in ids:
            end = k
            break
    while end > 1 and (tokens[end - 1].pos_ in ("ADP", "SCONJ", "DET", "CCONJ") or tokens[end - 1].is_space):
        end -= 1
    return tokens[end - 1].i + 1 if end < len(tokens) else None


def _tagger_only(eng: _Engine, runs: _TaggedRuns, lo: int, hi: int) -> Attribution | None:
    """The attribution a Cue run no rule attribution holds makes with its sentence's unused runs, or None."""
    doc, text, used, chars = eng.doc, eng.text, runs.used, runs.chars
    if (1, lo, hi) in used or all(eng._inside_name(doc[i]) for i in range(lo, hi)):
        return None
    sent = doc[lo].sent
    s_lo, s_hi = sent.start, sent.end
    conts = [r for r in runs.by_role[2] if (2, *r) not in used and r[0] < s_hi and s_lo < r[1]]
    if not conts:
        return None
    srcs = [r for r in runs.by_role[0] if (0, *r) not in used and r[0] < s_hi and s_lo < r[1]]
    src: list[Token] = []
    tagged_source = None
    best = (0, 0)
    if srcs:
        best = min(srcs, key=lambda r: min(abs(r[0] - hi), abs(lo - r[1])))
        tagged_source = [chars(best)]
        # as shown to a reader: no closing comma, possessive or bracket ("Bob Smith, a spokesman,")
        src = strip_edges([doc[i] for i in range(*best) if not doc[i].is_space])
        while src and src[-1].tag_ == "POS":
            src = src[:-1]
    head = min(src, key=lambda t: sum(1 for _ in t.ancestors)) if src else None
    # a cue word the lexicons or the cue detector know, and a source that is not the subject of a passive
    # ("Investigators are believed to be examining ...": the believers are not named); train holdout:
    # no change in the figures, fewer attributions a reader would not call one
    if not any(lexicon_kind(doc[i].lower_) for i in range(lo, hi)) or (head is not None and head.dep_ == "nsubjpass"):
        return None
    if head is None or (len(src) == 1 and head.lower_ in ("which", "that")):
        # "..., which would make him the most expensive player": a relative pronoun of a thing is no
        # speaker (the rules resolve a speaking one, "who said", to its antecedent).
        # no source: the writer's own words with a verb in them ("..., signaling resolve"); a source-less
        # attribution would be shown as anonymous (train holdout: Cue exact +0.006, Content +0.001)
        return None
    content = [p for p in (trim(text, *chars(r)) for r in conts) if p[1] > p[0]] or [chars(r) for r in conts]
    new = Attribution(
        cue=[doc[i] for i in range(lo, hi) if not doc[i].is_space],
        source=src,
        source_head=head,
        content=content,
        tagged_source=tagged_source,
        tagged_cue=[chars((lo, hi))],
        tagged_content=[chars(r) for r in conts],
    )
    # a cue outside the hand/learned verb lexicon needs a source that can speak or report, as in the
    # rules ("Winds pushed the flames" attributes nothing to the winds); train holdout: Source overlap
    # -0.008, Cue exact -0.002 against not checking
    if not is_plausible_source(head) and not any(doc[i].lower_ in cue_verb_forms() for i in range(lo, hi)):
        return None
    if not eng._reports(new, [t for t in new.cue if t.pos_ in ("VERB", "AUX")]):
        return None  # the writer's narration ("as investors returned their attention to ..."), as in the rules
    used.add((1, lo, hi))
    used.update((2, *r) for r in conts)
    if tagged_source:
        used.add((0, *best))
        loose = _loose_tail([doc[i] for i in range(*best)])
        if loose is not None:  # "was criticised by [unions as] a threat": the source ends before "as"
            kept = [t for t in src if t.i < loose]
            while kept and (kept[-1].is_space or kept[-1].is_punct and not _closes_bracket(kept)):
                kept.pop()  # "Ana Ruiz, of" -> "Ana Ruiz"; "the Agency (VSA) for" keeps its ")"
            if kept:
                new.source, new.tagged_source = kept, [chars((best[0], loose))]
                new.source_head = min(kept, key=lambda t: sum(1 for _ in t.ancestors))
    return new


# Passives whose impersonal "it" stands for somebody unnamed: "It is understood (that) ...", "It is believed ...".
IT_BRIEFED = frozenset(
    ["understood", "believed", "thought", "estimated", "rumoured", "rumored", "reported", "said", "claimed", "alleged"]
)


def it_passive(verb: Token) -> bool:
    """ "It is understood no deal was offered": the participle has "it" as its subject and a clause as its content."""
    return (
        verb.tag_ == "VBN"
        and any(c.lower_ == "it" and c.dep_ in ("nsubjpass", "nsubj", "expl") for c in verb.children)
        and any(c.dep_ == "auxpass" for c in verb.children)
        and any(c.dep_ == "ccomp" for c in verb.children)
    )


def plausible(eng: _Engine, attr: Attribution) -> bool:
    head = attr.source_head
    verbs = [t for t in attr.cue if t.pos_ in ("VERB", "AUX")]
    according = attr.cue[0].lower_ == "according"
    if not attr.layout and not eng._reports(attr, verbs):
        return False
    if verbs and verbs[-1].lower_ in IT_BRIEFED and it_passive(verbs[-1]):
        return True  # "It is understood (that) ...": the impersonal "it" stands for somebody unnamed
    if (
        head is not None
        and verbs
        and not according
        and verbs[-1].lower_ not in cue_verb_forms()
        and not is_phrasal_cue(verbs[-1])
        and not is_plausible_source(head)
    ):
        # A verb known only from the learned lexicon ("pushed", "drove") is a cue only when its
        # subject can speak or report: "winds pushed the flames" attributes nothing to "winds".
        return False
    if attr.learned >= STRONG_LEARNED:
        return True
    if head is None:
        # no source: only a passive cue ("is expected to", "was asked") or "according to" stands alone
        return attr.cue[0].lower_ in ("according", *HEARSAY_NOUNS) or attr.cue[-1].tag_ == "VBN"
    if attr.cue[-1].lower_ in WEAK_CUES or (
        attr.cue[-1].text == ":" and len(attr.cue) > 1 and attr.cue[-2].lower_ in WEAK_CUES
    ):
        return is_plausible_source(head)
    return True


def reports(eng: _Engine, attr: Attribution, verbs: list[Token]) -> bool:
    """Does the cue report anything? Not the writer's own narration that happens to use a cue-like verb:

    - a verb of an unnamed group in an adverbial clause ("as investors returned their attention to ...",
      "because more people were seeking work") whose content lies inside that clause and has no reported
      clause of its own ("as X noted", whose content is the main clause, stays);
    - a number in a relative clause whose "that"/"which" is the cue's object ("twice the 169,000 figure that
      economists had forecast": the comparison is the writer's);
    - "know" with an object ("someone who knew the building");
    - "agree" with an object ("have agreed a $90m settlement": a deal, not a statement);
    - a question put to "you" ("How much do you hate to lose?")."""
    text = eng.text
    verb = verbs[-1] if verbs else None
    if verb is None:
        return True
    kids = list(verb.children)
    # a reported clause: a finite verb or a that-clause ("finds life difficult" is a small clause, no report)
    clause = any(
        k.dep_ in ("ccomp", "parataxis")
        and (k.pos_ in ("VERB", "AUX") or any(m.dep_ == "mark" for m in k.children))
        or k.dep_ == "xcomp"
        and k.tag_ == "VB"
        for k in kids
    )
    if (
        verb.dep_ == "relcl"
        and not clause
        and verb.head.lower_ in _QUANTITY_NOUNS
        and any(k.dep_ == "dobj" and k.lower_ in ("that", "which") for k in kids)
    ):
        return False  # "twice the 169,000 figure that economists had forecast": the comparison is the writer's
    quoted = any(eng.quotes.overlapping(a, b) for a, b in attr.content)
    head = attr.source_head
    if (
        head is not None
        and head.lower_ == "you"
        and text[verb.sent.start_char : verb.sent.end_char].rstrip(" \"'\u201d\u2019").endswith("?")
    ):
        return False
    if (
        verb.lower_ in ("known", "called", "named", "dubbed")
        and verb.i + 1 < len(eng.doc)
        and eng.doc[verb.i + 1].lower_ == "as"
    ):
        return False  # "a group known as the Coral Consortium": a name, not a report
    if verb.lower_ in ("call", "calls", "called", "calling") and any(
        k.dep_ == "dobj" and k.lower_ in ("himself", "herself", "itself", "themselves", "myself") for k in kids
    ):
        return False  # "One recruit calls himself Heretic": a name, not a report
    head = attr.source_head
    if (
        verb.lower_ == "said"
        and head is not None
        and head.lower_ == "that"
        and head.i == verb.i - 1
        and verb.i + 1 < len(eng.doc)
        and eng.doc[verb.i + 1].text == ","
    ):
        return False  # "That said, it is still great fun": a discourse marker
    if verb.lower_ in _DEAL_FORMS and not clause and not quoted and any(k.dep_ == "dobj" for k in kids):
        return False  # "the directors have agreed a $90m settlement": a deal done, no words reported
    p_cue = eng._cue_p(verb) if eng.model is not None and eng.model.candidate(verb) else 0.0
    if (
        not clause
        and p_cue < _NARRATION_MAX
        and verb.dep_ == "advcl"
        and any(k.dep_ == "aux" and k.tag_ == "TO" for k in kids)
        and (head is None or head.head != verb)
    ):
        # a purpose with no clause reported ("will meet executives this week to discuss the 'slasher' sequel"):
        # what the meeting is for, not words anyone said, scare quotes or not
        return False
    if clause or quoted or p_cue >= _NARRATION_MAX:
        return True  # the cue detector reads a report here ("after Trump attacked Machado")
    if (
        verb.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in _ADVERBIAL_MARKS for m in kids)
        and (head is None or classify_tokens(head) == "anonymous")
    ):
        # an unnamed crowd's doings in the writer's because/as clause; a named doer keeps the attribution
        # (PolNeAR annotates "because its permanent members have backed one warring party")
        lo, hi = verb.left_edge.idx, verb.right_edge.idx + len(verb.right_edge.text)
        if all(lo <= a and b <= hi for a, b in attr.content):
            return False
    # "help from someone who knew the building": knowing a thing reports nothing
    return verb.lower_ not in _KNOW_FORMS

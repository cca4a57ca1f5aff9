"""Reporting cues: reporting and belief verbs (every inflection), reporting nouns, and the cue forms
learned from PolNeAR.

The base lists are written by hand from the constructions news uses; the
optional ``cue_lexicon.json`` beside this module adds word forms learned from
PolNeAR train (word form -> share of its occurrences that were annotated as a
cue), see ``training/polnear_lexicon.py``. No article text is stored, only words.
The nouns that make a source (anonymous, organisation, document heads) are ``source_nouns``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from indexing.text.lexicon import HEARSAY_NOUNS, IRREGULAR_VERB_FORMS

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "HEARSAY_NOUNS",
    "LEARNED_THRESHOLD",
    "PHRASAL_CUE_FORMS",
    "REPORTING_NOUNS",
    "SPEAKING_VERBS",
    "WEAK_CUES",
    "XCOMP_CUES",
    "cue_verb_forms",
    "is_cue_verb",
    "is_phrasal_cue",
]


# Reporting and belief verbs (lemmas). Speech, writing, belief, intention:
# PolNeAR's guidelines count "X wants", "X believes", "X plans to" as attributions.
_SPEECH = [
    "say",
    "tell",
    "state",
    "add",
    "note",
    "argue",
    "warn",
    "insist",
    "deny",
    "claim",
    "emphasize",
    "emphasise",
    "stress",
    "explain",
    "announce",
    "declare",
    "report",
    "write",
    "tweet",
    "post",
    "reply",
    "respond",
    "answer",
    "ask",
    "acknowledge",
    "admit",
    "concede",
    "confirm",
    "contend",
    "assert",
    "maintain",
    "suggest",
    "predict",
    "recall",
    "reveal",
    "disclose",
    "indicate",
    "mention",
    "comment",
    "remark",
    "observe",
    "point",
    "complain",
    "allege",
    "accuse",
    "charge",
    "criticize",
    "criticise",
    "praise",
    "urge",
    "caution",
    "boast",
    "brag",
    "joke",
    "quip",
    "tout",
    "repeat",
    "reiterate",
    "continue",
    "conclude",
    "agree",
    "disagree",
    "testify",
    "promise",
    "pledge",
    "vow",
    "vote",
    "threaten",
    "concede",
    "estimate",
    "describe",
    "call",
    "label",
    "dub",
    "recount",
    "relate",
    "speculate",
    "inform",
    "notify",
    "advise",
    "propose",
    "recommend",
    "counter",
    "retort",
    "rebut",
    "dismiss",
    "reject",
    "defend",
    "blame",
    "attribute",
    "question",
    "challenge",
    "demand",
    "request",
    "order",
    "instruct",
    "declare",
    "estimate",
    "calculate",
    "project",
    "forecast",
    "conclude",
    "find",
    "show",
    "learn",
    "hear",
    "read",
    "cite",
    "quote",
    "acknowledge",
    "stipulate",
    "specify",
    "proclaim",
    "lament",
    "lament",
    "bemoan",
    "decry",
    "denounce",
    "condemn",
    "applaud",
    "hail",
    "welcome",
    "concede",
    "assure",
    "reassure",
    "predict",
    "signal",
    "hint",
    "imply",
    "query",
]


_BELIEF = [
    "believe",
    "think",
    "feel",
    "know",
    "expect",
    "hope",
    "fear",
    "worry",
    "doubt",
    "suspect",
    "assume",
    "understand",
    "consider",
    "want",
    "wish",
    "plan",
    "intend",
    "seek",
    "prefer",
    "like",
    "love",
    "hate",
    "oppose",
    "support",
    "favor",
    "favour",
    "endorse",
]


def _inflect(lemma: str) -> set[str]:
    if lemma in IRREGULAR_VERB_FORMS:
        return {lemma, *IRREGULAR_VERB_FORMS[lemma]}
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
    return forms


_LEXICON_FILE = Path(__file__).with_name("cue_lexicon.json")


@lru_cache(maxsize=1)
def _learned() -> dict[str, float]:
    """Word form -> P(cue | form) learned from PolNeAR train (empty when not shipped)."""
    if not _LEXICON_FILE.exists():
        return {}
    data = json.loads(_LEXICON_FILE.read_text(encoding="utf-8"))
    return {k: float(v) for k, v in data.get("verbs", {}).items()}


@lru_cache(maxsize=1)
def cue_verb_forms() -> frozenset[str]:
    """All word forms (lower case) of reporting/belief verbs the engine treats as cues."""
    forms: set[str] = set()
    for lemma in _SPEECH + _BELIEF:
        forms |= _inflect(lemma)
    return frozenset(forms)


# Belief/intention verbs take an infinitive as content ("plans to run").
XCOMP_CUES = frozenset(
    f
    for lemma in [
        "want",
        "plan",
        "intend",
        "hope",
        "seek",
        "promise",
        "pledge",
        "vow",
        "threaten",
        "expect",
        "wish",
        "prefer",
        "refuse",
        "decline",
        "urge",
        "ask",
        "call",
        "vote",
        "agree",
        "like",
        "love",
        "hate",
        "try",
        "aim",
        "decide",
        "offer",
        "fear",
    ]
    for f in _inflect(lemma)
)


# Verbs that also take things as subjects ("this alignment suggests"): their source must be able to speak or report.
WEAK_CUES = frozenset(
    f
    for lemma in [
        "suggest",
        "indicate",
        "show",
        "mean",
        "signal",
        "find",
        "appear",
        "seem",
        "reflect",
        "demonstrate",
        "prove",
        "imply",
        "confirm",
        "support",
        "oppose",
        "favor",
        "continue",
        "like",
        "want",
        "read",
        "call",
        "describe",
        "hear",
        "see",
        "expect",
        "consider",
    ]
    for f in _inflect(lemma)
)


LEARNED_THRESHOLD = 0.3


def is_cue_verb(form: str, threshold: float = LEARNED_THRESHOLD) -> bool:
    """Is this word form (a verb in context) a reporting cue? Hand lexicon, or learned P(cue) >= threshold."""
    form = form.lower()
    if form in cue_verb_forms():
        return True
    return threshold > 0 and _learned().get(form, 0.0) >= threshold


# Phrasal verbs that report a speaker's view of something said or feared, with their particle: "X played down
# reports that ...", "shrugged off claims", "laughed off suggestions", "talked up the threat". Neither word is
# a cue alone ("played football", "shrugged off a knock"), so the object must be something said or thought
# (:data:`PHRASAL_CUE_OBJECTS`). Without the phrasal cue, "Vance has played down reports that Berg will return"
# would be only the anonymous "reports" claim, and the named speaker's sentence would carry ``[anonymous source]``.
_PHRASAL = {"play": ("down",), "talk": ("up", "down"), "shrug": ("off",), "laugh": ("off",), "brush": ("off", "aside")}
PHRASAL_CUE_FORMS = {form: particles for lemma, particles in _PHRASAL.items() for form in _inflect(lemma)}


# Nouns that report speech or belief ("the remarks", "his view is that", "claims that").
REPORTING_NOUNS = frozenset(
    [
        "statement",
        "statements",
        "remark",
        "remarks",
        "comment",
        "comments",
        "claim",
        "claims",
        "view",
        "views",
        "belief",
        "beliefs",
        "argument",
        "arguments",
        "assertion",
        "assertions",
        "warning",
        "warnings",
        "announcement",
        "announcements",
        "report",
        "reports",
        "testimony",
        "allegation",
        "allegations",
        "accusation",
        "accusations",
        "suggestion",
        "suggestions",
        "prediction",
        "predictions",
        "position",
        "message",
        "promise",
        "promises",
        "pledge",
        "pledges",
        "insistence",
        "contention",
        "assessment",
        "conclusion",
        "estimate",
        "estimates",
        "opinion",
        "hope",
        "hopes",
        "fear",
        "fears",
        "concern",
        "concerns",
        "criticism",
        "denial",
        "denials",
        "admission",
    ]
)


# What an organisation credited as "it" does: says, estimates, warns, blames ... (the speaker resolver names
# an "it" only as the subject of one of these)
SPEAKING_VERBS = frozenset(
    form
    for verb in [
        "say",
        "tell",
        "add",
        "warn",
        "estimate",
        "blame",
        "claim",
        "insist",
        "argue",
        "admit",
        "announce",
        "confirm",
        "deny",
        "report",
        "predict",
        "forecast",
        "expect",
        "believe",
        "urge",
        "criticise",
        "criticize",
        "recommend",
        "suggest",
        "state",
        "note",
        "reveal",
        "explain",
        "describe",
        "conclude",
        "accuse",
        "complain",
        "promise",
        "pledge",
        "reject",
        "dismiss",
        "threaten",
        "stress",
        "maintain",
        "acknowledge",
        "disclose",
        "indicate",
    ]
    for form in _inflect(verb)
)


# What a phrasal cue's object may be besides a reporting or hearsay noun: talk, speculation, and the weight of
# something ("played down the significance of ...", "talked up the threat").
_PHRASAL_OBJECTS = frozenset(
    [
        "talk",
        "speculation",
        "question",
        "questions",
        "significance",
        "importance",
        "implications",
        "chance",
        "chances",
        "prospect",
        "prospects",
        "threat",
        "differences",
        "divisions",
        "worries",
        "idea",
    ]
)
PHRASAL_CUE_OBJECTS = REPORTING_NOUNS | HEARSAY_NOUNS | _PHRASAL_OBJECTS


def is_phrasal_cue(tok: Token) -> bool:
    """Is this verb token a phrasal reporting cue ("played down reports that ...", "shrugs off economy fears"):
    its particle right after it and its direct object something said or thought (:data:`PHRASAL_CUE_OBJECTS`)."""
    particles = PHRASAL_CUE_FORMS.get(tok.lower_)
    if not particles or tok.i + 1 >= len(tok.doc):
        return False
    nxt = tok.doc[tok.i + 1]
    if nxt.head.i != tok.i or nxt.lower_ not in particles:
        return False
    return any(c.dep_ == "dobj" and c.lower_ in PHRASAL_CUE_OBJECTS for c in tok.children)

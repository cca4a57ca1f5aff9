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

from indexing.text.lexicon import HEARSAY_NOUNS, IRREGULAR_VERB_FORMS

__all__ = [
    "HEARSAY_NOUNS",
    "LEARNED_THRESHOLD",
    "REPORTING_NOUNS",
    "SPEAKING_VERBS",
    "WEAK_CUES",
    "XCOMP_CUES",
    "cue_verb_forms",
    "is_cue_verb",
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

"""Lexicons: reporting verbs and nouns, anonymous-source nouns, pronouns.

The base lists are written by hand from the constructions news uses; the
optional ``cue_lexicon.json`` beside this module adds word forms learned from
PolNeAR train (word form -> share of its occurrences that were annotated as a
cue), see ``training/polnear_lexicon.py``. No article text is stored, only words.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ANONYMOUS_HEADS",
    "INFO_HEADS",
    "ORG_HEADS",
    "PEOPLE_FIGURE_MODIFIERS",
    "PRONOUNS",
    "REPORTING_NOUNS",
    "WEAK_CUES",
    "cue_verb_forms",
    "is_cue_verb",
]

# Reporting and belief verbs (lemmas). Speech, writing, belief, intention:
# PolNeAR's guidelines count "X wants", "X believes", "X plans to" as attributions.
_SPEECH = ["say", "tell", "state", "add", "note", "argue", "warn", "insist", "deny", "claim", "emphasize", "emphasise", "stress", "explain", "announce", "declare", "report", "write", "tweet", "post", "reply", "respond", "answer", "ask", "acknowledge", "admit", "concede", "confirm", "contend", "assert", "maintain", "suggest", "predict", "recall", "reveal", "disclose", "indicate", "mention", "comment", "remark", "observe", "point", "complain", "allege", "accuse", "charge", "criticize", "criticise", "praise", "urge", "caution", "boast", "brag", "joke", "quip", "tout", "repeat", "reiterate", "continue", "conclude", "agree", "disagree", "testify", "promise", "pledge", "vow", "vote", "threaten", "concede", "estimate", "describe", "call", "label", "dub", "recount", "relate", "speculate", "inform", "notify", "advise", "propose", "recommend", "counter", "retort", "rebut", "dismiss", "reject", "defend", "blame", "question", "challenge", "demand", "request", "order", "instruct", "declare", "estimate", "calculate", "project", "forecast", "conclude", "find", "show", "learn", "hear", "read", "cite", "quote", "acknowledge", "stipulate", "specify", "proclaim", "lament", "lament", "bemoan", "decry", "denounce", "condemn", "applaud", "hail", "welcome", "concede", "assure", "reassure", "predict", "signal", "hint", "imply", "query"]
_BELIEF = ["believe", "think", "feel", "know", "expect", "hope", "fear", "worry", "doubt", "suspect", "assume", "understand", "consider", "want", "wish", "plan", "intend", "seek", "prefer", "like", "love", "hate", "oppose", "support", "favor", "favour", "endorse"]

_IRREGULAR = {
    "say": ["said", "says", "saying"],
    "tell": ["told", "tells", "telling"],
    "write": ["wrote", "written", "writes", "writing"],
    "think": ["thought", "thinks", "thinking"],
    "feel": ["felt", "feels", "feeling"],
    "know": ["knew", "known", "knows", "knowing"],
    "find": ["found", "finds", "finding"],
    "show": ["showed", "shown", "shows", "showing"],
    "hear": ["heard", "hears", "hearing"],
    "read": ["read", "reads", "reading"],
    "learn": ["learned", "learnt", "learns", "learning"],
    "seek": ["sought", "seeks", "seeking"],
    "understand": ["understood", "understands", "understanding"],
    "admit": ["admitted", "admits", "admitting"],
    "quip": ["quipped", "quips", "quipping"],
    "plan": ["planned", "plans", "planning"],
    "rebut": ["rebutted", "rebuts", "rebutting"],
    "label": ["labeled", "labelled", "labels", "labeling", "labelling"],
    "favor": ["favored", "favors", "favoring"],
    "signal": ["signaled", "signalled", "signals", "signaling", "signalling"],
}


def _inflect(lemma: str) -> set[str]:
    if lemma in _IRREGULAR:
        return {lemma, *_IRREGULAR[lemma]}
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
    f for lemma in ["want", "plan", "intend", "hope", "seek", "promise", "pledge", "vow", "threaten",
                    "expect", "wish", "prefer", "refuse", "decline", "urge", "ask", "call", "vote", "agree",
                    "like", "love", "hate", "try", "aim", "decide", "offer", "fear"]
    for f in _inflect(lemma)
)


# Verbs that also take things as subjects ("this alignment suggests"): their source must be able to speak or report.
WEAK_CUES = frozenset(
    f for lemma in ["suggest", "indicate", "show", "mean", "signal", "find", "appear", "seem", "reflect",
                    "demonstrate", "prove", "imply", "confirm", "support", "oppose", "favor", "continue",
                    "like", "want", "read", "call", "describe", "hear", "see", "expect", "consider"]
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
    ["statement", "statements", "remark", "remarks", "comment", "comments", "claim", "claims", "view", "views", "belief", "beliefs", "argument", "arguments", "assertion", "assertions", "warning", "warnings", "announcement", "announcements", "report", "reports", "testimony", "allegation", "allegations", "accusation", "accusations", "suggestion", "suggestions", "prediction", "predictions", "position", "message", "promise", "promises", "pledge", "pledges", "insistence", "contention", "assessment", "conclusion", "estimate", "estimates", "opinion", "hope", "hopes", "fear", "fears", "concern", "concerns", "criticism", "denial", "denials", "admission"]
)

# Head nouns of unnamed people and groups: with no name attached they make a source anonymous.
ANONYMOUS_HEADS = frozenset(
    ["source", "sources", "official", "officials", "analyst", "analysts", "expert", "experts", "critic", "critics", "observer", "observers", "aide", "aides", "adviser", "advisers", "advisor", "advisors", "insider", "insiders", "person", "people", "spokesman", "spokeswoman", "spokesperson", "spokespeople", "representative", "representatives", "member", "members", "diplomat", "diplomats", "researcher", "researchers", "scientist", "scientists", "economist", "economists", "strategist", "strategists", "staffer", "staffers", "operative", "operatives", "supporter", "supporters", "opponent", "opponents", "voter", "voters", "resident", "residents", "witness", "witnesses", "someone", "somebody", "anyone", "many", "some", "others", "other", "most", "few", "several", "all", "both", "each", "one", "two", "three", "man", "woman", "men", "women", "individual", "individuals", "figure", "figures", "leader", "leaders", "lawmaker", "lawmakers", "legislator", "legislators", "activist", "activists", "worker", "workers", "employee", "employees", "executive", "executives", "investor", "investors", "commentator", "commentators", "pundit", "pundits", "pollster", "pollsters", "consultant", "consultants", "donor", "donors", "delegate", "delegates", "person", "persons", "friend", "friends", "associate", "associates", "colleague", "colleagues", "ally", "allies", "neighbor", "neighbors", "neighbour", "neighbours", "student", "students", "teacher", "teachers", "doctor", "doctors", "lawyer", "lawyers", "attorney", "attorneys", "officer", "officers", "police", "agent", "agents", "investigator", "investigators", "prosecutor", "prosecutors", "insiders", "campaigners", "protesters", "protestors", "demonstrators", "americans", "republicans", "democrats", "conservatives", "liberals", "progressives", "citizens", "residents", "parents", "families", "fans", "viewers", "readers", "customers", "users", "authorities",
     "another", "everyone", "everybody", "nobody", "none", "anybody", "crowd", "crowds", "audience", "audiences",
     "attendees", "reporter", "reporters", "commenter", "commenters", "participants", "respondents", "protester",
     "onlookers", "bystanders", "survivors", "victims", "relatives", "organizers", "organisers", "volunteers"]
)

# Head nouns of organisations: named when a proper noun modifies them ("the Clinton campaign").
ORG_HEADS = frozenset(
    ["campaign", "campaigns", "committee", "department", "ministry", "office", "administration", "agency", "commission", "council", "party", "government", "company", "firm", "group", "organization", "organisation", "association", "union", "board", "bureau", "service", "network", "newspaper", "paper", "magazine", "website", "site", "channel", "team", "court", "house", "senate", "congress", "parliament", "embassy", "foundation", "institute", "university", "center", "centre", "coalition", "caucus", "pac", "fund", "bank"]
)

# Things that report or show without being people: "the poll shows", "the memo said".
INFO_HEADS = frozenset(
    ["poll", "polls", "survey", "surveys", "study", "studies", "report", "reports", "data", "analysis", "memo", "letter", "statement", "statements", "document", "documents", "filing", "filings", "email", "emails", "record", "records", "research", "findings", "ad", "ads", "video", "tweet", "tweets", "post", "article", "story", "book", "release", "transcript", "complaint", "lawsuit", "indictment", "ruling", "audit", "review", "investigation", "census", "numbers", "figures", "results", "forecast", "forecasts", "model", "models", "website", "page",
     # data and evidence ("according to satellite mapping", "early returns", "the count shows")
     "mapping", "maps", "map", "imagery", "images", "footage", "returns", "count", "counts", "tally", "statistics",
     "stats", "polling", "estimate", "estimates", "projections", "projection", "measurements", "readings",
     "evidence", "documents", "papers", "minutes", "tests", "samples", "analyses", "assessment", "assessments",
     "calculations", "averages", "average", "index", "reports", "accounts", "account", "filing", "logs", "files"]
)

# Adjectives that make "figures" people ("senior figures", "political figures") rather than numbers.
PEOPLE_FIGURE_MODIFIERS = frozenset(
    ["senior", "political", "public", "leading", "key", "prominent", "top", "opposition", "party", "establishment",
     "religious", "community", "business", "sporting", "cultural", "powerful", "influential", "major", "military"]
)

PRONOUNS = {
    "he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f",
    "they": "p", "them": "p", "their": "p", "it": "n", "its": "n", "we": "p", "i": "1", "you": "2",
    "who": "rel", "which": "rel", "that": "rel",
}

"""Hedge cues: words and phrases by which a writer or speaker signals uncertainty.

Kinds (all reported as written, in text order, without overlaps; longer
phrases win over the single words inside them):

- modals: may, might, could, would, should ("should be fit for Saturday");
- epistemic verbs: suggest, appear, seem, indicate (any inflection); believe,
  expect and hope ("it believes it can", "the bank expects growth to slow",
  "organisers are hoping she will run": a belief or a wish, not an assertion);
- adverbs and adjectives: reportedly, allegedly, possibly, likely, probably,
  perhaps, apparently, potential, possible, alleged, ...;
- phrases: "is expected to", "is believed to", "is thought to", "is said to",
  "predictions suggesting", "reports indicate", "I think", "we reckon", "widely
  expected", a reduced passive ("those reported to have", "expected to last");
- impressions: "it sounds like", "it does feel like", "is seen as", "difficult to tell", "hopefully";
- appearances and worries: "looked set to", "is a doubt for Saturday", "concerns that", "worried that";
- figures estimated or forecast rather than counted: "estimated", "projected", "5% growth forecast for 2005";

not hedges: "appear" meaning to be seen or to perform ("appeared in Brookside"); "is set to" and "poised to"
(a plan under way, asserted); "than expected" (a figure that came in);
the engine also drops reported speech's "would" and the other uses ``claim_hedges.is_hedge`` lists.
"""

from __future__ import annotations

import re

__all__ = ["HEDGE_PATTERN", "find_hedge_spans", "find_hedges"]

_BE = r"(?:is|are|was|were|be|been|being|'s|’s|'re|’re)"
_EPISTEMIC_VERB = r"(?:suggest(?:s|ed|ing)?|indicat(?:e|es|ed|ing)|appear(?:s|ed|ing)?|seem(?:s|ed|ing)?)"
_EVIDENCE_NOUN = (
    r"(?:predictions?|reports?|estimates?|forecasts?|projections?|signs?|indications?|evidence|data|polls?)"
)

_PHRASES = [
    # "is expected to", "are believed to", "was said to", "is thought to"
    rf"{_BE}\s+(?:widely\s+|generally\s+|also\s+)?(?:expected|believed|thought|said|reported|rumou?red|understood|presumed|alleged|likely|unlikely)\s+to\b",
    # "predictions suggesting", "reports indicate"
    rf"{_EVIDENCE_NOUN}\s+{_EPISTEMIC_VERB}",
    r"it\s+(?:is|was)\s+(?:possible|likely|unlikely|unclear|believed|thought|understood)\b",
    r"(?:in\s+all\s+likelihood|not\s+(?:yet\s+)?clear|it\s+remains\s+to\s+be\s+seen)\b",
    # a speaker's own hedge: "I think we'll reach a good agreement", "we reckon"
    r"(?:I|we)\s+(?:think|thought|guess|suppose|reckon)\b",
    # a reduced passive: "those reported to have doubts", "the trial, expected to last five months"
    r"(?:expected|believed|thought|understood|rumou?red|alleged|tipped)\s+to\s+[a-z]+",
    # "has been tipped by bookmakers as the favourite"
    r"tipped\s+(?:as|by)\b",
    r"(?:reported|said)\s+to\s+(?:have|be)\b",
    # a speaker's own doubt: "I'm not sure", "so many things are unclear, it is too early to tell"
    r"(?:not|n't|never)\s+(?:sure|certain)\b",
    r"too\s+early\s+to\s+(?:tell|say|know|predict|judge)\b",
    r"(?:difficult|hard|impossible)\s+to\s+(?:tell|say|know|predict|judge|assess|gauge)\b",
    # an impression, not a finding: "It does feel like they are ...", "It sounds like a good decision"
    r"(?:feels?|felt|sounds?|sounded)\s+like\b",
    # "The deal is seen as part of ...", "A tie-up, seen as Rover's last chance, ..."
    rf"(?:{_BE}\s+(?:now\s+|also\s+|still\s+)?|,\s*)seen\s+as\b",
    # "is widely seen as a way to ...", "expressed doubts that ..."
    r"(?:widely|generally|largely)\s+(?:seen|regarded|viewed)\s+as\b",
    r"(?<!no\s)(?<!without\s)doubts?\s+(?:that|whether|about|over)\b",
    r"doubtful",
    # "the election, widely expected on 5 May"
    r"(?:widely|generally|largely)\s+(?:expected|believed|thought|tipped|predicted)\b",
    # "looked set to push Safin all the way", "looks likely to": how things appeared, not how they went
    r"(?:looks?|looked|looking)\s+(?:set|likely|certain|poised)\s+to\b",
    # a player "is a doubt for Saturday", "remains a major doubt with a knee injury"
    rf"(?:{_BE}|remains?|remained)\s+(?:now\s+|also\s+|still\s+)?(?:a\s+)?(?:big\s+|major\s+|serious\s+|late\s+)?doubt\s+(?:for|with|after|because)\b",
    # a worry about what will happen: "amid concerns that costs will rise", "Spamhaus is worried that ..."
    r"(?:concerns?|fears?|worries)\s+that\b",
    r"(?:worried|concerned|fearful)\s+(?:that|about)\b",
    # a figure forecast rather than measured: "5% growth forecast for 2005", "growth of 5% expected in 2004"
    r"(?<!than\s)(?<!as\s)(?:expected|forecast|predicted)\s+(?:in|for|by|over|this|next)\b",
]
_WORDS = [
    r"may|might|could|would|should",
    _EPISTEMIC_VERB,
    r"believes?|believed|believing|expects?|expecting|hopes?|hoped|hoping",
    (
        r"reportedly|allegedly|possibly|probably|likely|unlikely|perhaps|apparently|presumably|purportedly|"
        r"supposedly|seemingly|arguably|maybe|potentially|conceivably|ostensibly|plausibly"
    ),
    r"potential|possible|alleged|suspected|purported|rumou?red|speculat(?:ed|ive|ion)|unconfirmed|unverified",
    # an estimate, not a count: "costs are estimated in the tens of billions", "projected increases"
    r"estimated|projected",
    r"unclear|unsure|hopeful|hopefully",
]

HEDGE_PATTERN = re.compile(
    r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in _PHRASES + _WORDS) + r")(?![\w-])",
    re.IGNORECASE,
)


def _is_name(text: str, m: re.Match[str]) -> bool:
    """ "May" the month or the name ("Theresa May", "May 5") is not the modal."""
    if m.group(0) != "May":
        return False
    before = text[: m.start()].rstrip()
    at_sentence_start = not before or before[-1] in ".!?\"'\u201d\u2019\n:"
    after = text[m.end() : m.end() + 3].lstrip()
    return not at_sentence_start or after[:1].isdigit() or after[:1].isupper()


_APPEAR = re.compile(r"appear(?:s|ed|ing)?", re.IGNORECASE)
# what makes "appear" epistemic: "appears to have", "it appears that", "appeared unlikely"
_APPEAR_NEXT = re.compile(
    r"\s+(?:to|that|as\s+(?:if|though)|(?:increasingly\s+|more\s+|less\s+)?(?:un)?likely|certain|set|poised|ready|keen|unable|willing)\b",
    re.IGNORECASE,
)
_APPEAR_PREV = re.compile(r"\b(?:it|there|would|what)\s+(?:now\s+|also\s+|still\s+)?$", re.IGNORECASE)


def _is_performance(text: str, m: re.Match[str]) -> bool:
    """ "appeared in Brookside", "will also appear at the event": to be seen or to perform, not to seem."""
    if not _APPEAR.fullmatch(m.group(0)):
        return False
    return not _APPEAR_NEXT.match(text, m.end()) and not _APPEAR_PREV.search(text[max(0, m.start() - 20) : m.start()])


def find_hedge_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans of hedge cues in ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    return [
        (m.start(), m.end())
        for m in HEDGE_PATTERN.finditer(text, start, end)
        if not _is_name(text, m) and not _is_performance(text, m)
    ]


def find_hedges(text: str) -> list[str]:
    """The hedge cues of ``text`` as written, in order (whitespace inside a phrase normalised)."""
    return [" ".join(text[s:e].split()) for s, e in find_hedge_spans(text)]

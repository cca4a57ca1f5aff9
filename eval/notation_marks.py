"""The words that mark a claim hedged or anonymous in an answer, beyond newsqa's own marks
(``[hedged]``, ``[anonymous source]``: ``app.compose.marks``).

Words such as "unnamed" or "unconfirmed" count as a mark and stay in the text (``ANONYMOUS_WORDS``,
``HEDGE_WORDS``); a bracketed or parenthesised group made only of mark vocabulary ("(reportedly)",
"[source: anonymous]") is a mark and leaves the text (``classify_group``); an emphasised word is a mark
when ``HEDGE_INDICATOR`` or ``ANONYMOUS_INDICATOR`` finds it.
"""

from __future__ import annotations

import re

__all__ = ["ANONYMOUS_INDICATOR", "ANONYMOUS_WORDS", "HEDGE_INDICATOR", "HEDGE_WORDS", "classify_group"]

_FLAGS = re.IGNORECASE

# Words that say a source is not named. They count as an anonymous mark and stay in the text.
ANONYMOUS_WORDS = re.compile(
    r"\b(?:anonymous(?:ly)?|unnamed|unidentified|nameless)\b"
    r"|\bnot (?:been |being )?(?:named|identified)\b"
    r"|\b(?:asked|requested|declined|wished|wanted|refused|want|wish|ask|asking|declining)(?: not)? to be (?:named|identified)\b"
    r"|\bon (?:the )?condition (?:of|that (?:he|she|they|it) not be named)\b"
    r"|\b(?:requested|granted|given|under) anonymity\b"
    r"|\bnames? (?:was |were |is |are |has been |have been )?withheld\b"
    r"|\bnot authori[sz]ed to (?:speak|comment)\b",
    _FLAGS,
)
# Words that say a claim is not established. They count as a hedge mark and stay in the text.
HEDGE_WORDS = re.compile(
    r"\b(?:unconfirmed|unverified|unproven|hedged)\b"
    r"|\b(?:not|never) (?:been |yet |independently |officially |publicly )*(?:confirmed|verified)\b"
    r"|\b(?:could not|cannot|can't|couldn't|can not)\s+(?:be\s+)?(?:independently\s+)?(?:confirmed|verified|confirm|verify)\b",
    _FLAGS,
)
# Words that, set off in brackets, parentheses or Markdown emphasis, mark a claim hedged or anonymous:
# "(reportedly)", "[unconfirmed]", "*may*", "(anon.)", "(source not named)".
_HEDGE_INDICATOR_WORDS = frozenset(
    [
        "hedge",
        "hedged",
        "hedging",
        "unconfirmed",
        "unverified",
        "unproven",
        "uncertain",
        "speculative",
        "speculation",
        "tentative",
        "alleged",
        "allegedly",
        "reportedly",
        "possibly",
        "probably",
        "perhaps",
        "likely",
        "unlikely",
        "may",
        "might",
        "could",
        "would",
        "should",
        "appear",
        "appears",
        "seem",
        "seems",
        "suggest",
        "suggests",
        "expected",
        "believed",
        "predicted",
        "estimate",
        "estimated",
        "forecast",
        "claimed",
    ]
)
_ANONYMOUS_INDICATOR_WORDS = frozenset(["anonymous", "anonymously", "anon", "unnamed", "unidentified", "nameless"])
HEDGE_INDICATOR = re.compile(
    r"\b(?:" + "|".join(sorted(_HEDGE_INDICATOR_WORDS)) + r"|not (?:confirmed|verified))\b", _FLAGS
)
ANONYMOUS_INDICATOR = re.compile(
    r"\b(?:" + "|".join(sorted(_ANONYMOUS_INDICATOR_WORDS)) + r"|not named|not identified|name withheld)(?:\b|\.)",
    _FLAGS,
)
# Words a mark label may also hold: "(source: anonymous)", "(hedge word: 'may')", "[unnamed official]".
_LABEL_WORDS = frozenset(
    [
        "source",
        "sources",
        "speaker",
        "speakers",
        "official",
        "officials",
        "claim",
        "claims",
        "cue",
        "cues",
        "word",
        "words",
        "term",
        "terms",
        "status",
        "note",
        "mark",
        "label",
        "attribution",
        "and",
        "or",
        "not",
        "named",
        "identified",
        "confirmed",
        "verified",
        "name",
        "withheld",
        "is",
        "was",
        "as",
        "a",
        "an",
        "the",
        "this",
        "by",
        "to",
        "be",
        "language",
        "quote",
    ]
)
_INDICATOR_WORDS = _HEDGE_INDICATOR_WORDS | _ANONYMOUS_INDICATOR_WORDS
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|'[^']*'|‘[^’]*’")


def classify_group(content: str) -> tuple[bool, bool]:
    """(hedge, anonymous) when a bracketed / parenthesised group holds only mark vocabulary."""
    text = _QUOTED.sub(" ", content)
    tokens = re.findall(r"[a-z]+", text.lower())
    if not tokens or re.search(r"\d", text):
        return False, False
    if not all(t in _LABEL_WORDS or t in _INDICATOR_WORDS for t in tokens):
        return False, False
    return bool(HEDGE_INDICATOR.search(text)), bool(ANONYMOUS_INDICATOR.search(text))

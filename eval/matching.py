"""Reading an answer's text the way a careful evaluator would: sentences, [n] markers,
quotations, who is named, which hedges and marks are present.

Everything here works on plain text, so answers from any system can be scored.
The attribution engine (``indexing.claims``) is consulted where it knows more
(resolved speakers, source types, hedge cues); the lexical rules below keep the
judgement robust when the engine misses a construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from types import ModuleType

from indexing.models import Claim
from indexing.text.answer_sentences import AnswerSentence, sentence_spans
from indexing.text.lexicon import (
    ANONYMOUS_HEAD_WORDS,
    ANSWER_HEDGE_CUES,
    ANSWER_REPORTING_CUES,
    MATCH_STOP_WORDS,
    NAMED_SPEAKER_VERBS,
    PRONOUNS_WITH_POSSESSIVES,
    normalise,
)
from indexing.text.quote_match import quote_in_passage, quote_words

__all__ = [
    "AnswerSentence",
    "Marks",
    "anonymous_attribution_present",
    "anonymous_heads",
    "attribution_present",
    "cited_numbers",
    "content_words",
    "find_quotations",
    "hedge_cues",
    "key_coverage",
    "load_marks",
    "longest_common_run",
    "mentions_anonymous_source",
    "mentions_named_source",
    "named_attribution_present",
    "names_a_person_or_body",
    "normalise",
    "quote_in_passage",
    "split_pieces",
    "split_sentences",
    "words",
]

# --- words ------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _stem(word: str) -> str:
    # Crude on purpose: "officials"/"official", "Okafor's"/"Okafor" must meet; nothing cleverer is needed.
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens (digits kept; punctuation dropped)."""
    return [_stem(w) for w in _WORD.findall(normalise(text))]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in MATCH_STOP_WORDS]


def key_coverage(sentence: str, key: str) -> float:
    """Share of the key's content words found in the sentence (1.0 when the key occurs verbatim)."""
    if normalise(key) in normalise(sentence):
        return 1.0
    wanted = content_words(key) or words(key)
    if not wanted:
        return 0.0
    present = set(words(sentence))
    return sum(1 for w in wanted if w in present) / len(wanted)


# --- answer sentences ----------------------------------------------------------------------

_MARKER = re.compile(r"\[\s*(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\s*\]")


def _marker_numbers(body: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", body.strip()):
        bounds = re.split(r"\s*[-–]\s*", part)
        if (
            len(bounds) == 2
            and bounds[0].isdigit()
            and bounds[1].isdigit()
            and int(bounds[0]) <= int(bounds[1]) <= int(bounds[0]) + 20
        ):
            numbers.extend(range(int(bounds[0]), int(bounds[1]) + 1))
        elif part.isdigit():
            numbers.append(int(part))
    return numbers


def cited_numbers(text: str) -> list[int]:
    """The citation numbers of every [n] / [1, 2] / [1-3] marker in order (duplicates kept)."""
    out: list[int] = []
    for match in _MARKER.finditer(text):
        out.extend(_marker_numbers(match.group(1)))
    return out


def split_pieces(answer: str, *, trailing: re.Pattern[str] | None = None, foreign: bool = False) -> list[str]:
    """Answer text -> raw sentence texts (``indexing.text.answer_sentences``: lines and bullets first; a quotation
    is split only where it closes)."""
    return [answer[start:end] for start, end in sentence_spans(answer, trailing=trailing, foreign=foreign)]


def split_sentences(answer: str, strip_marks: Callable[[str], str] | None = None) -> list[AnswerSentence]:
    """Answer text -> sentences with their [n] citations (newsqa's notation; ``eval.notation`` reads the others)."""
    sentences: list[AnswerSentence] = []
    for start, end in sentence_spans(answer):
        raw = answer[start:end]
        clean = _MARKER.sub("", raw)
        if strip_marks is not None:
            clean = strip_marks(clean)
        clean = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", clean)).strip()
        if not re.search(r"[A-Za-z]", clean):
            # A bare "[1]" line: its citations belong to the previous sentence.
            if sentences:
                sentences[-1].citations.extend(cited_numbers(raw))
            continue
        sentences.append(
            AnswerSentence(
                text=raw,
                start=start,
                end=end,
                index=len(sentences),
                citations=cited_numbers(raw),
                clean=clean,
                quote_text=raw,
            )
        )
    return sentences


# --- quotations -------------------------------------------------------------------------------

_DOUBLE_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_SINGLE_QUOTED = re.compile(r"(?<![\w'’])['‘]([^'’\n]{8,}?[^\s])['’](?![\w])")


def find_quotations(text: str) -> list[str]:
    """Text inside double quotes; single-quoted spans only when they hold at least three words
    (so apostrophes are never mistaken for quotes)."""
    found = [m.group(1) or m.group(2) for m in _DOUBLE_QUOTED.finditer(text)]
    without_double = _DOUBLE_QUOTED.sub(" ", text)
    for m in _SINGLE_QUOTED.finditer(without_double):
        if len(m.group(1).split()) >= 3:
            found.append(m.group(1))
    return [q for q in found if words(q)]


# --- sources ----------------------------------------------------------------------------------

# Words that make an organisation's name; on their own they do not identify it.
_GENERIC_NAME_WORDS = frozenset(
    [
        "authority",
        "bank",
        "ministry",
        "council",
        "department",
        "office",
        "company",
        "union",
        "party",
        "police",
        "agency",
        "commission",
        "court",
        "service",
        "group",
        "association",
        "federation",
        "board",
        "committee",
        "government",
        "university",
        "institute",
        "cooperative",
        "co-operative",
        "port",
        "city",
        "club",
        "news",
        "times",
        "post",
        "wire",
        "gazette",
        "ledger",
    ]
)
_ANONYMOUS_PHRASE = re.compile(
    r"\b(?:an?|one|some|several|two|three|many|unnamed|anonymous|senior|other)\s+(?:\w+\s+){0,2}?"
    r"(?:sources?|officials?|experts?|analysts?|critics?|insiders?|diplomats?|aides?|observers?|people|persons?)\b"
    r"|\b(?:sources?|officials?|analysts?|critics?|insiders?|people familiar)\b"
    r"|\bit is (?:understood|believed|thought)\b",
    re.IGNORECASE,
)


def _name_part(source: str) -> str:
    """'Maria Okafor, the port's director' -> 'Maria Okafor'; drops a leading article."""
    head = re.split(r",|\(|\bwho\b", source, maxsplit=1)[0]
    return re.sub(r"^\s*(?:the|a|an)\s+", "", head.strip(), flags=re.IGNORECASE)


def mentions_named_source(sentence: str, name: str) -> bool:
    """Does ``sentence`` name ``name``: the full name, or its last distinctive word (a surname)?"""
    name = _name_part(name)
    if not name or normalise(name) in PRONOUNS_WITH_POSSESSIVES:
        return False
    if normalise(name) in normalise(sentence):
        return True
    name_words = words(name)
    present = set(words(sentence))
    capitalised = [w for w in words(" ".join(re.findall(r"\b[A-Z][\w'’-]*", name))) if w not in MATCH_STOP_WORDS]
    if not capitalised:
        return bool(name_words) and all(w in present for w in name_words if w not in MATCH_STOP_WORDS)
    distinctive = [w for w in capitalised if w not in _GENERIC_NAME_WORDS]
    if not distinctive:
        return all(w in present for w in capitalised)
    if capitalised[-1] not in _GENERIC_NAME_WORDS:
        return capitalised[-1] in present  # a person's surname ("Okafor")
    # An organisation ("Calder Dockworkers' Union"): all its distinctive words must appear.
    return all(w in present for w in distinctive)


def anonymous_heads(source: str) -> list[str]:
    """The nouns that carry an anonymous source's identity ('a source within the ministry' -> ['source'])."""
    heads = [w for w in words(source) if w in ANONYMOUS_HEAD_WORDS]
    if heads:
        return heads[:1]
    content = content_words(re.split(r"\b(?:within|close|familiar|from|at|inside|near)\b", source, maxsplit=1)[0])
    return content[-1:]


def mentions_anonymous_source(sentence: str, source: str) -> bool:
    """Does ``sentence`` refer to the anonymous source described by ``source``?"""
    if normalise(source) in normalise(sentence):
        return True
    heads = anonymous_heads(source)
    present = set(words(sentence))
    return bool(heads) and all(h in present for h in heads)


_CUE = re.compile(rf"\b(?:{ANSWER_REPORTING_CUES})\b", re.IGNORECASE)
_NAMED_BEFORE_CUE = re.compile(
    r"\b([A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|of|de|van|von|al|bin))*)\s*(?:,[^,]{1,80},\s*)?"
    rf"(?:has |had |have )?(?:{NAMED_SPEAKER_VERBS})\b"
)
_NAMED_AFTER_CUE = re.compile(r"\b(?i:according to)\s+(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)")
_SENTENCE_WORDS_THAT_ARE_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "it",
        "this",
        "that",
        "these",
        "those",
        "they",
        "he",
        "she",
        "we",
        "i",
        "in",
        "on",
        "at",
        "according",
    ]
)


def attribution_present(sentence: str, claims: Sequence[Claim] = ()) -> bool:
    """Does the sentence attribute anything to anyone (engine claim with a source, or a reporting cue)?"""
    return any(c.source_type != "unattributed" for c in claims) or bool(_CUE.search(sentence))


def named_attribution_present(sentence: str, claims: Sequence[Claim] = ()) -> bool:
    """Does the sentence present a *named* speaker (engine: source_type named; else 'Name said' / 'according to Name')?"""
    if any(c.source_type == "named" and normalise(c.source or "") not in PRONOUNS_WITH_POSSESSIVES for c in claims):
        return True
    for pattern in (_NAMED_BEFORE_CUE, _NAMED_AFTER_CUE):
        for match in pattern.finditer(sentence):
            first = match.group(1).split()[0].lower()
            if first not in _SENTENCE_WORDS_THAT_ARE_NOT_NAMES and not _ANONYMOUS_PHRASE.fullmatch(match.group(1)):
                return True
    return False


def names_a_person_or_body(text: str) -> bool:
    """Does ``text`` (a speaker written on a label line) name someone: a run of capitalised words, no unnamed source?"""
    return bool(
        re.search(r"\b[A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|of|de|van|von|al|bin))*\s+[A-Z][\w'’-]+", text)
    ) and not _ANONYMOUS_PHRASE.search(text)


def anonymous_attribution_present(sentence: str, claims: Sequence[Claim] = ()) -> bool:
    """Does the sentence attribute to an unnamed source ('a source said', 'according to officials')?"""
    if any(c.source_type == "anonymous" for c in claims):
        return True
    return bool(_ANONYMOUS_PHRASE.search(sentence)) and bool(_CUE.search(sentence))


# --- hedges -----------------------------------------------------------------------------------

_HEDGE = re.compile(rf"\b(?:{ANSWER_HEDGE_CUES})\b", re.IGNORECASE)


def hedge_cues(sentence: str, expected: Iterable[str] = (), engine_hedges: Iterable[str] = ()) -> list[str]:
    """Hedge cues in the sentence: the engine's, the expected ones found verbatim, and the lexicon's."""
    found = [h for h in engine_hedges if h]
    text = normalise(sentence)
    for cue in expected:
        if cue and re.search(r"\b" + re.escape(normalise(cue)) + r"\b", text):
            found.append(cue)
    found.extend(m.group(0) for m in _HEDGE.finditer(sentence))
    return list(dict.fromkeys(found))


# --- marks (app.compose.marks) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Marks:
    """Detects the hedged / anonymous marks of ``app.compose.marks`` (or a plain bracket-tag fallback)."""

    hedged: Callable[[str], bool]
    anonymous: Callable[[str], bool]
    strip: Callable[[str], str]
    origin: str


_FALLBACK_HEDGE_MARK = re.compile(r"\[(?:hedged|hedge|unconfirmed)\]|\((?:hedged)\)", re.IGNORECASE)
_FALLBACK_ANON_MARK = re.compile(
    r"\[(?:anonymous(?: source)?|unnamed source)\]|\((?:anonymous(?: source)?)\)", re.IGNORECASE
)


def _fallback_strip(text: str) -> str:
    return _FALLBACK_ANON_MARK.sub("", _FALLBACK_HEDGE_MARK.sub("", text))


@lru_cache(maxsize=1)
def load_marks() -> Marks:
    """The marks notation of ``app.compose.marks`` when it is installed, else bracket tags ``[hedged]`` / ``[anonymous source]``."""
    app_marks: ModuleType | None
    try:
        from app.compose import marks as app_marks
    except ImportError:
        app_marks = None
    if app_marks is not None:
        hedged = getattr(app_marks, "has_hedge_mark", None)
        anonymous = getattr(app_marks, "has_anonymous_mark", None)
        strip = getattr(app_marks, "strip_marks", None)
        if callable(hedged) and callable(anonymous):
            return Marks(hedged, anonymous, strip if callable(strip) else _fallback_strip, "app.compose.marks")
    return Marks(
        lambda t: bool(_FALLBACK_HEDGE_MARK.search(t)),
        lambda t: bool(_FALLBACK_ANON_MARK.search(t)),
        _fallback_strip,
        "fallback [hedged]/[anonymous source] tags",
    )


# --- retrieval passages -------------------------------------------------------------------------


def longest_common_run(gold: str, passage: str) -> float:
    """Longest run of the gold text's words found contiguously in the passage, as a share of the gold's words."""
    gold_words, passage_words = quote_words(gold), quote_words(passage)
    if not gold_words:
        return 0.0
    matcher = SequenceMatcher(None, gold_words, passage_words, autojunk=False)
    match = matcher.find_longest_match(0, len(gold_words), 0, len(passage_words))
    return match.size / len(gold_words)

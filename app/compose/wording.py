"""How an answer sentence credits its source: the source written mid-sentence, the first word after
"According to X, ", whether a claim has anyone to credit, whether a sentence names it, and the writer's
own hedges.

Shared by the composers (which write answer sentences) and the attribution guard (which restores a
missing attribution), so both write an attribution the same way.
"""

from __future__ import annotations

import re

from app.compose.marks import strip_citations, strip_marks
from indexing.models import Claim
from indexing.text.lexicon import (
    ANONYMOUS_SOURCE_NOUNS,
    PRONOUN_SOURCES,
    PRONOUN_SOURCES_WITH_DEMONSTRATIVES,
    alphanumeric,
    word_form,
)

__all__ = [
    "display_source",
    "has_source",
    "hedges_outside_quotes",
    "in_sentence",
    "lower_after_comma",
    "lower_first",
    "lowerable",
    "names_source",
    "prefix_attribution",
]

# First words that are safe to lower-case after "X reported that ..." (not proper nouns).
_LOWERABLE = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "there",
        "their",
        "they",
        "some",
        "many",
        "most",
        "several",
        "each",
        "every",
        "all",
        "no",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "after",
        "before",
        "during",
        "while",
        "as",
        "with",
        "without",
        "since",
        "until",
        "although",
        "but",
        "however",
        "meanwhile",
        "such",
        "any",
        "both",
        "few",
        "more",
        "other",
        "our",
        "we",
        "his",
        "her",
        "he",
        "she",
    ]
)


def lowerable(sentence: str, context: str) -> bool:
    """True when the sentence's first word is safe to lower-case (not a proper noun, judged from the context)."""
    m = re.match(r"[A-Za-z][a-z'’-]*\b", sentence)
    if not m:
        return False
    word = m.group(0)
    return word.lower() in _LOWERABLE or bool(re.search(rf"(?<=[a-z,;] ){re.escape(word.lower())}\b", context))


def lower_first(sentence: str, context: str) -> str:
    """Lower-case the sentence's first word when it is not a proper noun (judged from the context)."""
    return sentence[:1].lower() + sentence[1:] if lowerable(sentence, context) else sentence


def in_sentence(source: str) -> str:
    """A source written mid-sentence: 'Sources close to X' -> 'sources close to X', 'The Union' -> 'the Union'."""
    words = source.split()
    if words and words[0] in {
        "The",
        "A",
        "An",
        "One",
        "Some",
        "Several",
        "Two",
        "Three",
        "Sources",
        "Officials",
        "Analysts",
        "Experts",
        "Critics",
        "People",
    }:
        return source[:1].lower() + source[1:]
    return source


def lower_after_comma(sentence: str, context: str) -> str:
    """Lower-case the first word of a sentence written after "According to X, " unless it is a proper noun or "I"."""
    m = re.match(r"([\"“‘']?)([A-Za-z][a-z'’-]*)\b", sentence)
    if not m or m.group(2) in {"I", "I'm", "I’m", "I've", "I’ve", "I'll", "I’ll", "I'd", "I’d"} or m.group(1):
        return sentence  # a quotation keeps its capital
    return lower_first(sentence, context)


def has_source(claim: Claim) -> bool:
    """True when the claim names someone to credit: a resolved speaker, or a source as written that
    is not a bare pronoun ("I" in a reader's letter, with no name to point back to, credits nobody)."""
    source = (claim.source or "").strip()
    return bool(
        (claim.speaker or "").strip() or (source and alphanumeric(source) not in PRONOUN_SOURCES_WITH_DEMONSTRATIVES)
    )


_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|(?<![\w])[‘\'][^‘’\']*[’\'](?![\w])')


def hedges_outside_quotes(text: str) -> list[str]:
    """The hedge cues of ``text`` said in the writer's words (quotations left out: a speaker's "would" is theirs)."""
    from indexing.claims import find_hedges

    return find_hedges(_QUOTED.sub(" ", text))


def prefix_attribution(text: str, who: str, context: str = "") -> str:
    """``According to <who>, <text>``; the first word lower-cased unless it is a proper noun, "I" or a quote."""
    return f"According to {in_sentence(who)}, {lower_after_comma(text.lstrip(), context)}"


_POSSESSIVE = re.compile(r"['’]s\b")


def names_source(sentence: str, claim: Claim) -> bool:
    """True when the sentence names the claim's speaker: full source, resolved name, surname or (anonymous) its head noun."""
    # a possessive names its owner: "Lind's view is that ..." names Lind
    plain = _POSSESSIVE.sub("", strip_citations(strip_marks(sentence)))
    text = f" {word_form(plain)} "
    # the names lose their possessives too ("the site's controllers" is written so in the sentence)
    names = [_POSSESSIVE.sub("", n) for n in (claim.speaker, claim.source) if n and word_form(n) not in PRONOUN_SOURCES]
    for name in names:
        full = word_form(name)
        if f" {full} " in text or f" {word_form(name.split(',')[0])} " in text:
            return True
        words = [w for w in word_form(name.split(",")[0]).split() if w not in {"the", "a", "an", "of", "one", "some"}]
        if claim.source_type == "named" and words and len(words[-1]) > 2 and f" {words[-1]} " in text:
            return True  # surname or an organisation's distinctive word
        if claim.source_type == "anonymous":
            heads = [w for w in words if w in ANONYMOUS_SOURCE_NOUNS]
            if heads and any(f" {h} " in text for h in heads):
                return True
    return False


def display_source(claim: Claim) -> str:
    """The source to name for a claim: the resolved speaker in place of a pronoun, else the source as written."""
    source = (claim.source or "").strip()
    if claim.speaker and (not source or word_form(source) in PRONOUN_SOURCES):
        return claim.speaker
    return source or claim.speaker or "the source"

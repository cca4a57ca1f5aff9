"""How answers say they cannot answer: ``REFUSAL_PHRASES``, ``WEAK_REFUSAL_PHRASES`` and ``looks_like_refusal``,
which decides refusal for an answer that does not say whether it refused."""

from __future__ import annotations

import re

__all__ = ["REFUSAL_PHRASES", "WEAK_REFUSAL_PHRASES", "looks_like_refusal"]

_SOURCES = (
    r"(?:the |these |those |my |your |our )?(?:provided |given |available |retrieved |indexed |supplied |attached |above |following )?"
    r"(?:documents?|articles?|sources?|context|passages?|texts?|corpus|news|search results|excerpts?|materials?|information)"
    r"(?: (?:provided|given|available|retrieved|supplied|above|i have|at hand|you (?:gave|provided)))?"
)
# How answers say they cannot answer, each with an example (tests/test_eval_answers.py reads them all).
# Any of these in the first 400 characters makes the answer a refusal.
REFUSAL_PHRASES: list[tuple[str, str]] = [
    (
        r"\bi (?:do not|don't|cannot|can't|could not|couldn't|am unable to|was unable to|am not able to) (?:know|find|answer|say|tell|determine|locate)",
        "I don't know.",
    ),
    (
        r"\b(?:cannot|can't|could not|couldn't|unable to|not able to) (?:be )?(?:answer(?:ed)?|find|found|determine[d]?|locate[d]?)\b",
        "The question cannot be answered from these articles.",
    ),
    (
        (
            r"\bno (?:relevant |specific |such )?(?:information|articles?|passages?|evidence|reports?|mention|details|data|results|sources?|documents?)"
            r" (?:about|on|of|regarding|that|concerning|was found|were found|could be found|is available|are available|found|available)"
        ),
        "No relevant information was found.",
    ),
    (
        (
            r"\b(?:there is|there's|there are|i have|i found|i've found|i see) no (?:relevant |specific )?"
            r"(?:information|mention|evidence|data|details|record|reference|answer)"
        ),
        "There is no information about a ransom in the sources.",
    ),
    (
        rf"\b{_SOURCES} (?:does|do|did)(?: not|n't) (?:contain|mention|say|cover|support|answer|address|provide|include|state|specify|discuss|give|report|indicate|tell)",
        "The provided documents do not mention who designed the bridge.",
    ),
    (
        rf"\bnot (?:covered|mentioned|found|addressed|discussed|specified|stated|reported|available|given) (?:in|by) {_SOURCES}",
        "The designer is not mentioned in the provided articles.",
    ),
    (r"\bnothing in the (?:corpus|articles|sources|documents|context|passages)", "Nothing in the articles says so."),
    (
        rf"\bnone of {_SOURCES} (?:mentions?|says?|covers?|contains?|discuss(?:es)?|reports?|address(?:es)?|answers?)\b",
        "None of the articles mentions a football stadium.",
    ),
    (
        r"\b(?:insufficient|not enough) (?:information|context|evidence|data)",
        "There is not enough information to answer.",
    ),
    (
        r"\boutside (?:the scope of |of )?(?:the |these |my )?(?:provided |given )?(?:corpus|articles|sources|documents|context)",
        "That is outside the provided documents.",
    ),
    (r"^\s*(?:unknown|unanswerable|no answer|n/?a)\.?\s*$", "Unanswerable"),
]
# These count only in a sentence that cites nothing: "The deal does not cover night shifts [1]." is an answer.
WEAK_REFUSAL_PHRASES: list[tuple[str, str]] = [
    (
        r"\b(?:does|do)(?: not|n't) (?:contain|mention|say|cover|support|answer|address)\b",
        "That does not say when the bridge reopens.",
    ),
    (r"\bnot (?:covered|mentioned|found) in\b", "The ransom is not mentioned in what I retrieved."),
]
_REFUSAL = re.compile("|".join(f"(?:{pattern})" for pattern, _ in REFUSAL_PHRASES), re.IGNORECASE)
_WEAK_REFUSAL = re.compile("|".join(f"(?:{pattern})" for pattern, _ in WEAK_REFUSAL_PHRASES), re.IGNORECASE)
_CITES = re.compile(r"\[\^?\s*\d|【|[¹²³⁴⁵⁶⁷⁸⁹⁰]|https?://|\(\s*(?:source\s*)?\d{1,3}\s*\)", re.IGNORECASE)


def looks_like_refusal(text: str) -> bool:
    """An empty answer, or one whose first 400 characters say the sources do not hold the answer."""
    stripped = text.strip()
    if not stripped:
        return True
    head = stripped[:400]
    if _REFUSAL.search(head):
        return True
    return any(_WEAK_REFUSAL.search(s) and not _CITES.search(s) for s in re.split(r"(?<=[.!?])\s+|\n+", head))

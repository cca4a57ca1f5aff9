"""The notation of an answer: citation markers and the hedged / anonymous marks.

An answer sentence looks like this (plain text, Markdown and JSON alike)::

    One expert noted that the alliance "suggests a deepening partnership" [hedged] [anonymous source] [2].

- ``[n]`` cites passage ``n`` of ``Answer.citations``; several are written ``[1][3]``.
- ``[hedged]`` follows a claim that its source (or the article) states with a
  hedge ("may", "reportedly", "is expected to"). The hedge words are kept too.
- ``[anonymous source]`` follows a claim whose source is unnamed ("a source
  within the ministry", "officials", "analysts").
- Marks come before the citations, which end the sentence (before its full stop).

Why square-bracket words: they read as what they are in a terminal, survive
Markdown untouched (``[hedged] [1]`` is not a link: CommonMark allows no space
between a link text and its label, and there are no link definitions), need no
escaping in JSON, and a regular expression finds them. Detection accepts a few
variants a model may write ("[Hedged]", "[anonymous]", "[anonymous sources]").

Everything here is pure string work, shared by the composers, the guard, the
UI (which styles marks) and the eval suite (which counts them).
"""

from __future__ import annotations

import html
import re
from enum import StrEnum
from typing import TYPE_CHECKING

from indexing.text.answer_sentences import AnswerSentence, sentence_spans

if TYPE_CHECKING:
    from indexing.models import Claim

__all__ = [
    "ANONYMOUS_MARK",
    "CITATION_PATTERN",
    "HEDGE_MARK",
    "LEGEND",
    "MARK_PATTERN",
    "AnswerSentence",
    "Mark",
    "add_marks",
    "answer_sentences",
    "find_citations",
    "find_marks",
    "format_citations",
    "has_anonymous_mark",
    "has_hedge_mark",
    "marks_for",
    "marks_to_html",
    "quote_open",
    "render_marks",
    "strip_citations",
    "strip_marks",
    "with_citations",
]


class Mark(StrEnum):
    """A visible mark on an answer claim. The value is the word inside the brackets."""

    HEDGED = "hedged"
    ANONYMOUS = "anonymous source"

    @property
    def text(self) -> str:
        """The mark as written in an answer, e.g. ``[hedged]``."""
        return f"[{self.value}]"


HEDGE_MARK = Mark.HEDGED.text
ANONYMOUS_MARK = Mark.ANONYMOUS.text

LEGEND: dict[Mark, str] = {
    Mark.HEDGED: "the claim is stated with a hedge (may, reportedly, is expected to...): it is not a certainty",
    Mark.ANONYMOUS: "the claim comes from an unnamed source (a source, officials, analysts...)",
}

# Accept the variants a chat model may produce; always *write* the canonical form.
MARK_PATTERN = re.compile(r"\[\s*(hedged?|anonymous(?:\s+sources?)?)\s*\]", re.IGNORECASE)
CITATION_PATTERN = re.compile(r"\[(\d{1,3})\]")
_CITATION_RUN = re.compile(r"(?:\s*\[\d{1,3}\])+")


def _mark_of(word: str) -> Mark:
    return Mark.HEDGED if word.lower().startswith("hedge") else Mark.ANONYMOUS


def marks_for(claim: Claim) -> list[Mark]:
    """The marks a claim must carry in an answer: hedged and/or anonymous."""
    marks: list[Mark] = []
    if claim.hedges:
        marks.append(Mark.HEDGED)
    if claim.source_type == "anonymous":
        marks.append(Mark.ANONYMOUS)
    return marks


def render_marks(marks: list[Mark] | tuple[Mark, ...]) -> str:
    """``"[hedged] [anonymous source]"`` for the given marks (in canonical order), or ``""``."""
    ordered = [m for m in (Mark.HEDGED, Mark.ANONYMOUS) if m in set(marks)]
    return " ".join(m.text for m in ordered)


def find_marks(text: str) -> list[Mark]:
    """The marks present in ``text``, in order of appearance (duplicates kept)."""
    return [_mark_of(m.group(1)) for m in MARK_PATTERN.finditer(text)]


def has_hedge_mark(text: str) -> bool:
    return Mark.HEDGED in find_marks(text)


def has_anonymous_mark(text: str) -> bool:
    return Mark.ANONYMOUS in find_marks(text)


def strip_marks(text: str) -> str:
    """``text`` without marks (and without the space left before them)."""
    return re.sub(r"\s*" + MARK_PATTERN.pattern, "", text, flags=re.IGNORECASE).strip()


def find_citations(text: str) -> list[int]:
    """The citation numbers in ``text``, in order, without duplicates."""
    seen: list[int] = []
    for m in CITATION_PATTERN.finditer(text):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def strip_citations(text: str) -> str:
    """``text`` without ``[n]`` markers (and the space before them)."""
    return _CITATION_RUN.sub("", text).strip()


def format_citations(numbers: list[int]) -> str:
    """``[1][3]`` for ``[1, 3]``."""
    return "".join(f"[{n}]" for n in numbers)


def add_marks(sentence: str, marks: list[Mark]) -> str:
    """Insert the missing ``marks`` into an answer sentence, before its citations and full stop."""
    missing = [m for m in marks if m not in find_marks(sentence)]
    if not missing:
        return sentence
    body, tail = _split_tail(sentence)
    existing = find_marks(body)
    body = strip_marks(body)
    return f"{body} {render_marks(existing + missing)}{tail}"


def with_citations(sentence: str, numbers: list[int]) -> str:
    """The answer sentence with its citations replaced by ``numbers`` (marks and end punctuation kept)."""
    body, tail = _split_tail(sentence)
    end = tail[-1] if tail and tail[-1] in ".!?" else "."
    return f"{body} {format_citations(numbers)}{end}"


def _split_tail(sentence: str) -> tuple[str, str]:
    """Split ``'X said Y [hedged] [1].'`` into the claim text with its marks and the citations + end punctuation."""
    s = sentence.rstrip()
    end = ""
    if s and s[-1] in ".!?":
        end, s = s[-1], s[:-1].rstrip()
    cites = ""
    m = re.search(r"(?:\s*\[\d{1,3}\])+$", s)
    if m:
        cites, s = m.group(0).strip(), s[: m.start()].rstrip()
    # A sentence written as 'X said Y. [1]' keeps its full stop before the citations.
    if not end and s and s[-1] in ".!?" and cites:
        end, s = s[-1], s[:-1].rstrip()
    tail = (" " + cites if cites else "") + end
    return s, tail


def marks_to_html(text: str) -> str:
    """HTML-escape ``text`` and wrap marks in ``<span class="mark mark-hedged|mark-anonymous" title=...>``.

    For surfaces that show answers as HTML (the UI); the legend goes in ``title``.
    """
    out: list[str] = []
    last = 0
    for m in MARK_PATTERN.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        mark = _mark_of(m.group(1))
        css = "mark-hedged" if mark is Mark.HEDGED else "mark-anonymous"
        out.append(f'<span class="mark {css}" title="{html.escape(LEGEND[mark])}">{html.escape(mark.text)}</span>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def quote_open(text: str) -> bool:
    """True when ``text`` leaves a double quotation open (straight or curly)."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def answer_sentences(text: str) -> list[AnswerSentence]:
    """Split an answer into sentences (``indexing.text.answer_sentences``: one splitter for the composers and the
    eval); citations written after the full stop stay with their sentence, and a stray citation run ("[2].")
    joins the sentence before it."""
    sentences: list[AnswerSentence] = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        if sentences and not strip_citations(strip_marks(piece)).strip(" ."):
            prev = sentences.pop()
            start, piece = prev.start, text[prev.start : end]
        sentences.append(
            AnswerSentence(
                piece,
                start,
                end,
                find_citations(piece),
                list[str](find_marks(piece)),
                index=len(sentences),
                clean=strip_citations(strip_marks(piece)),
            )
        )
    return sentences

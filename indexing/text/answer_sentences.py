"""An answer's text as sentences: one splitter and one ``AnswerSentence`` for the composers
(``app.compose.marks.answer_sentences``) and the eval suite (``eval.matching``, ``eval.notation``).

Lines (list items) split first and lose their bullet ("- ", "* ", "1. "). Within a line a sentence ends
after ``.`` ``!`` ``?``, the closing quotes after it, and the bracket groups that follow it ("[1]",
"[hedged]": they belong to the sentence before them), when the next sentence starts with a capital, a
digit or an opening quote. A quotation is split only where it closes, and not after an abbreviation
("Mr.", "U.S.") or a single letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["TRAILING_GROUP", "AnswerSentence", "sentence_spans"]


@dataclass
class AnswerSentence:
    """One sentence of an answer: its text as written, where it is, the citations it makes and its marks.

    The composers fill ``text``, the offsets, ``citations`` and ``marks``; the eval's reader also fills the
    rest (its text without marks, references to no listed source, marks in other notations, label lines).
    """

    text: str  # as written, marks and citations included
    start: int = 0  # offsets into the answer text (``text == answer[start:end]``)
    end: int = 0
    citations: list[int] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)  # the newsqa marks it carries (``app.compose.marks.Mark`` values)
    index: int = 0  # position among the answer's sentences
    clean: str = ""  # the text without citations and marks
    broken: list[str] = field(default_factory=list)  # references that point to no listed source (a URL, "[^x]")
    hedge_mark: bool = False  # carries a hedge mark, in the notation being read
    anonymous_mark: bool = False
    quote_text: str = ""  # the text quotations are read from (marks removed, so "(hedged: 'may')" is no quotation)
    answer_level: bool = False  # cites the answer's whole source list (the answer has no inline citations)
    context: str = ""  # what label lines next to it say of it ("Source: an unnamed official", "Hedge: could")

    @property
    def claim_text(self) -> str:
        """The sentence without citations and marks."""
        return self.clean

    @property
    def judged(self) -> str:
        """The text its source, attribution and hedges are judged on: with a speaker given on a label line
        ("Source: an unnamed official"), "According to <speaker>, <sentence>"."""
        return f"According to {self.context}, {self.clean}" if self.context else self.clean


_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "vs",
        "etc",
        "no",
        "fig",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
    ]
)
# A bracket group after the end of a sentence that still belongs to it: "[1]", "[hedged]", "[anonymous source]".
TRAILING_GROUP = re.compile(r"\s*\[[^\]\n]{1,40}\]")
_NEXT = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
# Other systems' answers may start a sentence with Markdown emphasis or a CJK bracket.
_NEXT_FOREIGN = re.compile(r"\s+[\"'“‘(\[*_【]*[A-Z0-9]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def _boundaries(line: str, trailing: re.Pattern[str], next_start: re.Pattern[str]) -> Iterable[int]:
    """Offsets where a sentence ends: after . ! ? (+ closing quotes + trailing bracket groups)."""
    in_quote = False
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if ch == "“":
            in_quote = True
        elif ch == "”":
            in_quote = False
        elif ch == '"':
            in_quote = not in_quote
        elif ch in ".!?" and (not in_quote or line[i + 1 : i + 2] in ('"', "”")):
            # Inside a quotation only a full stop that closes it ('... for weeks." Officials') can end a sentence.
            in_quote = False
            j = i + 1
            while j < n and line[j] in "\"'”’)":
                j += 1
            # Trailing bracket groups ("[1]", "[hedged]") belong to the sentence they follow.
            while True:
                m = trailing.match(line[j:])
                if not m or not m.group(0).strip():
                    break
                j += m.end()
            if j < n and line[j] == ".":  # "arise" [1]. -> the period after the marker
                j += 1
            rest = line[j:]
            if not rest.strip():
                break
            if next_start.match(rest):
                prev = re.search(r"([A-Za-z.]+)\.$", line[: i + 1])
                abbreviation = (
                    ch == "."
                    and prev
                    and (prev.group(1).lower().rstrip(".") in _ABBREVIATIONS or len(prev.group(1)) == 1)
                )
                if not abbreviation:
                    yield j
            i = j
            continue
        i += 1


def sentence_spans(
    answer: str, *, trailing: re.Pattern[str] | None = None, foreign: bool = False
) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``answer`` (see the module), surrounding blanks and bullets left out.

    ``trailing``: what a bracket group after a sentence looks like in the notation being read (default
    :data:`TRAILING_GROUP`); ``foreign``: other systems' sentence starts are accepted too.
    """
    spans: list[tuple[int, int]] = []
    next_start = _NEXT_FOREIGN if foreign else _NEXT
    offset = 0
    for raw_line in answer.splitlines(keepends=True):
        line_start, offset = offset, offset + len(raw_line)
        content = raw_line.splitlines()[0] if raw_line.splitlines() else ""  # without its line break
        bullet = _BULLET.match(content)
        line = content[bullet.end() :] if bullet else content
        base = line_start + (bullet.end() if bullet else 0)
        lead = len(line) - len(line.lstrip())
        line = line.strip()
        base += lead
        if not line:
            continue
        start = 0
        for end in (*_boundaries(line, trailing or TRAILING_GROUP, next_start), len(line)):
            piece = line[start:end]
            if piece.strip():
                skip = len(piece) - len(piece.lstrip())
                spans.append((base + start + skip, base + start + len(piece.rstrip())))
            start = end
    return spans

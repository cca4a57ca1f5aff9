"""Sign-off attributions read from the text: a quotation or a post followed by a dash and a name.

News prints readers' comments, epigraphs, fact-check quotes and embedded posts
this way, with no reporting verb for a parser to find::

    "The new tax will hurt every small shop." ― Lena Okafor
    "It is a fair plan." — Marcus Bell, a retired teacher
    "I helped write that bill."
    - Priya Natarajan.
    Bridge closed again this morning. — Tom Reyes (@tomreyes) May 4, 2026

The dash is the cue (PolNeAR's annotators mark it so), the name after it the
source, and the quotation before it (its marks included) the content. A post
without quotation marks counts only when its sign-off carries a handle
("(@tomreyes)"), the one form in which unquoted text before a dash is reliably
somebody's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quotes import QuoteIndex

__all__ = ["SignOff", "find_sign_offs"]

# A dash that can sign a quotation off: the long dashes and a double hyphen anywhere, a single hyphen only
# after a quotation, at a line start or after a space (elsewhere it joins words: "well-known").
_DASH = re.compile(r"\u2015|\u2014|\u2013|--|-")
_QUOTE_CLOSERS = "\"'\u201d\u2019"
_HANDLE = re.compile(r"\(@\w{1,30}\)")
# Words that may stand lower-case inside a name ("Charles de Gaulle", "Ahmed bin Salman").
_NAME_PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "der",
        "di",
        "da",
        "du",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "dos",
        "das",
        "mc",
        "of",
        "and",
        "the",
    ]
)
# Abbreviations that end in a full stop inside a name ("Sen. Ana Ruiz", "Martin Luther King Jr.").
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gov",
        "sen",
        "rep",
        "gen",
        "col",
        "lt",
        "sgt",
        "prof",
        "rev",
        "jr",
        "sr",
        "st",
        "hon",
        "pres",
        "sec",
        "atty",
        "supt",
        "capt",
        "cmdr",
        "adm",
        "maj",
    ]
)
_MAX_NAME_WORDS = 6


def _stop_inside_name(word: str) -> bool:
    """``word`` (without its full stop) keeps a following full stop inside a name: "Sen.", "Jr.", an initial "J."."""
    return word.lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word) is not None


@dataclass(frozen=True)
class SignOff:
    """Character spans of one sign-off attribution (half-open)."""

    content: tuple[int, int]
    cue: tuple[int, int]
    source: tuple[int, int]


def _name_end(text: str, start: int, line_end: int) -> int | None:
    """End of the name that starts at ``start`` (before a comma, a date, a bracket or the line's end), or None
    when what follows the dash is not a name."""
    words: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\s,;:()\u201c\"<]+", text[start:line_end]):
        a, b = start + m.start(), start + m.end()
        # only the words that run on from the start, separated by single spaces (no comma, bracket or quote)
        if words and text[words[-1][1] : a].strip(" \u00a0"):
            break
        word = text[a:b]
        bare = word.rstrip(".")
        low = bare.lower()
        if word.startswith("@") and len(word) > 1 and not words:
            words.append((a, b))
            break
        is_name_word = bare[:1].isupper() or (words and low in _NAME_PARTICLES)
        if not is_name_word:
            break
        words.append((a, b))
        if word.endswith(".") and not _stop_inside_name(bare):
            break  # a full stop after a name ends it ("- Bernie Sanders.")
        if len(words) > _MAX_NAME_WORDS:
            return None
    # lower-case particles cannot end a name
    while words and text[words[-1][0] : words[-1][1]].rstrip(".").lower() in _NAME_PARTICLES:
        words.pop()
    if not words:
        return None
    end = words[-1][1]
    if text[end - 1] == "." and not _stop_inside_name(text[words[-1][0] : end - 1]):
        end -= 1
    # what follows on the line must not make the "name" the subject of a sentence ("— Then Ruiz said ...")
    rest = text[end:line_end].strip(" \u00a0")
    if (
        rest
        and rest[0] not in ',.(<;\u2014\u2013-\u201c\u2018"'
        and not re.match(r"(?:[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d)", rest)
    ):
        return None
    return end


def find_sign_offs(text: str, quotes: QuoteIndex | None = None) -> list[SignOff]:
    """Every ``<quotation> <dash> <Name>`` and ``<post> <dash> <Name> (@handle)`` in ``text``, in order."""
    quotes = quotes or QuoteIndex(text)
    out: list[SignOff] = []
    for m in _DASH.finditer(text):
        d0, d1 = m.span()
        dash = m.group()
        line_start = text.rfind("\n", 0, d0) + 1
        if dash == "-" and d0 > line_start and text[d0 - 1] not in " \u00a0" + _QUOTE_CLOSERS:
            continue  # inside a word
        after = d1
        while after < len(text) and text[after] in " \u00a0":
            after += 1
        if after >= len(text) or not (text[after].isupper() or text[after] == "@"):
            continue
        # what stands before the dash: at most one paragraph break, then a closing quotation mark
        j = d0 - 1
        breaks = 0
        while j >= 0 and text[j] in " \u00a0\t\r\n":
            breaks += text[j] == "\n"
            j -= 1
        line_end = text.find("\n", d1)
        line_end = len(text) if line_end < 0 else line_end
        content: tuple[int, int] | None = None
        if j >= 0 and text[j] in _QUOTE_CLOSERS and breaks <= 2:
            q = quotes.containing(j)
            if q is not None and q[1] == j + 1:
                content = q
        if content is None and dash == "-":
            continue  # a bare hyphen signs off only a quotation
        end = _name_end(text, after, line_end)
        if end is None:
            continue
        source_end = end
        handle = _HANDLE.match(text, end + (1 if text[end : end + 1] == " " else 0))
        if handle:
            source_end = handle.end()
        if content is None:
            # an unquoted post: the text of its line before the dash, signed with a handle
            if handle is None or breaks:
                continue
            a = max(line_start, text.rfind(">", line_start, d0) + 1)
            while a < d0 and text[a] in " \u00a0":
                a += 1
            b = j + 1
            if len(text[a:b].split()) < 3:
                continue
            content = (a, b)
        out.append(SignOff(content=content, cue=(d0, d1), source=(after, source_end)))
    return out

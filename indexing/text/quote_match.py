"""Is a quotation in a passage? One answer for the attribution guard (``app.guard.guard``) and the eval's judge
(``eval.matching``), so the shipped check is exactly as strict as the one that scores it.

A quotation matches when its words occur in the passage word for word and in order, case, punctuation
and quote style aside. Editorial conventions are honoured: an ellipsis (``...``, ``…``, ``[...]``)
stands for any omitted run, and a ``[bracketed insertion]`` ("[the ministry] will act") stands in for
at most :data:`BRACKET_GAP` words of the passage.
"""

from __future__ import annotations

import re

from indexing.text.lexicon import normalise

__all__ = ["BRACKET_GAP", "quote_in_passage", "quote_words"]

# The most passage words a [bracketed insertion] may stand for ("[he]" for "Mr Okafor", "[the ministry]").
BRACKET_GAP = 3

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_ELLIPSIS = frozenset(["...", "…", "[...]", "[…]"])
_EDITORIAL = re.compile(r"(\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…|\[[^\]]*\])")


def quote_words(text: str) -> list[str]:
    """The words a quotation is compared by: normalised (``lexicon.normalise``), letters and digits,
    an apostrophe's suffix kept ("don't")."""
    return _WORD.findall(normalise(text))


def _pieces(quote: str) -> list[tuple[list[str], int | None]]:
    """The quotation's runs of words, each with the largest gap allowed before it (None: any)."""
    pieces: list[tuple[list[str], int | None]] = []
    gap: int | None = 0
    for token in _EDITORIAL.split(quote):
        if re.sub(r"\s+", "", token) in _ELLIPSIS:
            gap = None
        elif token.startswith("["):
            gap = None if gap is None else gap + BRACKET_GAP
        elif quote_words(token):
            pieces.append((quote_words(token), gap if pieces else None))
            gap = 0
    return pieces


def quote_in_passage(quote: str, passage: str) -> bool:
    """True when the quotation's words occur in the passage word for word and in order (see the module)."""
    haystack = quote_words(passage)
    pieces = _pieces(quote)
    if not pieces:
        return False

    def match(index: int, position: int) -> bool:
        if index == len(pieces):
            return True
        needle, allowed = pieces[index]
        last = len(haystack) - len(needle) if allowed is None else min(position + allowed, len(haystack) - len(needle))
        for at in range(position, last + 1):
            if haystack[at : at + len(needle)] == needle and match(index + 1, at + len(needle)):
                return True
        return False

    return match(0, 0)

"""Typo correction of queries against the words of the indexed text (``correct_query``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Container
from functools import lru_cache

__all__ = ["correct_query"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


def correct_query(
    query: str, words: Counter[str], vocabulary: Container[str], stem: Callable[[str], str]
) -> tuple[str, list[tuple[str, str]]]:
    """``query`` with words the corpus never uses replaced by the closest word it uses often.

    ``words`` counts the corpus's lower-case words; ``vocabulary`` holds its stemmed terms, as
    ``stem`` makes them. A word of four letters or more that is neither in the corpus nor shares
    its stem with a corpus word (nor an English function word: "what", "which", "about" ...) is
    replaced by the most frequent corpus word one edit away (a letter
    inserted, deleted, replaced, or two neighbours swapped: "minster" -> "minister",
    "qouta" -> "quota"), or two edits away for words of seven letters or more. Returns the
    corrected query and the ``(typed, corrected)`` pairs, in order (no pairs: unchanged).
    """
    if not words:
        return query, []
    fixes: list[tuple[str, str]] = []

    def fix(match: re.Match[str]) -> str:
        typed = match.group(0)
        low = typed.lower()
        if len(low) < 4 or low in words or not low.isalpha() or low in _function_words() or stem(low) in vocabulary:
            return typed
        best = _closest(low, words, two_edits=len(low) >= 7)
        if best is None:
            return typed
        fixes.append((typed, best))
        return best.capitalize() if typed[:1].isupper() and not typed.isupper() else best

    corrected = re.sub(r"[A-Za-z][A-Za-z'’-]*", fix, query)
    return corrected, fixes


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | swaps | replaces | inserts


def _closest(word: str, words: Counter[str], *, two_edits: bool) -> str | None:
    """The most frequent word of ``words`` one edit from ``word`` (or two, when allowed); seen twice or more.

    A word the corpus has only once may be a typo itself.
    """
    near = [w for w in _edits1(word) if words.get(w, 0) >= 2]
    if not near and two_edits:
        near = [w for e in _edits1(word) for w in _edits1(e) if words.get(w, 0) >= 2]
    if not near:
        return None
    return max(near, key=lambda w: (words[w], w))

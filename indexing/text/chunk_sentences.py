"""The sentences of a chunk as answers cite them: light rules, no parser (shared by ingest and answering)."""

from __future__ import annotations

import re

__all__ = ["sentence_spans"]

_SENT_END = re.compile(r"""[.!?…]["'”’)]*(?=\s+["'“‘(]?[A-Z0-9])|\n\s*\n|\n(?=\s*\S)""")
_ABBREV = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Prof|Gen|Sen|Rep|Gov|Lt|Col|No|vs|Inc|Jr|Sr|Co|Corp|Ltd)\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text`` (a chunk), whitespace trimmed; light rules, no parser."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if _ABBREV.search(text[start : m.start() + 1]):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if e - trail > s + lead:
            out.append((s + lead, e - trail))
    return out

"""The list of sources, references or footnotes at the end of an answer: ``split_listing`` cuts it from
the answer's body into ``ListedSource`` entries, and tells which notes are marks ("[^2]: unconfirmed")
rather than sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eval.notation_marks import ANONYMOUS_INDICATOR, ANONYMOUS_WORDS, HEDGE_WORDS
from eval.notation_references import LINK, SUPERSCRIPT_DIGITS, URL, superscript_label

__all__ = ["ListedSource", "split_listing"]

_FLAGS = re.IGNORECASE

_SOURCES_HEADER = re.compile(
    r"^\s*(?:#{1,6}\s*)?[*_]{0,2}\s*(?:sources?|references?|citations?|bibliography|works cited|footnotes?|notes|links|"
    r"cited (?:sources|articles|passages)|documents?)\s*[*_]{0,2}\s*:?\s*[*_]{0,2}\s*$",
    _FLAGS,
)
_DEFINITION = re.compile(
    rf"^\s*(?:\[\^([^\]\s]{{1,20}})\]:?|\[(\d{{1,3}})\]:?|([{SUPERSCRIPT_DIGITS}]+|[†‡§¶]+)|【(\d{{1,3}})】)\s*(.*\S)\s*$"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|(\d{1,3})[.)]|\((\d{1,3})\))\s+(.*\S)\s*$")


@dataclass
class ListedSource:
    """One entry of the sources / references / footnotes an answer lists at its end."""

    label: str | None  # "1", "a" (footnote [^a]), "†"; None for an unnumbered entry
    text: str
    position: int  # 1-based position in the list
    hedge: bool = False  # the note marks a claim hedged ("[^2]: unconfirmed")
    anonymous: bool = False
    mark_only: bool = False  # the note is a mark, not a source
    cited_as: int | None = None  # the citation id this entry stands for

    @property
    def url(self) -> str | None:
        link = LINK.search(self.text)
        if link and link.group(2).startswith(("http://", "https://")):
            return link.group(2)
        found = URL.search(self.text)
        return found.group(1) if found else None

    @property
    def path(self) -> str | None:
        found = re.search(r"(?<![\w/:])((?:[\w.-]+/)+[\w.-]+\.(?:md|txt|json|jsonl|html?|xml|pdf))\b", self.text)
        return found.group(1) if found else None

    @property
    def title(self) -> str | None:
        link = LINK.search(self.text)
        if link and not link.group(1).strip().isdigit():
            return link.group(1).strip()
        quoted = re.search(r"[\"“]([^\"”]{8,})[\"”]", self.text)
        if quoted:
            return quoted.group(1).strip()
        text = URL.sub(" ", self.text)
        text = re.sub(r"\([^()]*\)", " ", text)
        head = re.split(r"\s+[-–—|]\s+|\s*[*_]{1,2}\s*$", text.strip(), maxsplit=1)[0]
        head = head.strip(" *_.,;:")
        return head or None


def _definition_marks(text: str) -> tuple[bool, bool, bool]:
    """(hedge, anonymous, mark_only) for a footnote's note."""
    hedge = bool(HEDGE_WORDS.search(text) or re.search(r"\bhedg", text, _FLAGS))
    anonymous = bool(ANONYMOUS_WORDS.search(text) or ANONYMOUS_INDICATOR.search(text))
    if not (hedge or anonymous):
        return False, False, False
    source_like = bool(URL.search(text) or re.search(r"\.(?:md|txt|json|html?|pdf)\b", text))
    return hedge, anonymous, not source_like


def split_listing(text: str) -> tuple[str, list[ListedSource]]:
    """Split the answer's body from the sources / footnotes it lists at its end.

    The list starts at a header line ("Sources:", "References", "**Sources**", "## Footnotes") or is
    the run of footnote definitions ("[^1]: ...", "[1] ...", "¹ ...", "† ...") that ends the answer.
    """
    lines = text.splitlines()
    start = None
    for i in range(len(lines) - 1, -1, -1):
        if _SOURCES_HEADER.match(lines[i]) and any(line.strip() for line in lines[i + 1 :]):
            start = i
            break
    entries_lines: list[str]
    if start is not None:
        body_lines, entries_lines = lines[:start], lines[start + 1 :]
    else:
        # No header: the run of footnote definitions that ends the answer, after a blank line.
        last = len(lines)
        while last > 0 and not lines[last - 1].strip():
            last -= 1
        first = last
        while first > 0 and (not lines[first - 1].strip() or _DEFINITION.match(lines[first - 1])):
            first -= 1
        while first < last and not lines[first].strip():
            first += 1
        if first >= last or first == 0 or lines[first - 1].strip():
            return text, []
        body_lines, entries_lines = lines[:first], lines[first:last]
    entries: list[ListedSource] = []
    for line in entries_lines:
        if not line.strip():
            continue
        label, rest = None, line.strip()
        match = _DEFINITION.match(line)
        if match:
            label = match.group(1) or match.group(2) or match.group(4) or superscript_label(match.group(3) or "")
            rest = match.group(5)
        else:
            item = _LIST_ITEM.match(line)
            if item:
                label, rest = item.group(1) or item.group(2), item.group(3)
            elif entries and line.startswith((" ", "\t")):
                entries[-1].text += " " + line.strip()  # a continuation line
                continue
        hedge, anonymous, mark_only = _definition_marks(rest)
        entries.append(
            ListedSource(
                label=label, text=rest, position=len(entries) + 1, hedge=hedge, anonymous=anonymous, mark_only=mark_only
            )
        )
    return "\n".join(body_lines).rstrip(), entries

"""Resolving an answer's references (numbers, footnote labels, URLs, file paths, titles) to citation ids,
through the answer's citations and the sources it lists at its end; a listed source that matches no
citation becomes a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eval.notation_listing import ListedSource
from eval.notation_references import normalise_url
from indexing.text.lexicon import ascii_words

__all__ = ["Resolver"]


class Resolver:
    """Maps every kind of reference (number, footnote label, URL, title) to a citation id."""

    def __init__(self, citations: Sequence[Any], listed: Sequence[ListedSource]) -> None:
        self.citations = list(citations)
        known = {c.id for c in self.citations}
        self.ids = set(known)
        self.by_url: dict[str, int] = {}
        self.titles: list[tuple[str, int]] = []
        for c in self.citations:
            if getattr(c, "url", None):
                self.by_url.setdefault(normalise_url(c.url), c.id)
            if getattr(c, "title", None):
                self._add_title(c.title, c.id)
        self.by_label: dict[str, int] = {}
        self.marks_by_label: dict[str, ListedSource] = {}
        self.new: list[ListedSource] = []  # listed sources that match no citation: they become citations
        for entry in listed:
            if entry.label and (entry.hedge or entry.anonymous):
                self.marks_by_label[entry.label] = entry
            if entry.mark_only:
                continue
            found = self._match_entry(entry, known)
            if found is None:
                wanted = int(entry.label) if entry.label and entry.label.isdigit() else None
                found = wanted if wanted is not None and wanted not in self.ids else max(self.ids | {0}) + 1
                self.new.append(entry)
            self.ids.add(found)
            entry.cited_as = found
            if entry.label:
                self.by_label[entry.label] = found
            if entry.url:
                self.by_url.setdefault(normalise_url(entry.url), found)
            if entry.title:
                self._add_title(entry.title, found)

    def _add_title(self, title: str, ident: int) -> None:
        key = _key(title)
        if len(key.split()) >= 3 and (key, ident) not in self.titles:
            self.titles.append((key, ident))

    def _match_entry(self, entry: ListedSource, known: set[int]) -> int | None:
        """The citation a listed source names: its number (unless its URL or file says otherwise), else by URL,
        file path or title, else its position in an unnumbered list."""
        url, path, text = entry.url, entry.path, " " + _key(entry.text) + " "
        by_id = {c.id: c for c in self.citations}
        if entry.label and entry.label.isdigit() and int(entry.label) in known:
            cited = by_id[int(entry.label)]
            cited_url, cited_path = (
                getattr(cited, "url", None),
                (getattr(cited, "source_path", None) or "").replace("\\", "/"),
            )
            titled = [ident for key, ident in self.titles if f" {key} " in text]
            agrees = (
                (not url or not cited_url or normalise_url(url) == normalise_url(cited_url))
                and (not path or not cited_path or cited_path.endswith(path) or path.endswith(cited_path))
                and (not titled or not getattr(cited, "title", None) or int(entry.label) in titled)
            )
            if agrees:
                return int(entry.label)
        if url and normalise_url(url) in self.by_url:
            return self.by_url[normalise_url(url)]
        for c in self.citations:
            source_path = (getattr(c, "source_path", None) or "").replace("\\", "/")
            if path and source_path and (source_path.endswith(path) or path.endswith(source_path)):
                return c.id
        for key, ident in self.titles:
            if f" {key} " in text:
                return ident
        if entry.label is None and entry.position in known and not (url or path):
            return entry.position
        return None

    def number(self, n: int) -> int:
        """A number in the text: through the listed sources when they are numbered, else itself."""
        return self.by_label.get(str(n), n)

    def url(self, url: str) -> int | None:
        return self.by_url.get(normalise_url(url))

    def title_refs(self, text: str) -> list[int]:
        padded = " " + _key(text) + " "
        return list(dict.fromkeys(ident for key, ident in self.titles if f" {key} " in padded))

    def title_group(self, content: str) -> list[int]:
        """A bracketed / parenthesised title ("(Kessler Bridge shut ..., Harbor Gazette)"): its citations."""
        padded = " " + _key(content) + " "
        found = []
        for key, ident in self.titles:
            if f" {key} " in padded:
                rest = padded.replace(f" {key} ", " ", 1).split()
                if len(rest) <= 6:
                    found.append(ident)
        return list(dict.fromkeys(found))


def _key(text: str) -> str:
    return ascii_words(text)

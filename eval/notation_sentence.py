"""Reading one sentence of an answer in a notation: the citation ids it cites, the references that
point to nothing, whether it is marked hedged / anonymous, and its text with every citation and mark removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from eval.matching import _marker_numbers
from eval.notation_marks import ANONYMOUS_INDICATOR, ANONYMOUS_WORDS, HEDGE_INDICATOR, HEDGE_WORDS, classify_group
from eval.notation_references import (
    BRACKET_NUMBERS,
    FOOTNOTE_REF,
    LENTICULAR,
    LINK,
    MARKER,
    NUMBERS,
    PAREN_NUMBERS,
    PAREN_PREFIXED,
    PREFIX,
    SUPERSCRIPT,
    SUPERSCRIPT_DIGITS,
    SYMBOL_REF,
    URL,
    superscript_label,
)
from eval.notation_resolver import Resolver
from eval.notation_spec import Notation, Pattern

__all__ = ["SentenceReader"]

_FLAGS = re.IGNORECASE

_GROUP = re.compile(r"[\[(]\s*([^\[\]()\n]{1,80}?)\s*[\])]")
_EMPHASIS = re.compile(r"(?<![*\w])(\*{1,2}|_{1,2})(?=\S)([^*\n]{1,80}?)(?<=\S)\1(?![*\w])")


def _sub_all(patterns: Iterable[Pattern], text: str, repl: str | Callable[[re.Match[str]], str] = " ") -> str:
    for pattern in patterns:
        text = pattern.sub(repl, text)
    return text


class SentenceReader:
    """Finds the citations and marks of one sentence and cleans its text."""

    def __init__(self, notation: Notation, resolver: Resolver) -> None:
        self.n = notation
        self.r = resolver

    def trailing(self) -> Pattern:
        """Groups after a full stop that still belong to the sentence ("... month. [1]", ".¹", ". (anon.)")."""
        if not self.n.foreign:
            return re.compile(r"\s*\[[^\]\n]{1,40}\]")
        return re.compile(
            r"\s*(?:\[[^\]\n]{1,40}\](?:\([^)\s]{1,300}\))?|\((?:[^()\n.!?]{1,60}|anon\.?)\)|【[^】\n]{1,40}】"
            rf"|[{SUPERSCRIPT_DIGITS}]+|[†‡§¶]+|<sup>[^<]{{1,20}}</sup>)"
        )

    def read(self, raw: str) -> tuple[list[int], list[str], bool, bool, str, str]:
        """(citation ids, references that point to nothing, hedge mark, anonymous mark, clean text, text for quotes)."""
        marks = self.n.marks
        flags = [bool(marks.hedged(raw)), bool(marks.anonymous(raw))]
        cites: list[int] = []
        broken: list[str] = []
        text = raw
        if self.n.foreign:
            text = self._foreign(text, cites, broken, flags)
        else:
            text = MARKER.sub(lambda m: self._numbers(m.group(1), cites), text)
        for pattern in self.n.citations:
            text = pattern.sub(lambda m: self._numbers(m.group(1), cites), text)
        for patterns, i in ((self.n.hedge_marks, 0), (self.n.anonymous_marks, 1)):
            if any(p.search(text) for p in patterns):
                flags[i] = True
            text = _sub_all(patterns, text)
        for patterns, i in ((self.n.hedge_words, 0), (self.n.anonymous_words, 1)):
            if any(p.search(text) for p in patterns):
                flags[i] = True
        quote_text = marks.strip(text)
        clean = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", quote_text)).strip()
        if self.n.foreign:
            clean = re.sub(r"^[\s.,;:]+", "", clean)
        return cites, broken, flags[0], flags[1], clean, quote_text

    def _numbers(self, body: str, cites: list[int]) -> str:
        numbers = _marker_numbers(re.sub(r"\s*and\s*", ",", body))
        cites.extend(self.r.number(n) if self.n.foreign else n for n in numbers)
        return " "

    def _label(self, label: str, cites: list[int], broken: list[str], shown: str, flags: list[bool]) -> str:
        """A footnote reference ([^a], ¹, †): a mark when its note is one, else the source its note names."""
        entry = self.r.marks_by_label.get(label)
        if entry is not None:
            flags[0] |= entry.hedge
            flags[1] |= entry.anonymous
        if label in self.r.by_label:
            cites.append(self.r.by_label[label])
        elif entry is None or not entry.mark_only:
            if label.isdigit():
                cites.append(int(label))
            else:
                broken.append(shown)
        return " "

    def _foreign(self, text: str, cites: list[int], broken: list[str], flags: list[bool]) -> str:
        def link(m: re.Match[str]) -> str:
            label, target = m.group(1).strip(), m.group(2)
            inner = re.fullmatch(rf"\^?\s*{PREFIX}?({NUMBERS})", label, _FLAGS)
            if inner:
                return self._numbers(inner.group(1), cites)
            ident = self.r.url(target) if target.startswith(("http://", "https://")) else None
            if ident is None:
                titled = self.r.title_refs(label)
                ident = titled[0] if titled else None
            if ident is None:
                path = target.replace("\\", "/")
                ident = next(
                    (
                        c.id
                        for c in self.r.citations
                        if path and (getattr(c, "source_path", None) or "").replace("\\", "/").endswith(path)
                    ),
                    None,
                )
            if ident is None:
                broken.append(target)
            else:
                cites.append(ident)
            # A link whose text is a domain, a title or "source" is a citation only; other link text is prose.
            if re.fullmatch(
                r"[\w.-]+\.[a-z]{2,}(?:/\S*)?|sources?|link|here|ref|\W*", label, _FLAGS
            ) or self.r.title_group(label):
                return " "
            return label

        text = LINK.sub(link, text)
        text = re.sub(r"\(\s*\)", " ", text)  # "([harborgazette.example](https://...))" leaves "( )"

        def url(m: re.Match[str]) -> str:
            ident = self.r.url(m.group(1))
            if ident is None:
                broken.append(m.group(1))
            else:
                cites.append(ident)
            return " "

        text = URL.sub(url, text)
        text = FOOTNOTE_REF.sub(lambda m: self._label(m.group(1), cites, broken, m.group(0), flags), text)

        def superscript(m: re.Match[str]) -> str:
            if m.group(0) in ("²", "³") and re.search(r"(?:\d\s?|\b)(?:k|c|m|µ)?m$|\bft$", m.string[: m.start()]):
                return m.group(0)  # a unit (40 km², 3 m³), not a citation
            body = m.group(1) or m.group(2) or superscript_label(m.group(0))
            for label in re.split(r"[,˒⋅\u00b7\s]+", body.strip()):
                if label:
                    self._label(label, cites, broken, label, flags)
            return " "

        text = SUPERSCRIPT.sub(superscript, text)
        text = SYMBOL_REF.sub(lambda m: self._label(m.group(1), cites, broken, m.group(1), flags), text)

        def lenticular(m: re.Match[str]) -> str:
            first = re.match(r"\s*(?:[a-z]+\s*)?(\d{1,3})", m.group(1), _FLAGS)
            if first:
                cites.append(self.r.number(int(first.group(1))))
            else:
                broken.append(m.group(0))
            return " "

        text = LENTICULAR.sub(lenticular, text)
        text = BRACKET_NUMBERS.sub(lambda m: self._numbers(m.group(1), cites), text)
        text = PAREN_PREFIXED.sub(lambda m: self._numbers(m.group(1), cites), text)
        text = PAREN_NUMBERS.sub(lambda m: self._numbers(m.group(1), cites), text)

        def group(m: re.Match[str]) -> str:
            is_hedge, is_anonymous = classify_group(m.group(1))
            if is_hedge or is_anonymous:
                flags[0] |= is_hedge
                flags[1] |= is_anonymous
                return " "
            titled = self.r.title_group(m.group(1))
            if titled:
                cites.extend(titled)
                return " "
            return m.group(0)

        text = _GROUP.sub(group, text)

        def emphasis(m: re.Match[str]) -> str:
            inner = m.group(2)
            if HEDGE_INDICATOR.search(inner) or HEDGE_WORDS.search(inner):
                flags[0] = True
            if ANONYMOUS_INDICATOR.search(inner) or ANONYMOUS_WORDS.search(inner):
                flags[1] = True
            return inner

        text = _EMPHASIS.sub(emphasis, text)
        text = re.sub(r"(?<!\w)[*_]{1,3}(?!\w)", " ", text)  # stray emphasis markers
        if ANONYMOUS_WORDS.search(text):
            flags[1] = True
        if HEDGE_WORDS.search(text):
            flags[0] = True
        # A listed source's title written in the text cites that source too.
        for ident in self.r.title_refs(text):
            if ident not in cites:
                cites.append(ident)
        return text

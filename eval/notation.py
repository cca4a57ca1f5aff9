"""Reading an answer in the notation its system writes: citation markers, hedged / anonymous marks,
footnotes and the list of sources at its end.

Two notations are built in, and an evaluator can state a third in a JSON file
(``--notation FILE.json``, format in ``docs/eval.md``):

- ``newsqa``: newsqa's own notation (``app.compose.marks``): ``[n]`` citations (``[1][2]``, ``[1, 2]``,
  ``[1-3]``), ``[hedged]`` and ``[anonymous source]`` marks.
- ``generic`` (the default): everything ``newsqa`` reads, and the notations people and other
  tools write:

  - citations ``[^1]``, ``(1)``, ``【1】``, ``[1](url)``, ``[Source 1]``, superscripts (``¹²``,
    ``<sup>1</sup>``), a URL, or a source's title when the answer or its files list the
    source;
  - anonymity *marked* in words ("an unnamed source", "who asked not to be named", "who is
    not named", "anonymous"), in brackets or parentheses ("(anonymous source)", "[unnamed]",
    "(anon.)"), as a footnote whose note says so, or emphasised in Markdown;
  - hedges *marked* in brackets or parentheses ("(hedged: 'may')", "(unconfirmed)",
    "(reportedly)"), in words that say a claim is unconfirmed ("unconfirmed", "has not been
    verified"), as a footnote, or by emphasising the hedge word (``*may*``, ``**reportedly**``).
    A hedge word written plainly ("may", "reportedly") is *kept*, not *marked*.

``read_answer`` turns an answer text into ``AnswerSentence`` objects carrying the citation ids
each sentence cites, the references that point to nothing, and whether it is marked hedged /
anonymous; its ``clean`` text has every citation and mark removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from eval.matching import (
    AnswerSentence,
    Marks,
    _marker_numbers,
    load_marks,
    split_pieces,
)
from indexing.errors import BadInputError
from indexing.text.lexicon import ascii_words

__all__ = [
    "BUILTIN_NOTATIONS",
    "ListedSource",
    "Notation",
    "ParsedAnswer",
    "load_notation",
    "normalise_url",
    "read_answer",
    "split_listing",
]

Pattern = re.Pattern[str]
_FLAGS = re.IGNORECASE


# --- the vocabulary of marks ----------------------------------------------------------------------

# Words that say a source is not named. They count as an anonymous mark and stay in the text.
ANONYMOUS_WORDS = re.compile(
    r"\b(?:anonymous(?:ly)?|unnamed|unidentified|nameless)\b"
    r"|\bnot (?:been |being )?(?:named|identified)\b"
    r"|\b(?:asked|requested|declined|wished|wanted|refused|want|wish|ask|asking|declining)(?: not)? to be (?:named|identified)\b"
    r"|\bon (?:the )?condition (?:of|that (?:he|she|they|it) not be named)\b"
    r"|\b(?:requested|granted|given|under) anonymity\b"
    r"|\bnames? (?:was |were |is |are |has been |have been )?withheld\b"
    r"|\bnot authori[sz]ed to (?:speak|comment)\b",
    _FLAGS,
)
# Words that say a claim is not established. They count as a hedge mark and stay in the text.
HEDGE_WORDS = re.compile(
    r"\b(?:unconfirmed|unverified|unproven|hedged)\b"
    r"|\b(?:not|never) (?:been |yet |independently |officially |publicly )*(?:confirmed|verified)\b"
    r"|\b(?:could not|cannot|can't|couldn't|can not)\s+(?:be\s+)?(?:independently\s+)?(?:confirmed|verified|confirm|verify)\b",
    _FLAGS,
)
# Words that, set off in brackets, parentheses or Markdown emphasis, mark a claim hedged or anonymous:
# "(reportedly)", "[unconfirmed]", "*may*", "(anon.)", "(source not named)".
_HEDGE_INDICATOR_WORDS = frozenset(
    [
        "hedge",
        "hedged",
        "hedging",
        "unconfirmed",
        "unverified",
        "unproven",
        "uncertain",
        "speculative",
        "speculation",
        "tentative",
        "alleged",
        "allegedly",
        "reportedly",
        "possibly",
        "probably",
        "perhaps",
        "likely",
        "unlikely",
        "may",
        "might",
        "could",
        "would",
        "should",
        "appear",
        "appears",
        "seem",
        "seems",
        "suggest",
        "suggests",
        "expected",
        "believed",
        "predicted",
        "estimate",
        "estimated",
        "forecast",
        "claimed",
    ]
)
_ANONYMOUS_INDICATOR_WORDS = frozenset(["anonymous", "anonymously", "anon", "unnamed", "unidentified", "nameless"])
_HEDGE_INDICATOR = re.compile(
    r"\b(?:" + "|".join(sorted(_HEDGE_INDICATOR_WORDS)) + r"|not (?:confirmed|verified))\b", _FLAGS
)
_ANONYMOUS_INDICATOR = re.compile(
    r"\b(?:" + "|".join(sorted(_ANONYMOUS_INDICATOR_WORDS)) + r"|not named|not identified|name withheld)(?:\b|\.)",
    _FLAGS,
)
# Words a mark label may also hold: "(source: anonymous)", "(hedge word: 'may')", "[unnamed official]".
_LABEL_WORDS = frozenset(
    [
        "source",
        "sources",
        "speaker",
        "speakers",
        "official",
        "officials",
        "claim",
        "claims",
        "cue",
        "cues",
        "word",
        "words",
        "term",
        "terms",
        "status",
        "note",
        "mark",
        "label",
        "attribution",
        "and",
        "or",
        "not",
        "named",
        "identified",
        "confirmed",
        "verified",
        "name",
        "withheld",
        "is",
        "was",
        "as",
        "a",
        "an",
        "the",
        "this",
        "by",
        "to",
        "be",
        "language",
        "quote",
    ]
)
_INDICATOR_WORDS = _HEDGE_INDICATOR_WORDS | _ANONYMOUS_INDICATOR_WORDS

_URL = re.compile(r"<?(https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"”’])>?")
_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\(\s*<?([^()\s<>]+)>?\s*\)")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]{1,20})\]")
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = re.compile(
    rf"[{_SUPERSCRIPT_DIGITS}]+(?:[,˒⋅\u00b7][{_SUPERSCRIPT_DIGITS}]+)*|<sup>\s*([^<]{{1,20}})\s*</sup>|\^(\d{{1,3}})\^"
)
_SYMBOL_REF = re.compile(r"(?<=[\w.,;:!?\"”’)\]])([†‡§¶]+)")
_LENTICULAR = re.compile(r"【\s*([^】]{1,40})】")
_NUMBERS = r"\d{1,3}(?:\s*(?:[,;]|[-–]|and)\s*\d{1,3})*"
_PREFIX = r"(?:(?:source|src|doc(?:ument)?|ref(?:erence)?|passage|citation|context)s?\.?\s*:?\s*#?\s*)"
_BRACKET_NUMBERS = re.compile(rf"\[\s*{_PREFIX}?({_NUMBERS})\s*\]", _FLAGS)
_PAREN_PREFIXED = re.compile(rf"\(\s*{_PREFIX}({_NUMBERS})\s*\)", _FLAGS)
# "(1)" only where a citation sits: after a word and before punctuation, another marker or the end.
_PAREN_NUMBERS = re.compile(rf"(?<=[\w.,;:!?\"”’)\]])\s*\(\s*({_NUMBERS})\s*\)(?=\s*(?:[.,;:!?\[(【]|$))")
_GROUP = re.compile(r"[\[(]\s*([^\[\]()\n]{1,80}?)\s*[\])]")
_EMPHASIS = re.compile(r"(?<![*\w])(\*{1,2}|_{1,2})(?=\S)([^*\n]{1,80}?)(?<=\S)\1(?![*\w])")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|'[^']*'|‘[^’]*’")
_SOURCES_HEADER = re.compile(
    r"^\s*(?:#{1,6}\s*)?[*_]{0,2}\s*(?:sources?|references?|citations?|bibliography|works cited|footnotes?|notes|links|"
    r"cited (?:sources|articles|passages)|documents?)\s*[*_]{0,2}\s*:?\s*[*_]{0,2}\s*$",
    _FLAGS,
)
_DEFINITION = re.compile(
    rf"^\s*(?:\[\^([^\]\s]{{1,20}})\]:?|\[(\d{{1,3}})\]:?|([{_SUPERSCRIPT_DIGITS}]+|[†‡§¶]+)|【(\d{{1,3}})】)\s*(.*\S)\s*$"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|(\d{1,3})[.)]|\((\d{1,3})\))\s+(.*\S)\s*$")


def _superscript_label(text: str) -> str:
    return text.translate(str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789"))


def normalise_url(url: str) -> str:
    """Compare URLs without scheme, ``www.``, trailing slash, fragment or ``utm_*`` parameters."""
    parts = urlsplit(url.strip().strip("<>"))
    host = (parts.netloc or "").lower().removeprefix("www.")
    query = "&".join(q for q in parts.query.split("&") if q and not q.lower().startswith("utm_"))
    return host + parts.path.rstrip("/") + (("?" + query) if query else "")


def _classify_group(content: str) -> tuple[bool, bool]:
    """(hedge, anonymous) when a bracketed / parenthesised group holds only mark vocabulary."""
    text = _QUOTED.sub(" ", content)
    tokens = re.findall(r"[a-z]+", text.lower())
    if not tokens or re.search(r"\d", text):
        return False, False
    if not all(t in _LABEL_WORDS or t in _INDICATOR_WORDS for t in tokens):
        return False, False
    return bool(_HEDGE_INDICATOR.search(text)), bool(_ANONYMOUS_INDICATOR.search(text))


# --- notations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notation:
    """What counts as a citation and as a hedged / anonymous mark in the answers being scored."""

    name: str
    description: str
    foreign: bool = True  # read the notations of other tools (generic), not newsqa's alone
    hedge_marks: tuple[Pattern, ...] = ()  # extra marks, removed from the text
    anonymous_marks: tuple[Pattern, ...] = ()
    hedge_words: tuple[Pattern, ...] = ()  # extra words that mark, kept in the text
    anonymous_words: tuple[Pattern, ...] = ()
    citations: tuple[Pattern, ...] = ()  # extra citation markers: group 1 holds the number(s)
    marks: Marks = field(default_factory=load_marks)

    @property
    def origin(self) -> str:
        """What the report prints as the notation it read."""
        return f"{self.name}: {self.description}"


NEWSQA = "newsqa"
GENERIC = "generic"
BUILTIN_NOTATIONS = (GENERIC, NEWSQA)
_DESCRIPTIONS = {
    NEWSQA: "[n] citations; [hedged] and [anonymous source] marks (app.compose.marks)",
    GENERIC: (
        "newsqa's [n], [hedged], [anonymous source]; citations as [^n], (n), 【n】, [n](url), superscripts, URLs and "
        "listed titles; marks in words (unnamed, not named, unconfirmed ...), in brackets or parentheses, "
        "as footnotes or Markdown emphasis"
    ),
}


def _compile(path: Path, key: str, values: Any) -> tuple[Pattern, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise BadInputError(f"{path}: {key!r} must be a list of regular expressions")
    out = []
    for value in values:
        try:
            out.append(re.compile(value, _FLAGS))
        except re.error as exc:
            raise BadInputError(f"{path}: {key!r}: bad regular expression {value!r} ({exc})") from exc
    if key == "citations" and any(p.groups < 1 for p in out):
        raise BadInputError(f"{path}: every 'citations' pattern needs a group holding the number(s)")
    return tuple(out)


_FILE_KEYS = {
    "name",
    "base",
    "description",
    "hedge_marks",
    "anonymous_marks",
    "hedge_words",
    "anonymous_words",
    "citations",
}


def load_notation(spec: str | Path | None) -> Notation:
    """``newsqa``, ``generic`` (the default) or a JSON file of patterns (``docs/eval.md``)."""
    if spec is None or str(spec) == GENERIC:
        return Notation(GENERIC, _DESCRIPTIONS[GENERIC], foreign=True)
    if str(spec) == NEWSQA:
        return Notation(NEWSQA, _DESCRIPTIONS[NEWSQA], foreign=False)
    path = Path(spec)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadInputError(f"--notation: {spec!r} is neither {' nor '.join(BUILTIN_NOTATIONS)} nor a file") from exc
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(raw, dict):
        raise BadInputError(f"{path}: a notation file is a JSON object")
    unknown = sorted(set(raw) - _FILE_KEYS)
    if unknown:
        raise BadInputError(f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_FILE_KEYS))}")
    base = raw.get("base", GENERIC)
    if base not in BUILTIN_NOTATIONS:
        raise BadInputError(f"{path}: 'base' must be {' or '.join(BUILTIN_NOTATIONS)}, not {base!r}")
    name = str(raw.get("name") or path.stem)
    parts = [f"{base} plus the patterns of {path.name}"] + ([str(raw["description"])] if raw.get("description") else [])
    return Notation(
        name,
        "; ".join(parts),
        foreign=base == GENERIC,
        hedge_marks=_compile(path, "hedge_marks", raw.get("hedge_marks")),
        anonymous_marks=_compile(path, "anonymous_marks", raw.get("anonymous_marks")),
        hedge_words=_compile(path, "hedge_words", raw.get("hedge_words")),
        anonymous_words=_compile(path, "anonymous_words", raw.get("anonymous_words")),
        citations=_compile(path, "citations", raw.get("citations")),
    )


# --- the list of sources at the end of an answer -------------------------------------------------------


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
        link = _LINK.search(self.text)
        if link and link.group(2).startswith(("http://", "https://")):
            return link.group(2)
        found = _URL.search(self.text)
        return found.group(1) if found else None

    @property
    def path(self) -> str | None:
        found = re.search(r"(?<![\w/:])((?:[\w.-]+/)+[\w.-]+\.(?:md|txt|json|jsonl|html?|xml|pdf))\b", self.text)
        return found.group(1) if found else None

    @property
    def title(self) -> str | None:
        link = _LINK.search(self.text)
        if link and not link.group(1).strip().isdigit():
            return link.group(1).strip()
        quoted = re.search(r"[\"“]([^\"”]{8,})[\"”]", self.text)
        if quoted:
            return quoted.group(1).strip()
        text = _URL.sub(" ", self.text)
        text = re.sub(r"\([^()]*\)", " ", text)
        head = re.split(r"\s+[-–—|]\s+|\s*[*_]{1,2}\s*$", text.strip(), maxsplit=1)[0]
        head = head.strip(" *_.,;:")
        return head or None


def _definition_marks(text: str) -> tuple[bool, bool, bool]:
    """(hedge, anonymous, mark_only) for a footnote's note."""
    hedge = bool(HEDGE_WORDS.search(text) or re.search(r"\bhedg", text, _FLAGS))
    anonymous = bool(ANONYMOUS_WORDS.search(text) or _ANONYMOUS_INDICATOR.search(text))
    if not (hedge or anonymous):
        return False, False, False
    source_like = bool(_URL.search(text) or re.search(r"\.(?:md|txt|json|html?|pdf)\b", text))
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
            label = match.group(1) or match.group(2) or match.group(4) or _superscript_label(match.group(3) or "")
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


# --- resolving references to citation ids --------------------------------------------------------------


class _Resolver:
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


# --- reading one answer --------------------------------------------------------------------------------


@dataclass
class ParsedAnswer:
    body: str
    sentences: list[AnswerSentence]
    listed: list[ListedSource]
    new_sources: list[ListedSource]  # listed sources that matched no citation (become citations)
    answer_level: bool  # no sentence cites anything inline: the listed citations stand for the whole answer


def _sub_all(patterns: Iterable[Pattern], text: str, repl: str | Callable[[re.Match[str]], str] = " ") -> str:
    for pattern in patterns:
        text = pattern.sub(repl, text)
    return text


class _SentenceReader:
    """Finds the citations and marks of one sentence and cleans its text."""

    def __init__(self, notation: Notation, resolver: _Resolver) -> None:
        self.n = notation
        self.r = resolver

    def trailing(self) -> Pattern:
        """Groups after a full stop that still belong to the sentence ("... month. [1]", ".¹", ". (anon.)")."""
        if not self.n.foreign:
            return re.compile(r"\s*\[[^\]\n]{1,40}\]")
        return re.compile(
            r"\s*(?:\[[^\]\n]{1,40}\](?:\([^)\s]{1,300}\))?|\((?:[^()\n.!?]{1,60}|anon\.?)\)|【[^】\n]{1,40}】"
            rf"|[{_SUPERSCRIPT_DIGITS}]+|[†‡§¶]+|<sup>[^<]{{1,20}}</sup>)"
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
            text = _MARKER.sub(lambda m: self._numbers(m.group(1), cites), text)
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
            inner = re.fullmatch(rf"\^?\s*{_PREFIX}?({_NUMBERS})", label, _FLAGS)
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

        text = _LINK.sub(link, text)
        text = re.sub(r"\(\s*\)", " ", text)  # "([harborgazette.example](https://...))" leaves "( )"

        def url(m: re.Match[str]) -> str:
            ident = self.r.url(m.group(1))
            if ident is None:
                broken.append(m.group(1))
            else:
                cites.append(ident)
            return " "

        text = _URL.sub(url, text)
        text = _FOOTNOTE_REF.sub(lambda m: self._label(m.group(1), cites, broken, m.group(0), flags), text)

        def superscript(m: re.Match[str]) -> str:
            if m.group(0) in ("²", "³") and re.search(r"(?:\d\s?|\b)(?:k|c|m|µ)?m$|\bft$", m.string[: m.start()]):
                return m.group(0)  # a unit (40 km², 3 m³), not a citation
            body = m.group(1) or m.group(2) or _superscript_label(m.group(0))
            for label in re.split(r"[,˒⋅\u00b7\s]+", body.strip()):
                if label:
                    self._label(label, cites, broken, label, flags)
            return " "

        text = _SUPERSCRIPT.sub(superscript, text)
        text = _SYMBOL_REF.sub(lambda m: self._label(m.group(1), cites, broken, m.group(1), flags), text)

        def lenticular(m: re.Match[str]) -> str:
            first = re.match(r"\s*(?:[a-z]+\s*)?(\d{1,3})", m.group(1), _FLAGS)
            if first:
                cites.append(self.r.number(int(first.group(1))))
            else:
                broken.append(m.group(0))
            return " "

        text = _LENTICULAR.sub(lenticular, text)
        text = _BRACKET_NUMBERS.sub(lambda m: self._numbers(m.group(1), cites), text)
        text = _PAREN_PREFIXED.sub(lambda m: self._numbers(m.group(1), cites), text)
        text = _PAREN_NUMBERS.sub(lambda m: self._numbers(m.group(1), cites), text)

        def group(m: re.Match[str]) -> str:
            is_hedge, is_anonymous = _classify_group(m.group(1))
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
            if _HEDGE_INDICATOR.search(inner) or HEDGE_WORDS.search(inner):
                flags[0] = True
            if _ANONYMOUS_INDICATOR.search(inner) or ANONYMOUS_WORDS.search(inner):
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


_MARKER = re.compile(r"\[\s*(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\s*\]")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+.*|[-*_]{3,}|\|.*\|)\s*$")
_LABEL_LINE = re.compile(r"^[\w\s'’/-]{1,40}:$")


# A line that describes the claim next to it rather than stating one ("**Source:** an unnamed official",
# "Hedge: 'could'", "- Status: unconfirmed"): its words, citations and marks belong to that claim.
_META_LINE = re.compile(
    r"^\s*(?:[-*•]\s+)?[*_]{0,2}\s*(source|speaker|attribution|attributed to|said by|who said it|hedges?|hedged|hedging|"
    r"status|certainty|confidence|verification|citations?|cited|references?|evidence|notes?)\s*[*_]{0,2}\s*:\s*[*_]{0,2}(.*)$",
    _FLAGS,
)
# A label that heads a claim ("**Claim:** ...", "Answer: ..."): dropped from the text that is judged.
_CLAIM_LABEL = re.compile(r"^\s*(?:claim|answer|summary|finding|fact|statement|quote|response)\s*:\s*", _FLAGS)
_NEGATIVE = re.compile(r"^\W*(?:none|no|n/?a|not hedged|-|—)?\W*$", _FLAGS)
_UNCERTAIN = re.compile(
    r"\b(?:unconfirmed|unverified|uncertain|alleged|reported|speculative|low|medium|partial|tentative|hedged?)\b",
    _FLAGS,
)
_ITEM_START = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")


def _meta(notation: Notation, line: str) -> re.Match[str] | None:
    return _META_LINE.match(line) if notation.foreign else None


def read_answer(text: str, notation: Notation, citations: Sequence[Any] = ()) -> ParsedAnswer:
    """Split an answer into sentences with their citation ids and marks, in ``notation``."""
    body, listed = split_listing(text)
    resolver = _Resolver(citations, listed)
    reader = _SentenceReader(notation, resolver)
    if notation.foreign:
        body = "\n".join("" if _HEADING.match(line) else line for line in body.splitlines())
    sentences: list[AnswerSentence] = []
    item_start = 0  # index of the first sentence of the current list item / paragraph
    pending: list[tuple[list[int], list[str], bool, bool, str]] = []  # label lines that came before their claim

    def attach(
        target: AnswerSentence, cites: list[int], broken: list[str], hedge: bool, anonymous: bool, context: str
    ) -> None:
        target.citations.extend(cites)
        target.broken.extend(broken)
        target.hedge_mark |= hedge
        target.anonymous_mark |= anonymous
        if context:
            target.context = f"{target.context} {context}".strip()

    for line in body.splitlines():
        if not line.strip() or _ITEM_START.match(line):
            item_start = len(sentences)
        meta = _meta(notation, line)
        if meta is not None:
            label, content = meta.group(1).lower(), meta.group(2)
            cites, broken, hedge, anonymous, clean, _ = reader.read(content)
            if label.startswith("hedg") and not _NEGATIVE.match(clean):
                hedge = True
            if label in ("status", "certainty", "confidence", "verification") and _UNCERTAIN.search(clean):
                hedge = True
            # Who said it counts for attribution; a hedge named on a label line is a mark, not a kept hedge word.
            context = (
                clean
                if label in ("source", "speaker", "attribution", "attributed to", "said by", "who said it")
                else ""
            )
            if len(sentences) > item_start:
                attach(sentences[-1], cites, broken, hedge, anonymous, context)
            else:
                pending.append((cites, broken, hedge, anonymous, context))
            continue
        for raw in split_pieces(line, trailing=reader.trailing(), foreign=notation.foreign):
            cites, broken, hedge, anonymous, clean, quote_text = reader.read(raw)
            if notation.foreign:
                clean = _CLAIM_LABEL.sub("", clean)
            if not re.search(r"[A-Za-z]", clean) or (notation.foreign and _LABEL_LINE.match(clean)):
                # A bare "[1]" line (or a label such as "Answer:"): its citations belong to the previous sentence.
                if sentences:
                    attach(sentences[-1], cites, broken, hedge, anonymous, "")
                continue
            sentence = AnswerSentence(
                index=len(sentences),
                text=raw,
                citations=cites,
                clean=clean,
                broken=broken,
                hedge_mark=hedge,
                anonymous_mark=anonymous,
                quote_text=quote_text,
            )
            for earlier in pending:
                attach(sentence, *earlier)
            pending.clear()
            sentences.append(sentence)
    if pending and sentences:
        for earlier in pending:
            attach(sentences[-1], *earlier)
    answer_level = bool(sentences) and not any(s.citations or s.broken for s in sentences)
    return ParsedAnswer(
        body=body, sentences=sentences, listed=listed, new_sources=resolver.new, answer_level=answer_level
    )

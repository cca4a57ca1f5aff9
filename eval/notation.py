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

Here: ``read_answer``, which cuts an answer into lines and sentences and gives a label line
("**Source:** an unnamed official", "Hedge: 'could'") to the claim next to it. Its parts: ``eval.notation_spec`` (``Notation``, the built-in notations,
``load_notation``), ``eval.notation_references`` (citation markers, ``normalise_url``),
``eval.notation_marks`` (the words that mark a claim hedged or anonymous), ``eval.notation_listing`` (the
list of sources at an answer's end), ``eval.notation_resolver`` (references to citation ids) and
``eval.notation_sentence`` (one sentence's citations, marks and clean text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eval.matching import AnswerSentence, split_pieces
from eval.notation_listing import ListedSource, split_listing
from eval.notation_references import normalise_url
from eval.notation_resolver import Resolver
from eval.notation_sentence import SentenceReader
from eval.notation_spec import Notation, load_notation

__all__ = [
    "Notation",
    "ParsedAnswer",
    "load_notation",
    "normalise_url",
    "read_answer",
]

_FLAGS = re.IGNORECASE


@dataclass
class ParsedAnswer:
    """An answer read in a notation: its body without the listed sources, its sentences and the sources it lists."""

    body: str
    sentences: list[AnswerSentence]
    listed: list[ListedSource]
    new_sources: list[ListedSource]  # listed sources that matched no citation (become citations)
    answer_level: bool  # no sentence cites anything inline: the listed citations stand for the whole answer


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
    resolver = Resolver(citations, listed)
    reader = SentenceReader(notation, resolver)
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

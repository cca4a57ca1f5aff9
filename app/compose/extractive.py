"""The extractive composer (the embedded default, no LLM): answers built from the supporting claims.

Every sentence restates one stored claim and keeps its speaker:

- the article sentence names the source itself: that sentence word for word, a
  pronoun or surname source written as the full resolved name (``He added ...``
  becomes ``Tomas Reyes added ... [1].``);
- otherwise the speaker first: ``Maria Okafor added: "We want our people back at work" [2].``,
  ``According to a source within the transport ministry, ... [anonymous source] [3].``;
- the journalist's own voice: ``Harbor Gazette reported that ... [4].`` (the outlet
  is the speaker), or the bare sentence when the outlet is unknown.

Direct quotes stay verbatim inside quotation marks; hedges stay in the words
and get ``[hedged]``; anonymous claims get ``[anonymous source]`` (``app.compose.marks``).
The same claim from several outlets is said once with all its citations;
claims that disagree (different figures) are both given, each with its outlet
and date. Instructions inside articles are never evidence (immune by
construction: nothing is generated).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from app.compose.base import ComposeRequest, Draft, DraftSentence, refusal_draft, should_refuse
from app.compose.evidence import Passage, asked_source, sentence_spans, source_mentioned, speaks_for
from app.compose.marks import add_marks, format_citations, marks_for, quote_open, render_marks
from app.compose.wording import has_source, hedges_outside_quotes, in_sentence, lower_first, lowerable
from app.guard.support import content_words
from indexing.models import Claim
from indexing.text.lexicon import ADVERB_HEDGES, PRONOUN_SOURCES_WITH_DEMONSTRATIVES, alphanumeric

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

__all__ = [
    "KEEP_DELTA",
    "KEEP_MIN",
    "ExtractiveComposer",
    "answer_limit",
    "render_claim",
]

# Keep passages within KEEP_DELTA of the best one and above KEEP_MIN (relevance
# scale of app.compose.evidence.rank_passages); calibrated with REFUSE_BELOW.
KEEP_MIN = 0.35
KEEP_DELTA = 0.30
NEAR_DUPLICATE_COSINE = 0.86
NEAR_DUPLICATE_JACCARD = 0.6

_NOUN_CUES = frozenset(
    [
        "remarks",
        "remark",
        "comments",
        "comment",
        "statement",
        "statements",
        "view",
        "views",
        "words",
        "according",
        "opinion",
    ]
)
_QUOTE_CHARS = "\"'“”‘’"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _speaker(claim: Claim) -> str | None:
    """The name to write: the source as written (with apposition) unless it is a pronoun or shorter than the resolved name."""
    source, speaker = (claim.source or "").strip(), (claim.speaker or "").strip()
    if source and alphanumeric(source) not in PRONOUN_SOURCES_WITH_DEMONSTRATIVES:
        if speaker and alphanumeric(speaker) not in alphanumeric(source):
            # "Putin" with speaker "Vladimir Putin": the full name reads better.
            return speaker if alphanumeric(source) in alphanumeric(speaker) else source
        return source
    return speaker or None


def _cue_verb(cue: str | None) -> str | None:
    """The reporting verb to write after the speaker, or None for the 'According to X,' form."""
    if not cue:
        return None
    c = cue.strip().lower()
    last = c.split()[-1]
    if c.startswith("according") or last in _NOUN_CUES:
        return None
    if last in {"told", "tell", "tells"}:
        return {"told": "said", "tell": "say", "tells": "says"}[last]
    if last.endswith("ing"):  # "speaking", "saying" are not finite verbs
        return "said"
    return c


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,40}\s*\([^)]{1,40}\)\s*[-–—]+\s*")


def _strip_dateline(text: str) -> str:
    """``'CALDER BAY (Meridian Wire) - Scientists ...'`` -> ``'Scientists ...'``."""
    return _DATELINE.sub("", text)


def _said_by(speaker: str, cue: str) -> str:
    """'Maria Okafor, the port authority's director' + 'said' -> 'Maria Okafor, the port authority's director, said'."""
    return f"{_cap(speaker)}{',' if ',' in speaker else ''} {cue}"


def _strip_end(text: str) -> str:
    """Drop trailing , ; : and a full stop just inside a closing quote ('weeks."' -> 'weeks"'): the sentence adds its own."""
    text = text.rstrip().rstrip(",;:").rstrip()
    return re.sub(r"[.,;:]+([\"'”’])$", r"\1", text)


_OPEN_QUOTES = "\"“‘'"
_CLOSE_QUOTES = "\"”’'"
_PARAGRAPH = re.compile(r"\s*\n\s*\n\s*")


def _unquote(text: str) -> str | None:
    """The words of a fully quoted text as one quotation, else None.

    ``'"In the near future..."'`` -> ``In the near future...``. A quote running
    over paragraphs (news convention: the paragraph ends without a closing mark
    and the next one reopens it) is joined into one, and the content spans of a
    split quote (``'"A," ... "B."'``) are joined with an elision:
    ``A ... B``. The guard's quote check accepts ``...`` as an elision.
    """
    inners = []
    for part in text.strip().split(" ... "):
        paragraphs = [x for x in _PARAGRAPH.split(part.strip()) if x]
        if not paragraphs or paragraphs[0][0] not in _OPEN_QUOTES:
            return None
        pieces = []
        for i, paragraph in enumerate(paragraphs):
            if paragraph[0] in _OPEN_QUOTES:
                paragraph = paragraph[1:]
            elif i:
                return None  # a paragraph that does not reopen the quote is not part of it
            pieces.append(paragraph.strip())
        inner = " ".join(pieces).rstrip().rstrip(",;:").rstrip()
        if inner[-1:] in _CLOSE_QUOTES:
            inner = inner[:-1]
        inner = _strip_end(inner).rstrip().rstrip(",;:").rstrip()
        if not inner or any(q in inner for q in '"“”'):
            return None
        inners.append(inner)
    return " ... ".join(inners).rstrip(".") if inners else None


def join_quote_paragraphs(text: str) -> str:
    """A quote running over paragraphs as one: the reopening mark of each continued paragraph dropped.

    ``'... on it.\\n\\n"I want ...'`` inside an open quotation -> ``'... on it. I want ...'``,
    so the answer has balanced quotation marks.
    """
    paragraphs = _PARAGRAPH.split(text)
    out = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        if quote_open(" ".join(out)) and paragraph[:1] in '"“':
            out.append(paragraph[1:])
        else:
            out.append(paragraph)
    return _join_inline_reopenings(" ".join(p for p in out if p))


def _join_inline_reopenings(text: str) -> str:
    """``'"A. "B."'`` -> ``'"A. B."'``: the paragraphs of a quote printed on one line (BBC News style), each
    reopening with a straight mark while the quotation is still open, joined as one quotation."""
    if text.count('"') < 3:
        return text
    out = []
    inside = False
    for i, ch in enumerate(text):
        if ch == '"':
            if inside and text[i - 2 : i] in (". ", "? ", "! ") and text[i + 1 : i + 2].isalnum():
                continue  # the next paragraph's reopening mark
            inside = not inside
        out.append(ch)
    return "".join(out)


def _names_source_in(passage: Passage, claim: Claim) -> bool:
    """True when the passage itself names the source (not by a pronoun)."""
    source = (claim.source or "").strip()
    return bool(source) and alphanumeric(source) not in PRONOUN_SOURCES_WITH_DEMONSTRATIVES and source in passage.text


_CONJUNCTION_START = re.compile(r"^(?:but|and|or|so|yet|however|nor)\b", re.IGNORECASE)


def _close_quote(text: str) -> str:
    """Close a quotation the passage leaves open (it runs on past the passage), so marks stay balanced."""
    if not quote_open(text):
        return text
    return f"{text}”" if text.count("“") > text.count("”") else f'{text}"'


def _source_named_in_full(claim: Claim, passage: Passage, text: str) -> str | None:
    """The passage with its source written as the resolved speaker, or None.

    A pronoun ("He added ..." -> "Vladimir Putin added ...") or a short back-reference
    ("Brandt added ..." -> "Captain Ilse Brandt added ...") becomes the full name.
    """
    speaker, source = (claim.speaker or "").strip(), (claim.source or "").strip()
    if not speaker:
        return None
    offset = passage.text.find(text)
    if len(claim.source_spans) == 1 and offset >= 0:
        start = claim.source_spans[0].start - passage.start - offset
        end = claim.source_spans[0].end - passage.start - offset
    elif source and text.count(source) == 1 and not re.search(rf"\w{re.escape(source)}|{re.escape(source)}\w", text):
        start = text.index(source)
        end = start + len(source)
    else:
        return None
    if not (0 <= start < end <= len(text)):
        return None
    written = alphanumeric(text[start:end])
    if written not in PRONOUN_SOURCES_WITH_DEMONSTRATIVES and not (
        written != alphanumeric(speaker) and written in alphanumeric(speaker)
    ):
        return None
    name = speaker if start else _cap(speaker)
    return f"{text[:start]}{name}{text[end:]}"


def _pieces_of(claim: Claim) -> list[tuple[int, int]]:
    """Character offsets of everything the claim covers: its content, source, cue and content pieces."""
    spans = [(claim.start, claim.end)] if claim.start is not None and claim.end is not None else []
    return spans + [(x.start, x.end) for x in (*claim.source_spans, *claim.cue_spans, *claim.content_spans)]


def _claims_sentences(claim: Claim, passage: Passage) -> str:
    """The sentences of the passage that hold the claim (its content or its source), as written.

    A passage may run over sentences that report someone else ("..., privacy
    advocates warned. 'This is ...,' said Camille Roux"): given whole, the other
    speaker's sentence would go out under this claim's name and marks.
    """
    local = [(a - passage.start, b - passage.start) for a, b in _pieces_of(claim)]
    if not local or any(a < 0 or b > len(passage.text) for a, b in local):
        return passage.text
    kept = [(s, e) for s, e in sentence_spans(passage.text) if any(a < e and s < b for a, b in local)]
    if not kept:
        return passage.text
    return passage.text[kept[0][0] : kept[-1][1]]


_TRAILING_LINK = re.compile(
    r"(?:[\s,;:\u2013\u2014-]+|\b(?:although|though|but|and|while|whereas|as|however|yet|so|which|who)\b)+$",
    re.IGNORECASE,
)
_LEADING_LINK = re.compile(
    r"^(?:[\s,;:\u2013\u2014-]+|\b(?:although|though|but|and|while|whereas|however|yet|so)\b)+", re.IGNORECASE
)


def _piece_claim(claim: Claim, piece: str) -> Claim:
    """For the journalist's own sentences, the claim with only the hedges written in ``piece``.

    "The firm may sell a stake. When it was set up, it offered cheaper tickets.": the writer's "may"
    hedges the first sentence only. A speaker's claim keeps its hedges on every sentence (a hedge in
    the cue, "reportedly said", qualifies the whole quotation).
    """
    if has_source(claim) or not claim.hedges:
        return claim
    own = [h for h in claim.hedges if re.search(rf"(?<![\w-]){re.escape(h)}(?![\w-])", piece, re.IGNORECASE)]
    return claim if own == claim.hedges else claim.model_copy(update={"hedges": own})


def _bare_quotation(text: str) -> bool:
    """The text is a quotation and nothing else ('"The picture will look exactly the same."')."""
    body = text.strip()
    return len(body) > 2 and body[0] in '"\u201c' and not re.search(r"[\"\u201d]\s*,?\s+\w", body[1:-1])


def _own_clause(claim: Claim, passage: Passage, text: str) -> str:
    """``text`` without another speaker's attribution in the same sentence, when it is a clause before or after.

    "The researchers believe the enzymes could be used in recycling, although she cautioned that such uses
    were 'a decade away'": said whole under either claim, the sentence carries the other speaker's words
    under this one's marks (and twice in one answer). The researchers' claim keeps "The researchers believe
    ... recycling"; hers, "she cautioned that ...". Interleaved attributions, or a cut inside a quotation,
    leave the text whole.
    """
    offset = passage.text.find(text)
    if offset < 0:
        return text
    base = passage.start + offset
    mine = [(a - base, b - base) for a, b in _pieces_of(claim)]
    if not mine or any(a < 0 or b > len(text) for a, b in mine):
        return text
    lo, hi = min(a for a, _ in mine), max(b for _, b in mine)
    who = alphanumeric(_speaker(claim) or claim.source or "")
    before, after = 0, len(text)
    for other in passage.claims:
        if other is claim or not other.attributed or alphanumeric(_speaker(other) or other.source or "") == who:
            continue
        theirs = [(a - base, b - base) for a, b in _pieces_of(other)]
        theirs = [(a, b) for a, b in theirs if b > 0 and a < len(text)]
        if not theirs:
            continue
        o_lo, o_hi = min(a for a, _ in theirs), max(b for _, b in theirs)
        if o_lo >= hi:
            after = min(after, o_lo)
        elif o_hi <= lo:
            before = max(before, o_hi)
        else:
            return text  # interleaved: no clean clause to cut
    if (before, after) == (0, len(text)):
        return text
    cut = text[before:after]
    if any(quote_open(part) for part in (text[:before], text[:after])):
        return text  # a cut inside a quotation would unbalance it
    cut = _LEADING_LINK.sub("", _TRAILING_LINK.sub("", cut))
    if len(content_words(cut)) < 4:
        return text
    first = cut.split(maxsplit=1)[0] if cut.split() else ""
    # a pronoun source stays as written, for _source_named_in_full to find and replace with the name
    return _cap(cut) if before and alphanumeric(first) not in PRONOUN_SOURCES_WITH_DEMONSTRATIVES else cut


def render_claim(claim: Claim, passage: Passage) -> str:
    """The answer sentence (without marks, citations or full stop) that keeps ``claim``'s attribution.

    When the article sentence names the source itself, it is given word for word:
    rewriting it ("X said that <content>") breaks whenever the content is not a
    clause ("urged Congress to act", "wants its plot to be used"). Otherwise the
    speaker is put in: a pronoun source replaced by the name it points back to,
    or the claim restated with its speaker first.
    """
    speaker = _speaker(claim) if claim.attributed and has_source(claim) else None
    # a later sentence of a speaker's quotation (no cue, no source mention of its own) never names its speaker
    carried_on = claim.attributed and claim.cue is None and claim.quote == "direct" and not claim.source_spans
    verbatim = claim.attributed and not carried_on and _names_source_in(passage, claim)
    own = _claims_sentences(claim, passage) if verbatim else passage.text
    if speaker is not None:
        own = _own_clause(claim, passage, own)
    text = join_quote_paragraphs(_strip_dateline(own.strip()))
    if verbatim:
        text = _source_named_in_full(claim, passage, text) or text
        return _close_quote(_strip_end(text).rstrip("."))
    if speaker is None:
        # The journalist's own voice (or a source nobody can name): the sentence as written,
        # credited to the outlet when it is known (the citation says which article).
        body = _close_quote(_strip_end(text).rstrip("."))
        outlet = passage.outlet
        if _bare_quotation(body):
            # someone's words the article does not credit (or that the engine could not): never shown as the
            # outlet's own statement, nor as a bare quotation the reader would take for the answer's voice
            return f"{outlet or 'The article'} quotes an unnamed speaker: {body}"
        if not outlet:
            return body
        if lowerable(body, passage.result.text) and not _CONJUNCTION_START.match(body):
            return f"{outlet} reported that {lower_first(body, passage.result.text)}"
        return f"{outlet} reported: {body}"
    replaced = _source_named_in_full(claim, passage, text)
    if replaced is not None:
        return _close_quote(_strip_end(replaced).rstrip("."))
    content = _strip_dateline(claim.text.strip())
    cue = _cue_verb(claim.cue)
    anonymous = claim.source_type == "anonymous"
    if claim.quote == "direct":
        inner = _unquote(content)
        if inner is None and carried_on and content[:1].isupper():
            # a later sentence of the speaker's quotation, with no cue of its own ('"A. B."': B): all quoted
            inner = _strip_end(content.strip('"\u201c\u201d ')).rstrip(".")
        if inner is None or not inner[:1].isupper():
            # A partial quote ("... their focus on 'ensuring ...'") of a speaker the sentence does not name.
            partial = _strip_end(join_quote_paragraphs(content)).rstrip(".").rstrip()
            return f"{_said_by(speaker, cue or 'said')} {_strip_end(partial)}"
        quoted = f'"{inner}"'
        if anonymous or cue is None:
            return f"According to {in_sentence(speaker)}, {quoted}"
        return f"{_said_by(speaker, cue)}: {quoted}"
    body = _strip_end(content).rstrip(".")
    body = lower_first(re.sub(r"^that\s+", "", body), passage.result.text)
    if anonymous or cue is None:
        sentence = f"According to {in_sentence(speaker)}, {body}"
    else:
        sentence = f"{_said_by(speaker, cue)} that {body}"
    missing = [h for h in claim.hedges if h.lower() not in sentence.lower()]
    if missing:
        adverbs = [h for h in missing if h.lower() in ADVERB_HEDGES]
        if adverbs and cue and not anonymous:
            sentence = f"{_said_by(speaker, adverbs[0].lower() + ' ' + cue)} that {body}"
    return sentence


def _source_inside_content(claim: Claim) -> bool:
    """A source found inside its own quotation ("they" in "... they will concede ...") is a parsing accident."""
    return any(c.start <= s.start and s.end <= c.end for s in claim.source_spans for c in claim.content_spans)


def _pieces(text: str) -> list[str]:
    """The sentences of a rendered claim, never cutting inside a quotation (it may run over sentences)."""
    pieces: list[str] = []
    pending = ""
    for s, e in sentence_spans(text):
        pending = f"{pending} {text[s:e]}".strip()
        if not quote_open(pending):
            pieces.append(pending)
            pending = ""
    if pending:
        pieces.append(pending)
    return [_strip_end(" ".join(p.split())).rstrip(".") for p in pieces]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _same_speaker(a: Claim, b: Claim) -> bool:
    if not a.attributed and not b.attributed:
        return True
    na, nb = alphanumeric(_speaker(a) or ""), alphanumeric(_speaker(b) or "")
    if not na or not nb:
        return False
    return na == nb or na.split()[-1] == nb.split()[-1]


class _Item:
    """A claim chosen for the answer, with the passages (citations) that report it."""

    def __init__(self, claim: Claim, passage: Passage) -> None:
        self.claim = claim
        self.passages = [passage]
        self.words = set(content_words(claim.text))
        self.disagrees = False

    @property
    def passage(self) -> Passage:
        return self.passages[0]


# Questions that ask for several things: "..., and what does Rosneft plan?", "what did each side say",
# "What did the union and the ministry say": up to MULTI_PASSAGES passages; one fact: up to ONE_FACT_PASSAGES.
_MULTI_PART = re.compile(
    r"\b(?:and|or)\s+(?:what|who|how|why|when|where|which|does|do|did|is|are|was|were|has|have|will|would)\b"
    r"|\beach\b|\bboth\b|\bsides\b|\brespectively\b|\bthe two\b"
    r"|^\s*what\s+(?:did|do|does|have|has)\s+[^?]{2,60}?\s+and\s+[^?]{2,60}?\s+(?:say|said|think|claim|argue)\b",
    re.IGNORECASE,
)
ONE_FACT_PASSAGES = 2
MULTI_PASSAGES = 4


def answer_limit(question: str) -> int:
    """How many passages an answer to ``question`` may use: more for a question asking several things."""
    from app.read.reader import split_question

    return MULTI_PASSAGES if _MULTI_PART.search(question) or len(split_question(question)) > 1 else ONE_FACT_PASSAGES


class ExtractiveComposer:
    """Composes answers from stored claims only: no generation, so nothing can be invented or injected."""

    name = "extractive"

    def __init__(self, *, max_claims: int = 5) -> None:
        self.max_claims = max_claims

    def compose(self, request: ComposeRequest, config: RunnableConfig | None = None) -> Draft:
        if should_refuse(request):
            return refusal_draft(request, self.name)
        candidates = [p for p in request.passages if not p.injection and p.vector is not None]
        if not candidates:
            return refusal_draft(request, self.name)
        items: list[_Item] = []
        if request.reading is not None:
            # The reader chose the passages that give what is asked, best first: say those, and only those.
            for passage in request.reading.chosen(answer_limit(request.standalone_question)):
                for claim in self._claims_to_say(passage):
                    self._add(items, claim, passage)
            asked = None
        else:
            # "What did the port authority say ...": that source's claims, when the passages hold any.
            asked = self._asker(request.standalone_question)
            if asked is not None:
                items = self._choose([p for p in candidates if any(asked(c, p) for c in p.claims)], asked)
            if not items:
                items = self._choose(candidates, None)
        if request.time_sensitive and request.reading is None:
            # "latest", "when": newest first, and the date goes in the sentence.
            items.sort(
                key=lambda it: (
                    it.passage.published_at is None,
                    -(it.passage.published_at.toordinal() if it.passage.published_at else 0),
                )
            )
        items = self._focus_first(items, request.focus, asked)
        passages: list[Passage] = []
        sentences: list[DraftSentence] = []
        written: dict[str, DraftSentence] = {}
        for item in items:
            numbers = []
            for p in item.passages:
                if p not in passages:
                    passages.append(p)
                numbers.append(passages.index(p) + 1)
            text = render_claim(item.claim, item.passage)
            if request.time_sensitive or item.disagrees:
                dateline = item.passage.dateline()
                if dateline:
                    text = f"{text} {dateline}"
            if text in written:
                # Two claims of one sentence rendered the same way (the sentence verbatim): say it
                # once, with every mark either claim needs ("..., and said the blaze may have started").
                written[text].text = add_marks(written[text].text, marks_for(item.claim))
                continue
            pieces = _pieces(text)
            # A verbatim passage may hold several sentences (a quote running on):
            # each gets the marks and citations, so no answer sentence goes uncited.
            for piece in pieces:
                claim = _piece_claim(item.claim, piece) if len(pieces) > 1 else item.claim
                marks = render_marks(marks_for(claim))
                sentence = f"{piece}{' ' + marks if marks else ''} {format_citations(numbers)}."
                written[text] = DraftSentence(text=sentence, citations=numbers, claim=claim)
                sentences.append(written[text])
        return Draft(
            question=request.question,
            standalone_question=request.standalone_question,
            passages=passages,
            sentences=sentences,
            composer=self.name,
        )

    async def acompose(self, request: ComposeRequest, config: RunnableConfig | None = None) -> Draft:
        return self.compose(request, config)

    def _focus_first(self, items: list[_Item], focus: Passage | None, asked) -> list[_Item]:
        """The claims of the passage that holds the asked fact (``ComposeRequest.focus``) first, added when ranking left them out.

        The reader finds the one passage that gives what is asked ("84 nursing posts" for
        "How many nursing posts ..."); ranking may put a closer-worded passage before it or past the cut.
        """
        if focus is None or focus.injection or focus.vector is None:
            return items
        first = [it for it in items if any(p.key == focus.key for p in it.passages)]
        if not first:
            claims = [c for c in self._claims_to_say(focus) if asked is None or asked(c, focus)]
            if not claims:
                return items
            added: list[_Item] = []
            for claim in claims:
                self._add(added, claim, focus)
            first = added
        rest = [it for it in items if it not in first]
        return (first + rest)[: max(self.max_claims, len(first))]

    def _choose(self, candidates: list[Passage], asked) -> list[_Item]:
        """The claims to say: from the best passage and those within ``KEEP_DELTA`` of it (only ``asked``'s, when given)."""
        if not candidates:
            return []
        floor = max(KEEP_MIN, candidates[0].relevance - KEEP_DELTA)
        items: list[_Item] = []
        for passage in candidates:
            if passage.relevance < floor and len(items) >= 1:
                break
            for claim in self._claims_to_say(passage):
                if asked is None or asked(claim, passage):
                    self._add(items, claim, passage)
            if len(items) >= self.max_claims:
                break
        return items[: self.max_claims]

    @staticmethod
    def _asker(question: str):
        """A predicate "this claim is by the source the question asks about", or None when it asks about no one."""
        asked = asked_source(question)
        if asked is None:
            return None
        return lambda claim, passage: (
            claim.attributed
            and (
                speaks_for(asked, claim, f"{passage.result.title} {passage.result.text}")
                or source_mentioned(question, claim)
            )
        )

    @staticmethod
    def _claims_to_say(passage: Passage) -> list[Claim]:
        """Attributed claims of the passage; the journalist's voice only when nobody is quoted in it."""
        # A claim of two words ("not to be named") is a parsing accident, not something to report;
        # so is a claim credited to nobody ("Union members *are expected* to vote": no source, no speaker).
        attributed = [
            c
            for c in passage.claims
            if c.attributed and has_source(c) and len(content_words(c.text)) >= 3 and not _source_inside_content(c)
        ]
        if attributed:
            return attributed
        hedges: list[str] = []
        for c in passage.claims:
            hedges.extend(h for h in c.hedges if h not in hedges)
        # The journalist's own hedges ("Investigators are believed to be examining ..."),
        # which the engine may have taken for an attribution cue.
        hedges.extend(h for h in hedges_outside_quotes(passage.text) if h not in hedges)
        # "It is understood that ...": nobody is named, yet somebody unnamed told the journalist (DESIGN:
        # anonymous), so the sentence keeps the anonymous mark; "Union members are expected to vote" is the
        # journalist's own hedge, not a source
        unnamed = _bare_quotation(passage.text) or any(
            c.source_type == "anonymous"
            and c.cue
            and re.search(rf"\bit\s+{re.escape(c.cue)}\b", passage.text, re.IGNORECASE)
            for c in passage.claims
        )
        return [
            Claim(
                text=passage.text,
                start=passage.start,
                end=passage.end,
                hedges=hedges,
                source_type="anonymous" if unnamed else "unattributed",
            )
        ]

    def _add(self, items: list[_Item], claim: Claim, passage: Passage) -> None:
        """Add a claim, merging it into an earlier one that says the same (another outlet's report)."""
        for item in items:
            if item.passage.article_id == passage.article_id:
                continue
            similar = self._similar(item, claim, passage)
            if not similar:
                continue
            if _numbers(item.claim.text) != _numbers(claim.text) and (
                _numbers(item.claim.text) or _numbers(claim.text)
            ):
                # Same story, different figures: both are given, each with its outlet and date.
                item.disagrees = True
                new = _Item(claim, passage)
                new.disagrees = True
                items.append(new)
                return
            if _same_speaker(item.claim, claim):
                if passage not in item.passages:
                    item.passages.append(passage)
                return
        items.append(_Item(claim, passage))

    @staticmethod
    def _similar(item: _Item, claim: Claim, passage: Passage) -> bool:
        words = set(content_words(claim.text))
        union = item.words | words
        jaccard = len(item.words & words) / len(union) if union else 0.0
        if jaccard >= NEAR_DUPLICATE_JACCARD:
            return True
        a, b = item.passage.vector, passage.vector
        return a is not None and b is not None and float(np.dot(a, b)) >= NEAR_DUPLICATE_COSINE

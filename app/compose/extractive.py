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
from app.compose.claim_sentences import (
    _bare_quotation,
    _cap,
    _numbers,
    _piece_claim,
    _pieces,
    _same_speaker,
    _source_inside_content,
    join_quote_paragraphs,
    render_claim,
)
from app.compose.evidence import Passage, asked_source, source_mentioned, speaks_for
from app.compose.marks import add_marks, format_citations, marks_for, render_marks, with_citations
from app.compose.wording import has_source, hedges_outside_quotes
from app.guard.support import content_words
from app.read.questions import split_question
from indexing.models import Claim
from indexing.text.lexicon import HEARSAY_NOUNS

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

__all__ = [
    "KEEP_DELTA",
    "KEEP_MIN",
    "ExtractiveComposer",
    "answer_limit",
    "join_quote_paragraphs",
    "render_claim",
]

# Keep passages within KEEP_DELTA of the best one and above KEEP_MIN (relevance
# scale of app.compose.evidence.rank_passages); calibrated with REFUSE_BELOW.
KEEP_MIN = 0.35
KEEP_DELTA = 0.30
NEAR_DUPLICATE_COSINE = 0.86
NEAR_DUPLICATE_JACCARD = 0.6


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
    r"|\beach\b|\bboth\b|\bsides\b|\brespectively\b|\bthe two\b|\bfor\s+and\s+against\b|\bpros\s+and\s+cons\b"
    r"|^\s*what\s+(?:did|do|does|have|has)\s+[^?]{2,60}?\s+and\s+[^?]{2,60}?\s+(?:say|said|think|claim|argue)\b",
    re.IGNORECASE,
)
ONE_FACT_PASSAGES = 2
MULTI_PASSAGES = 4


def _cut(piece: str) -> str:
    """A piece as compared for a cut-off copy: without its closing quotation marks and end punctuation."""
    return piece.rstrip(" .!?\"'\u201d\u2019")


def _said_before(said: dict[str, DraftSentence], piece: str) -> tuple[DraftSentence | None, bool]:
    """The answer sentence already saying ``piece`` (the same words, or one the other's start cut off by a
    passage's end: '... replied: "No, I don't think so"' and '... "No, I don't think so. We will see"'), and
    whether ``piece`` is the longer one; (None, False) when none does."""
    if piece in said:
        return said[piece], False
    new = _cut(piece)
    for old_piece, sentence in said.items():
        old = _cut(old_piece)
        short, long = (old, new) if len(old) <= len(new) else (new, old)
        if len(short) >= 40 and long.startswith(short) and not long[len(short) : len(short) + 1].isalnum():
            return sentence, long is new
    return None, False


_FINITE = re.compile(
    r"\b(?:is|are|was|were|will|would|had|has|have|could|should|may|might|can|must|did|does|do)\b", re.IGNORECASE
)


def _says_something(text: str) -> bool:
    """Two content words or more ("the party needs him"), or one in a clause with a finite verb ("he was
    right"); not a fragment ("not to be named")."""
    words = len(content_words(text))
    return words >= 2 or (words == 1 and bool(_FINITE.search(text)))


def _holds(outer: Claim, inner: Claim) -> bool:
    """``inner``'s words lie inside ``outer``'s content (a claim nested in another's report)."""
    if None in (outer.start, outer.end, inner.start, inner.end):
        return False
    return outer.start <= inner.start and inner.end <= outer.end  # type: ignore[operator]


def _unnamed_told(claim: Claim, text: str) -> bool:
    """An anonymous claim credited to nobody written ("It is understood that ...", "The striker is understood to
    ...", "there are rumours that ...", "it is estimated"), as opposed to the journalist's own hedge ("Union
    members are expected to vote": no source, whatever type a store gave it)."""
    if claim.source_type != "anonymous" or not claim.cue:
        return False
    cue = claim.cue.lower()
    if not (claim.source or "").strip() and (cue in HEARSAY_NOUNS or cue.split()[-1] == "understood"):
        return True
    return re.search(rf"\bit\s+{re.escape(claim.cue)}\b", text, re.IGNORECASE) is not None


def _sentence_case(text: str) -> str:
    """An answer sentence cut from inside an article's sentence ("However, the court said ..." -> "the court
    said ...") starts with a capital; a word written with one inside it ("eBay", "iPod") stays as it is."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    return _cap(text) if first.isalpha() and first.islower() else text


def answer_limit(question: str) -> int:
    """How many passages an answer to ``question`` may use: more for a question asking several things."""
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
        said_pieces: dict[str, DraftSentence] = {}
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
                piece = _sentence_case(piece)
                said, longer = _said_before(said_pieces, piece)
                if said is not None:
                    # the same sentence in two chosen passages (overlapping chunks, or one passage holding the
                    # other, or one cut off by its passage's end): said once and whole, citing both, with every
                    # mark either needs
                    said.citations.extend(n for n in numbers if n not in said.citations)
                    if longer:
                        said.text = f"{piece} {format_citations(said.citations)}."
                        said_pieces[piece] = said
                    said.text = add_marks(said.text, marks_for(claim))
                    if said.claim is not None:
                        said.text = add_marks(said.text, marks_for(said.claim))
                    said.text = with_citations(said.text, said.citations)
                    continue
                marks = render_marks(marks_for(claim))
                sentence = f"{piece}{' ' + marks if marks else ''} {format_citations(numbers)}."
                written[text] = DraftSentence(text=sentence, citations=numbers, claim=claim)
                said_pieces[piece] = written[text]
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
                speaks_for(asked, claim, f"{passage.result.title} {passage.result.text}", passage.result.claims)
                or source_mentioned(question, claim)
            )
        )

    @staticmethod
    def _claims_to_say(passage: Passage) -> list[Claim]:
        """Attributed claims of the passage; the journalist's voice only when nobody is quoted in it."""
        # A fragment ("not to be named") is a parsing accident, not something to report (a short clause is not:
        # "some senior members, who say the party needs him", "he said he was right"); so is a claim credited to
        # nobody ("Union members *are expected* to vote": no source, no speaker).
        attributed = [
            c
            for c in passage.claims
            if c.attributed and has_source(c) and _says_something(c.text) and not _source_inside_content(c)
        ]
        if attributed:
            # "It is understood that [the board asked him to stay]": the board's claim is said, and so is the
            # one nobody is named for that holds it, so the sentence keeps [anonymous source] (as it does alone,
            # below); one beside a named claim ("it is feared that X, and Y said Z") is not said over again
            told = [
                c
                for c in passage.claims
                if c.attributed
                and not has_source(c)
                and _unnamed_told(c, passage.text)
                and any(_holds(c, other) for other in attributed)
            ]
            return sorted(attributed + told, key=lambda c: c.start or 0) if told else attributed
        hedges: list[str] = []
        for c in passage.claims:
            hedges.extend(h for h in c.hedges if h not in hedges)
        # The journalist's own hedges ("Investigators are believed to be examining ..."),
        # which the engine may have taken for an attribution cue.
        hedges.extend(h for h in hedges_outside_quotes(passage.text) if h not in hedges)
        # "It is understood that ...", "The striker is understood to be keen ...": nobody is named, yet somebody
        # unnamed told the journalist (DESIGN: anonymous), so the sentence keeps the anonymous mark; the same for
        # rumours or reports credited to nobody ("there are rumours that ..."). "Union members are expected to
        # vote" is the journalist's own hedge, not a source, even where a store typed it anonymous
        unnamed = _bare_quotation(passage.text) or any(_unnamed_told(c, passage.text) for c in passage.claims)
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
                if (item.claim.start, item.claim.end) == (claim.start, claim.end) and _same_speaker(item.claim, claim):
                    # one quotation with a cue on either side ('Ms Jamieson said: "..." she said'): said once
                    return
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

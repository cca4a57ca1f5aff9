"""The guard's output: the kept sentences as an ``Answer`` (citations renumbered, one claim per sentence at its
exact offsets), or a refusal naming the closest articles; and how a sentence's quotations are found."""

from __future__ import annotations

import re

from app.compose.base import Draft, DraftSentence, closest_articles
from app.compose.marks import strip_citations, strip_marks
from app.models import Answer, GuardFinding, GuardReport
from indexing.models import Claim
from indexing.text.lexicon import decode_entities

__all__ = ["assemble_answer", "quotations", "refusal_answer"]

_QUOTE = re.compile(r'"([^"]{3,}?)"|“([^”]{3,}?)”|(?:(?<=\s)|^)[‘\']([^‘’\']{3,}?)[’\'](?=[\s,.;:!?]|$)')


def quotations(sentence: str) -> list[str]:
    """The quoted passages of a sentence (straight or curly quotes, at least three characters)."""
    out = []
    for m in _QUOTE.finditer(sentence):
        q = next(g for g in m.groups() if g is not None)
        if len(q.split()) >= 2:
            out.append(q)
    return out


def assemble_answer(draft: Draft, kept: list[DraftSentence], findings: list[GuardFinding], n_in: int) -> Answer:
    """The answer of the kept sentences: citations renumbered in order of first appearance, one claim per
    sentence at its exact offsets."""
    # Renumber citations in order of first appearance, so [1] is the first cited passage.
    order: list[int] = []
    for s in kept:
        for n in s.citations:
            if n not in order:
                order.append(n)
    renumber = {old: new for new, old in enumerate(order, start=1)}
    texts = []
    for s in kept:
        t = re.sub(r"\[(\d{1,3})\]", lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", s.text)
        # an article's HTML character references ("communiqu&#233;") are shown as the characters; comparisons
        # with the stored text go through ``normalise``, which decodes them too
        texts.append(decode_entities(t).strip())
    answer_text = " ".join(texts)
    citations = [draft.passages[old - 1].citation(new) for old, new in renumber.items()]
    claims: list[Claim] = []
    # The answer is the kept sentences joined by single spaces: their offsets are known exactly.
    for s, sent in zip(kept, _spans(texts), strict=True):
        base = s.claim
        claims.append(
            Claim(
                text=sent.claim_text,
                start=sent.start,
                end=sent.end,
                source=base.source if base and base.attributed else None,
                source_type=base.source_type if base else "unattributed",
                speaker=base.speaker if base and base.attributed else None,
                cue=base.cue if base and base.attributed else None,
                hedges=list(base.hedges) if base else [],
                quote="direct" if quotations(sent.text) else ("indirect" if base and base.attributed else "none"),
                citations=[renumber[n] for n in s.citations],
            )
        )
    return Answer(
        question=draft.question,
        answer=answer_text,
        refused=False,
        claims=claims,
        citations=citations,
        standalone_question=draft.standalone_question,
        guard=GuardReport(findings=findings, sentences_in=n_in, sentences_out=len(kept)),
        composer=draft.composer,
    )


def refusal_answer(draft: Draft, text: str, findings: list[GuardFinding], *, sentences_in: int) -> Answer:
    """A refusal: ``text``, with the closest articles."""
    closest = draft.closest or closest_articles(draft.passages)
    return Answer(
        question=draft.question,
        answer=text,
        refused=True,
        standalone_question=draft.standalone_question,
        closest=closest,
        guard=GuardReport(findings=findings, sentences_in=sentences_in, sentences_out=0),
        composer=draft.composer,
    )


class _Span:
    def __init__(self, text: str, start: int) -> None:
        self.text, self.start, self.end = text, start, start + len(text)
        self.claim_text = strip_citations(strip_marks(text))


def _spans(texts: list[str]) -> list[_Span]:
    out, pos = [], 0
    for t in texts:
        out.append(_Span(t, pos))
        pos += len(t) + 1
    return out

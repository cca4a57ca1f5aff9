"""The Composer interface and the draft it hands to the attribution guard.

A composer turns ranked passages into a :class:`Draft`: sentences with inline
``[n]`` markers (``n`` = position in ``Draft.passages``, from 1) and marks.
The guard (``app/guard/guard.py``) checks and repairs the draft and builds the
:class:`~app.models.Answer`. Refusal is decided before composing, the
same way for every composer (:func:`should_refuse`), so a weak corpus is
never padded by any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from app.compose.evidence import Passage
from app.models import ClosestArticle
from indexing.models import Claim

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

    from app.read.reader import Reading

__all__ = [
    "REFUSE_BELOW",
    "ComposeRequest",
    "Composer",
    "Draft",
    "DraftSentence",
    "closest_articles",
    "not_given",
    "refusal_draft",
    "should_refuse",
]

# An answerability (app.compose.answerability.answerability) below this means the
# retrieved passages are not about the question: the refusal then says nothing in
# the index covers it. At or above it, a question the reader finds no answer for
# is refused as covered but not given (app.read.reader, ANSWER_AT). Chosen on 457
# development questions, analyst-worded ones among them (docs/answers.md#refusal):
# 0.55 refused 16 of 134 answerable questions worded in the analyst's own words,
# 0.45 refuses 5.
REFUSE_BELOW = 0.45


@dataclass
class DraftSentence:
    """One answer sentence as composed: text with marks and ``[n]`` markers."""

    text: str
    citations: list[int]
    claim: Claim | None = None  # the article claim it restates (extractive); the guard finds it otherwise


@dataclass
class Draft:
    """What a composer produced, before the guard."""

    question: str
    standalone_question: str
    passages: list[Passage]
    sentences: list[DraftSentence] = field(default_factory=list)
    composer: str = "extractive"
    refused: bool = False
    refusal: str = ""
    closest: list[ClosestArticle] = field(default_factory=list)
    raw_text: str = ""  # the model's raw output (LLM composer)


@dataclass
class ComposeRequest:
    """Everything a composer needs: the question and the passages ranked best first."""

    question: str
    standalone_question: str
    passages: list[Passage]
    time_sensitive: bool = False
    answerability: float = 1.0
    history: list[dict[str, Any]] = field(default_factory=list)
    # The answer reader's decision (app.read.reader): False when no candidate passage gives what is asked.
    answerable: bool = True
    refusal_reason: str = ""
    # The passage found to hold the asked fact: said first.
    focus: Passage | None = None
    # The answer reader's verdict on the candidates (app.read.reader.Reading): which passages give what is asked.
    reading: Reading | None = None


@runtime_checkable
class Composer(Protocol):
    """Writes an answer draft from ranked passages."""

    name: str

    def compose(self, request: ComposeRequest, config: RunnableConfig | None = None) -> Draft:
        """Compose a draft answer citing ``request.passages``."""
        ...

    async def acompose(self, request: ComposeRequest, config: RunnableConfig | None = None) -> Draft:
        """Async ``compose``; a streaming chat model streams its tokens through ``config``'s callbacks."""
        ...


def should_refuse(request: ComposeRequest) -> bool:
    """True when the retrieved passages cannot answer the question.

    Either they are not about it (``answerability`` below ``REFUSE_BELOW``) or
    they are about its story but none gives what is asked (``answerable`` false:
    the answer reader's verdict, :mod:`app.read.reader`).
    """
    usable = [p for p in request.passages if p.vector is not None and (not p.injection or p.evidence_text())]
    return not usable or request.answerability < REFUSE_BELOW or not request.answerable


def closest_articles(passages: list[Passage], limit: int = 3) -> list[ClosestArticle]:
    """The articles of the best passages, one entry per article, best first."""
    out: list[ClosestArticle] = []
    seen: set[str] = set()
    for p in sorted(passages, key=lambda p: -p.relevance):
        if p.article_id in seen:
            continue
        seen.add(p.article_id)
        r = p.result
        out.append(
            ClosestArticle(
                article_id=r.article_id,
                title=r.title,
                outlet=r.outlet,
                published_at=r.published_at,
                score=round(p.relevance, 4),
            )
        )
        if len(out) == limit:
            break
    return out


# What a near miss's refusal says is missing, by what the question asks for (app.read.questions.asked_kind).
_NOT_GIVEN = {
    "time": "do not say when",
    "duration": "do not say how long",
    "money": "do not give the sum asked about",
    "count": "do not give the number asked about",
    "share": "do not give the share asked about",
    "figure": "do not give the figure asked about",
    "name": "do not give the name asked about",
}


def not_given(question: str) -> str:
    """What the articles of a covered story do not give, in the refusal's words: "do not give the sum asked
    about", "do not report what Ana Ruiz said", else "do not give what is asked"."""
    from app.compose.evidence import asked_source
    from app.read.questions import asked_kind, person_asked

    kind = asked_kind(question)
    if kind in _NOT_GIVEN:
        return _NOT_GIVEN[kind]
    asked = asked_source(question)
    name = person_asked(asked) if asked else None
    return f"do not report what {name} said" if name else "do not give what is asked"


def refusal_draft(request: ComposeRequest, composer: str) -> Draft:
    """A plain refusal naming the closest articles."""
    closest = closest_articles(request.passages)
    if closest:
        names = "; ".join(
            f'"{c.title or c.article_id}"'
            + (
                f" ({', '.join(x for x in (c.outlet, c.published_at.isoformat() if c.published_at else None) if x)})"
                if (c.outlet or c.published_at)
                else ""
            )
            for c in closest
        )
        unmentioned = request.reading.unmentioned if request.reading is not None else []
        if request.refusal_reason == "covered" and unmentioned:
            # the closest stories are somebody else's: say whose name is missing rather than "this story"
            text = (
                "The indexed news does not answer this question: none of the articles found mentions "
                f"{' or '.join(unmentioned)}. The closest articles are: {names}."
            )
        elif request.refusal_reason == "covered":
            # the story is in the news, the asked fact is not: say so rather than answer with its neighbours
            text = (
                "The indexed news does not answer this question: the articles report on this story but "
                f"{not_given(request.standalone_question or request.question)}. The closest articles are: {names}."
            )
        else:
            text = f"The indexed news does not answer this question. The closest articles are: {names}."
    else:
        text = "The indexed news does not answer this question: nothing relevant was found."
    return Draft(
        question=request.question,
        standalone_question=request.standalone_question,
        passages=[],
        composer=composer,
        refused=True,
        refusal=text,
        closest=closest,
    )

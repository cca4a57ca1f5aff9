"""The answers the suite scores, from newsqa or from any other system.

Another system's answers come as JSONL, one object per line (``docs/eval.md``)::

    {"id": "case-1", "answer": "Maria Okafor said ... [1].",
     "citations": [{"id": 1, "text": "the cited passage", "source_path": "a/b.md", "start": 10, "end": 90,
                    "outlet": "Harbor Gazette", "published_at": "2026-09-14"}],
     "refused": false,
     "retrieved": [{"text": "...", "source_path": "a/b.md", "start": 0, "end": 400}]}

Only ``id`` and ``answer`` are required. ``refused`` defaults to a phrase check of the
answer; ``retrieved`` (ranked passages) enables the retrieval metrics. Unknown fields
are ignored, so newsqa's own ``ask --json`` output with an ``id`` added also reads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from indexing.errors import BadInputError
from indexing.models import Answer, SearchResult

__all__ = ["CitedPassage", "RetrievedPassage", "SystemAnswer", "from_newsqa", "looks_like_refusal", "read_answers"]


class RetrievedPassage(BaseModel):
    """A passage a system retrieved (ranked by list position) or cited."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(default="", description="The passage text.")
    source_path: str | None = Field(default=None, description="The article's file, relative to the corpus root or ending with it.")
    article_id: str | None = None
    title: str | None = None
    outlet: str | None = Field(default=None, description="Publishing outlet of the article.")
    published_at: str | None = Field(default=None, description="Publication date (ISO), as an answer may cite it.")
    start: int | None = Field(default=None, ge=0, description="Passage start offset in the article body.")
    end: int | None = Field(default=None, ge=0, description="Passage end offset in the article body.")


class CitedPassage(RetrievedPassage):
    id: int = Field(ge=0, description="The n of the [n] markers that cite this passage.")

    @property
    def evidence(self) -> str:
        """What the support measure reads: the passage, headed by its outlet and date when known
        (an answer may say "(Harbor Gazette, 2026-09-14)", which the citation itself supports)."""
        header = ", ".join(x for x in (self.outlet, self.published_at) if x)
        return f"({header}) {self.text}" if header else self.text


class SystemAnswer(BaseModel):
    """One system's answer to one eval case, in the form the metrics read."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, description="The eval case id.")
    answer: str = ""
    citations: list[CitedPassage] = Field(default_factory=list)
    refused: bool | None = Field(default=None, description="Null: decided from the answer's wording.")
    retrieved: list[RetrievedPassage] = Field(default_factory=list, description="Ranked passages, best first.")
    error: str | None = Field(default=None, description="Set when producing the answer failed.")
    latency_ms: float | None = None

    @property
    def is_refusal(self) -> bool:
        return self.refused if self.refused is not None else looks_like_refusal(self.answer)


_REFUSAL = re.compile(
    r"\b(?:i (?:do not|don't|cannot|can't|could not|couldn't) (?:know|find|answer)|"
    r"(?:cannot|can't|could not|couldn't|unable to) (?:be )?(?:answer|find|determine)|"
    r"no (?:relevant )?(?:information|articles?|passages?|evidence|reports?) (?:about|on|regarding|that)|"
    r"(?:does|do)(?: not|n't) (?:contain|mention|say|cover|support|answer|address)|not (?:covered|mentioned|found) in|"
    r"nothing in the (?:corpus|articles|sources))",
    re.IGNORECASE,
)


def looks_like_refusal(text: str) -> bool:
    """An empty answer, or one that says the sources do not hold the answer."""
    stripped = text.strip()
    return not stripped or bool(_REFUSAL.search(stripped[:400]))


def read_answers(path: str | Path) -> dict[str, SystemAnswer]:
    """Read a JSONL answers file; a bad line or a repeated id is a ``BadInputError`` naming the line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise BadInputError(f"{path}: no such answers file") from exc
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{path}: not UTF-8 text") from exc
    answers: dict[str, SystemAnswer] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            answer = SystemAnswer.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BadInputError(f"{path}:{number}: invalid answer at {where}: {first['msg']}") from exc
        if answer.id in answers:
            raise BadInputError(f"{path}:{number}: answer id {answer.id!r} appears twice")
        answers[answer.id] = answer
    return answers


def _passage(result: SearchResult) -> RetrievedPassage:
    return RetrievedPassage(
        text=result.text,
        source_path=result.source_path,
        article_id=result.article_id,
        title=result.title,
        outlet=result.outlet,
        published_at=result.published_at.isoformat() if result.published_at else None,
        start=result.start,
        end=result.end,
    )


def from_newsqa(case_id: str, answer: Answer, retrieved: list[SearchResult] | None = None, latency_ms: float | None = None) -> SystemAnswer:
    """newsqa's ``Answer`` (plus the ranked search results) as a ``SystemAnswer``."""
    return SystemAnswer(
        id=case_id,
        answer=answer.answer,
        refused=answer.refused,
        citations=[
            CitedPassage(
                id=c.id,
                text=c.text,
                source_path=c.source_path,
                article_id=c.article_id,
                title=c.title,
                outlet=c.outlet,
                published_at=c.published_at.isoformat() if c.published_at else None,
                start=c.start,
                end=c.end,
            )
            for c in answer.citations
        ],
        retrieved=[_passage(r) for r in retrieved or []],
        latency_ms=latency_ms,
    )

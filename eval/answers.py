"""The answers the suite scores, from newsqa or from any other system.

Another system's answers come as JSONL (one object per line), or as one JSON array / object
holding them (``docs/eval.md``). newsqa's own shape::

    {"id": "case-1", "answer": "Maria Okafor said ... [1].",
     "citations": [{"id": 1, "text": "the cited passage", "source_path": "a/b.md", "start": 10, "end": 90,
                    "outlet": "Harbor Gazette", "published_at": "2026-09-14"}],
     "refused": false,
     "retrieved": [{"text": "...", "source_path": "a/b.md", "start": 0, "end": 400}]}

Only the case id and the answer text are required. ``refused`` defaults to a phrase check of the
answer; ``retrieved`` (ranked passages) enables the retrieval metrics. Unknown fields are ignored,
so newsqa's own ``ask --json`` output with an ``id`` added also reads.

Other tools' dumps are read through documented field mappings (``eval.answer_shapes``,
``normalise_record``). Whether an answer without a ``refused`` field refuses: ``eval.refusals``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.models import Answer, SearchResult
from eval.answer_shapes import normalise_record
from eval.refusals import looks_like_refusal
from indexing.errors import BadInputError

__all__ = ["CitedPassage", "RetrievedPassage", "SystemAnswer", "from_newsqa", "read_answers"]


class RetrievedPassage(BaseModel):
    """A passage a system retrieved (ranked by list position) or cited."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(default="", description="The passage text.")
    source_path: str | None = Field(
        default=None, description="The article's file, relative to the corpus root or ending with it."
    )
    article_id: str | None = None
    title: str | None = None
    url: str | None = Field(default=None, description="The article's address; an answer may cite it by URL.")
    outlet: str | None = Field(default=None, description="Publishing outlet of the article.")
    published_at: str | None = Field(default=None, description="Publication date (ISO), as an answer may cite it.")
    start: int | None = Field(default=None, ge=0, description="Passage start offset in the article body.")
    end: int | None = Field(default=None, ge=0, description="Passage end offset in the article body.")


class CitedPassage(RetrievedPassage):
    id: int = Field(ge=0, description="The n of the [n] markers that cite this passage.")
    whole_article: bool = Field(
        default=False, description="The text is the whole cited article, taken from the corpus (the answer gave none)."
    )

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


def _records(path: Path, text: str) -> list[tuple[int, Any]]:
    """(line, record) pairs: JSONL, or one JSON array / object of answers."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
        return [(i, r) for i, r in enumerate(whole, start=1)]
    if stripped.startswith("{") and len(text.strip().splitlines()) > 1:
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None  # JSONL whose records start with "{"
        if isinstance(whole, Mapping):
            for key in ("answers", "results", "data", "items", "records"):
                if isinstance(whole.get(key), list):
                    return [(i, r) for i, r in enumerate(whole[key], start=1)]
            return [(1, whole)]
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return records


def read_answers(path: str | Path, questions: Mapping[str, str] | None = None) -> dict[str, SystemAnswer]:
    """Read an answers file (JSONL, or a JSON array / object of answers) in any documented shape.

    ``questions`` maps each case's question to its id: a record without a known case id is matched by
    its question. A bad record or a repeated id is a ``BadInputError`` naming the line (or item).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BadInputError(f"{path}: no such answers file") from exc
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{path}: not UTF-8 text") from exc
    by_question = {_question_key(q): i for q, i in (questions or {}).items()}
    known = set((questions or {}).values())
    answers: dict[str, SystemAnswer] = {}
    for number, record in _records(path, text):
        if not isinstance(record, Mapping):
            raise BadInputError(f"{path}:{number}: an answer is a JSON object")
        fields = normalise_record(record)
        question = fields.pop("question", None)
        if question and (fields.get("id") not in known) and _question_key(question) in by_question:
            fields["id"] = by_question[_question_key(question)]
        try:
            answer = SystemAnswer.model_validate(fields)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BadInputError(f"{path}:{number}: invalid answer at {where}: {first['msg']}") from exc
        if answer.id in answers:
            raise BadInputError(f"{path}:{number}: answer id {answer.id!r} appears twice")
        answers[answer.id] = answer
    return answers


def _question_key(question: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", question.lower()))


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


def from_newsqa(
    case_id: str, answer: Answer, retrieved: list[SearchResult] | None = None, latency_ms: float | None = None
) -> SystemAnswer:
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

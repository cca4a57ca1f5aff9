"""The eval dataset format: questions, gold evidence and the attributions an answer must keep.

A dataset is a JSON file holding an :class:`EvalDataset` (``newsqa eval schema``
prints its JSON Schema). Gold evidence names an article by the path of its
file *relative to the corpus root* (stable wherever the corpus is ingested
from) or by article id, plus character offsets into the article body, or the
exact passage text (for corpora we wrote ourselves). Datasets over corpora we
may not copy (BBC) use offsets only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from indexing.errors import BadInputError
from indexing.models import QuoteKind, SourceType

__all__ = [
    "ChatTurn",
    "EvalCase",
    "EvalDataset",
    "Evidence",
    "ExpectedClaim",
    "Filters",
    "dataset_json_schema",
    "load_dataset",
]

CaseTag = Literal[
    "named",
    "anonymous",
    "hedged",
    "unattributed",
    "direct_quote",
    "unanswerable",
    "followup",
    "disagreement",
    "two_outlets",
    "injection",
    "dated",
    "filter",
]


# Coverage the bundled set (eval/data/sample_eval.json) promises: at least this many cases per tag.
SAMPLE_TAG_MINIMUMS: dict[str, int] = {
    "named": 15,
    "anonymous": 12,
    "hedged": 12,
    "unattributed": 6,
    "direct_quote": 10,
    "unanswerable": 12,
    "followup": 6,
    "disagreement": 4,
    "two_outlets": 4,
    "injection": 2,
    "dated": 4,
}


class ChatTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class Filters(BaseModel):
    outlets: list[str] | None = None
    since: str | None = Field(default=None, description="ISO date, inclusive.")
    until: str | None = Field(default=None, description="ISO date, inclusive.")


class Evidence(BaseModel):
    """Where the answer's support lies. A retrieved passage is a hit when it contains the span."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(
        default=None, description="Article file relative to the corpus root, e.g. 'business/001.txt'."
    )
    article_id: str | None = Field(default=None, description="Article id, when the article came without a file.")
    start: int | None = Field(default=None, ge=0, description="Evidence start offset in the article body.")
    end: int | None = Field(default=None, ge=0, description="Evidence end offset (exclusive).")
    passage: str | None = Field(default=None, description="Exact evidence text (only for corpora we wrote).")

    @model_validator(mode="after")
    def _locates(self) -> Evidence:
        if not (self.path or self.article_id):
            raise ValueError("evidence needs a path or an article_id")
        if (self.start is None) != (self.end is None):
            raise ValueError("evidence needs both start and end, or neither")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("evidence end must be after start")
        return self


class ExpectedClaim(BaseModel):
    """An attributed (or deliberately unattributed) claim a correct answer uses."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="Words that identify the claim in an answer (a short phrase of its content).")
    source: str | None = Field(default=None, description="Speaker as the article names it; null if unattributed.")
    speaker: str | None = Field(
        default=None,
        description="The name a pronoun or short source resolves to ('he' -> 'Vladimir Putin'); an answer naming it keeps the attribution.",
    )
    source_type: SourceType
    hedged: bool = False
    hedges: list[str] = Field(default_factory=list, description="The hedge cues, when hedged.")
    quote: QuoteKind = "none"
    evidence: Evidence | None = None


class EvalCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    history: list[ChatTurn] = Field(default_factory=list, description="Earlier turns, for follow-up questions.")
    answerable: bool = True
    evidence: list[Evidence] = Field(default_factory=list, description="Gold evidence for retrieval metrics.")
    expected_claims: list[ExpectedClaim] = Field(default_factory=list)
    filters: Filters = Field(default_factory=Filters)
    tags: list[CaseTag] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _coherent(self) -> EvalCase:
        if not self.answerable and self.expected_claims:
            raise ValueError(f"case {self.id}: an unanswerable case expects no claims")
        return self


class EvalDataset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    corpus: str | None = Field(
        default=None,
        description="Corpus folder, relative to the dataset file (or absolute); ingested before the run.",
    )
    cases: list[EvalCase]

    @model_validator(mode="after")
    def _unique_ids(self) -> EvalDataset:
        seen: set[str] = set()
        for case in self.cases:
            if case.id in seen:
                raise ValueError(f"duplicate case id {case.id!r}")
            seen.add(case.id)
        return self


def load_dataset(path: str | Path) -> EvalDataset:
    """Read and validate a dataset file; errors name the file and the problem."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadInputError(f"{path}: no such dataset file") from exc
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    try:
        return EvalDataset.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInputError(f"{path}: invalid dataset at {where}: {first['msg']}") from exc


def dataset_json_schema() -> dict:
    """The JSON Schema of a dataset file (``eval/schema/dataset.schema.json`` is this, exported)."""
    schema = EvalDataset.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


if __name__ == "__main__":  # python -m eval.datasets > eval/schema/dataset.schema.json
    print(json.dumps(dataset_json_schema(), indent=2, ensure_ascii=False))

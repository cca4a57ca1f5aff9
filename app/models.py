"""The answer side of newsqa's typed core: SearchResult, Citation, Answer (and the guard's report).

With ``indexing.models`` (Article, Span, Claim, Chunk) these pydantic models
*are* the JSON contract (``../shared/docs/DESIGN.md``): ``newsqa search/ask
--json``, the HTTP API and its OpenAPI schema, the Python API and the eval
suite all serialise them with ``model_dump(mode="json")``. Offsets
(``start``/``end``) are character offsets into the article body, half-open.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from indexing.models import Claim

__all__ = [
    "Answer",
    "Citation",
    "ClosestArticle",
    "GuardFinding",
    "GuardReport",
    "SearchResponse",
    "SearchResult",
]


class SearchResult(BaseModel):
    """One retrieved passage."""

    rank: int = Field(ge=1)
    chunk_id: str
    article_id: str
    title: str = ""
    outlet: str | None = None
    published_at: date | None = None
    url: str | None = None
    source_path: str | None = None
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    score: float = Field(description="Fused relevance score (higher is better).")
    claims: list[Claim] = Field(default_factory=list)
    # The chunk's sentence vectors stored at ingest (indexing.embedding.sentence_vectors), for ranking its
    # sentences without embedding them again; never part of the JSON a search or an answer returns.
    sentence_vectors: str | None = Field(default=None, exclude=True, repr=False)


class SearchResponse(BaseModel):
    query: str
    results: list[SearchResult] = Field(default_factory=list)


class Citation(BaseModel):
    """A numbered pointer from an answer to a passage of a chunk."""

    id: int = Field(ge=1, description="The n of the inline [n] marker.")
    chunk_id: str
    article_id: str
    title: str = ""
    outlet: str | None = None
    published_at: date | None = None
    url: str | None = None
    source_path: str | None = None
    text: str = Field(description="The cited passage.")
    start: int = Field(ge=0, description="Passage start offset in the article body.")
    end: int = Field(ge=0, description="Passage end offset in the article body.")
    score: float = 0.0
    chunk_start: int | None = Field(default=None, ge=0, description="Start of the whole chunk the passage lies in.")
    chunk_end: int | None = Field(default=None, ge=0, description="End of the whole chunk the passage lies in.")

    @model_validator(mode="after")
    def _inside_chunk(self) -> Citation:
        if self.end < self.start:
            raise ValueError("citation end is before start")
        if (
            self.chunk_start is not None
            and self.chunk_end is not None
            and not (self.chunk_start <= self.start and self.end <= self.chunk_end)
        ):
            raise ValueError("a citation's span must lie inside its chunk")
        return self


class GuardFinding(BaseModel):
    """One check the attribution guard made on one answer sentence."""

    sentence: int = Field(description="Index of the answer sentence.")
    check: Literal[
        "citation_exists",
        "support",
        "attribution",
        "hedge",
        "anonymous_mark",
        "quote_fidelity",
        "injection",
    ]
    ok: bool
    action: Literal["none", "repaired", "dropped"] = "none"
    detail: str = ""


class GuardReport(BaseModel):
    findings: list[GuardFinding] = Field(default_factory=list)
    sentences_in: int = 0
    sentences_out: int = 0

    @property
    def violations(self) -> list[GuardFinding]:
        return [f for f in self.findings if not f.ok]


class ClosestArticle(BaseModel):
    article_id: str
    title: str = ""
    outlet: str | None = None
    published_at: date | None = None
    score: float = 0.0


class Answer(BaseModel):
    """An answer: text with inline [n] markers, its claims and citations, or a refusal."""

    question: str
    answer: str
    refused: bool = False
    claims: list[Claim] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    standalone_question: str | None = Field(default=None, description="The follow-up rewritten to stand alone.")
    closest: list[ClosestArticle] = Field(default_factory=list, description="On refusal: the nearest articles.")
    guard: GuardReport | None = Field(default=None, description="What the attribution guard found and did.")
    composer: str = Field(default="extractive", description="Which composer wrote the answer.")

    @model_validator(mode="after")
    def _citations_resolve(self) -> Answer:
        ids = {c.id for c in self.citations}
        for claim in self.claims:
            missing = [n for n in claim.citations if n not in ids]
            if missing:
                raise ValueError(f"claim cites {missing}, which are not in citations")
        return self

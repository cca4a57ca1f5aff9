"""The typed core of the indexing layer: Article, Span, Claim, Chunk.

These pydantic models (with the answer models in ``app.models``: SearchResult,
Citation, Answer) *are* the JSON contract (``../shared/docs/DESIGN.md``):
the CLI's ``--json``, the HTTP API and its OpenAPI schema, the Python API and
the eval suite all serialise them with ``model_dump(mode="json")``.
Offsets (``start``/``end``) are character offsets into the article body,
half-open: ``body[start:end]``.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

SourceType = Literal["named", "anonymous", "unattributed"]
QuoteKind = Literal["direct", "indirect", "none"]

__all__ = [
    "Article",
    "Chunk",
    "Claim",
    "QuoteKind",
    "SourceType",
    "Span",
    "content_hash",
]


def content_hash(*parts: str | None) -> str:
    """Stable hash of an article's content (title, body and metadata)."""
    h = hashlib.sha256()
    for part in parts:
        h.update((part or "").encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:32]


class Span(BaseModel):
    """A half-open character span ``[start, end)`` of a text."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0, description="First character offset.")
    end: int = Field(ge=0, description="One past the last character offset.")

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


class Article(BaseModel):
    """One news article as loaded from a file, feed or API request."""

    id: str = Field(min_length=1, description="Stable article id (from the data, or derived from path/url).")
    title: str = Field(default="", description="Headline.")
    outlet: str | None = Field(default=None, description="Publishing outlet, e.g. 'BBC News'.")
    author: str | None = Field(default=None, description="Byline.")
    published_at: date | None = Field(default=None, description="Publication date (ISO 8601).")
    url: str | None = Field(default=None, description="Canonical link to the article.")
    body: str = Field(min_length=1, description="Full article text; offsets refer to it.")
    source_path: str | None = Field(default=None, description="File (or feed) the article came from.")

    @computed_field(description="Hash of title, body and metadata; changes when the article changes.")  # type: ignore[prop-decorator]
    @property
    def content_hash(self) -> str:
        return content_hash(
            self.title,
            self.body,
            self.outlet,
            self.author,
            self.published_at.isoformat() if self.published_at else None,
            self.url,
        )


class Claim(BaseModel):
    """A span of an article (or of an answer) with its attribution.

    ``source`` is the speaker *as written* ("he", "Dmitry Peskov, the Kremlin
    spokesman"); ``speaker`` is the name it resolves to ("Vladimir Putin") when
    the source is a pronoun or a short back-reference.
    """

    text: str = Field(description="The claim's content as written.")
    start: int | None = Field(default=None, ge=0, description="Content start offset in the article body (or answer).")
    end: int | None = Field(default=None, ge=0, description="Content end offset (exclusive).")
    source: str | None = Field(default=None, description="Speaker or origin as written, or null.")
    source_type: SourceType = Field(default="unattributed", description="named | anonymous | unattributed.")
    speaker: str | None = Field(
        default=None, description="Resolved speaker name when `source` is a pronoun or back-reference."
    )
    cue: str | None = Field(default=None, description="Reporting verb or phrase ('said', 'according to').")
    hedges: list[str] = Field(default_factory=list, description="Hedge cues in the claim ('may', 'reportedly').")
    quote: QuoteKind = Field(default="none", description="direct (in quotation marks), indirect, or none.")
    citations: list[int] = Field(default_factory=list, description="Answer claims: the [n] citations supporting it.")
    source_spans: list[Span] = Field(default_factory=list, description="Character pieces of the source mention.")
    cue_spans: list[Span] = Field(default_factory=list, description="Character pieces of the cue.")
    content_spans: list[Span] = Field(
        default_factory=list, description="Character pieces of the content (may be discontinuous)."
    )

    @property
    def attributed(self) -> bool:
        """True when the claim has a speaker (named or anonymous)."""
        return self.source_type != "unattributed"

    @property
    def hedged(self) -> bool:
        return bool(self.hedges)

    @property
    def display_source(self) -> str | None:
        """The best name to show for the speaker: resolved name, else as written."""
        return self.speaker or self.source

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("claim end is before start")
        if self.source_type == "unattributed" and self.source:
            raise ValueError("an unattributed claim has no source")
        return self


class Chunk(BaseModel):
    """A run of whole sentences of one article, with the claims inside it."""

    id: str = Field(description="Chunk id: '<article_id>:<index>'.")
    article_id: str
    index: int = Field(ge=0, description="Position of the chunk in its article.")
    text: str = Field(description="The chunk text, exactly body[start:end].")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    claims: list[Claim] = Field(default_factory=list, description="Claims whose content lies in this chunk.")
    token_count: int | None = Field(default=None, description="Word pieces the embedder sees (incl. title header).")

    @model_validator(mode="after")
    def _span(self) -> Chunk:
        if self.end < self.start:
            raise ValueError("chunk end is before start")
        if len(self.text) != self.end - self.start:
            raise ValueError("chunk text length does not match its span")
        return self

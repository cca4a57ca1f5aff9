"""The request and response bodies of the HTTP API (their JSON Schemas are the OpenAPI components)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "ERROR_RESPONSES",
    "ArticlePage",
    "ArticleSummary",
    "AskRequest",
    "ChatTurn",
    "Deleted",
    "ErrorBody",
    "ErrorResponse",
    "SearchRequest",
]


class _Filters(BaseModel):
    outlets: list[str] | None = Field(default=None, description="Only these outlets (exact names).")
    since: date | None = Field(default=None, description="Published on or after (ISO date).")
    until: date | None = Field(default=None, description="Published on or before (ISO date).")


class SearchRequest(_Filters):
    query: str = Field(min_length=1, max_length=2000, description="What to look for.")
    k: int = Field(default=10, ge=1, le=100, description="How many passages to return.")


class ChatTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20000)


class AskRequest(_Filters):
    question: str = Field(
        min_length=1,
        max_length=2000,
        description="The question (a follow-up when history is given).",
    )
    history: list[ChatTurn] = Field(default_factory=list, max_length=50, description="Earlier turns, oldest first.")


class ErrorBody(BaseModel):
    type: str = Field(description="Error class, e.g. BadInputError, Unauthorized, PayloadTooLarge.")
    message: str = Field(description="One line for humans.")


class ErrorResponse(BaseModel):
    error: ErrorBody


class ArticleSummary(BaseModel):
    id: str
    title: str = ""
    outlet: str | None = None
    author: str | None = None
    published_at: date | None = None
    url: str | None = None
    source_path: str | None = None
    chars: int = Field(description="Length of the body in characters.")


class ArticlePage(BaseModel):
    offset: int
    limit: int
    total: int | None = Field(default=None, description="Matching articles in all pages, when known.")
    articles: list[ArticleSummary]


class Deleted(BaseModel):
    id: str
    deleted: bool


# The error statuses every route documents, each with the ``{"error": {"type", "message"}}`` body.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 415, 422, 500, 502, 503)
}

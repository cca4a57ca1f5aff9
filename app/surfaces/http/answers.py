"""The answer routes: ``POST /search``, ``POST /ask`` and ``POST /ask/stream`` (server-sent events)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse

from app.models import Answer, SearchResponse
from app.service import NewsQA
from app.surfaces.http.models import ERROR_RESPONSES, AskRequest, SearchRequest
from indexing.errors import BadInputError, NewsQAError

__all__ = ["answer_routes"]


def answer_routes(qa: NewsQA, read: list[Any]) -> APIRouter:
    """Search and ask over ``qa``; ``read`` holds the dependencies a read needs (the API key check)."""
    router = APIRouter(responses=ERROR_RESPONSES)

    @router.post("/search", tags=["answers"], dependencies=read)
    def search(body: SearchRequest) -> SearchResponse:
        """Hybrid (dense + BM25) search for passages, with their claims."""
        return qa.search(body.query, k=body.k, outlets=body.outlets, since=body.since, until=body.until)

    @router.post("/ask", tags=["answers"], dependencies=read)
    def ask(body: AskRequest) -> Answer:
        """Answer a question (or a follow-up, with history) with cited, attributed claims, or a refusal."""
        return qa.ask(
            body.question,
            history=[t.model_dump() for t in body.history],
            outlets=body.outlets,
            since=body.since,
            until=body.until,
        )

    @router.post(
        "/ask/stream",
        tags=["answers"],
        dependencies=read,
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"text/event-stream": {}},
                "description": "status, token, answer (last) and error events",
            }
        },
    )
    async def ask_stream(body: AskRequest) -> StreamingResponse:
        """Server-sent events: ``status`` and ``token`` while composing, then ``answer`` with the full Answer.

        Each event's ``data`` is JSON: ``{"type": "token", "text": "..."}``, ``{"type": "answer", "answer": {...}}``.
        A failure after the stream started arrives as an ``error`` event with ``{"error": {"type", "message"}}``.
        """
        if not body.question.strip():
            raise BadInputError("the question is empty")
        qa.filters(body.outlets, body.since, body.until)  # bad filters -> 400 before the stream starts
        events = qa.astream(
            body.question,
            history=[t.model_dump() for t in body.history],
            outlets=body.outlets,
            since=body.since,
            until=body.until,
        )
        # Pull the first event now so errors before any output still get a proper status.
        try:
            first = await anext(events)
        except StopAsyncIteration:
            first = None
        return StreamingResponse(
            _sse(first, events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router


async def _sse(first: dict[str, Any] | None, rest: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    def frame(event: dict[str, Any]) -> bytes:
        kind = str(event.get("type", "message"))
        return f"event: {kind}\ndata: {json.dumps(jsonable_encoder(event), ensure_ascii=False)}\n\n".encode()

    try:
        if first is not None:
            yield frame(first)
        async for event in rest:
            yield frame(event)
    except NewsQAError as exc:
        yield frame({"type": "error", "error": {"type": type(exc).__name__, "message": str(exc)}})
    except Exception as exc:  # noqa: BLE001 - the stream already said 200: report in-band
        yield frame(
            {
                "type": "error",
                "error": {
                    "type": "InternalError",
                    "message": f"internal error ({type(exc).__name__})",
                },
            }
        )

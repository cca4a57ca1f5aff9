"""The chat panel's handlers: ask (streamed), ask an example, show a cited passage, start a new chat.

``chat_handlers(qa)`` builds them over ``qa``; :mod:`.blocks` wires them to the components. Every
handler turns a ``NewsQAError`` into a message on the page.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

import gradio as gr

from app.models import Answer
from app.service import NewsQA
from app.surfaces.ui.render import Turn, render_chat, render_passage
from indexing.errors import BadInputError, NewsQAError
from indexing.models import Article

__all__ = ["ChatHandlers", "chat_handlers"]

log = logging.getLogger(__name__)

_STREAM_REFRESH_SECONDS = 0.05  # re-render at most 20 times a second while tokens arrive


class ChatHandlers(NamedTuple):
    respond: Callable[..., AsyncIterator[tuple[Any, ...]]]
    ask_example: Callable[..., AsyncIterator[tuple[Any, ...]]]
    show_citation: Callable[..., tuple[Any, Any]]
    new_chat: Callable[[], tuple[Any, ...]]


def chat_handlers(qa: NewsQA) -> ChatHandlers:
    """The chat handlers over ``qa`` (their names are Gradio's endpoint names)."""

    async def respond(
        question: str,
        turns: list[Turn],
        examples: list[str],
        outlets: list[str] | None,
        since: Any,
        until: Any,
    ) -> AsyncIterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        turn = Turn(question=question, status="Searching the corpus…")
        history = _history(turns)
        turns = [*turns, turn]
        yield render_chat(turns), turns, "", gr.skip(), gr.skip(), gr.update(visible=False)
        try:
            events = qa.astream(
                question,
                history=history,
                outlets=outlets or None,
                since=_as_date(since, "From"),
                until=_as_date(until, "To"),
            )
            last_render = 0.0
            async for event in events:
                kind = event.get("type")
                if kind == "status":
                    turn.status = str(event.get("text") or turn.status)
                elif kind == "token":
                    turn.partial += str(event.get("text") or "")
                elif kind == "answer":
                    answer = event.get("answer")
                    turn.answer = answer if isinstance(answer, Answer) else Answer.model_validate(answer)
                    continue
                if time.monotonic() - last_render >= _STREAM_REFRESH_SECONDS:
                    last_render = time.monotonic()
                    yield render_chat(turns), turns, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            if turn.answer is None:
                turn.error = "the answer stream ended without an answer"
        except NewsQAError as exc:
            turn.error = str(exc)
        except Exception as exc:
            log.exception("answering %r failed", question)
            turn.error = f"internal error ({type(exc).__name__}); see the server log"
        passage = gr.skip()
        tabs = gr.skip()
        if turn.answer is not None and turn.answer.citations:
            index = len(turns) - 1
            passage = _passage_for(turns, index, turn.answer.citations[0].id)
            tabs = gr.Tabs(selected="passage")
        yield render_chat(turns), turns, gr.skip(), passage, tabs, gr.skip()

    async def ask_example(
        turns: list[Turn],
        examples: list[str],
        outlets: list[str] | None,
        since: Any,
        until: Any,
        evt: gr.EventData,
    ) -> AsyncIterator[tuple[Any, ...]]:
        async for update in respond(str(getattr(evt, "ask", "")), turns, examples, outlets, since, until):
            yield update

    def _passage_for(turns: list[Turn], index: int, number: int) -> str:
        answer = turns[index].answer if 0 <= index < len(turns) else None
        if answer is None:
            return render_passage(None, None)
        citation = next((c for c in answer.citations if c.id == number), None)
        if citation is None:
            return render_passage(None, None)
        article: Article | None = None
        try:
            article = qa.get_article(citation.article_id)
        except NewsQAError as exc:  # show the passage without its context rather than nothing
            log.warning("could not load article %s: %s", citation.article_id, exc)
        return render_passage(citation, article, answer, index)

    def show_citation(turns: list[Turn], evt: gr.EventData) -> tuple[Any, Any]:
        raw = str(getattr(evt, "cite", ""))
        match = re.fullmatch(r"(\d+):(\d+)", raw)
        if not match:
            return gr.skip(), gr.skip()
        return _passage_for(turns, int(match.group(1)), int(match.group(2))), gr.Tabs(selected="passage")

    def new_chat() -> tuple[Any, ...]:
        return render_chat([]), [], render_passage(None, None), "", gr.update(visible=True)

    return ChatHandlers(respond=respond, ask_example=ask_example, show_citation=show_citation, new_chat=new_chat)


def _as_date(value: Any, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):  # a DateTime component in timestamp mode
        return date.fromtimestamp(value)
    text = str(value).strip()[:10]
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadInputError(f"{label} must be a date like 2026-09-30, not {value!r}") from exc


def _history(turns: Sequence[Turn]) -> list[dict[str, str]]:
    history: list[dict[str, str]] = []
    for turn in turns:
        if turn.answer is not None:
            history.append({"role": "user", "content": turn.question})
            history.append({"role": "assistant", "content": turn.answer.answer})
    return history

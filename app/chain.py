"""The answer chain (LCEL): condense -> retrieve -> rank and read -> compose -> guard.

    chain = build_chain(searcher, settings)            # extractive, or the chat model NEWSQA_LLM names
    answer = chain.invoke({"question": "What did Okafor say?", "history": [], "filters": SearchFilters()})
    async for event in astream_answer(chain, inputs):  # {"type": "status" | "token" | "answer", ...}
        ...

Input: ``{"question": str, "history": [{"role", "content", "filters"?}], "filters": SearchFilters}``.
Output: an :class:`~app.models.Answer` (refused, guarded, cited).

Each step is a named ``RunnableLambda`` ("condense", "retrieve", "rank",
"compose", "guard"), so LangChain tracing and ``astream_events`` show them.
``astream_answer`` turns those events into the UI's stream: a status per
step, the chat model's tokens as they come (the LLM composer), and the
guarded answer last. The extractive composer writes the whole answer at
once; its text is streamed in word pieces before the answer event.

Tokens streamed by a chat model are its raw draft: the final ``answer``
event carries the guarded text, which may differ (a sentence repaired or
dropped); surfaces show the final text when it arrives.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Container
from typing import TYPE_CHECKING, Any

from app.compose.answerability import answerability
from app.compose.base import REFUSE_BELOW, Composer, ComposeRequest, Draft
from app.compose.evidence import (
    Passage,
    build_passages,
    rank_passages,
    time_sensitive,
)
from app.compose.extractive import ExtractiveComposer
from app.guard.guard import AttributionGuard
from app.guard.support import SupportScorer, as_cached
from app.models import Answer, SearchResult
from app.read.reader import DEFAULT_DELTA, read, shared_reader
from app.retrieve.condense import condense, resolve_filters
from app.settings import Settings
from indexing.errors import GenerationError, NewsQAError, RetrievalError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable, RunnableConfig

__all__ = ["COMPOSE_TAG", "astream_answer", "build_chain", "make_composer"]

COMPOSE_TAG = "newsqa:compose"
CONDENSE_TAG = "newsqa:condense"
_STATUS = {
    "condense": "Reading the question…",
    "retrieve": "Searching the news…",
    "compose": "Writing the answer…",
    "guard": "Checking attributions…",
}


def make_composer(settings: Settings, chat_model: BaseChatModel | None = None) -> tuple[Composer, BaseChatModel | None]:
    """The composer for ``settings`` (a given ``chat_model`` wins over ``NEWSQA_LLM``) and its chat model."""
    from app.compose.chat_models import make_chat_model
    from app.compose.llm import LLMComposer

    model = chat_model if chat_model is not None else make_chat_model(settings)
    if model is None:
        return ExtractiveComposer(), None
    return LLMComposer(model), model


def build_chain(searcher: Any, settings: Settings, chat_model: BaseChatModel | None = None) -> Runnable:
    """The answer Runnable over ``searcher`` (``.search(query, k=, filters=)`` and ``.embedder``)."""
    from langchain_core.runnables import RunnableLambda

    from app.retrieve.retrieval import NewsRetriever

    composer, model = make_composer(settings, chat_model)
    embedder = as_cached(searcher.embedder)
    guard = AttributionGuard(SupportScorer(embedder))
    k = settings.top_k
    reader = shared_reader(settings.model_cache_dir, settings.reader_delta or DEFAULT_DELTA, settings.reader_precision)

    def condense_step(inputs: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        question = str(inputs.get("question") or "").strip()
        if not question:
            from indexing.errors import BadInputError

            raise BadInputError("the question is empty")
        history = list(inputs.get("history") or [])
        standalone = condense(question, history, chat_model=model, config=config)
        correct = getattr(searcher, "correct_query", None)
        if correct is not None:
            # words the corpus never uses, corrected against it ("minster" -> "minister"); the
            # answer's standalone question shows what was searched for
            standalone, _ = correct(standalone)
        return {
            "question": question,
            "history": history,
            "standalone_question": standalone,
            "filters": resolve_filters(inputs.get("filters"), history),
        }

    retriever = NewsRetriever(searcher=searcher, k=k, carry_vectors=True)

    def retrieve_step(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        try:
            documents = retriever.invoke(state["standalone_question"], config, filters=state["filters"])
        except NewsQAError:
            raise
        except Exception as exc:  # a searcher bug or a store failure: one line for the user
            raise RetrievalError(f"search failed: {type(exc).__name__}: {exc}") from exc
        results = [SearchResult.model_validate({**d.metadata, "text": d.page_content}) for d in documents]
        return {**state, "results": results}

    store = getattr(searcher, "store", None)
    article_texts = getattr(store, "article_texts", None)  # a searcher without a store reads no article bodies

    def rank_step(state: dict[str, Any]) -> dict[str, Any]:
        question = state["standalone_question"]
        passages = rank_passages(question, build_passages(state["results"]), embedder)
        # The reader scores the best-ranked candidates: does this passage give what is asked? Its best
        # score decides between an answer and a refusal; its order is the answer's order.
        reading = read(reader, question, passages, article_texts=article_texts)
        ordered = [p for p, _ in reading.scored] + [p for p in passages if p.reading is None]
        score = answerability(question, passages, state["results"], vocabulary=_vocabulary(searcher))
        request = ComposeRequest(
            question=state["question"],
            standalone_question=state["standalone_question"],
            passages=ordered,
            time_sensitive=time_sensitive(state["question"]) or time_sensitive(question),
            answerability=score,
            history=state["history"],
            answerable=reading.answerable,
            refusal_reason="" if reading.answerable or score < REFUSE_BELOW or not reading.scored else "covered",
            focus=reading.best_passage if reading.answerable else None,
            reading=reading,
        )
        return {**state, "request": request}

    def compose_step(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        return {**state, "draft": composer.compose(state["request"], config)}

    async def acompose_step(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        return {**state, "draft": await composer.acompose(state["request"], config)}

    def guard_step(state: dict[str, Any]) -> Answer:
        draft: Draft = state["draft"]
        retrieved: list[Passage] = state["request"].passages
        return guard.check(draft, retrieved=retrieved)

    chain = (
        RunnableLambda(condense_step, name="condense").with_config(tags=[CONDENSE_TAG])
        | RunnableLambda(retrieve_step, name="retrieve")
        | RunnableLambda(rank_step, name="rank")
        | RunnableLambda(compose_step, afunc=acompose_step, name="compose").with_config(tags=[COMPOSE_TAG])
        | RunnableLambda(guard_step, name="guard")
    )
    return chain.with_config(run_name="newsqa_answer")


def _vocabulary(searcher: Any) -> Container[str] | None:
    """The stemmed vocabulary of the corpus from the searcher's BM25 index, when it exposes one.

    Optional: refusal uses it to notice question nouns the corpus never mentions.
    """
    lexical = getattr(searcher, "lexical", None)
    vocabulary = getattr(lexical, "vocabulary", None)
    if vocabulary is None:
        retriever = getattr(lexical, "_retriever", None)  # bm25s.BM25: stems -> ids
        vocabulary = getattr(retriever, "vocab_dict", None)
    return vocabulary if isinstance(vocabulary, Container) else None


_PIECE = re.compile(r"\S+\s*")


async def astream_answer(chain: Runnable, inputs: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    """Stream an answer: ``{"type": "status", "text"}``, ``{"type": "token", "text"}``, then ``{"type": "answer", "answer"}``."""
    answer: Answer | None = None
    streamed = False
    async for event in chain.astream_events(inputs, version="v2"):
        kind, name = event["event"], event.get("name")
        if kind == "on_chain_start" and name in _STATUS:
            yield {"type": "status", "text": _STATUS[name]}
        elif kind == "on_chat_model_stream" and COMPOSE_TAG in (event.get("tags") or []):
            chunk = event["data"].get("chunk")
            text = getattr(chunk, "content", "") if chunk is not None else ""
            if isinstance(text, str) and text:
                streamed = True
                yield {"type": "token", "text": text}
        elif kind == "on_chain_end" and name == "guard":
            output = event["data"].get("output")
            if isinstance(output, Answer):
                answer = output
    if answer is None:
        raise GenerationError("the answer chain ended without an answer")
    if not streamed:
        for piece in _PIECE.findall(answer.answer):
            yield {"type": "token", "text": piece}
    yield {"type": "answer", "answer": answer}

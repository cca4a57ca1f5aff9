"""The LLM path through the real langchain-openai client against an OpenAI-compatible server on loopback."""

from __future__ import annotations

import re
import socket

import pytest
from chain_fixtures import FakeSearcher
from openai_stub import OpenAIStub

from app.chain import astream_answer, build_chain
from app.compose.chat_models import make_chat_model
from app.retrieve.retrieval import SearchFilters
from app.settings import Settings
from indexing.errors import ConfigurationError, GenerationError


@pytest.fixture(scope="module")
def searcher(embedder):
    return FakeSearcher(embedder)


def passage_id(request: dict, needle: str) -> int:
    prompt = "\n".join(m["content"] for m in request["messages"])
    for m in re.finditer(r'<passage id="(\d+)"[^>]*>\n<text>(.*?)</text>', prompt, re.DOTALL):
        if needle in m.group(2):
            return int(m.group(1))
    raise AssertionError(f"{needle!r} not in the prompt")


def openai_settings(settings: Settings, stub: OpenAIStub, **extra) -> Settings:
    return settings.model_copy(
        update={"llm": f"openai:{stub.model}", "openai_base_url": stub.base_url, "openai_api_key": "sk-test", **extra}
    )


def test_openai_compatible_server_answers_through_the_chain(searcher, settings) -> None:
    def reply(request: dict) -> str:
        n = passage_id(request, "mediator")
        return f"According to a source within the transport ministry, the government may appoint a mediator this week [hedged] [anonymous source] [{n}]."

    with OpenAIStub(reply, api_key="sk-test") as stub:
        chain = build_chain(searcher, openai_settings(settings, stub))
        answer = chain.invoke(
            {
                "question": "Will a mediator be appointed in the Lindby ferry strike?",
                "history": [],
                "filters": SearchFilters(),
            }
        )
    assert not answer.refused and answer.composer == "llm:stub-model"
    assert answer.answer.startswith(
        "According to a source within the transport ministry, the government may appoint a mediator"
    )
    assert answer.guard.violations == [] or all(f.check == "injection" for f in answer.guard.violations)
    request = stub.requests[-1]
    assert request["model"] == "stub-model" and request["temperature"] == 0.0
    assert request["messages"][0]["role"] == "system" and "never instructions" in request["messages"][0]["content"]
    assert "<passage id=" in request["messages"][1]["content"]
    assert {k.lower(): v for k, v in stub.headers[-1].items()}["authorization"] == "Bearer sk-test"


async def test_streaming_through_the_openai_client(searcher, settings) -> None:
    text = "Captain Ilse Brandt, the union's spokesperson, said the crews will not sail until the rota is fixed [1]."

    def reply(request: dict) -> str:
        return text.replace("[1]", f"[{passage_id(request, 'We will not sail')}]")

    with OpenAIStub(reply) as stub:
        chain = build_chain(searcher, openai_settings(settings, stub))
        events = [
            e
            async for e in astream_answer(
                chain, {"question": "What did Brandt say about sailing?", "history": [], "filters": SearchFilters()}
            )
        ]
    assert stub.requests[-1].get("stream") is True
    tokens = [e["text"] for e in events if e["type"] == "token"]
    assert len(tokens) >= 10 and events[-1]["type"] == "answer"
    final = events[-1]["answer"]
    assert not final.refused and "Captain Ilse Brandt" in final.answer


def test_a_model_obeying_an_injected_instruction_is_overruled(searcher, settings) -> None:
    def reply(request: dict) -> str:
        # the reader ranks the instruction-like passage out of the prompt; the model obeys it anyway,
        # citing it when it is there and the first passage when it is not
        try:
            n = passage_id(request, "Ignore previous instructions")
        except AssertionError:
            n = 1
        return f"The ferry operator went bankrupt [{n}]."

    with OpenAIStub(reply) as stub:
        chain = build_chain(searcher, openai_settings(settings, stub))
        # a question the passages answer, so the model is asked (a near miss is refused before it)
        answer = chain.invoke(
            {"question": "Why did the ferry crews walk out?", "history": [], "filters": SearchFilters()}
        )
    assert "bankrupt" not in answer.answer.lower() and answer.refused
    assert any(f.check == "injection" for f in answer.guard.findings)
    assert any(f.check == "support" and f.action == "dropped" for f in answer.guard.findings)


def test_condense_uses_the_model_for_follow_ups(searcher, settings) -> None:
    def reply(request: dict) -> str:
        if "Follow-up question:" in request["messages"][-1]["content"]:
            return "What did the transport ministry say about a mediator for the Lindby ferry strike?"
        return "NO_ANSWER"

    with OpenAIStub(reply) as stub:
        chain = build_chain(searcher, openai_settings(settings, stub))
        history = [
            {"role": "user", "content": "What did the union say about the ferry strike?"},
            {"role": "assistant", "content": "The union said that 300 joined [1]."},
        ]
        answer = chain.invoke({"question": "And the ministry?", "history": history, "filters": SearchFilters()})
    assert (
        answer.standalone_question
        == "What did the transport ministry say about a mediator for the Lindby ferry strike?"
    )
    assert searcher.queries[-1][0] == answer.standalone_question


def test_unreachable_server_is_a_one_line_generation_error(searcher, settings) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bad = settings.model_copy(
        update={"llm": "openai:none", "openai_base_url": f"http://127.0.0.1:{port}/v1", "llm_timeout": 2.0}
    )
    with pytest.raises(GenerationError, match="chat model failed"):
        build_chain(searcher, bad).invoke(
            {"question": "What did Brandt say about sailing?", "history": [], "filters": SearchFilters()}
        )


def test_chat_model_factory(settings) -> None:
    assert make_chat_model(settings) is None
    assert type(make_chat_model(settings.model_copy(update={"llm": "fake:hello"}))).__name__ == "FakeListChatModel"
    ollama = make_chat_model(
        settings.model_copy(update={"llm": "ollama:llama3.2", "ollama_base_url": "http://127.0.0.1:9"})
    )
    assert type(ollama).__name__ == "ChatOllama"
    with pytest.raises(ConfigurationError, match="OPENAI_BASE_URL"):
        make_chat_model(settings.model_copy(update={"llm": "openai:gpt-x"}))
    with pytest.raises(ConfigurationError, match="not understood"):
        make_chat_model(settings.model_copy(update={"llm": "gpt-x"}))
    with pytest.raises(ConfigurationError):
        make_chat_model(settings.model_copy(update={"llm": "nosuchprovider:model"}))

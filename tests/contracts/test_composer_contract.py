"""The composer contract (``composer_contract.ComposerContract``) on every shipped composer: the extractive one,
and the LLM one over a LangChain fake chat model (no real chat model runs here)."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from app.compose.extractive import ExtractiveComposer
from app.compose.llm import LLMComposer
from tests.contracts.composer_contract import ComposerContract

# what a chat model following the prompt answers: the passages' words, each sentence with its [n]
LLM_REPLY = (
    'Captain Ilse Brandt, the union\'s spokesperson, said: "We will not sail until the rota is fixed" [1]. '
    "Brandt added that the operator had cut rest breaks to twenty minutes [1]."
)


class TestExtractiveComposer(ComposerContract):
    @pytest.fixture
    def composer(self):
        return ExtractiveComposer()


class TestLLMComposer(ComposerContract):
    @pytest.fixture
    def composer(self):
        return LLMComposer(FakeListChatModel(responses=[LLM_REPLY]))

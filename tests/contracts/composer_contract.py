"""The contract every ``Composer`` passes (``app.compose.base.Composer``).

``ComposerContract`` holds the behaviours; a composer's test module subclasses
it as ``Test...`` and gives the ``composer`` fixture. Every test starts from the
same request: the passages ``app.compose.evidence`` builds and ranks from the
invented news world of ``tests/chain_fixtures.py``. What one composer writes
(the extractive composer's wording, the LLM composer's prompt) is tested beside
it (``tests/test_composers.py``, ``tests/test_chain.py``).
"""

from __future__ import annotations

import dataclasses

import pytest

from app.compose.answerability import answerability
from app.compose.base import Composer, ComposeRequest, refusal_draft
from app.compose.evidence import build_passages, rank_passages
from app.guard.support import as_cached
from tests.chain_fixtures import FakeSearcher

__all__ = ["QUESTION", "ComposerContract", "answerable_request"]

QUESTION = "What did Captain Ilse Brandt say about sailing and the rota?"


def answerable_request(embedder, question: str = QUESTION) -> ComposeRequest:
    """The request the chain would hand a composer for ``question``, the reader left out (answerable)."""
    searcher = FakeSearcher(embedder)
    results = searcher.search(question, k=4)
    passages = rank_passages(question, build_passages(results), as_cached(embedder))
    return ComposeRequest(
        question=question,
        standalone_question=question,
        passages=passages,
        answerability=answerability(question, passages, results),
    )


class ComposerContract:
    """Behaviours of every composer. Subclasses provide the ``composer`` fixture."""

    @pytest.fixture
    def compose_request(self, embedder) -> ComposeRequest:
        return answerable_request(embedder)

    def test_satisfies_the_protocol(self, composer) -> None:
        assert isinstance(composer, Composer)
        assert isinstance(composer.name, str) and composer.name

    def test_an_answer_cites_only_the_passages_it_hands_on(self, composer, compose_request) -> None:
        draft = composer.compose(compose_request)
        assert not draft.refused and draft.sentences
        assert draft.composer == composer.name
        assert (draft.question, draft.standalone_question) == (QUESTION, QUESTION)
        given = {p.key for p in compose_request.passages}
        assert draft.passages and {p.key for p in draft.passages} <= given
        for sentence in draft.sentences:
            assert sentence.text.strip()
            assert all(1 <= n <= len(draft.passages) for n in sentence.citations), sentence

    @pytest.mark.parametrize(
        "change",
        [
            {"answerable": False, "refusal_reason": "covered"},  # the reader: on the story, without the fact
            {"answerability": 0.1},  # the passages are not about the question
            {"passages": []},  # nothing was found
        ],
        ids=["reader-says-no", "off-topic", "nothing-found"],
    )
    def test_a_request_that_cannot_be_answered_is_refused_the_same_way_by_every_composer(
        self, composer, compose_request, change
    ) -> None:
        request = dataclasses.replace(compose_request, **change)
        draft = composer.compose(request)
        assert draft.refused and draft.refusal and not draft.sentences
        assert draft == refusal_draft(request, composer.name)

    async def test_acompose_gives_what_compose_gives(self, composer, compose_request) -> None:
        sync = composer.compose(compose_request)
        draft = await composer.acompose(compose_request)
        assert [(s.text, s.citations) for s in draft.sentences] == [(s.text, s.citations) for s in sync.sentences]
        assert [p.key for p in draft.passages] == [p.key for p in sync.passages]

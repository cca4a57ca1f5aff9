"""The suggested questions under the chat: their topics read as a noun phrase mid-sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.surfaces.ui.examples import _topic, corpus_examples
from indexing.ingest.loaders import load_bytes
from indexing.models import Article
from tests.api_fixtures import sample_qa  # noqa: F401 - session fixture

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "sample"


def _article(relative: str) -> Article:
    path = SAMPLE / relative
    (article,) = load_bytes(path.read_bytes(), path.name)
    assert isinstance(article, Article)
    return article


@pytest.mark.parametrize(
    ("relative", "topic"),
    [
        # a common word capitalised only to start the headline, with its hyphen kept
        ("meridian-wire/2026-11-12-plastic-eating-microbe.md", "the deep-sea microbe"),
        ("harbor-gazette/2026-10-02-city-budget.md", "the mayor's budget"),
        # names keep their capitals
        ("harbor-gazette/2026-10-27-kessler-bridge-update.md", "Kessler Bridge"),
        ("northern-ledger/2026-09-15-port-strike.md", "the Calder Bay strike"),
        ("northern-ledger/2026-10-19-sorvenia-election.md", "Sorvenia's change"),
        # "... as port talks collapse": 'collapse' is the verb, not part of the topic
        ("harbor-gazette/2026-09-14-port-strike.md", "the port talks"),
    ],
)
def test_headline_topic_reads_naturally_mid_sentence(nlp, relative: str, topic: str) -> None:
    article = _article(relative)
    assert _topic(article.title, body=article.body) == topic


def test_suggested_questions_over_the_sample_corpus(sample_qa) -> None:  # noqa: F811
    examples = corpus_examples(sample_qa)
    assert "What did Hedda Moravec say about the deep-sea microbe?" in examples, examples

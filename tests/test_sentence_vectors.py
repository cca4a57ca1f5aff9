"""Sentence vectors stored at ingest: pooled from the chunk's own model pass, used to rank an answer's passages.

Real MiniLM (ONNX), real Chroma, the sample corpus; sentences invented.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.compose.evidence import build_passages, rank_passages
from app.guard.support import CachedEmbedder
from app.models import SearchResult
from app.retrieve.retrieval import NewsRetriever
from app.service import NewsQA
from indexing.embedding.sentence_vectors import decode_vectors, encode_vectors, pool_spans
from indexing.text.chunk_sentences import sentence_spans

TEXT = (
    "The harbour authority raised docking fees by nine percent on Monday. "
    "Striker Lena Holm scored twice as Selmouth Rovers won the cup final. "
    "Heavy rain flooded the valley road and closed two village schools."
)


def test_pooled_rows_are_unit_vectors_and_survive_the_metadata_round_trip() -> None:
    hidden = np.arange(24, dtype=np.float32).reshape(6, 4)
    offsets = [(0, 0), (0, 3), (4, 7), (8, 11), (12, 15), (0, 0)]
    rows = pool_spans(hidden, offsets, [(0, 7), (8, 15), (20, 30)])
    assert np.allclose(np.linalg.norm(rows[:2], axis=1), 1.0)
    assert not rows[2].any()  # a span no word piece lies in: a zero row
    back = decode_vectors(encode_vectors(rows), 4)
    assert back is not None and np.allclose(back, rows, atol=1e-3)
    assert decode_vectors("not base64!", 4) is None
    assert decode_vectors(encode_vectors(rows), 5) is None  # the wrong width is refused, not misread


def test_a_question_finds_its_sentence_by_the_pooled_vectors(embedder) -> None:
    spans = sentence_spans(TEXT)
    assert len(spans) == 3
    chunk_vectors, pooled = embedder.embed_with_sentences([TEXT], [spans])
    assert np.allclose(chunk_vectors[0], embedder.embed([TEXT])[0], atol=1e-5)  # the same pass, the same vector
    assert np.allclose(np.linalg.norm(pooled[0], axis=1), 1.0, atol=1e-5)
    questions = [
        "How much did the harbour raise its docking fees?",
        "Who scored in the cup final?",
        "Why were the village schools closed?",
    ]
    similarity = embedder.embed(questions) @ pooled[0].T
    assert list(similarity.argmax(axis=1)) == [0, 1, 2]


@pytest.fixture(scope="module")
def sample_qa(tmp_path_factory, sample_corpus):
    from app.settings import Settings

    qa = NewsQA(Settings(home=tmp_path_factory.mktemp("vectors") / "home"))
    qa.ingest([sample_corpus])
    yield qa
    qa.close()


def test_ingest_stores_a_vector_per_chunk_sentence_and_search_json_leaves_them_out(sample_qa) -> None:
    results = sample_qa.searcher.search("What did the port authority say about the strike deal?", k=5, filters=None)
    assert results
    for r in results:
        assert r.sentence_vectors
        rows = decode_vectors(r.sentence_vectors, 384)
        assert rows is not None and len(rows) == len(sentence_spans(r.text))
    response = sample_qa.search("strike deal", k=3)
    assert "sentence_vectors" not in json.dumps(response.model_dump(mode="json"))
    docs = NewsRetriever(searcher=sample_qa.searcher, k=3).invoke("strike deal")
    assert all("sentence_vectors" not in d.metadata for d in docs)  # a user's retriever: plain metadata
    carried = NewsRetriever(searcher=sample_qa.searcher, k=3, carry_vectors=True).invoke("strike deal")
    assert all(SearchResult.model_validate({**d.metadata, "text": d.page_content}).sentence_vectors for d in carried)


class _Counting:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.texts = inner, []

    def embed(self, texts):
        self.texts += list(texts)
        return self.inner.embed(texts)


def test_ranking_with_stored_vectors_embeds_only_the_question_and_scores_every_passage(sample_qa, embedder) -> None:
    question = "What did the port authority say about the strike deal?"
    results = sample_qa.searcher.search(question, k=8, filters=None)
    counting = _Counting(embedder)
    ranked = rank_passages(question, build_passages(results), CachedEmbedder(counting))
    assert counting.texts == [question]
    assert all(p.vector is not None for p in ranked)
    # the same chunks without their vectors (a store written before): passages are embedded, the best one agrees
    bare = [r.model_copy(update={"sentence_vectors": None}) for r in results]
    counting_bare = _Counting(embedder)
    ranked_bare = rank_passages(question, build_passages(bare), CachedEmbedder(counting_bare))
    assert len(counting_bare.texts) > 1
    assert ranked_bare[0].key in {p.key for p in ranked[:3]}

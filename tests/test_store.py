"""NewsStore on a real Chroma, embedded (PersistentClient) and a real `chroma run` server: what Chroma's layout
adds to the store contract (``tests/contracts/store_contract.py``): records kept clean, kill safety, errors."""

from __future__ import annotations

import pytest

from app.settings import Settings
from indexing.errors import BadInputError, StoreError
from indexing.store.chroma import open_store
from tests.chroma_server import chroma_url, free_port, unique_collection  # noqa: F401 - fixture
from tests.contracts.store_contract import write
from tests.store_fixtures import ARTICLES, assert_clean_store


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.server)])
def store_settings(request, tmp_path) -> Settings:
    if request.param == "server":
        url = request.getfixturevalue("chroma_url")
        return Settings(home=tmp_path / "home", chroma_url=url, collection=unique_collection())
    return Settings(home=tmp_path / "home")


@pytest.fixture
def store(store_settings):
    opened = open_store(store_settings)
    yield opened
    opened.close()


def test_written_articles_read_back_whole(store, store_settings):
    write(store, ARTICLES)
    assert store.hashes([a.id for a in ARTICLES] + ["nope"]) == {a.id: a.content_hash for a in ARTICLES}
    again = store.get_article("gazette/ferry-fares")
    assert again == ARTICLES[0]
    assert store.get_article("missing") is None
    counts = assert_clean_store(store_settings, {a.id: a.content_hash for a in ARTICLES})
    assert counts["gazette/ferry-fares"] == 3
    stats = store.stats()
    assert stats["articles"] == len(ARTICLES) and stats["chunks"] == sum(counts.values())
    assert stats["outlets"] == {"Harbor Gazette": 2, "Meridian Wire": 2, "The Northern Ledger": 2}
    assert (stats["first_published"], stats["last_published"]) == ("2026-03-02", "2026-07-15")


def test_a_changed_article_replaces_its_chunks_with_none_left(store, store_settings):
    write(store, ARTICLES[:2])
    shorter = ARTICLES[0].model_copy(update={"body": "Fares will not rise after all, the board said."})
    write(store, [shorter], seed=1)
    counts = assert_clean_store(
        store_settings, {shorter.id: shorter.content_hash, ARTICLES[1].id: ARTICLES[1].content_hash}
    )
    assert counts[shorter.id] == 1
    rows = store.get_chunks([f"{shorter.id}:0", f"{shorter.id}:1"])
    assert [r.text for r in rows] == [shorter.body]


def test_a_half_written_article_is_discarded_whole(store, store_settings):
    write(store, ARTICLES[:1])
    changed = ARTICLES[0].model_copy(update={"body": ARTICLES[0].body + "\n\nA late paragraph was added."})
    original = type(store)._upsert_records

    def crash_before_complete(self, records, state):
        if state == "complete":
            raise KeyboardInterrupt  # stands for the process dying here
        return original(self, records, state)

    type(store)._upsert_records = crash_before_complete
    try:
        with pytest.raises(KeyboardInterrupt):
            write(store, [changed], seed=2)
    finally:
        type(store)._upsert_records = original
    # the new chunks are in, the record says pending: readers do not see a half article
    assert store.get_article(changed.id) is None
    assert store.hashes([changed.id]) == {}
    assert store.list_articles()["total"] == 0
    assert store.discard_pending() == [changed.id]
    assert store.chunk_count() == 0
    assert_clean_store(store_settings, {})


def test_an_unreachable_server_is_one_clear_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError) as caught:
        open_store(Settings(home=tmp_path, chroma_url=url))
    message = str(caught.value)
    assert message.startswith(f"cannot reach the Chroma server at {url}")
    assert "\n" not in message


def test_a_malformed_server_url_is_bad_input(tmp_path):
    with pytest.raises(BadInputError):
        open_store(Settings(home=tmp_path, chroma_url="ftp://example"))


def test_a_store_keeps_the_embedder_its_vectors_were_made_with(tmp_path, sample_corpus, caplog):
    """A store written with one embedding backend is queried with that one, whatever the setting says later:
    vectors of different backends are not comparable to the last digit."""
    from app.service import NewsQA

    home = tmp_path / "home"
    qa = NewsQA(Settings(home=home, embed_backend="onnx"))
    qa.ingest([sample_corpus / "harbor-gazette"])
    assert qa.store.recorded_embedder() == "onnx"
    qa.close()
    assert Settings().embed_backend == "onnx-int8"  # the default
    qa = NewsQA(Settings(home=home))
    with caplog.at_level("WARNING", logger="newsqa.service"):
        assert qa.embedder.backend == "onnx"
    assert qa.search("Kessler Bridge", k=2).results
    assert "written with the 'onnx' embedder" in caplog.text
    qa.close()
    # a new store records the default
    qa = NewsQA(Settings(home=tmp_path / "fresh"))
    assert qa.store.recorded_embedder() is None  # empty
    qa.ingest([sample_corpus / "harbor-gazette"])
    assert qa.store.recorded_embedder() == "onnx-int8"
    assert qa.embedder.backend == "onnx-int8"
    qa.close()


def test_ingesting_other_vectors_into_a_store_is_refused_before_anything_is_written(tmp_path, sample_corpus):
    from app.service import NewsQA, shared_embedder
    from indexing.errors import ConfigurationError
    from indexing.ingest.pipeline import Ingestor

    settings = Settings(home=tmp_path / "home", embed_backend="onnx")
    qa = NewsQA(settings)
    qa.ingest([sample_corpus / "harbor-gazette"])
    before = qa.store.stats()
    int8 = shared_embedder(Settings(embed_backend="onnx-int8"))
    with pytest.raises(ConfigurationError, match="holds vectors of the 'onnx' embedder, not 'onnx-int8'"):
        Ingestor(qa.store, int8, settings).ingest([sample_corpus / "meridian-wire"])
    assert qa.store.stats() == before
    # the same float weights through sentence-transformers give the same vectors: accepted
    torch = shared_embedder(Settings(embed_backend="torch"))
    assert Ingestor(qa.store, torch, settings).ingest([sample_corpus / "meridian-wire"]).added > 0
    qa.close()


def test_the_vector_index_searches_wide_enough_and_an_older_store_is_widened(store, store_settings):
    """Chroma's default ef_search (100) missed the true nearest chunk for 11 of 400 questions over BBC News
    (bench/ann_recall.py); a new store searches wider, and a store made with the default is widened on open."""
    from indexing.store.connection import HNSW_EF_SEARCH

    for collection in (store._chunks, store._articles):
        assert collection.configuration["hnsw"]["ef_search"] == HNSW_EF_SEARCH
    store._chunks.modify(configuration={"hnsw": {"ef_search": 100}})  # as a store from before
    store.close()
    reopened = open_store(store_settings)
    try:
        assert reopened._chunks.configuration["hnsw"]["ef_search"] == HNSW_EF_SEARCH
    finally:
        reopened.close()

"""NewsStore on a real Chroma: embedded (PersistentClient) and a real `chroma run` server."""

from __future__ import annotations

import re

import numpy as np
import pytest

from indexing.errors import BadInputError, StoreError
from indexing.models import Article, Chunk
from indexing.settings import Settings
from indexing.store import open_store
from tests.chroma_server import chroma_url, free_port, unique_collection  # noqa: F401 - fixture
from tests.store_fixtures import ARTICLES, assert_clean_store


def paragraph_chunks(item: Article) -> list[Chunk]:
    """One chunk per paragraph (the store does not care how chunks were cut)."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", item.body)]
    return [
        Chunk(id=f"{item.id}:{i}", article_id=item.id, index=i, text=item.body[s:e], start=s, end=e)
        for i, (s, e) in enumerate(spans)
    ]


def vectors(n: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def write(store, articles: list[Article], seed: int = 0) -> None:
    items = [(a, paragraph_chunks(a)) for a in articles]
    store.write_articles(items, vectors(sum(len(c) for _, c in items), seed))


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


def test_every_write_changes_the_version(store):
    first = store.version()
    write(store, ARTICLES[:1])
    second = store.version()
    assert second != first
    assert store.delete_article(ARTICLES[0].id) is True
    assert store.version() != second
    assert store.delete_article(ARTICLES[0].id) is False
    assert store.get_chunks([f"{ARTICLES[0].id}:0"]) == []


def test_listing_pages_filters_and_searches_titles(store):
    write(store, ARTICLES)
    page = store.list_articles(offset=0, limit=4)
    assert page["total"] == len(ARTICLES) and len(page["articles"]) == 4
    # newest first; the undated article last
    dates = [a["published_at"] for a in page["articles"]]
    assert dates == sorted(dates, reverse=True)
    rest = store.list_articles(offset=4, limit=4)
    assert [a["id"] for a in rest["articles"]][-1] == "wire/volcano-observatory"
    assert {a["id"] for a in page["articles"]} | {a["id"] for a in rest["articles"]} == {a.id for a in ARTICLES}
    ledger = store.list_articles(outlet="The Northern Ledger")
    assert {a["id"] for a in ledger["articles"]} == {
        "ledger/skarvik-glacier",
        "ledger/ferry-timetable",
    }
    ferry = store.list_articles(query="tollbridge FERRY")
    assert {a["id"] for a in ferry["articles"]} == {"gazette/ferry-fares", "ledger/ferry-timetable"}
    first = ferry["articles"][0]
    assert first["chars"] > 0 and first["chunks"] >= 1 and first["outlet"]


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


def test_closest_articles_uses_article_centroids(store):
    write(store, ARTICLES, seed=3)
    ferry = store.get_chunks([f"{ARTICLES[0].id}:0"])[0]
    assert ferry.meta["article_id"] == ARTICLES[0].id
    target = vectors(sum(len(paragraph_chunks(a)) for a in ARTICLES), seed=3)[:3].mean(axis=0)
    best = store.closest_articles(target, n=2)
    assert best[0][0] == ARTICLES[0].id and best[0][2] > 0.9
    only_wire = store.closest_articles(target, n=2, where={"outlet": "Meridian Wire"})
    assert {aid for aid, _, _ in only_wire} <= {"wire/chess-final", "wire/volcano-observatory"}


def test_claims_survive_the_round_trip(store):
    from indexing.models import Claim

    item = ARTICLES[0]
    chunk = paragraph_chunks(item)[1]
    claim = Claim(
        text="Nobody likes paying more.",
        start=chunk.start + 70,
        end=chunk.start + 95,
        source="Mayor Ilse Varga",
        source_type="named",
        cue="told",
        quote="direct",
    )
    chunk = chunk.model_copy(update={"claims": [claim]})
    store.write_articles([(item, [chunk])], vectors(1))
    row = store.get_chunks([chunk.id])[0]
    assert row.claims() == [claim]
    assert row.meta["published_day"] == 20260302 and row.meta["outlet"] == "Harbor Gazette"


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
    from indexing.pipeline import Ingestor

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

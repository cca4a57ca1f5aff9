"""The contract every ``VectorStore`` passes: what the pipeline, the lexical index and the app rely on.

``StoreContract`` holds the behaviours; a store's test module subclasses it as
``Test...`` and gives the ``store`` fixture (a fresh, empty store). The tests use
only ``indexing.store.protocol.VectorStore``'s methods, never a backend's
internals; what one backend does beyond them (Chroma's kill-safe layout, its
error messages) is tested beside it (``tests/test_store.py``).
"""

from __future__ import annotations

import re

import numpy as np

from indexing.models import Article, Chunk, Claim
from indexing.store.protocol import VectorStore
from tests.store_fixtures import ARTICLES

__all__ = ["StoreContract", "paragraph_chunks", "vectors", "write"]


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


class StoreContract:
    """Behaviours of every store. Subclasses provide the ``store`` fixture: an empty store, closed after."""

    def test_satisfies_the_protocol(self, store) -> None:
        assert isinstance(store, VectorStore)
        assert store.where

    def test_an_empty_store(self, store) -> None:
        assert store.list_articles()["total"] == 0
        assert store.chunk_count() == 0 and store.stats()["articles"] == 0
        assert store.query(vectors(1)[0], 5) == []
        assert store.closest_articles(vectors(1)[0]) == []
        assert store.recorded_embedder() is None
        assert list(store.iter_chunks()) == []

    def test_chunks_read_back_by_article_and_in_pages(self, store) -> None:
        write(store, ARTICLES)
        chunks = {a.id: paragraph_chunks(a) for a in ARTICLES}
        assert store.chunk_count() == sum(len(c) for c in chunks.values())
        rows = list(store.chunks_of([ARTICLES[0].id]))
        assert sorted((r.id, r.text) for r in rows) == sorted((c.id, c.text) for c in chunks[ARTICLES[0].id])
        assert {r.meta["article_id"] for r in rows} == {ARTICLES[0].id}
        assert {r.id for r in store.iter_chunks(page=2)} == {c.id for cs in chunks.values() for c in cs}

    def test_article_texts_reads_several_bodies_at_once(self, store) -> None:
        write(store, ARTICLES)
        wanted = [ARTICLES[1].id, ARTICLES[0].id, "no-such-article", ARTICLES[1].id]
        assert store.article_texts(wanted) == {ARTICLES[0].id: ARTICLES[0].body, ARTICLES[1].id: ARTICLES[1].body}
        assert store.article_texts([]) == {}

    def test_query_returns_rows_with_scores_best_first(self, store) -> None:
        write(store, ARTICLES, seed=4)
        every = vectors(sum(len(paragraph_chunks(a)) for a in ARTICLES), seed=4)
        target = paragraph_chunks(ARTICLES[2])[0]
        first_row = sum(len(paragraph_chunks(a)) for a in ARTICLES[:2])
        got = store.query(every[first_row], 3)
        assert len(got) == 3
        best, score = got[0]
        assert best.id == target.id and best.text == target.text and score > 0.99
        scores = [s for _, s in got]
        assert scores == sorted(scores, reverse=True) and all(-1.0 <= s <= 1.0 + 1e-6 for s in scores)
        outlet = ARTICLES[0].outlet
        filtered = store.query(every[first_row], 20, where={"outlet": outlet})
        assert filtered and {row.meta["outlet"] for row, _ in filtered} == {outlet}
        assert store.query(every[0], 10_000)  # more than there are: all of them, no error

    def test_a_deleted_article_is_gone_with_its_chunks(self, store) -> None:
        write(store, ARTICLES[:2])
        assert store.delete_article(ARTICLES[0].id) is True
        assert store.get_article(ARTICLES[0].id) is None
        assert list(store.chunks_of([ARTICLES[0].id])) == []
        assert store.list_articles()["total"] == 1
        assert store.stats()["articles"] == 1
        assert store.delete_article("missing") is False

    def test_the_change_log_names_what_writes_touched(self, store) -> None:
        write(store, ARTICLES[:2])
        written = store.version()
        assert store.version() == written  # a read does not change it
        store.delete_article(ARTICLES[0].id)
        assert set(store.changed_articles(store.change_ids())) == {ARTICLES[0].id, ARTICLES[1].id}
        assert store.stats()["version"] == store.version()
        assert store.identity() == store.identity()

    def test_the_embedder_is_recorded_once(self, store) -> None:
        store.record_embedder("onnx-int8")
        write(store, ARTICLES[:1])
        store.record_embedder("torch")  # a store keeps the backend its vectors were made with
        assert store.recorded_embedder() == "onnx-int8"

    def test_every_write_changes_the_version(self, store):
        first = store.version()
        write(store, ARTICLES[:1])
        second = store.version()
        assert second != first
        assert store.delete_article(ARTICLES[0].id) is True
        assert store.version() != second
        assert store.delete_article(ARTICLES[0].id) is False
        assert store.get_chunks([f"{ARTICLES[0].id}:0"]) == []

    def test_listing_pages_filters_and_searches_titles(self, store):
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

    def test_closest_articles_uses_article_centroids(self, store):
        write(store, ARTICLES, seed=3)
        ferry = store.get_chunks([f"{ARTICLES[0].id}:0"])[0]
        assert ferry.meta["article_id"] == ARTICLES[0].id
        target = vectors(sum(len(paragraph_chunks(a)) for a in ARTICLES), seed=3)[:3].mean(axis=0)
        best = store.closest_articles(target, n=2)
        assert best[0][0] == ARTICLES[0].id and best[0][2] > 0.9
        only_wire = store.closest_articles(target, n=2, where={"outlet": "Meridian Wire"})
        assert {aid for aid, _, _ in only_wire} <= {"wire/chess-final", "wire/volcano-observatory"}

    def test_claims_survive_the_round_trip(self, store):

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

"""The BM25 index catches up incrementally from the store's change log, and every process
sharing one Chroma server ends with the same index: that of the store's current chunks.

Readers here are separate ``LexicalIndex`` objects with separate homes (separate machines),
one of them in its own long-lived process; writers are separate store clients.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import bm25s
import numpy as np
import pytest

from app.settings import Settings
from indexing.chunks.chunking import embedding_text
from indexing.ingest.pipeline import Ingestor
from indexing.store.chroma import ChunkRow, open_store
from indexing.store.lexical import LexicalIndex
from tests.chroma_server import chroma_url, unique_collection  # noqa: F401 - fixture
from tests.store_fixtures import ARTICLES, article

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["Tollbridge ferry fares", "glacier meltwater", "bakery strike night shift", "chess", "crossing"]

READER = textwrap.dedent(
    """
    import json, sys
    from indexing.store.lexical import LexicalIndex
    from app.settings import Settings
    from indexing.store.chroma import open_store
    settings = Settings(home=sys.argv[1], chroma_url=sys.argv[2], collection=sys.argv[3])
    store = open_store(settings)
    index = LexicalIndex(settings)
    queries = json.loads(sys.argv[4])
    for line in sys.stdin:
        index.ensure(store)
        state = {"ids": sorted(index.live_chunk_ids()),
                 "results": {q: index.search(q, 20) for q in queries}}
        print(json.dumps(state), flush=True)
    """
)


def state_of(index: LexicalIndex) -> dict:
    return {
        "ids": sorted(index.live_chunk_ids()),
        "results": {q: {cid: round(s, 4) for cid, s in index.search(q, 20)} for q in QUERIES},
    }


def normalised(state: dict) -> dict:
    return {
        "ids": state["ids"],
        "results": {
            q: {cid: round(s, 4) for cid, s in hits} if isinstance(hits, list) else hits
            for q, hits in state["results"].items()
        },
    }


def test_scores_are_those_of_bm25s_over_the_same_chunks(tmp_path):
    rows = [ChunkRow(f"{a.id}:0", a.body, {"title": a.title, "article_id": a.id, "outlet": a.outlet}) for a in ARTICLES]
    index = LexicalIndex(Settings(home=tmp_path / "home"))
    index._build(rows)
    stemmer = index._stem
    texts = [embedding_text(r.meta["title"], r.text) for r in rows]
    reference = bm25s.BM25()
    reference.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    for query in QUERIES:
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)[0]
        known = [t for t in tokens if t in reference.vocab_dict]
        expected = np.asarray(reference.get_scores(known), dtype=np.float32)
        got = dict(index.search(query, len(rows)))
        for row, score in zip(rows, expected, strict=True):
            assert got.get(row.id, 0.0) == pytest.approx(float(score), abs=1e-4), (query, row.id)


@pytest.mark.server
def test_every_reader_of_a_shared_server_converges_on_the_store(tmp_path, chroma_url, embedder, nlp):  # noqa: F811
    collection = unique_collection()

    def settings(name: str) -> Settings:
        return Settings(home=tmp_path / name, chroma_url=chroma_url, collection=collection)

    writer_a, writer_b = open_store(settings("writer-a")), open_store(settings("writer-b"))
    local = LexicalIndex(settings("reader-local"))
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(tmp_path / "reader-proc"), chroma_url, collection, json.dumps(QUERIES)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )

    def check(step: str) -> None:
        local.ensure(writer_a)
        fresh = LexicalIndex(settings(f"fresh-{step}"))  # nothing saved there: built from the store
        fresh.ensure(writer_a)
        truth = state_of(fresh)
        stored = {row.id for row in writer_a.iter_chunks()}
        assert set(truth["ids"]) == stored, step
        assert state_of(local) == truth, step
        # a process starting later loads what the local reader saved, then catches up
        restarted = LexicalIndex(settings("reader-local"))
        restarted.ensure(writer_a)
        assert state_of(restarted) == truth, step
        assert reader.stdin is not None and reader.stdout is not None
        reader.stdin.write("sync\n")
        reader.stdin.flush()
        assert normalised(json.loads(reader.stdout.readline())) == truth, step

    try:
        Ingestor(writer_a, embedder, settings("writer-a"), nlp=nlp).ingest(ARTICLES[:3])
        check("first")
        Ingestor(writer_b, embedder, settings("writer-b"), nlp=nlp).ingest(ARTICLES[3:])
        check("second writer")
        first = ARTICLES[0]
        changed = article(
            first.id,
            first.title,
            "The Tollbridge ferry fares will not rise after all, the board said on Friday.",
            first.outlet,
            first.published_at,
        )
        report = Ingestor(writer_b, embedder, settings("writer-b"), nlp=nlp).ingest([changed])
        assert report.updated == 1
        assert writer_a.delete_article(ARTICLES[2].id)
        check("update and delete")
        assert not [cid for cid, _ in local.search("chess", 5)], "a deleted article leaves the index"
        assert local.search("Friday board", 5)[0][0].startswith(ARTICLES[0].id)
    finally:
        if reader.stdin is not None:
            reader.stdin.close()
        reader.wait(timeout=60)
        writer_a.close()
        writer_b.close()


def test_adding_articles_does_not_rebuild_the_index(tmp_path, embedder, nlp, monkeypatch):
    settings = Settings(home=tmp_path / "home")
    store = open_store(settings)
    try:
        Ingestor(store, embedder, settings, nlp=nlp).ingest(ARTICLES[:4])
        index = LexicalIndex(settings)
        index.ensure(store)

        def no_rebuild(*args, **kwargs):
            raise AssertionError("adding articles must not rebuild the index")

        monkeypatch.setattr(index, "_full_build", no_rebuild)
        monkeypatch.setattr(store, "iter_chunks", no_rebuild)
        Ingestor(store, embedder, settings, nlp=nlp).ingest(ARTICLES[4:])
        index.ensure(store)
        assert index.search("Hekkla volcano observatory", 3)[0][0].startswith("wire/volcano-observatory")
        assert len(index) == store.chunk_count()
    finally:
        store.close()


def test_a_merge_after_replacing_and_deleting_scores_like_a_fresh_build(tmp_path):
    def rows(articles, salt=""):
        return [
            ChunkRow(
                f"{a.id}:{i}", f"{part} {salt}".strip(), {"title": a.title, "article_id": a.id, "outlet": a.outlet}
            )
            for a in articles
            for i, part in enumerate(a.body.split("\n\n"))
        ]

    index = LexicalIndex(Settings(home=tmp_path / "a"))
    index._build(rows(ARTICLES))
    index._remove_articles([ARTICLES[0].id, ARTICLES[2].id])
    index._add(rows(ARTICLES[:1], salt="revised crossing"))
    dirty = state_of(index)
    index._merge()
    merged = state_of(index)
    fresh = LexicalIndex(Settings(home=tmp_path / "b"))
    fresh._build(rows(ARTICLES[:1], salt="revised crossing") + rows(ARTICLES[1:2]) + rows(ARTICLES[3:]))
    assert dirty == merged == state_of(fresh)
    assert not [cid for cid, _ in merged["results"]["chess"].items()]

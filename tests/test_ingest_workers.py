"""Parallel ingest: parse worker processes give the same store as one thread, and several
`newsqa ingest` processes (standing in for machines) feeding one Chroma server leave exactly
one copy of every article."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import Settings
from indexing.ingest.pipeline import Ingestor
from indexing.store.chroma import open_store
from indexing.store.lexical import LexicalIndex
from tests.chroma_server import chroma_url, unique_collection  # noqa: F401 - fixture
from tests.store_fixtures import assert_clean_store, many_articles, write_corpus

ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys; from app.surfaces.cli import main; sys.exit(main())"


def stored_chunks(settings: Settings) -> dict[str, tuple[str, str]]:
    store = open_store(settings)
    try:
        return {row.id: (row.text, row.meta["claims"]) for row in store.iter_chunks()}
    finally:
        store.close()


def test_parse_worker_processes_store_what_one_thread_stores(tmp_path, embedder, nlp):
    articles = many_articles(40, words=120, salt="workers")
    results = {}
    for workers in (1, 2):
        settings = Settings(home=tmp_path / f"home-{workers}")
        store = open_store(settings)
        try:
            report = Ingestor(store, embedder, settings, nlp=nlp, batch_size=8, workers=workers).ingest(articles)
        finally:
            store.close()
        assert report.ok and report.added == len(articles), report
        assert_clean_store(settings, {a.id: a.content_hash for a in articles})
        results[workers] = stored_chunks(settings)
    assert results[2] == results[1]


@pytest.mark.slow
@pytest.mark.server
def test_several_ingest_processes_on_one_server_leave_one_copy_of_every_article(tmp_path, chroma_url):  # noqa: F811
    articles = many_articles(105, words=110, salt="machines")  # 70 a machine: two batches, so the parse workers start
    collection = unique_collection()
    # three "machines", each given two thirds of the articles: every article is sent twice
    machines = []
    for n in range(3):
        folder = write_corpus(tmp_path / f"share-{n}", [a for i, a in enumerate(articles) if i % 3 != n])
        env = {
            **os.environ,
            "NEWSQA_HOME": str(tmp_path / f"machine-{n}"),
            "NEWSQA_CHROMA_URL": chroma_url,
            "NEWSQA_COLLECTION": collection,
            "NEWSQA_INGEST_WORKERS": "2",
            "TOKENIZERS_PARALLELISM": "false",
        }
        machines.append(
            subprocess.Popen(
                [sys.executable, "-c", CLI, "-v", "ingest", str(folder), "--no-progress"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outputs = [process.communicate(timeout=900) for process in machines]
    for process, (out, err) in zip(machines, outputs, strict=True):
        assert process.returncode == 0, err
        assert "parsing in 2 worker processes" in err
    settings = Settings(home=tmp_path / "checker", chroma_url=chroma_url, collection=collection)
    per_article = assert_clean_store(settings, {a.id: a.content_hash for a in articles})
    assert sorted(per_article) == sorted(a.id for a in articles)
    # and any reader's lexical index holds exactly the stored chunks
    store = open_store(settings)
    try:
        index = LexicalIndex(settings)
        index.ensure(store)
        assert index.live_chunk_ids() == {row.id for row in store.iter_chunks()}
        assert len(index) == sum(per_article.values())
    finally:
        store.close()

"""Hybrid search (dense + BM25) with filters, on embedded Chroma and a real server; the LangChain retriever."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from langchain_core.documents import Document

from app.models import SearchResult
from app.retrieve.retrieval import HybridSearcher, NewsRetriever, SearchFilters
from app.settings import Settings
from indexing.errors import BadInputError
from indexing.ingest.pipeline import Ingestor
from indexing.store.chroma import open_store
from indexing.store.lexical import LexicalIndex
from tests.chroma_server import chroma_url, unique_collection  # noqa: F401 - fixture
from tests.store_fixtures import ARTICLES, write_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=["embedded", pytest.param("server", marks=pytest.mark.server)])
def searcher(request, tmp_path_factory, embedder, nlp):
    home = tmp_path_factory.mktemp("retrieval") / "home"
    if request.param == "server":
        settings = Settings(
            home=home,
            chroma_url=request.getfixturevalue("chroma_url"),
            collection=unique_collection(),
        )
    else:
        settings = Settings(home=home)
    store = open_store(settings)
    report = Ingestor(store, embedder, settings, nlp=nlp).ingest(ARTICLES)
    assert report.ok
    yield HybridSearcher(store, embedder, settings)
    store.close()


def article_ids(results: list[SearchResult]) -> list[str]:
    return [r.article_id for r in results]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_the_article_about_the_query_comes_first(searcher, mode):
    results = searcher.search("how fast is the Skarvik glacier melting", k=3, mode=mode)
    assert results[0].article_id == "ledger/skarvik-glacier"
    assert [r.rank for r in results] == list(range(1, len(results) + 1))
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)


def test_results_carry_their_passage_offsets_and_claims(searcher):
    result = searcher.search("Tollbridge ferry fares fuel prices", k=1)[0]
    body = next(a for a in ARTICLES if a.id == result.article_id).body
    assert body[result.start : result.end] == result.text
    assert result.title and result.outlet and result.published_at
    assert result.chunk_id.startswith(result.article_id + ":")
    assert isinstance(result.claims, list)


def test_hybrid_fuses_both_rankings(searcher):
    # a made-up word only BM25 can match, plus a meaning only the dense side gets
    lexical = searcher.search("Hekkla", k=3, mode="lexical")
    assert article_ids(lexical) == ["wire/volcano-observatory"]
    hybrid = searcher.search("Hekkla", k=3)
    assert hybrid[0].article_id == "wire/volcano-observatory"
    rrf = searcher.settings.rrf_k
    assert hybrid[0].score == pytest.approx(2 / (rrf + 1), rel=1e-3), "ranked first by both"


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_outlet_filter(searcher, mode):
    filters = SearchFilters(outlets=["The Northern Ledger"])
    results = searcher.search("Tollbridge ferry", k=10, filters=filters, mode=mode)
    assert results and {r.outlet for r in results} == {"The Northern Ledger"}
    assert "ledger/ferry-timetable" in article_ids(results)
    both = searcher.search(
        "Tollbridge ferry",
        k=10,
        filters={"outlets": ["The Northern Ledger", "Harbor Gazette"]},
        mode=mode,
    )
    assert {"gazette/ferry-fares", "ledger/ferry-timetable"} <= set(article_ids(both))


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_date_filters_are_inclusive_and_drop_undated_articles(searcher, mode):
    window = SearchFilters(since=date(2026, 4, 10), until=date(2026, 6, 1))
    results = searcher.search("ferry glacier chess bakery volcano", k=20, filters=window, mode=mode)
    assert set(article_ids(results)) <= {
        "ledger/skarvik-glacier",
        "wire/chess-final",
        "gazette/bakery-strike",
    }
    assert all(date(2026, 4, 10) <= r.published_at <= date(2026, 6, 1) for r in results)
    assert "ledger/skarvik-glacier" in article_ids(searcher.search("glacier", k=5, filters=window, mode=mode))
    since_only = searcher.search(
        "Hekkla volcano observatory", k=20, filters=SearchFilters(since=date(2000, 1, 1)), mode=mode
    )
    assert "wire/volcano-observatory" not in article_ids(since_only), "an undated article is outside any date range"
    none = searcher.search("ferry", k=5, filters=SearchFilters(outlets=["No Such Outlet"]), mode=mode)
    assert none == []


def test_bad_queries_and_filters_are_user_errors(searcher):
    with pytest.raises(BadInputError):
        searcher.search("   ")
    with pytest.raises(BadInputError):
        searcher.search("ferry", filters={"since": "2026-05-01", "until": "2026-01-01"})
    with pytest.raises(BadInputError):
        searcher.search("ferry", k=0)


def test_retriever_returns_documents_and_takes_filters_per_call(searcher):
    retriever = NewsRetriever(searcher=searcher, k=2)
    docs = retriever.invoke("Tollbridge ferry")
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    first = docs[0]
    assert first.metadata["chunk_id"] == first.id and first.metadata["rank"] == 1
    assert isinstance(first.metadata["claims"], list)
    SearchResult.model_validate({**first.metadata, "text": first.page_content})

    via_config = retriever.invoke(
        "Tollbridge ferry",
        config={"configurable": {"filters": {"outlets": ["Harbor Gazette"]}, "k": 5}},
    )
    assert {d.metadata["outlet"] for d in via_config} == {"Harbor Gazette"}
    via_kwargs = retriever.invoke("Tollbridge ferry", outlets=["The Northern Ledger"])
    assert {d.metadata["outlet"] for d in via_kwargs} == {"The Northern Ledger"}
    defaults = NewsRetriever(searcher=searcher, k=3, search_kwargs={"filters": SearchFilters(until=date(2026, 3, 31))})
    assert {d.metadata["article_id"] for d in defaults.invoke("ferry fares")} == {"gazette/ferry-fares"}


def test_closest_articles(searcher):
    closest = searcher.closest_articles("meltwater threatens the valley road", n=2)
    assert closest[0].article_id == "ledger/skarvik-glacier" and closest[0].score > 0


def test_lexical_index_is_saved_and_reused_by_the_next_process(searcher, monkeypatch):
    searcher.search("ferry", k=1, mode="lexical")
    fresh = LexicalIndex(searcher.settings)

    def no_rebuild(rows):
        raise AssertionError("the saved index should have been loaded, not rebuilt")

    monkeypatch.setattr(fresh, "_build", no_rebuild)
    fresh.ensure(searcher.store)
    assert len(fresh) == searcher.store.chunk_count()
    assert fresh.search("Hekkla", 1)


WRITER = textwrap.dedent(
    """
    import sys
    from app.settings import Settings
    from app.service import NewsQA
    settings = Settings(home=sys.argv[1], chroma_url=sys.argv[2] or None, collection=sys.argv[3])
    qa = NewsQA(settings)
    report = qa.ingest([sys.argv[4]])
    qa.close()
    assert report.ok and report.added == 1, report
    """
)


@pytest.mark.parametrize("kind", ["embedded", pytest.param("server", marks=pytest.mark.server)])
def test_a_reader_sees_articles_another_process_wrote_without_restarting(kind, tmp_path, embedder, request):
    url = request.getfixturevalue("chroma_url") if kind == "server" else ""
    settings = Settings(home=tmp_path / "home", chroma_url=url or None, collection=unique_collection())
    store = open_store(settings)
    try:
        Ingestor(store, embedder, settings).ingest(ARTICLES[:2])
        reader = HybridSearcher(store, embedder, settings)
        assert "wire/volcano-observatory" not in article_ids(reader.search("Hekkla volcano observatory", k=5))
        corpus = write_corpus(tmp_path / "new", [ARTICLES[5]])
        subprocess.run(
            [
                sys.executable,
                "-c",
                WRITER,
                str(settings.home),
                url,
                settings.collection,
                str(corpus),
            ],
            check=True,
            cwd=ROOT,
            env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
            timeout=600,
        )
        for mode in ("dense", "lexical", "hybrid"):
            found = reader.search("Hekkla volcano observatory", k=5, mode=mode)
            assert found and found[0].article_id == "wire/volcano-observatory", mode
    finally:
        store.close()

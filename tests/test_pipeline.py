"""Ingest pipeline: incremental, kill-safe, one failure never stops the rest; writer lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from typing import ClassVar

import pytest

from app.settings import Settings
from indexing.errors import StoreLockedError
from indexing.ingest.pipeline import Ingestor, IngestReport
from indexing.store.chroma import NewsStore, open_store
from indexing.store.lock import StoreOwnedError, WriterLock
from tests.chroma_server import ChromaServer, chroma_url, unique_collection  # noqa: F401 - fixture
from tests.store_fixtures import ARTICLES, assert_clean_store, write_corpus


def ingest(settings: Settings, embedder, nlp, sources, *, store: NewsStore | None = None, **kwargs) -> IngestReport:
    opened = store or open_store(settings)
    try:
        batch = kwargs.pop("batch_size", 64)
        return Ingestor(opened, embedder, settings, nlp=nlp, batch_size=batch).ingest(sources, **kwargs)
    finally:
        if store is None:
            opened.close()


def expected(articles) -> dict[str, str]:
    return {a.id: a.content_hash for a in articles}


def test_files_ingest_then_reingest_skips_unchanged_and_replaces_changed(tmp_path, settings, embedder, nlp):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    first = ingest(settings, embedder, nlp, [corpus])
    assert (first.added, first.updated, first.unchanged, first.failed) == (len(ARTICLES), 0, 0, [])
    assert first.ok and first.chunks >= len(ARTICLES) and first.seconds > 0
    counts = assert_clean_store(settings, expected(ARTICLES))
    assert sum(counts.values()) == first.chunks

    store = open_store(settings)
    version = store.version()
    store.close()
    again = ingest(settings, embedder, nlp, [corpus])
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, len(ARTICLES), 0)
    store = open_store(settings)
    assert store.version() == version, "an unchanged run writes nothing"
    store.close()

    # one article grows a lot, another shrinks to a line: both replaced, nothing left behind
    grown = ARTICLES[0].model_copy(
        update={"body": ARTICLES[0].body + ("\n\nThe board met again on Friday. " * 90).rstrip()}
    )
    shrunk = ARTICLES[1].model_copy(update={"body": "The glacier survey was postponed."})
    changed = [grown, shrunk, *ARTICLES[2:]]
    write_corpus(corpus, changed)
    third = ingest(settings, embedder, nlp, [corpus])
    assert (third.added, third.updated, third.unchanged) == (0, 2, len(ARTICLES) - 2)
    counts = assert_clean_store(settings, expected(changed))
    assert counts[shrunk.id] == 1 and counts[grown.id] > 2


def test_article_objects_take_the_default_outlet_and_bad_items_are_failure_lines(tmp_path, settings, embedder, nlp):
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    (corpus / "good.txt").write_text("A good title\n\nThe harbour board approved the budget on Monday.\n")
    (corpus / "empty.txt").write_text("")
    (corpus / "broken.json").write_text("{not json")
    no_outlet = ARTICLES[2].model_copy(update={"outlet": None, "id": "api/chess"})
    report = ingest(settings, embedder, nlp, [corpus, no_outlet, tmp_path / "missing.txt"], outlet="Desk Outlet")
    assert report.added == 2
    sources = sorted(f.source for f in report.failed)
    assert len(sources) == 3 and all(f.reason and "\n" not in f.reason for f in report.failed)
    assert any("missing.txt" in s for s in sources) and any("broken.json" in s for s in sources)
    assert not report.ok
    store = open_store(settings)
    assert store.get_article("api/chess").outlet == "Desk Outlet"
    assert store.get_article("good").outlet == "Desk Outlet"
    store.close()


def test_the_same_id_twice_in_one_run_keeps_the_first(settings, embedder, nlp):
    twin = ARTICLES[0].model_copy(update={"body": "A different body with the same id."})
    report = ingest(settings, embedder, nlp, [ARTICLES[0], ARTICLES[0], twin])
    assert (report.added, report.unchanged, len(report.failed)) == (1, 1, 1)
    assert "same id" in report.failed[0].reason
    assert_clean_store(settings, expected(ARTICLES[:1]))


class CrashingStore(NewsStore):
    """Dies (as a killed process would) after writing chunks, before completing the record."""

    def _upsert_records(self, records, state):
        if state == "complete":
            raise KeyboardInterrupt
        return super()._upsert_records(records, state)


@pytest.mark.parametrize("rerun_with", ["new", "old"])
def test_a_run_killed_mid_write_is_cleaned_by_the_rerun(settings, embedder, nlp, rerun_with):
    ingest(settings, embedder, nlp, ARTICLES[:3])
    changed = ARTICLES[0].model_copy(update={"body": ARTICLES[0].body + ("\n\nExtra paragraph. " * 30).rstrip()})
    crashing = CrashingStore(settings)
    with pytest.raises(KeyboardInterrupt):
        ingest(settings, embedder, nlp, [changed, *ARTICLES[1:3]], store=crashing)
    crashing.close()
    assert not WriterLock(settings).held(), "the lock is released however the run ends"
    # rerun with the new version, or with the old one (the user reverted the file)
    final = [changed if rerun_with == "new" else ARTICLES[0], *ARTICLES[1:3]]
    report = ingest(settings, embedder, nlp, final)
    assert report.ok and report.unchanged == 2
    assert report.added + report.updated == 1
    assert_clean_store(settings, expected(final))


@pytest.mark.server
def test_a_server_going_down_mid_run_stops_with_a_failure_and_keeps_what_was_stored(tmp_path, embedder, nlp):
    server = ChromaServer(tmp_path / "chroma").start()
    settings = Settings(home=tmp_path / "home", chroma_url=server.url, collection="downtest")

    class StopsServerOnSecondBatch:
        max_tokens = embedder.max_tokens
        count_tokens_batch = staticmethod(embedder.count_tokens_batch)
        count_tokens = staticmethod(embedder.count_tokens)
        calls = 0

        def embed(self, texts, **kwargs):
            self.calls += 1
            if self.calls == 2:
                server.stop()
            return embedder.embed(texts, **kwargs)

    try:
        store = open_store(settings)
        report = Ingestor(store, StopsServerOnSecondBatch(), settings, nlp=nlp, batch_size=2).ingest(ARTICLES)
        assert report.added == 2 and not report.ok
        reasons = {f.reason for f in report.failed}
        assert len(reasons) == 1 and f"cannot reach the Chroma server at {server.url}" in reasons.pop()
        assert len(report.failed) == 2, "the run stops at the batch that failed"
        server.start()
        assert_clean_store(settings, expected(ARTICLES[:2]))
    finally:
        server.stop()


@pytest.mark.server
def test_server_store_ingests_incrementally(tmp_path, chroma_url, embedder, nlp):  # noqa: F811
    settings = Settings(home=tmp_path / "home", chroma_url=chroma_url, collection=unique_collection())
    first = ingest(settings, embedder, nlp, ARTICLES)
    assert first.added == len(ARTICLES) and first.ok
    changed = [ARTICLES[0].model_copy(update={"body": "Fares are frozen."}), *ARTICLES[1:]]
    second = ingest(settings, embedder, nlp, changed)
    assert (second.updated, second.unchanged) == (1, len(ARTICLES) - 1)
    assert_clean_store(settings, expected(changed))
    assert not WriterLock(settings).enabled, "a Chroma server arbitrates writers: no lock file"
    assert not settings.lock_path.exists()


# --- the writer lock ------------------------------------------------------------------------------
HOLDER = textwrap.dedent(
    """
    import sys, time
    from indexing.store.lock import WriterLock
    from app.settings import Settings
    lock = WriterLock(Settings(home=sys.argv[1]))
    lock.acquire(owner_url=sys.argv[2] or None, command="newsqa serve")
    print("held", flush=True)
    time.sleep(120)
    """
)


def hold_lock(home, url: str = "") -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home), url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_is_refused_naming_the_owner(settings, embedder, nlp):
    holder = hold_lock(settings.home, "http://127.0.0.1:7999")
    try:
        with pytest.raises(StoreLockedError) as caught:
            ingest(settings, embedder, nlp, ARTICLES[:1])
        message = str(caught.value)
        assert f"pid {holder.pid}" in message and "newsqa serve" in message
        assert isinstance(caught.value, StoreOwnedError) and caught.value.owner.url == "http://127.0.0.1:7999"
        assert WriterLock(settings).owner().pid == holder.pid
    finally:
        holder.kill()
        holder.wait()
    # the owner died without cleaning up: its lock is taken over
    report = ingest(settings, embedder, nlp, ARTICLES[:1])
    assert report.added == 1
    assert WriterLock(settings).owner() is None


def test_the_lock_is_reentrant_across_threads_of_one_process(settings, embedder, nlp):
    lock = WriterLock(settings)
    lock.acquire(owner_url="http://127.0.0.1:7860")  # as `newsqa serve` does at startup
    try:
        results: list[IngestReport] = []
        worker = threading.Thread(target=lambda: results.append(ingest(settings, embedder, nlp, ARTICLES[:1])))
        worker.start()
        worker.join(timeout=300)
        assert results and results[0].added == 1
        owner = lock.owner()
        assert owner.pid == os.getpid() and owner.url == "http://127.0.0.1:7860"
    finally:
        lock.release()
    assert lock.owner() is None and not lock.held()


def test_a_killed_owner_leaves_a_lock_anyone_can_take(settings):
    holder = hold_lock(settings.home)
    lock = WriterLock(settings)
    with pytest.raises(StoreOwnedError):
        lock.acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            lock.acquire()
            break
        except StoreOwnedError:
            time.sleep(0.1)
    assert lock.held()
    lock.release()


def test_parsing_in_a_worker_stores_exactly_what_a_sequential_run_stores(tmp_path, embedder, nlp):
    stored = []
    for overlap in (False, True):
        settings = Settings(home=tmp_path / f"overlap-{overlap}")
        store = open_store(settings)
        report = Ingestor(store, embedder, settings, nlp=nlp, batch_size=2, overlap=overlap).ingest(ARTICLES)
        assert report.ok and report.added == len(ARTICLES)
        got = store._chunks.get(include=["documents", "metadatas"])
        stored.append(
            sorted(
                zip(
                    got["ids"],
                    got["documents"],
                    (m["claims"] for m in got["metadatas"]),
                    strict=True,
                )
            )
        )
        store.close()
    assert stored[0] == stored[1]


def test_the_same_story_filed_twice_is_stored_under_both_names_and_embedded_once(tmp_path, settings, embedder, nlp):
    from indexing.models import Article

    body = ARTICLES[0].body
    twins = [
        Article(id="wire-copy-a", title="Port strike ends", body=body, outlet="Wire A"),
        Article(id="wire-copy-b", title="Port strike ends", body=body, outlet="Wire B"),
    ]

    class Counting:
        max_tokens = embedder.max_tokens
        count_tokens_batch = staticmethod(embedder.count_tokens_batch)
        count_tokens = staticmethod(embedder.count_tokens)
        texts: ClassVar[list[str]] = []

        def embed(self, texts, **kwargs):
            self.texts.extend(texts)
            return embedder.embed(texts, **kwargs)

    counting = Counting()
    report = ingest(settings, counting, nlp, twins)
    assert report.added == 2 and report.ok
    counts = assert_clean_store(settings, expected(twins))
    assert counts["wire-copy-a"] == counts["wire-copy-b"] >= 1
    assert len(counting.texts) == len(set(counting.texts)) == counts["wire-copy-a"]


class _PlainEmbedder:
    """The real embedder without its sentence pooling: a store written before sentence vectors were stored."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.name, self.backend, self.max_tokens = inner.name, inner.backend, inner.max_tokens

    def embed(self, texts, **kwargs):
        return self._inner.embed(texts, **kwargs)

    def count_tokens(self, text):
        return self._inner.count_tokens(text)

    def count_tokens_batch(self, texts):
        return self._inner.count_tokens_batch(texts)


def _chunk_metas(settings: Settings) -> list[dict]:
    store = open_store(settings)
    try:
        return store._chunks.get(include=["metadatas"])["metadatas"]
    finally:
        store.close()


def test_reprocess_rewrites_unchanged_articles_with_sentence_vectors_and_leaves_no_stale_chunk(
    tmp_path, settings, embedder, nlp
):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    small = settings.model_copy(update={"max_chunk_tokens": 60})
    first = ingest(small, _PlainEmbedder(embedder), nlp, [corpus])
    assert first.added == len(ARTICLES)
    before = assert_clean_store(settings, expected(ARTICLES))
    assert not any("sentence_vectors" in m for m in _chunk_metas(settings))

    again = ingest(settings, embedder, nlp, [corpus])  # unchanged articles are skipped: still no vectors
    assert (again.unchanged, again.updated) == (len(ARTICLES), 0)
    assert not any("sentence_vectors" in m for m in _chunk_metas(settings))

    redone = ingest(settings, embedder, nlp, [corpus], reprocess=True)
    assert (redone.added, redone.updated, redone.unchanged, redone.failed) == (0, len(ARTICLES), 0, [])
    after = assert_clean_store(settings, expected(ARTICLES))  # chunked anew in bigger chunks: none left over
    assert sum(after.values()) < sum(before.values())
    assert all("sentence_vectors" in m for m in _chunk_metas(settings))

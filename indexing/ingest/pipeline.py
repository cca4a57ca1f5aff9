"""Ingest: load -> skip unchanged -> parse -> attributions -> chunk -> embed -> store.

    report = Ingestor(store, embedder, settings).ingest(["corpus/sample"], outlet="Harbor Gazette")
    report.added, report.updated, report.unchanged, report.failed, report.ok

Incremental: an article whose id and content hash are already stored is
skipped before any parsing. A changed article replaces its old chunks, none
left behind, even across a killed run (the store's write order, see
``indexing.store.chroma``). One bad article is one failure line and the rest goes on;
a store that fails (a Chroma server going down) stops the run with a failure
line, and every article committed before stays.

Throughput: articles are processed in batches: one ``nlp.pipe`` call per
batch, one embedder call for all the batch's chunks, a few big Chroma calls,
and nothing rebuilt at the end: every write is logged in the store, and each
reader's BM25 index catches up from that log (``indexing.store.lexical``). A text filed twice
(the same wire story under two names) is parsed once and its chunks embedded
once. A worker thread parses the next batch while the embedder (which
releases the GIL) works on the current one; only the calling thread touches
the store. Figures: ``bench/ingest_vs_naive.py``.

Here: the ``Ingestor`` (the run, the store's writer lock, the embedder check,
embedding and writing). Its parts: ``indexing.ingest.inputs`` (inputs as
articles, the progress bar), ``indexing.ingest.batch`` (parse, claims and
chunks of one batch), ``indexing.ingest.parse_pool`` (the thread and worker processes
that parse), ``indexing.ingest.report`` (``IngestReport``, ``IngestFailure``).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexing.chunks.chunking import embedding_header, embedding_text
from indexing.errors import ConfigurationError, NewsQAError, StoreError
from indexing.ingest.batch import Parsed, prepare_batch
from indexing.ingest.inputs import iter_articles, progress_bar
from indexing.ingest.parse_pool import ParsePool
from indexing.ingest.report import IngestFailure, IngestReport
from indexing.models import Article
from indexing.settings import IndexSettings
from indexing.store.lock import WriterLock
from indexing.text.chunk_sentences import sentence_spans

if TYPE_CHECKING:
    from spacy.language import Language

    from indexing.embedding.embedder import Embedder
    from indexing.store.protocol import VectorStore

__all__ = ["IngestFailure", "IngestReport", "Ingestor", "iter_articles"]

logger = logging.getLogger("newsqa.ingest")

ARTICLES_PER_BATCH = 64
# Pending records younger than this on a shared Chroma server may belong to a
# writer that is still running; only older ones are cleaned up.
_REMOTE_PENDING_GRACE = 3600.0


class Ingestor:
    """Writes articles into one store (holding the store's writer lock while it runs)."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        settings: IndexSettings,
        *,
        nlp: Language | None = None,
        batch_size: int = ARTICLES_PER_BATCH,
        overlap: bool = True,
        workers: int | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._nlp = nlp
        self.batch_size = batch_size
        # parse the next batch in a worker thread while embedding this one
        self.overlap = overlap
        # parse processes for runs of more than one batch (``settings.ingest_workers``; 0: one per core)
        self.workers = settings.parse_processes() if workers is None else workers

    def _check_embedder(self) -> None:
        """This run's vectors must match the store's (``VectorStore.recorded_embedder``): an empty store records
        this run's backend; a store written with another is a ``ConfigurationError`` before anything is read."""
        from indexing.store.rows import same_vectors

        backend = getattr(self.embedder, "backend", None)  # an embedder of the caller's may name none
        if not isinstance(backend, str):
            return
        recorded = self.store.recorded_embedder()
        if recorded is None:
            self.store.record_embedder(backend)
        elif not same_vectors(recorded, backend):
            raise ConfigurationError(
                f"{self.store.where} holds vectors of the {recorded!r} embedder, not {backend!r}: ingest with "
                f"NEWSQA_EMBED_BACKEND={recorded} or into a new store"
            )

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from indexing.text.nlp import load_nlp

            self._nlp = load_nlp(self.settings.spacy_model)
        return self._nlp

    def ingest(
        self,
        sources: Sequence[str | Path | Article] | Iterable[str | Path | Article],
        *,
        outlet: str | None = None,
        progress: bool | str = False,
        reprocess: bool = False,
    ) -> IngestReport:
        """Ingest ``sources`` (paths, folders, URLs, feeds, or ``Article`` objects).

        An article already stored with the same content is skipped, unless ``reprocess``: then it is analysed,
        chunked and embedded again and replaces the stored one (after an upgrade of the attribution engine, the
        chunker or the embedder's stored sentence vectors); it counts as updated.
        ``progress``: True shows a bar on stderr when it is a terminal;
        ``"always"`` shows it regardless. Raises ``StoreOwnedError`` when
        another process writes this store and ``ConfigurationError`` when the
        attribution settings cannot be followed or the embedder's vectors would
        not match those in the store (before anything is read); everything else
        is reported.
        """
        from indexing.claims.tagger import load_tagger

        # a bad NEWSQA_ATTRIBUTION / NEWSQA_TAGGER_* fails the run once, not every article
        load_tagger(self.settings.attribution_settings)
        started = time.perf_counter()
        report = IngestReport()
        lock = WriterLock(self.settings)
        lock.acquire()
        bar = progress_bar(sources, progress)
        seen: dict[str, str] = {}
        workers = ParsePool(self._prepare, self.embedder, self.settings, overlap=self.overlap, processes=self.workers)
        try:
            older = _REMOTE_PENDING_GRACE if self.store.remote else None
            discarded = self.store.discard_pending(older_than=older)
            if discarded:
                logger.info("removed %d half-written articles left by an interrupted run", len(discarded))
            self._check_embedder()
            batch: list[Article] = []
            in_flight: deque[_Prepared] = deque()

            def submit(articles: list[Article]) -> None:
                # parse the next batches in the workers while this thread embeds and writes the oldest
                todo, stored = self._select(articles, report, bar, reprocess=reprocess)
                in_flight.append(_Prepared(todo, stored, workers.submit(todo) if todo else None))
                while len(in_flight) > workers.depth:
                    self._finish(in_flight.popleft(), report, bar)

            for item in iter_articles(sources, outlet=outlet):
                if isinstance(item, IngestFailure):
                    report.failed.append(item)
                    continue
                if item.id in seen:  # the same article twice in one run
                    if seen[item.id] == item.content_hash:
                        report.unchanged += 1
                    else:
                        report.failed.append(
                            IngestFailure(
                                source=item.source_path or item.id,
                                reason=f"another article in this run has the same id {item.id!r}; kept the first",
                            )
                        )
                    continue
                seen[item.id] = item.content_hash
                batch.append(item)
                if len(batch) >= self.batch_size:
                    submit(batch)
                    batch = []
            if batch:
                submit(batch)
            while in_flight:
                self._finish(in_flight.popleft(), report, bar)
        except _StopRun:
            pass
        finally:
            workers.shutdown()
            if bar is not None:
                bar.close()
            lock.release()
            report.seconds = round(time.perf_counter() - started, 3)
        return report

    # --- one batch: select (store read) -> prepare (worker: parse, claims, chunks) -> finish (embed, write) ---
    def _select(
        self, batch: list[Article], report: IngestReport, bar: Any, *, reprocess: bool = False
    ) -> tuple[list[Article], dict[str, str]]:
        try:
            stored = self.store.hashes([a.id for a in batch])
        except StoreError as exc:
            self._fail_batch(batch, report, str(exc))
            raise _StopRun from exc
        todo = list(batch) if reprocess else [a for a in batch if stored.get(a.id) != a.content_hash]
        report.unchanged += len(batch) - len(todo)
        if bar is not None and len(todo) < len(batch):
            bar.update(len(batch) - len(todo))
        return todo, stored

    def _prepare(self, todo: list[Article]) -> Parsed:
        """Parse, find claims and chunk (runs in the worker thread; touches no store)."""
        return prepare_batch(
            todo,
            self.nlp,
            self._count_tokens_batch,
            max_tokens=self.embedder.max_tokens,
            target_tokens=self.settings.max_chunk_tokens,
            attribution=self.settings.attribution_settings,
        )

    def _finish(self, job: _Prepared, report: IngestReport, bar: Any) -> bool:
        if job.future is None:
            return False
        items, failures = job.future.result()
        report.failed.extend(failures)
        texts = [embedding_text(a.title, c.text) for a, chunks in items for c in chunks]
        headers = [len(embedding_header(a.title)) for a, chunks in items for _ in chunks]
        try:
            vectors, sentences = _embed_unique(self.embedder, texts, headers)
        except NewsQAError as exc:
            self._fail_batch([a for a, _ in items], report, str(exc))
            raise _StopRun from exc
        try:
            self.store.write_articles(items, vectors, sentences)
        except StoreError as exc:
            self._fail_batch([a for a, _ in items], report, f"not stored: {exc}")
            raise _StopRun from exc
        for article, chunks in items:
            if article.id in job.stored:
                report.updated += 1
            else:
                report.added += 1
            report.chunks += len(chunks)
        logger.info("stored %d articles (%d chunks)", len(items), sum(len(c) for _, c in items))
        if bar is not None:
            bar.update(len(job.todo))
        return bool(items)

    def _count_tokens_batch(self, texts: Sequence[str]) -> list[int]:
        # runs in the worker thread while the embedder works: the protocol makes it thread-safe
        return list(self.embedder.count_tokens_batch(texts)) if texts else []

    @staticmethod
    def _fail_batch(articles: Sequence[Article], report: IngestReport, reason: str) -> None:
        for article in articles:
            report.failed.append(IngestFailure(source=article.source_path or article.id, reason=reason))


def _embed_unique(embedder: Embedder, texts: list[str], headers: list[int]) -> tuple[Any, list[Any] | None]:
    """``embedder.embed(texts)``, each distinct text embedded once (duplicate articles are common), and, when the
    embedder pools them in the same pass (``embed_with_sentences``), the vectors of each text's chunk sentences
    (:mod:`indexing.embedding.sentence_vectors`), else None. ``headers[i]``: where the chunk text starts in
    ``texts[i]`` (after its title header)."""
    unique = list(dict.fromkeys(texts))
    row = {text: i for i, text in enumerate(unique)}
    with_sentences = getattr(embedder, "embed_with_sentences", None)
    if with_sentences is None:
        vectors = embedder.embed(unique)
        return vectors[[row[t] for t in texts]], None
    header = dict(zip(texts, headers, strict=True))
    spans = [[(header[t] + a, header[t] + b) for a, b in sentence_spans(t[header[t] :])] for t in unique]
    vectors, pooled = with_sentences(unique, spans)
    return vectors[[row[t] for t in texts]], [pooled[row[t]] for t in texts]


@dataclass
class _Prepared:
    todo: list[Article]
    stored: dict[str, str]
    future: Future[Parsed] | None


class _StopRun(Exception):
    """Internal: the store failed; stop the run, keep what is committed."""

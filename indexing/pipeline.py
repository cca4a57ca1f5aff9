"""Ingest: load -> skip unchanged -> parse -> attributions -> chunk -> embed -> store.

    report = Ingestor(store, embedder, settings).ingest(["corpus/sample"], outlet="Harbor Gazette")
    report.added, report.updated, report.unchanged, report.failed, report.ok

Incremental: an article whose id and content hash are already stored is
skipped before any parsing. A changed article replaces its old chunks, none
left behind, even across a killed run (the store's write order, see
``indexing.store``). One bad article is one failure line and the rest goes on;
a store that fails (a Chroma server going down) stops the run with a failure
line, and every article committed before stays.

Throughput: articles are processed in batches: one ``nlp.pipe`` call per
batch, one embedder call for all the batch's chunks, a few big Chroma calls,
and nothing rebuilt at the end: every write is logged in the store, and each
reader's BM25 index catches up from that log (``indexing.lexical``). A text filed twice
(the same wire story under two names) is parsed once and its chunks embedded
once. A worker thread parses the next batch while the embedder (which
releases the GIL) works on the current one; only the calling thread touches
the store. Figures: ``bench/ingest_vs_naive.py``.
"""

from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .chunking import chunk_article, embedding_text
from .errors import ConfigurationError, NewsQAError, StoreError
from .lock import WriterLock
from .models import Article, Chunk
from .settings import AttributionSettings, IndexSettings

if TYPE_CHECKING:
    from spacy.language import Language

    from .embedding import Embedder
    from .vector_store import VectorStore

__all__ = ["IngestFailure", "IngestReport", "Ingestor", "iter_articles"]

logger = logging.getLogger("newsqa.ingest")

ARTICLES_PER_BATCH = 64
_SINGLE_ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
# Pending records younger than this on a shared Chroma server may belong to a
# writer that is still running; only older ones are cleaned up.
_REMOTE_PENDING_GRACE = 3600.0


class IngestFailure(BaseModel):
    source: str = Field(description="The file, line, item or article id that failed.")
    reason: str = Field(description="One line: why.")


class IngestReport(BaseModel):
    """What an ingest run did. The HTTP API answers this JSON too."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[IngestFailure] = Field(default_factory=list)
    chunks: int = Field(default=0, description="Chunks written in this run.")
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def merge(self, other: IngestReport) -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed.extend(other.failed)
        self.chunks += other.chunks
        self.seconds += other.seconds

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"failed {len(self.failed)} ({self.chunks} chunks, {self.seconds:.1f} s)"
        )


def iter_articles(
    sources: Iterable[str | Path | Article], *, outlet: str | None = None
) -> Iterator[Article | IngestFailure]:
    """Articles (or load failures) from paths, URLs and ``Article`` objects, in order."""
    from .loaders import LoadFailure, discover, load_source

    paths: list[str | Path] = []

    def flush() -> Iterator[Article | IngestFailure]:
        found, failures = discover(paths)
        for failure in failures:
            yield IngestFailure(source=failure.source, reason=failure.reason)
        for source in found:
            for item in load_source(source, outlet=outlet):
                if isinstance(item, LoadFailure):
                    yield IngestFailure(source=item.source, reason=item.reason)
                else:
                    yield item
        paths.clear()

    for source in sources:
        if isinstance(source, Article):
            yield from flush()
            yield (source if source.outlet or not outlet else source.model_copy(update={"outlet": outlet}))
        else:
            paths.append(source)
    yield from flush()


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
        from .store_rows import same_vectors

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
            from .nlp import load_nlp

            self._nlp = load_nlp(self.settings.spacy_model)
        return self._nlp

    def ingest(
        self,
        sources: Sequence[str | Path | Article] | Iterable[str | Path | Article],
        *,
        outlet: str | None = None,
        progress: bool | str = False,
    ) -> IngestReport:
        """Ingest ``sources`` (paths, folders, URLs, feeds, or ``Article`` objects).

        ``progress``: True shows a bar on stderr when it is a terminal;
        ``"always"`` shows it regardless. Raises ``StoreOwnedError`` when
        another process writes this store and ``ConfigurationError`` when the
        attribution settings cannot be followed or the embedder's vectors would
        not match those in the store (before anything is read); everything else
        is reported.
        """
        from .attribution.tagger import load_tagger

        # a bad NEWSQA_ATTRIBUTION / NEWSQA_TAGGER_* fails the run once, not every article
        load_tagger(self.settings.attribution_settings)
        started = time.perf_counter()
        report = IngestReport()
        lock = WriterLock(self.settings)
        lock.acquire()
        bar = self._bar(sources, progress)
        seen: dict[str, str] = {}
        workers = _Workers(self)
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
                todo, stored = self._select(articles, report, bar)
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
    def _select(self, batch: list[Article], report: IngestReport, bar: Any) -> tuple[list[Article], dict[str, str]]:
        try:
            stored = self.store.hashes([a.id for a in batch])
        except StoreError as exc:
            self._fail_batch(batch, report, str(exc))
            raise _StopRun from exc
        todo = [a for a in batch if stored.get(a.id) != a.content_hash]
        report.unchanged += len(batch) - len(todo)
        if bar is not None and len(todo) < len(batch):
            bar.update(len(batch) - len(todo))
        return todo, stored

    def _prepare(self, todo: list[Article]) -> _Parsed:
        """Parse, find claims and chunk (runs in the worker thread; touches no store)."""
        return _prepare(
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
        try:
            vectors = _embed_unique(self.embedder, texts)
        except NewsQAError as exc:
            self._fail_batch([a for a, _ in items], report, str(exc))
            raise _StopRun from exc
        try:
            self.store.write_articles(items, vectors)
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

    @staticmethod
    def _bar(sources: Any, progress: bool | str) -> Any:
        if not progress or (progress != "always" and not sys.stderr.isatty()):
            return None
        from tqdm import tqdm

        total: int | None = None
        if isinstance(sources, Sequence):
            # one article per plain file: the bar can show a total
            from .loaders import discover

            articles = [s for s in sources if isinstance(s, Article)]
            found, _ = discover([s for s in sources if not isinstance(s, Article)])
            single = all(Path(str(s)).suffix.lower() in _SINGLE_ARTICLE_SUFFIXES for s in found)
            total = len(articles) + len(found) if single else None
        return tqdm(total=total, unit="article", desc="ingest", file=sys.stderr, dynamic_ncols=True)


_Parsed = tuple[list[tuple[Article, list[Chunk]]], list[IngestFailure]]


def _prepare(
    todo: list[Article],
    nlp: Any,
    count_tokens_batch: Any,
    *,
    max_tokens: int,
    target_tokens: int,
    attribution: AttributionSettings,
) -> _Parsed:
    """Parse, find claims (with the taggers ``attribution`` chooses) and chunk ``todo`` (in a worker thread or a
    worker process)."""
    from .attribution import analyze_doc

    items: list[tuple[Article, list[Chunk]]] = []
    failures: list[IngestFailure] = []
    # the same text filed twice (wire copies, re-posts) is parsed once
    bodies = list(dict.fromkeys(a.body for a in todo))
    parsed = dict(zip(bodies, nlp.pipe(bodies, batch_size=64), strict=True))
    for article in todo:
        doc = parsed[article.body]
        try:
            chunks = chunk_article(
                article,
                doc,
                analyze_doc(doc, attribution),
                count_tokens_batch=count_tokens_batch,
                max_tokens=max_tokens,
                target_tokens=target_tokens,
            )
            if not chunks:
                raise _NoText("the article has no text to index")
            items.append((article, chunks))
        except NewsQAError as exc:
            failures.append(IngestFailure(source=article.source_path or article.id, reason=str(exc)))
        except Exception as exc:
            logger.debug("analysing %s failed", article.id, exc_info=True)
            failures.append(
                IngestFailure(
                    source=article.source_path or article.id,
                    reason=f"could not analyse: {type(exc).__name__}: {exc}",
                )
            )
    return items, failures


class _Workers:
    """Where batches are parsed: the first in a thread (no start-up wait), the rest in
    ``ingestor.workers`` worker processes (``indexing.parse_worker``) when the run has more
    than one batch to parse and the embedder's word pieces can be counted outside this
    process (it names a ``tokenizer_path``); else in one thread beside the embedder, or
    inline (``overlap=False``). A worker that dies hands its batch back to the thread."""

    def __init__(self, ingestor: Ingestor) -> None:
        self.ingestor = ingestor
        self.processes = max(0, ingestor.workers)
        self.tokenizer = getattr(ingestor.embedder, "tokenizer_path", None)
        self._thread: Any = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsqa-parse") if ingestor.overlap else _Inline()
        )
        self._jobs: queue.Queue[tuple[list[Article], Future[_Parsed]] | None] = queue.Queue()
        self._feeders: list[threading.Thread] = []
        self._submitted = 0
        self.depth = 1 if ingestor.overlap else 0

    def submit(self, todo: list[Article]) -> Future[_Parsed]:
        self._submitted += 1
        if not (self.ingestor.overlap and self.processes > 1 and self.tokenizer is not None and self._submitted > 1):
            return self._thread.submit(self.ingestor._prepare, todo)
        if not self._feeders:
            logger.info("parsing in %d worker processes", self.processes)
            for n in range(self.processes):
                feeder = threading.Thread(target=self._feed, name=f"newsqa-parse-{n}", daemon=True)
                feeder.start()
                self._feeders.append(feeder)
            self.depth = self.processes + 1
        future: Future[_Parsed] = Future()
        self._jobs.put((todo, future))
        return future

    def _feed(self) -> None:
        """One worker process: send it jobs, one at a time, and deliver its answers."""
        from .parse_worker import read_frame, write_frame

        process: subprocess.Popen[bytes] | None = None
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "indexing.parse_worker",
                    self.ingestor.settings.spacy_model,
                    str(self.tokenizer),
                    json.dumps(self.ingestor.settings.attribution_settings.to_json()),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=str(Path(__file__).resolve().parent.parent),
            )
            assert process.stdin is not None and process.stdout is not None  # both opened as PIPE
            read_frame(process.stdout)  # "ready"
        except (OSError, EOFError) as exc:
            logger.warning("a parse worker did not start (%s); parsing in this process", exc)
            process = None
        while True:
            job = self._jobs.get()
            if job is None:
                break
            todo, future = job
            if process is not None:
                assert process.stdin is not None and process.stdout is not None  # both opened as PIPE
                try:
                    write_frame(
                        process.stdin,
                        (todo, self.ingestor.embedder.max_tokens, self.ingestor.settings.max_chunk_tokens),
                    )
                    future.set_result(read_frame(process.stdout))
                    continue
                except (OSError, EOFError) as exc:
                    logger.warning("a parse worker died (%s); parsing its batch in this process", exc)
                    process.kill()
                    process = None
            try:
                future.set_result(self._thread.submit(self.ingestor._prepare, todo).result())
            except BaseException as exc:  # noqa: BLE001 - delivered through the future
                future.set_exception(exc)
        if process is not None:
            assert process.stdin is not None  # opened as PIPE
            try:
                process.stdin.close()
                process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()

    def shutdown(self) -> None:
        while True:  # a stopped run: batches not yet parsed are dropped
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[1].cancel()
        for _ in self._feeders:
            self._jobs.put(None)
        for feeder in self._feeders:
            feeder.join()
        self._thread.shutdown(wait=True, cancel_futures=True)


def _embed_unique(embedder: Embedder, texts: list[str]) -> Any:
    """``embedder.embed(texts)``, each distinct text embedded once (duplicate articles are common)."""
    unique = list(dict.fromkeys(texts))
    if len(unique) == len(texts):
        return embedder.embed(texts)
    vectors = embedder.embed(unique)
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[t] for t in texts]]


class _Inline:
    """An executor that runs each job at once in the calling thread (``overlap=False``)."""

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future like a thread's
            future.set_exception(exc)
        return future

    def shutdown(self, **_: Any) -> None:
        pass


@dataclass
class _Prepared:
    todo: list[Article]
    stored: dict[str, str]
    future: Future[_Parsed] | None


class _StopRun(Exception):
    """Internal: the store failed; stop the run, keep what is committed."""


class _NoText(NewsQAError):
    pass

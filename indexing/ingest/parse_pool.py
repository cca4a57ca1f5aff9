"""Where an ingest run's batches are parsed (``ParsePool``): a thread beside the embedder, inline, or
``indexing.ingest.parse_worker`` processes."""

from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexing.ingest.batch import Parsed
from indexing.models import Article
from indexing.settings import IndexSettings

if TYPE_CHECKING:
    from indexing.embedding.embedder import Embedder

__all__ = ["ParsePool"]

logger = logging.getLogger("newsqa.ingest")


class ParsePool:
    """Where batches are parsed: the first in a thread (no start-up wait), the rest in
    ``processes`` worker processes (``indexing.ingest.parse_worker``) when the run has more
    than one batch to parse and the embedder's word pieces can be counted outside this
    process (it names a ``tokenizer_path``); else in one thread beside the embedder, or
    inline (``overlap=False``). A worker that dies hands its batch back to the thread.

    ``prepare`` parses a batch in this process; ``depth`` is how many submitted batches
    the caller may keep in flight before it waits for the oldest."""

    def __init__(
        self,
        prepare: Callable[[list[Article]], Parsed],
        embedder: Embedder,
        settings: IndexSettings,
        *,
        overlap: bool,
        processes: int,
    ) -> None:
        self.prepare = prepare
        self.embedder = embedder
        self.settings = settings
        self.overlap = overlap
        self.processes = max(0, processes)
        self.tokenizer = getattr(embedder, "tokenizer_path", None)
        self._thread: Any = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsqa-parse") if overlap else _Inline()
        )
        self._jobs: queue.Queue[tuple[list[Article], Future[Parsed]] | None] = queue.Queue()
        self._feeders: list[threading.Thread] = []
        self._submitted = 0
        self.depth = 1 if overlap else 0

    def submit(self, todo: list[Article]) -> Future[Parsed]:
        self._submitted += 1
        if not (self.overlap and self.processes > 1 and self.tokenizer is not None and self._submitted > 1):
            return self._thread.submit(self.prepare, todo)
        if not self._feeders:
            logger.info("parsing in %d worker processes", self.processes)
            for n in range(self.processes):
                feeder = threading.Thread(target=self._feed, name=f"newsqa-parse-{n}", daemon=True)
                feeder.start()
                self._feeders.append(feeder)
            self.depth = self.processes + 1
        future: Future[Parsed] = Future()
        self._jobs.put((todo, future))
        return future

    def _feed(self) -> None:
        """One worker process: send it jobs, one at a time, and deliver its answers."""
        from indexing.ingest.parse_worker import read_frame, write_frame

        process: subprocess.Popen[bytes] | None = None
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "indexing.ingest.parse_worker",
                    self.settings.spacy_model,
                    str(self.tokenizer),
                    json.dumps(self.settings.attribution_settings.to_json()),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=str(Path(__file__).resolve().parents[2]),
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
                    write_frame(process.stdin, (todo, self.embedder.max_tokens, self.settings.max_chunk_tokens))
                    future.set_result(read_frame(process.stdout))
                    continue
                except (OSError, EOFError) as exc:
                    logger.warning("a parse worker died (%s); parsing its batch in this process", exc)
                    process.kill()
                    process = None
            try:
                future.set_result(self._thread.submit(self.prepare, todo).result())
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

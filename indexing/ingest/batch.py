"""One ingest batch's CPU work: parse, find claims and chunk (``prepare_batch``), in a worker thread of the
ingesting process or in a parse worker process (``indexing.ingest.parse_worker``); it touches no store."""

from __future__ import annotations

import logging
from typing import Any

from indexing.chunks.chunking import chunk_article
from indexing.errors import NewsQAError
from indexing.ingest.report import IngestFailure
from indexing.models import Article, Chunk
from indexing.settings import AttributionSettings

__all__ = ["Parsed", "prepare_batch"]

logger = logging.getLogger("newsqa.ingest")

Parsed = tuple[list[tuple[Article, list[Chunk]]], list[IngestFailure]]
"""A prepared batch: each article with its chunks, and the articles that failed."""


def prepare_batch(
    todo: list[Article],
    nlp: Any,
    count_tokens_batch: Any,
    *,
    max_tokens: int,
    target_tokens: int,
    attribution: AttributionSettings,
) -> Parsed:
    """Parse, find claims (with the taggers ``attribution`` chooses) and chunk ``todo`` (in a worker thread or a
    worker process)."""
    from indexing.claims import analyze_doc

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


class _NoText(NewsQAError):
    pass

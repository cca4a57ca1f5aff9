"""What an ingest run reads: paths, URLs and ``Article`` objects as one stream of articles (``iter_articles``),
and the progress bar over them (``progress_bar``)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from indexing.ingest.report import IngestFailure
from indexing.models import Article

__all__ = ["iter_articles", "progress_bar"]

_SINGLE_ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})


def iter_articles(
    sources: Iterable[str | Path | Article], *, outlet: str | None = None
) -> Iterator[Article | IngestFailure]:
    """Articles (or load failures) from paths, URLs and ``Article`` objects, in order."""
    from indexing.ingest.loaders import LoadFailure, discover, load_source

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


def progress_bar(sources: Any, progress: bool | str) -> Any:
    """A tqdm bar on stderr over the articles of ``sources``, or None: ``progress`` True shows it when stderr is a
    terminal, ``"always"`` regardless. It shows a total when every input is one article (a plain file)."""
    if not progress or (progress != "always" and not sys.stderr.isatty()):
        return None
    from tqdm import tqdm

    total: int | None = None
    if isinstance(sources, Sequence):
        # one article per plain file: the bar can show a total
        from indexing.ingest.loaders import discover

        articles = [s for s in sources if isinstance(s, Article)]
        found, _ = discover([s for s in sources if not isinstance(s, Article)])
        single = all(Path(str(s)).suffix.lower() in _SINGLE_ARTICLE_SUFFIXES for s in found)
        total = len(articles) + len(found) if single else None
    return tqdm(total=total, unit="article", desc="ingest", file=sys.stderr, dynamic_ncols=True)

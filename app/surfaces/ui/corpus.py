"""The page-load and corpus handlers: counts, outlets and example questions on load; refresh; upload.

``corpus_handlers(qa, api_key=...)`` builds them over ``qa``; :mod:`.blocks` wires them to the
components. Uploads hold :func:`app.service.write_lock`, the lock the HTTP API's writes hold too.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import gradio as gr

from app.service import NewsQA, write_lock
from app.surfaces.ui.examples import corpus_examples
from app.surfaces.ui.render import esc, outlet_counts, render_corpus, render_examples, render_notice
from indexing.errors import NewsQAError
from indexing.models import Article

__all__ = ["CorpusHandlers", "corpus_handlers"]


class CorpusHandlers(NamedTuple):
    load_page: Callable[[], tuple[Any, ...]]
    refresh_corpus: Callable[[], tuple[Any, Any]]
    ingest_files: Callable[..., tuple[Any, ...]]


def corpus_handlers(qa: NewsQA, *, api_key: str | None = None) -> CorpusHandlers:
    """The handlers over ``qa``; with ``api_key``, adding articles asks for the key (as the HTTP API does)."""

    def load_page() -> tuple[Any, ...]:
        # Never writes the transcript: a question asked while the page loads must survive.
        try:
            stats = qa.stats()
        except NewsQAError as exc:
            return (
                render_corpus(None, str(exc)),
                gr.update(choices=[]),
                [],
                render_notice("error", f"The corpus cannot be read: {exc}"),
            )
        if not stats.get("articles"):
            empty = render_notice("warn", "The corpus is empty: add articles in the Corpus tab, then ask.")
            return render_corpus(stats), gr.update(choices=[]), [], empty
        examples = corpus_examples(qa)
        return (
            render_corpus(stats),
            gr.update(choices=list(outlet_counts(stats))),
            examples,
            render_examples(examples),
        )

    def refresh_corpus() -> tuple[Any, Any]:
        try:
            stats = qa.stats()
        except NewsQAError as exc:
            return render_corpus(None, str(exc)), gr.skip()
        return render_corpus(stats), gr.update(choices=list(outlet_counts(stats)))

    def ingest_files(
        files: list[str] | None,
        outlet: str | None,
        key: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects progress this way
    ) -> tuple[Any, ...]:
        from indexing.ingest.loaders import load_bytes

        if api_key and not hmac.compare_digest((key or "").encode(), api_key.encode()):
            message = "Adding articles needs the server's API key." if not key else "That API key is not valid."
            return render_notice("error", message), gr.skip(), gr.skip()
        if not files:
            return (
                render_notice("error", "Choose one or more files to ingest first."),
                gr.skip(),
                gr.skip(),
            )
        totals = {"added": 0, "updated": 0, "unchanged": 0}
        failed: list[tuple[str, str]] = []
        for i, path in enumerate(files):
            name = Path(path).name
            progress((i, len(files)), desc=f"Ingesting {name}", unit="files")
            try:
                items = load_bytes(Path(path).read_bytes(), name, outlet=outlet or None)
                articles = [item for item in items if isinstance(item, Article)]
                failed += [(str(f.source), str(f.reason)) for f in items if not isinstance(f, Article)]
                if articles:
                    with write_lock(qa):
                        report = qa.ingest(articles, outlet=outlet or None)
                    for field in totals:
                        totals[field] += int(getattr(report, field, 0) or 0)
                    failed += [_failure_pair(f) for f in getattr(report, "failed", [])]
            except NewsQAError as exc:
                failed.append((name, str(exc)))
            except OSError as exc:
                failed.append((name, f"could not read the upload ({exc.strerror or exc})"))
        progress((len(files), len(files)), desc="Done", unit="files")
        summary = " · ".join(f"{value} {kind}" for kind, value in totals.items()) + f" · {len(failed)} failed"
        details = "".join(f"<li><b>{esc(src)}</b>: {esc(reason)}</li>" for src, reason in failed)
        kind = "ok" if not failed else ("warn" if any(totals.values()) else "error")
        html = render_notice(kind, summary) + (f'<ul class="nq-failures">{details}</ul>' if details else "")
        corpus, outlets = refresh_corpus()
        return html, corpus, outlets

    return CorpusHandlers(load_page=load_page, refresh_corpus=refresh_corpus, ingest_files=ingest_files)


def _failure_pair(failure: Any) -> tuple[str, str]:
    if isinstance(failure, dict):
        return str(failure.get("source", "?")), str(failure.get("reason", "?"))
    return str(getattr(failure, "source", "?")), str(getattr(failure, "reason", "?"))

"""``newsqa ingest PATH... [--outlet X] [--no-progress] [--reprocess]``: load, analyse, chunk, embed and store.

Ends with one summary line (added, updated, unchanged, failed) after one line
per failure. Exit code 0 when everything was ingested, 1 when anything failed.

When another process owns the embedded store: if it is ``newsqa serve``, the
articles are loaded here and sent through its HTTP API (it writes them);
otherwise the command stops with a message naming the owner.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.settings import Settings
from indexing.errors import BadInputError, NewsQAError, StoreError
from indexing.ingest.pipeline import IngestFailure, IngestReport, iter_articles
from indexing.models import Article
from indexing.store.lock import OwnerInfo, StoreOwnedError, WriterLock

__all__ = ["register", "run", "send_to_server"]

# Articles per request when sending to a running server: small enough to stay
# far under the server's request size limit, big enough to keep its batches full.
_FORWARD_BATCH = 64


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="add articles from files, folders, JSON(L), HTML or RSS/Atom feeds",
        description="Load, analyse, chunk, embed and store articles. Unchanged articles are skipped.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, .json/.jsonl, .html, feed, or URL")
    parser.add_argument("--outlet", help="outlet for articles whose metadata names none")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--reprocess",
        action="store_true",
        help="analyse, chunk and embed again the articles already stored unchanged, replacing them (after upgrading "
        "newsqa: new attributions, stored sentence vectors)",
    )
    parser.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)  # force the bar (tests)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    outlet = args.outlet or settings.outlet
    progress: bool | str = "always" if args.progress else not args.no_progress
    lock = WriterLock(settings)
    try:
        lock.acquire()
    except StoreOwnedError as exc:
        if exc.owner is None or not exc.owner.url:
            raise
        if args.reprocess:
            print(
                f"newsqa: --reprocess needs the store itself, and {exc.owner.describe()} owns it; stop it and run "
                "the command again",
                file=sys.stderr,
            )
            return 2
        report = send_to_server(exc.owner, args.paths, outlet=outlet, settings=settings)
    else:
        from app.service import NewsQA

        qa = NewsQA(settings)
        try:
            report = qa.ingest(args.paths, outlet=outlet, progress=progress, reprocess=args.reprocess)
        finally:
            qa.close()
            lock.release()
    print_report(report)
    return 0 if report.ok else 1


def print_report(report: IngestReport, out: Any = None) -> None:
    out = out or sys.stdout
    for failure in report.failed:
        print(f"failed: {failure.source}: {failure.reason}", file=out)
    print(report.summary(), file=out)


def send_to_server(owner: OwnerInfo, paths: list[str], *, outlet: str | None, settings: Settings) -> IngestReport:
    """Load ``paths`` here and POST the articles to the running server that owns the store."""
    import httpx

    url = owner.url.rstrip("/") + "/api/v1/articles"  # type: ignore[union-attr]
    print(
        f"newsqa: the store is owned by {owner.describe()}; sending the articles to it",
        file=sys.stderr,
    )
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    report = IngestReport()
    batch: list[Article] = []

    def send(articles: list[Article]) -> None:
        body = {"articles": [a.model_dump(mode="json", exclude={"content_hash"}) for a in articles]}
        try:
            response = httpx.post(
                url,
                json=body,
                headers=headers,
                params={"outlet": outlet} if outlet else None,
                timeout=600,
            )
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the newsqa server at {owner.url}: {exc}") from exc
        if response.status_code == 401:
            raise BadInputError(f"the newsqa server at {owner.url} refused the articles: set NEWSQA_API_KEY to its key")
        if response.status_code >= 400:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text[:200]
            raise StoreError(f"the newsqa server at {owner.url} answered {response.status_code}: {message}")
        report.merge(IngestReport.model_validate(response.json()))

    try:
        for item in iter_articles(paths, outlet=outlet):
            if isinstance(item, IngestFailure):
                report.failed.append(item)
                continue
            batch.append(item)
            if len(batch) >= _FORWARD_BATCH:
                send(batch)
                batch = []
        if batch:
            send(batch)
    except NewsQAError as exc:
        report.failed.append(IngestFailure(source=owner.url or "server", reason=str(exc)))
    return report

"""``newsqa search "query" [--k N] [--outlet X]... [--since D] [--until D] [--json]``.

Human output: rank, title, outlet, date, score, a snippet, and who speaks in
the passage. ``--json`` prints exactly the contract ``{"query", "results"}``.
When a ``newsqa serve`` owns the store, the search goes through its HTTP API.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from app.models import SearchResponse, SearchResult
from app.settings import Settings
from app.surfaces.cli.common import add_filter_arguments, call_server, print_result, serving_owner
from indexing.errors import BadInputError

__all__ = ["format_results", "register", "run"]

_SNIPPET_CHARS = 240


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "search",
        help="find passages (dense + BM25) with their speakers",
        description="Hybrid (dense + BM25) search over the stored articles.",
    )
    parser.add_argument("query", help="what to look for")
    parser.add_argument("--k", type=int, default=10, help="number of passages (1-100, default 10)")
    add_filter_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the JSON contract")
    parser.add_argument("--mode", choices=("hybrid", "dense", "lexical"), default="hybrid", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not 1 <= args.k <= 100:
        raise BadInputError(f"--k must be between 1 and 100, not {args.k}")
    owner = serving_owner(settings) if args.mode == "hybrid" else None
    if owner is not None:
        body = {"query": args.query, "k": args.k, "outlets": args.outlet, "since": args.since, "until": args.until}
        reply = call_server(owner, "search", {key: value for key, value in body.items() if value is not None}, settings)
        print_result(SearchResponse.model_validate(reply), as_json=args.json, human=format_results)
        return 0
    from app.service import NewsQA

    qa = NewsQA(settings)
    try:
        if args.mode == "hybrid":
            response = qa.search(args.query, k=args.k, outlets=args.outlet, since=args.since, until=args.until)
        else:  # benchmark modes: same validation, one ranking only
            filters = qa.filters(args.outlet, args.since, args.until)
            results = qa.searcher.search(args.query, k=args.k, filters=filters, mode=args.mode)
            response = SearchResponse(query=args.query, results=results)
    finally:
        qa.close()
    print_result(response, as_json=args.json, human=format_results)
    return 0


def _speakers(result: SearchResult) -> str:
    seen: dict[str, str] = {}
    for claim in result.claims:
        name = claim.display_source
        if claim.attributed and name and name not in seen:
            seen[name] = claim.source_type
    return ", ".join(f"{name} ({kind})" for name, kind in seen.items())


def format_results(response: SearchResponse) -> str:
    if not response.results:
        return f"no passages found for {response.query!r}"
    lines: list[str] = []
    for r in response.results:
        when = r.published_at.isoformat() if r.published_at else "undated"
        lines.append(
            f"{r.rank:>2}. {r.title or r.article_id}  [{r.outlet or 'no outlet'}, {when}]  score {r.score:.4f}"
        )
        snippet = " ".join(r.text.split())
        if len(snippet) > _SNIPPET_CHARS:
            snippet = snippet[:_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
        lines.extend(textwrap.wrap(snippet, width=96, initial_indent="    ", subsequent_indent="    "))
        speakers = _speakers(r)
        if speakers:
            lines.append(f"    speakers: {speakers}")
        lines.append(f"    {r.chunk_id} (chars {r.start}-{r.end})")
    return "\n".join(lines)

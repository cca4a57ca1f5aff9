"""``newsqa serve [--host H] [--port P]``: the UI at /, the HTTP API at /api/v1, OpenAPI docs at /docs."""

from __future__ import annotations

import argparse

from app.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the chat UI and the HTTP API",
        description="Serve the Gradio chat UI at /, the HTTP API at /api/v1 and its OpenAPI docs at /docs. "
        "The server owns the embedded store while it runs: `newsqa ingest` then sends articles through it.",
    )
    parser.add_argument("--host", help="interface to bind (env NEWSQA_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (env NEWSQA_PORT, default 7860)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from indexing.errors import BadInputError

    update: dict[str, object] = {}
    if args.host:
        update["host"] = args.host
    if args.port is not None:
        if not 1 <= args.port <= 65535:
            raise BadInputError(f"--port must be between 1 and 65535, not {args.port}")
        update["port"] = args.port
    if update:
        settings = settings.model_validate({**settings.model_dump(), **update})
    from app.surfaces.server import serve

    return serve(settings)

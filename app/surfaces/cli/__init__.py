"""The ``newsqa`` command line.

Each command lives in its own module exposing ``register(subparsers)``; the
parser sets ``func`` to a callable taking ``(args, settings)`` and returning an
exit code. ``main`` turns every ``NewsQAError`` into a one-line message: a
traceback reaching the user is a bug.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import warnings
from collections.abc import Sequence

from pydantic import ValidationError

from app.settings import Settings
from indexing.errors import ConfigurationError, NewsQAError

__all__ = ["main"]

# Modules that contribute a subcommand, in the order `--help` lists them.
_COMMANDS = ("ingest", "search", "ask", "serve", "eval_cmd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsqa",
        description="Question answering over news that keeps who said what.",
    )
    parser.add_argument("--home", help="store folder (env NEWSQA_HOME, default ./.newsqa)")
    parser.add_argument(
        "--chroma-url", help="use a Chroma server instead of the embedded store (env NEWSQA_CHROMA_URL)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"app.surfaces.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"app.surfaces.cli.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    for command_parser in sub.choices.values():
        _accept_global_flags(command_parser)
    return parser


def _accept_global_flags(parser: argparse.ArgumentParser) -> None:
    """Let ``newsqa ask -v ...`` mean ``newsqa -v ask ...``: the global flags after the command too.

    Defaults are suppressed so a flag given before the command is not reset by the command's parser;
    a command that defines one of these flags itself keeps its own.
    """
    taken = parser._option_string_actions  # argparse has no public "is this flag defined"
    if "--home" not in taken:
        parser.add_argument(
            "--home", default=argparse.SUPPRESS, help="store folder (env NEWSQA_HOME, default ./.newsqa)"
        )
    if "--chroma-url" not in taken:
        parser.add_argument(
            "--chroma-url",
            default=argparse.SUPPRESS,
            help="use a Chroma server instead of the embedded store (env NEWSQA_CHROMA_URL)",
        )
    if "-v" not in taken and "--verbose" not in taken:
        parser.add_argument(
            "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log progress details"
        )


def _settings_from(args: argparse.Namespace) -> Settings:
    update: dict[str, object] = {}
    if args.home:
        update["home"] = args.home
    if args.chroma_url:
        update["chroma_url"] = args.chroma_url
    try:
        settings = Settings()
        return settings.model_validate({**settings.model_dump(), **update}) if update else settings
    except ValidationError as exc:
        # a bad NEWSQA_* value is the user's input: one line naming the variable, not an internal error
        problems = "; ".join(
            f"NEWSQA_{'_'.join(str(part) for part in e['loc']).upper()}={e.get('input')!r}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigurationError(f"bad setting: {problems}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if not args.verbose:
        warnings.filterwarnings("ignore")
    # Libraries that set their own loggers to DEBUG at import (bm25s does) must not
    # reach the user: the handler, not only the root logger, carries the level.
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.INFO if args.verbose else logging.WARNING)
    try:
        settings = _settings_from(args)
        return int(args.func(args, settings) or 0)
    except NewsQAError as exc:
        print(f"newsqa: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsqa: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.verbose:
            raise
        print(f"newsqa: internal error: {type(exc).__name__}: {exc} (run with -v for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

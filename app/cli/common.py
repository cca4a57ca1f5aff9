"""What several commands share: the filter flags and printing a result as JSON or for people."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

__all__ = ["add_filter_arguments", "print_result"]

M = TypeVar("M", bound=BaseModel)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """``--outlet`` (repeatable), ``--since`` and ``--until``: the filters of search and ask."""
    parser.add_argument("--outlet", action="append", metavar="X", help="only this outlet (repeatable)")
    parser.add_argument("--since", metavar="D", help="published on or after D (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="D", help="published on or before D (YYYY-MM-DD)")


def print_result(result: M, *, as_json: bool, human: Callable[[M], str]) -> None:
    """Print ``result`` as its JSON contract (``--json``) or in the command's human form."""
    if as_json:
        json.dump(result.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(human(result))

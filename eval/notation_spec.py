"""What counts as a citation and as a hedged / anonymous mark in the answers being scored: the
``Notation``, the two built in (``newsqa``, ``generic``) and ``load_notation``, which picks one of them or
reads a JSON file of extra patterns (``--notation FILE.json``, format in ``docs/eval.md``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.matching import Marks, load_marks
from indexing.errors import BadInputError

__all__ = ["BUILTIN_NOTATIONS", "GENERIC", "NEWSQA", "Notation", "Pattern", "load_notation"]

Pattern = re.Pattern[str]
_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Notation:
    """What counts as a citation and as a hedged / anonymous mark in the answers being scored."""

    name: str
    description: str
    foreign: bool = True  # read the notations of other tools (generic), not newsqa's alone
    hedge_marks: tuple[Pattern, ...] = ()  # extra marks, removed from the text
    anonymous_marks: tuple[Pattern, ...] = ()
    hedge_words: tuple[Pattern, ...] = ()  # extra words that mark, kept in the text
    anonymous_words: tuple[Pattern, ...] = ()
    citations: tuple[Pattern, ...] = ()  # extra citation markers: group 1 holds the number(s)
    marks: Marks = field(default_factory=load_marks)

    @property
    def origin(self) -> str:
        """What the report prints as the notation it read."""
        return f"{self.name}: {self.description}"


NEWSQA = "newsqa"
GENERIC = "generic"
BUILTIN_NOTATIONS = (GENERIC, NEWSQA)
_DESCRIPTIONS = {
    NEWSQA: "[n] citations; [hedged] and [anonymous source] marks (app.compose.marks)",
    GENERIC: (
        "newsqa's [n], [hedged], [anonymous source]; citations as [^n], (n), 【n】, [n](url), superscripts, URLs and "
        "listed titles; marks in words (unnamed, not named, unconfirmed ...), in brackets or parentheses, "
        "as footnotes or Markdown emphasis"
    ),
}


def _compile(path: Path, key: str, values: Any) -> tuple[Pattern, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise BadInputError(f"{path}: {key!r} must be a list of regular expressions")
    out = []
    for value in values:
        try:
            out.append(re.compile(value, _FLAGS))
        except re.error as exc:
            raise BadInputError(f"{path}: {key!r}: bad regular expression {value!r} ({exc})") from exc
    if key == "citations" and any(p.groups < 1 for p in out):
        raise BadInputError(f"{path}: every 'citations' pattern needs a group holding the number(s)")
    return tuple(out)


_FILE_KEYS = {
    "name",
    "base",
    "description",
    "hedge_marks",
    "anonymous_marks",
    "hedge_words",
    "anonymous_words",
    "citations",
}


def load_notation(spec: str | Path | None) -> Notation:
    """``newsqa``, ``generic`` (the default) or a JSON file of patterns (``docs/eval.md``)."""
    if spec is None or str(spec) == GENERIC:
        return Notation(GENERIC, _DESCRIPTIONS[GENERIC], foreign=True)
    if str(spec) == NEWSQA:
        return Notation(NEWSQA, _DESCRIPTIONS[NEWSQA], foreign=False)
    path = Path(spec)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadInputError(f"--notation: {spec!r} is neither {' nor '.join(BUILTIN_NOTATIONS)} nor a file") from exc
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(raw, dict):
        raise BadInputError(f"{path}: a notation file is a JSON object")
    unknown = sorted(set(raw) - _FILE_KEYS)
    if unknown:
        raise BadInputError(f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_FILE_KEYS))}")
    base = raw.get("base", GENERIC)
    if base not in BUILTIN_NOTATIONS:
        raise BadInputError(f"{path}: 'base' must be {' or '.join(BUILTIN_NOTATIONS)}, not {base!r}")
    name = str(raw.get("name") or path.stem)
    parts = [f"{base} plus the patterns of {path.name}"] + ([str(raw["description"])] if raw.get("description") else [])
    return Notation(
        name,
        "; ".join(parts),
        foreign=base == GENERIC,
        hedge_marks=_compile(path, "hedge_marks", raw.get("hedge_marks")),
        anonymous_marks=_compile(path, "anonymous_marks", raw.get("anonymous_marks")),
        hedge_words=_compile(path, "hedge_words", raw.get("hedge_words")),
        anonymous_words=_compile(path, "anonymous_words", raw.get("anonymous_words")),
        citations=_compile(path, "citations", raw.get("citations")),
    )

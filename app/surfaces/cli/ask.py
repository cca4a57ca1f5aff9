"""``newsqa ask "question" [--k N] [--outlet X]... [--since D] [--until D] [--json] [--history FILE] [--llm SPEC]``.

Human output: the answer (with ``[n]`` citations and the ``[hedged]`` /
``[anonymous source]`` marks, explained in a legend when present), then the
numbered sources with title, outlet and date, and a line on what the
attribution guard repaired or dropped. A refusal says so plainly and lists
the closest articles. ``--json`` prints the Answer contract.

``--history FILE`` makes a conversation across invocations: FILE is a JSON
list of ``{"role", "content"}`` turns (user turns may carry ``"filters"``).
The question is answered as a follow-up, then the new turns are appended to
FILE (created if missing); filters carry over when none are given.

When a ``newsqa serve`` owns the store, the question goes through its HTTP API
(warm models, tens of milliseconds) unless ``--k`` or ``--llm`` asks for
settings of this command's own.
"""

from __future__ import annotations

import argparse
import json
import logging
import textwrap
from pathlib import Path
from typing import Any

from app.compose.marks import LEGEND, find_marks
from app.models import Answer
from app.settings import Settings
from app.surfaces.cli.common import add_filter_arguments, call_server, print_result, serving_owner
from indexing.errors import BadInputError

__all__ = ["format_answer", "read_history", "register", "run"]

logger = logging.getLogger("newsqa.cli")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="answer a question with cited, attributed claims",
        description="Answer a question from the stored articles; every claim keeps its speaker and citation.",
    )
    parser.add_argument("question", help="the question (a follow-up when --history is given)")
    parser.add_argument("--k", type=int, help="passages to retrieve (1-100, default: NEWSQA_TOP_K or 8)")
    add_filter_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the Answer JSON contract")
    parser.add_argument(
        "--history", metavar="FILE", help="JSON conversation file: read as context, then the new turns are appended"
    )
    parser.add_argument(
        "--llm", metavar="SPEC", help="composer: extractive, openai:MODEL, ollama:MODEL (env NEWSQA_LLM)"
    )
    parser.set_defaults(func=run)


def read_history(path: Path) -> list[dict[str, Any]]:
    """The turns of a history file (missing file: no turns)."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "[]")
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    turns = data.get("turns") if isinstance(data, dict) else data
    if not isinstance(turns, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") for t in turns
    ):
        raise BadInputError(f'{path}: expected a JSON list of {{"role": "user"|"assistant", "content": "..."}} turns')
    return turns


def run(args: argparse.Namespace, settings: Settings) -> int:
    update: dict[str, Any] = {}
    if args.k is not None:
        if not 1 <= args.k <= 100:
            raise BadInputError(f"--k must be between 1 and 100, not {args.k}")
        update["top_k"] = args.k
    if args.llm:
        update["llm"] = args.llm
    if update:
        settings = settings.model_validate({**settings.model_dump(), **update})
    history_path = Path(args.history) if args.history else None
    history = read_history(history_path) if history_path else []
    filters = {"outlets": args.outlet, "since": args.since, "until": args.until}
    if not any(filters.values()):
        # Nothing given: the last turn's filters carry over (and are kept for the next turn).
        last = next((t.get("filters") for t in reversed(history) if t.get("role") == "user" and t.get("filters")), None)
        filters = last or filters
    owner = None if update else serving_owner(settings)  # --k / --llm are this command's own settings
    if owner is not None:
        logger.info("asking through %s", owner.describe())
        body = {
            "question": args.question,
            "history": [{"role": t["role"], "content": str(t.get("content") or "")} for t in history],
            **{key: value for key, value in filters.items() if value},
        }
        answer = Answer.model_validate(call_server(owner, "ask", body, settings))
    else:
        from app.service import NewsQA

        qa = NewsQA(settings)
        try:
            answer = qa.ask(args.question, history=history, outlets=args.outlet, since=args.since, until=args.until)
        finally:
            qa.close()
    if history_path:
        turns = [
            *history,
            {"role": "user", "content": args.question, "filters": filters},
            {"role": "assistant", "content": answer.answer},
        ]
        history_path.write_text(json.dumps(turns, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_result(answer, as_json=args.json, human=format_answer)
    return 0


def _wrap(text: str) -> str:
    return "\n".join(textwrap.fill(par, width=96) for par in text.split("\n") if par.strip())


def format_answer(answer: Answer) -> str:
    """The human rendering of an answer: text, legend, numbered sources, guard summary."""
    lines: list[str] = []
    if answer.standalone_question and answer.standalone_question != answer.question:
        lines += [f"(understood as: {answer.standalone_question})", ""]
    lines.append(_wrap(answer.answer))
    if answer.refused:
        if answer.closest:
            lines += ["", "Closest articles:"]
            for i, a in enumerate(answer.closest, start=1):
                when = a.published_at.isoformat() if a.published_at else "undated"
                lines.append(f"  {i}. {a.title or a.article_id}  [{a.outlet or 'no outlet'}, {when}]")
        return "\n".join(lines)
    marks = sorted(set(find_marks(answer.answer)), key=lambda m: m.value)
    if marks:
        lines.append("")
        lines += [f"  {m.text} = {LEGEND[m]}" for m in marks]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            when = c.published_at.isoformat() if c.published_at else "undated"
            where = f"  ({c.source_path})" if c.source_path else (f"  ({c.url})" if c.url else "")
            lines.append(f"  [{c.id}] {c.title or c.article_id} - {c.outlet or 'no outlet'}, {when}{where}")
    if answer.guard:
        repaired = sum(1 for f in answer.guard.findings if f.action == "repaired")
        dropped = sum(1 for f in answer.guard.findings if f.action == "dropped")
        injections = sum(1 for f in answer.guard.findings if f.check == "injection")
        notes = []
        if repaired:
            notes.append(f"{repaired} repair(s)")
        if dropped:
            notes.append(f"{dropped} sentence(s) dropped")
        if injections:
            notes.append(f"{injections} passage(s) with instruction-like text ignored")
        if notes:
            lines += ["", "Attribution guard: " + ", ".join(notes) + " (details: --json)"]
    return "\n".join(lines)

"""``newsqa eval``: run the attribution eval suite, diff two reports, print the dataset schema, score PolNeAR.

newsqa eval [DATASET] [--answers FILE] [--notation generic|newsqa|FILE.json] [--report report.html]
            [--markdown FILE] [--out FILE.json] [--json] [--fail-under METRIC=VALUE ...] [--limit N]
            [--corpus DIR] [--home DIR] [--save-answers FILE.jsonl]
newsqa eval diff A.json B.json [--json]
newsqa eval schema
newsqa eval polnear DIR [--json] [--out FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from app.settings import Settings
from indexing.errors import BadInputError, ConfigurationError

__all__ = ["register"]

_FORMS = """forms:
  newsqa eval [DATASET]                 run newsqa on a dataset (default: the bundled sample set)
  newsqa eval DATASET --answers FILE    score another system's answers: newsqa's JSONL, or LangChain / LlamaIndex /
                                        OpenAI dumps (JSON or JSONL; see docs/eval.md)
  newsqa eval diff A.json B.json        what got better or worse between two --out reports
  newsqa eval schema                    print the dataset JSON Schema
  newsqa eval polnear DIR               attribution spans vs PolNeAR-format annotation

notation: how answers write citations and hedged / anonymous marks
  generic (default)  newsqa's [n], [hedged], [anonymous source]; citations as [^1], (1), 【1】, [1](url),
                     superscripts, URLs, listed titles; marks in words ("unnamed", "not named", "unconfirmed"),
                     in brackets or parentheses ("(anonymous source)", "(hedged: 'may')"), footnotes, emphasis
  newsqa             newsqa's own notation only
  FILE.json          extra patterns over a base notation (docs/eval.md)

gates (repeatable): --fail-under attribution_kept=0.95 --fail-under attribution_laundering=0.05
  metric=value is a floor, or a ceiling for metrics where lower is better; exit 1 names the misses.
  crag_score ranges over [-1, 1] (+1 right, 0 refused or missed, -1 wrong): --fail-under crag_score=0.5"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score answers for kept attributions, hedges, anonymous marks, citations and refusals",
        description="The attribution eval suite: runs newsqa (or reads another system's answers) on a dataset and reports.",
        epilog=_FORMS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "target", nargs="?", metavar="DATASET", help="dataset JSON file, or one of: diff, schema, polnear"
    )
    parser.add_argument(
        "extra", nargs="*", metavar="FILE", help="the reports of `eval diff`, the folder of `eval polnear`"
    )
    parser.add_argument(
        "--answers",
        metavar="FILE",
        help="score these answers instead of running newsqa (JSONL or JSON; newsqa, LangChain, LlamaIndex or OpenAI shapes)",
    )
    parser.add_argument(
        "--notation",
        metavar="NOTATION",
        default="generic",
        help="how the answers write citations and marks: generic (default), newsqa, or a JSON file of patterns",
    )
    parser.add_argument("--report", metavar="FILE.html", help="write the self-contained HTML report")
    parser.add_argument("--markdown", metavar="FILE.md", help="write the Markdown summary")
    parser.add_argument("--out", metavar="FILE.json", help="write the full JSON report (input of `eval diff`)")
    parser.add_argument(
        "--save-answers",
        metavar="FILE.jsonl",
        help="also write newsqa's answers as JSONL (re-score later with --answers)",
    )
    parser.add_argument("--json", action="store_true", help="print metrics as JSON on stdout")
    parser.add_argument(
        "--fail-under", action="append", default=[], metavar="METRIC=VALUE", help="exit 1 when METRIC misses VALUE"
    )
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N cases (or PolNeAR articles)")
    parser.add_argument(
        "--corpus",
        metavar="DIR",
        default=os.environ.get("NEWSQA_EVAL_CORPUS") or None,
        help="corpus folder to ingest, or with --answers where citations without text are looked up "
        "(default: the dataset's `corpus`; env NEWSQA_EVAL_CORPUS)",
    )
    parser.add_argument(
        "--home",
        default=argparse.SUPPRESS,
        help="use and keep the store in this folder (default: a temporary store, deleted after the run)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    parser.set_defaults(func=run)


def _write(path: str, text: str) -> None:
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInputError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _expect_files(args: argparse.Namespace, n: int, usage: str) -> list[str]:
    if len(args.extra) != n:
        raise BadInputError(f"usage: {usage}")
    return list(args.extra)


def _schema(args: argparse.Namespace) -> int:
    from eval.datasets import dataset_json_schema

    _expect_files(args, 0, "newsqa eval schema")
    text = json.dumps(dataset_json_schema(), indent=2, ensure_ascii=False)
    if args.out:
        _write(args.out, text + "\n")
    else:
        print(text)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from eval.diff import diff_reports, render_diff
    from eval.results import load_report

    first, second = _expect_files(args, 2, "newsqa eval diff A.json B.json")
    diff = diff_reports(load_report(first), load_report(second), before_name=first, after_name=second)
    if args.out:
        _write(args.out, diff.model_dump_json(indent=2) + "\n")
    print(diff.model_dump_json(indent=2) if args.json else render_diff(diff))
    return 0


def _polnear(args: argparse.Namespace, settings: Settings) -> int:
    (folder,) = _expect_files(args, 1, "newsqa eval polnear DIR")
    if not Path(folder).is_dir():
        raise BadInputError(f"{folder}: no such folder (expected PolNeAR's text/ and attributions/ inside)")
    try:
        from eval import polnear
    except ModuleNotFoundError as exc:
        if exc.name == "eval.polnear":
            raise ConfigurationError(
                "PolNeAR scoring is not available in this build (eval/polnear.py is missing)"
            ) from exc
        raise
    kwargs: dict[str, Any] = {"progress": not args.no_progress, "settings": settings.attribution_settings}
    if args.limit is not None:
        kwargs["limit"] = args.limit
    report = polnear.score_polnear(Path(folder), **kwargs)
    if args.out:
        _write(args.out, report.model_dump_json(indent=2) + "\n")
    print(report.model_dump_json(indent=2) if args.json else polnear.render_text(report))
    return 0


def _summary_json(report: Any) -> str:
    counts = {"pass": 0, "fail": 0, "error": 0}
    for case in report.cases:
        counts[case.status] += 1
    return json.dumps(
        {
            "dataset": report.dataset,
            "system": report.system,
            "cases": len(report.cases),
            "passed": counts["pass"],
            "failed": counts["fail"],
            "errors": counts["error"],
            "notation": report.notation,
            "crag_score": report.value("crag_score"),
            "refusal_accuracy": report.value("refusal_accuracy"),
            "metrics": {name: metric.value for name, metric in report.metrics.items()},
        },
        indent=2,
    )


def _evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from eval.answers import read_answers
    from eval.corpus import CorpusIndex
    from eval.datasets import load_dataset
    from eval.notation import load_notation
    from eval.report import render_html, render_markdown, render_text
    from eval.results import check_gates, parse_gate
    from eval.runner import (
        build_judge,
        bundled_dataset,
        evaluate,
        find_support_labels,
        resolve_corpus,
        run_newsqa,
    )

    if args.extra:
        raise BadInputError(f"unexpected argument(s): {' '.join(args.extra)} (one dataset per run)")
    if args.limit is not None and args.limit < 1:
        raise BadInputError("--limit must be at least 1")
    gates = [parse_gate(g) for g in args.fail_under]  # bad gates fail before any work
    notation = load_notation(args.notation)
    dataset_path = Path(args.target) if args.target else bundled_dataset()
    dataset = load_dataset(dataset_path)
    cases = dataset.cases[: args.limit] if args.limit else dataset.cases
    progress = not args.no_progress
    notes: list[str] = []
    started = time.perf_counter()
    if args.answers:
        if args.save_answers:
            raise BadInputError("--save-answers saves newsqa's answers; it cannot be combined with --answers")
        counted: dict[str, list[str]] = {}
        for case in dataset.cases:
            counted.setdefault(case.question, []).append(case.id)
        questions = {q: ids[0] for q, ids in counted.items() if len(ids) == 1}  # a repeated question names no case
        answers = read_answers(args.answers, questions)
        system = Path(args.answers).name
        summary: dict[str, Any] = {"answers": str(args.answers), "notation": notation.name}
        try:
            found = resolve_corpus(dataset, dataset_path, args.corpus)
        except BadInputError as exc:
            found = None
            notes.append(f"citations without text cannot be looked up: {exc}")
        corpus_index = CorpusIndex.load(found) if found else None
    else:
        temporary = getattr(args, "home", None) is None
        corpus = resolve_corpus(dataset, dataset_path, args.corpus)
        if corpus is None and temporary:
            raise BadInputError(
                f"{dataset_path}: the dataset names no corpus; pass --corpus DIR (or --home DIR with the corpus already ingested)"
            )
        answers = run_newsqa(
            dataset, settings, corpus=corpus, cases=cases, temporary_home=temporary, progress=progress, notes=notes
        )
        if args.save_answers:
            _write(args.save_answers, "".join(a.model_dump_json(exclude_none=True) + "\n" for a in answers.values()))
        system = "newsqa"
        corpus_index = None
        summary = {
            "llm": settings.llm,
            "top_k": settings.top_k,
            "embed_model": settings.embed_model or "all-MiniLM-L6-v2 (packaged)",
            "store": "temporary" if temporary else str(settings.home),
            "corpus": str(corpus) if corpus else None,
        }
    judge, support_name = build_judge(settings, notation=notation, corpus=corpus_index)
    report = evaluate(
        dataset,
        answers,
        judge=judge,
        system=system,
        cases=cases,
        dataset_path=dataset_path,
        support_name=support_name,
        settings_summary=summary,
        notes=notes,
        progress=progress,
        labels=find_support_labels(),
    )
    report.duration_s = round(time.perf_counter() - started, 2)
    if args.out:
        _write(args.out, report.model_dump_json(indent=2) + "\n")
    if args.markdown:
        _write(args.markdown, render_markdown(report, gates))
    if args.report:
        _write(args.report, render_html(report, gates))
    print(_summary_json(report) if args.json else render_text(report, gates))
    missed = check_gates(report, gates)
    if missed:
        print("newsqa: eval below threshold: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.target == "schema":
        return _schema(args)
    if args.target == "diff":
        return _diff(args)
    if args.target == "polnear":
        return _polnear(args, settings)
    return _evaluate(args, settings)

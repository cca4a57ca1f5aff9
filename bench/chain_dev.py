"""Answer-chain figures on the development questions (tests/fixtures/chain/*.json).

    python bench/chain_dev.py [--home DIR] [--dataset FILE ...] [--bbc DIR] [--bbc-extra N] [-v] [--json FILE]

Default datasets (all written for development, none is the bundled eval set):

- ``tests/fixtures/chain/dev_questions.json``: answerable questions with the
  claims a correct answer keeps, and off-topic unanswerable ones (corpus/sample);
- ``tests/fixtures/chain/near_miss_sample.json``: near-miss unanswerable
  questions (a covered story, a fact it does not give) and answerable controls
  over the same articles (corpus/sample);
- ``tests/fixtures/chain/near_miss_bbc.json``: the same over BBC News
  (``--bbc``, default ``../shared/data/bbc``; skipped when absent).

A dataset without a corpus (the BBC one) is asked over a *subset* of the BBC
folder, copied under DIR: every article its cases and ``eval/data/bbc_dev.json``
name, plus ``--bbc-extra`` others drawn with a fixed seed as distractors
(the whole folder takes ~10 min to ingest on a quiet machine; ``--bbc-extra -1``
uses it all). Each corpus is ingested into its own store under DIR
(incremental: a second run reuses it). Every case is asked with the configured
composer, scored with the eval suite (eval.metrics), and the figures the answer
chain is held to are printed per dataset: attribution kept, hedge marked,
anonymous marked, refusals, latency.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.settings import Settings
from eval.datasets import EvalDataset, load_dataset
from eval.runner import build_judge, evaluate, resolve_corpus, run_newsqa

FIXTURES = ROOT / "tests" / "fixtures" / "chain"
DEFAULT_DATASETS = [
    FIXTURES / "dev_questions.json",
    FIXTURES / "near_miss_sample.json",
    FIXTURES / "near_miss_bbc.json",
]
WANTED = [
    "attribution_kept",
    "hedge_marked",
    "anonymous_marked",
    "unanswerable_refused",
    "false_refusal",
    "quote_fidelity",
    "citation_support",
]
_BBC_PATH = re.compile(r"\b(?:business|entertainment|politics|sport|tech)/\d{3}\.txt\b")


def bbc_subset(dataset: EvalDataset, bbc: Path, target: Path, extra: int) -> Path:
    """A folder of copies from ``bbc``: the articles the dataset (and bbc_dev.json) names, plus ``extra`` seeded others.

    Copies, not symlinks: the loader names an article by its path under the
    corpus root after resolving links, so symlinked files would all be named by
    their bare file name and ``business/113`` would collide with ``tech/113``.
    The copies live under ``--home`` (outside the repository), like the store.
    """
    named: set[str] = set()
    for ds in (dataset, load_dataset(ROOT / "eval" / "data" / "bbc_dev.json")):
        for case in ds.cases:
            named.update(e.path for e in case.evidence if e.path)
            named.update(e.evidence.path for e in case.expected_claims if e.evidence and e.evidence.path)
            named.update(_BBC_PATH.findall(case.note))
    everything = sorted(str(p.relative_to(bbc)) for p in bbc.glob("*/*.txt"))
    others = [p for p in everything if p not in named]
    chosen = set(named) | set(others if extra < 0 else random.Random(4).sample(others, min(extra, len(others))))
    for rel in sorted(chosen):
        copy = target / rel
        if copy.exists() or not (bbc / rel).exists():
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bbc / rel, copy)
    return target


def run_one(path: Path, args: argparse.Namespace) -> dict[str, dict]:
    from app.service import NewsQA

    dataset = load_dataset(path)
    if dataset.corpus is None:
        if not args.bbc.is_dir():
            print(f"{path.name}: skipped ({args.bbc} is absent)")
            return {}
        home = args.home / "bbc"
        corpus = bbc_subset(dataset, args.bbc, home / "corpus", args.bbc_extra)
    else:
        home = args.home / "sample"
        corpus = resolve_corpus(dataset, path, None)
    settings = Settings(home=home)
    qa = NewsQA(settings)
    try:
        answers = run_newsqa(dataset, settings, corpus=corpus, qa=qa)
        judge, name = build_judge(settings, embedder=qa.embedder)
        report = evaluate(dataset, answers, judge=judge, system="newsqa", support_name=name)
    finally:
        qa.close()
    print(f"\n== {path.name} ({len(dataset.cases)} cases, corpus {corpus})")
    if args.verbose:
        for case in dataset.cases:
            a = answers[case.id]
            print(
                f"[{case.id}] answerable={case.answerable} refused={a.refused} {a.latency_ms} ms\n  Q: {case.question}\n  A: {a.answer}\n"
            )
    figures: dict[str, dict] = {}
    for key in sorted(report.metrics):
        m = report.metrics[key]
        figures[key] = {"value": m.value, "hit": m.hit, "total": m.total}
        flag = "*" if any(w in key for w in WANTED) else " "
        print(f"{flag} {key:32s} {m.value if m.value is None else round(m.value, 3)!s:>6}  ({m.hit:g}/{m.total:g})")
    latencies = [a.latency_ms for a in answers.values() if a.latency_ms]
    if latencies:
        print(f"  latency p50 {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms (n={len(latencies)})")
    failures = [(r.id, f) for r in report.cases for f in r.failures]
    if failures and args.verbose:
        print("\nfailures:")
        for case_id, f in failures:
            print(f"  {case_id}: {f.metric}: {f.message}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=Path("/tmp/newsqa-chain-dev"))
    parser.add_argument(
        "--dataset", type=Path, action="append", help="a dataset file (repeatable; default: the three dev sets)"
    )
    parser.add_argument("--bbc", type=Path, default=ROOT.parent / "shared" / "data" / "bbc", help="the BBC News folder")
    parser.add_argument(
        "--bbc-extra", type=int, default=300, help="distractor BBC articles besides the named ones (-1: all)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures per dataset as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every answer")
    args = parser.parse_args()
    results = {}
    for path in args.dataset or DEFAULT_DATASETS:
        figures = run_one(path, args)
        if figures:
            results[path.name] = figures
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

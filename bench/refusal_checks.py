"""Which near-miss checks earn their false refusals? Each check measured alone, on every question set.

    python bench/refusal_checks.py [--home DIR] [--dataset FILE ...] [--bbc DIR] [--bbc-extra N] [--json FILE] [--reuse] [-v]

Every case is asked once through the real chain (extractive composer, stores
as ``bench/chain_dev.py`` builds them under ``--home``); the ranked passages
and the answerability each question reached the composer with are recorded,
then ``app.composers.answerable.decide`` is run again on them with different
sets of checks (no new retrieval, so the sets are compared on the same
passages). Printed per question set and over all of them:

- the answerability floor alone (``REFUSE_BELOW``; the near-miss checks off);
- each check alone on top of it: unanswerable questions it adds to the
  refusals, answerable ones it refuses (false refusals);
- every check (``NEWSQA_NEAR_MISS_CHECKS=all``) and the default set.

A check is worth shipping when what it adds is mostly unanswerable questions
on question sets its rules were not written from.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chain_dev import DEFAULT_DATASETS, bbc_subset
from eval.datasets import load_dataset
from eval.runner import resolve_corpus, run_newsqa
from indexing.settings import Settings


def record(path: Path, args: argparse.Namespace) -> list[tuple[str, bool, object]]:
    """(case id, answerable, the ComposeRequest it reached the composer with) for every case of ``path``."""
    from app.composers.extractive import ExtractiveComposer
    from app.service import NewsQA

    dataset = load_dataset(path)
    if dataset.corpus is None:
        if not args.bbc.is_dir():
            print(f"{path.name}: skipped ({args.bbc} is absent)")
            return []
        home = args.home / "bbc"
        corpus = bbc_subset(dataset, args.bbc, home / "corpus", args.bbc_extra)
    else:
        home = args.home / "sample"
        corpus = resolve_corpus(dataset, path, None)
    seen: list[object] = []
    real = ExtractiveComposer.compose

    def compose(self, request, config=None):
        seen.append(request)
        return real(self, request, config)

    ExtractiveComposer.compose = compose
    qa = NewsQA(Settings(home=home, near_miss_checks=False, llm="extractive"))
    try:
        out = []
        for case in dataset.cases:
            before = len(seen)
            run_newsqa(dataset, qa.settings, corpus=corpus if not out else None, cases=[case], qa=qa)
            if len(seen) == before + 1:
                out.append((case.id, case.answerable, seen[-1]))
            else:
                print(f"  {case.id}: no request recorded (the run failed)")
        return out
    finally:
        ExtractiveComposer.compose = real
        qa.close()


def refused(request, checks, embedder) -> tuple[bool, str]:
    from app.composers.answerable import decide
    from app.composers.base import REFUSE_BELOW

    if request.answerability < REFUSE_BELOW:
        return True, "floor"
    if not checks:
        return False, ""
    d = decide(request.standalone_question, request.passages, embedder=embedder, checks=checks)
    return (not d.answerable), d.reason


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=Path("/tmp/newsqa-chain-dev"))
    parser.add_argument("--dataset", type=Path, action="append", help="a dataset file (repeatable; default: chain_dev's sets)")
    parser.add_argument("--bbc", type=Path, default=ROOT.parent / "shared" / "data" / "bbc")
    parser.add_argument("--bbc-extra", type=int, default=300)
    parser.add_argument("--json", type=Path, help="write every case's verdict per check set")
    parser.add_argument("--reuse", action="store_true", help="reuse the passages recorded by an earlier run (under --home)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the cases each check refuses")
    args = parser.parse_args()

    from app.composers.answerable import CHECKS, DEFAULT_CHECKS
    from app.service import NewsQA

    embedder = None
    sets = {
        "floor only": (),
        **{c: (c,) for c in CHECKS},
        **{f"all - {c}": tuple(x for x in CHECKS if x != c) for c in CHECKS},
        "default": tuple(DEFAULT_CHECKS),
        "all": CHECKS,
    }
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # unans refused, unans, ans refused, ans
    dump: dict[str, dict] = {}
    for path in args.dataset or DEFAULT_DATASETS:
        saved = args.home / f"requests-{path.stem}.pickle"
        if args.reuse and saved.exists():
            cases = pickle.loads(saved.read_bytes())
        else:
            cases = record(path, args)
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_bytes(pickle.dumps(cases))
        if not cases:
            continue
        if embedder is None:
            from app.support import as_cached

            qa = NewsQA(Settings(home=args.home / "sample"))
            embedder = as_cached(qa.embedder)
        print(f"\n== {path.name}: {sum(not a for _, a, _ in cases)} unanswerable, {sum(a for _, a, _ in cases)} answerable")
        print(f"  {'checks':16s} {'unans. refused':>15s} {'false refusals':>15s}")
        for name, checks in sets.items():
            row = [0, 0, 0, 0]
            for case_id, answerable, request in cases:
                r, why = refused(request, checks, embedder)
                row[1 if not answerable else 3] += 1
                if r:
                    row[0 if not answerable else 2] += 1
                    if args.verbose and name in CHECKS and why != "floor":
                        print(f"    [{name}] {'FALSE ' if answerable else ''}{case_id}: {why}")
                dump.setdefault(path.name, {}).setdefault(case_id, {"answerable": answerable})[name] = [r, why]
            for i in range(4):
                totals[name][i] += row[i]
            print(f"  {name:16s} {row[0]:>7d}/{row[1]:<7d} {row[2]:>7d}/{row[3]:<7d}")
    print("\n== all sets")
    for name, row in totals.items():
        print(f"  {name:16s} {row[0]:>7d}/{row[1]:<7d} {row[2]:>7d}/{row[3]:<7d}")
    if args.json:
        args.json.write_text(json.dumps(dump, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

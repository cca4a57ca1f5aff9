"""Answer-chain figures on the development questions (tests/fixtures/chain/dev_questions.json).

    python bench/chain_dev.py [--home DIR] [--dataset FILE] [-v]

Ingests the dataset's corpus into DIR (incremental: a second run reuses it),
asks every case with the configured composer, scores the answers with the
eval suite (eval.metrics) and prints the figures the answer chain is held to:
attribution kept, hedge marked, anonymous marked, refusals, latency.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.datasets import load_dataset
from eval.runner import build_judge, evaluate, resolve_corpus, run_newsqa
from indexing.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", default="/tmp/newsqa-chain-dev")
    parser.add_argument("--dataset", default=str(ROOT / "tests/fixtures/chain/dev_questions.json"))
    parser.add_argument("-v", "--verbose", action="store_true", help="print every answer")
    args = parser.parse_args()
    from app.service import NewsQA

    dataset_path = Path(args.dataset)
    dataset = load_dataset(dataset_path)
    settings = Settings(home=Path(args.home))
    qa = NewsQA(settings)
    corpus = resolve_corpus(dataset, dataset_path, None)
    answers = run_newsqa(dataset, settings, corpus=corpus, qa=qa)
    judge, name = build_judge(settings, embedder=qa.embedder)
    report = evaluate(dataset, answers, judge=judge, system="newsqa", support_name=name)
    if args.verbose:
        for case in dataset.cases:
            a = answers[case.id]
            print(f"[{case.id}] answerable={case.answerable} refused={a.refused} {a.latency_ms} ms\n  Q: {case.question}\n  A: {a.answer}\n")
    wanted = ["attribution_kept", "hedge_marked", "anonymous_marked", "unanswerable_refused", "false_refusal", "quote_fidelity", "citation_support"]
    metrics = {k: v for k, v in report.metrics.items()}
    for key in sorted(metrics):
        m = metrics[key]
        flag = "*" if any(w in key for w in wanted) else " "
        print(f"{flag} {key:32s} {m.value if m.value is None else round(m.value, 3)!s:>6}  ({m.hit:g}/{m.total:g})")
    latencies = [a.latency_ms for a in answers.values() if a.latency_ms]
    if latencies:
        print(f"  latency p50 {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms (n={len(latencies)})")
    failures = [(r.id, f) for r in report.cases for f in r.failures]
    if failures and args.verbose:
        print("\nfailures:")
        for case_id, f in failures:
            print(f"  {case_id}: {f.metric}: {f.message}")
    qa.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

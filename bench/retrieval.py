"""Retrieval quality on the BBC development questions: hybrid (dense + BM25, RRF) against dense-only.

    python bench/ingest_vs_naive.py ../shared/data/bbc --keep /tmp/bbc-home   # or: newsqa --home /tmp/bbc-home ingest ../shared/data/bbc
    python bench/retrieval.py --home /tmp/bbc-home

Hits@k: share of answerable questions with a gold-evidence passage among the first k
results (a hit is a retrieved passage of the gold article covering >= 50 % of the gold span,
``eval.retrieval_metrics.evidence_hit``, MultiHop-RAG's definition). MRR@10: mean reciprocal rank of
the first hit within 10 (0 when none).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.answers import RetrievedPassage
from eval.datasets import load_dataset
from eval.retrieval_metrics import evidence_hit


def score(searcher, cases, mode: str, ks=(1, 4, 10)) -> dict:
    hits = {k: 0 for k in ks}
    reciprocal = 0.0
    misses = []
    for case in cases:
        results = searcher.search(case.question, k=10, mode=mode)
        first = None
        for rank, r in enumerate(results, start=1):
            passage = RetrievedPassage(
                text=r.text, source_path=r.source_path, article_id=r.article_id, start=r.start, end=r.end
            )
            if any(evidence_hit(ev, passage) for ev in case.evidence):
                first = rank
                break
        if first is not None:
            reciprocal += 1.0 / first
            for k in ks:
                hits[k] += first <= k
        if first is None or first > 4:
            misses.append(case.id)
    n = len(cases)
    return {
        **{f"hits@{k}": round(hits[k] / n, 3) for k in ks},
        "mrr@10": round(reciprocal / n, 3),
        "questions": n,
        "missed_top4": misses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True, help="NEWSQA_HOME holding the ingested BBC corpus")
    parser.add_argument("--dataset", type=Path, default=ROOT / "eval" / "data" / "bbc_dev.json")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "retrieval.json")
    args = parser.parse_args()
    from app.service import NewsQA
    from app.settings import Settings

    dataset = load_dataset(args.dataset)
    cases = [c for c in dataset.cases if c.answerable and c.evidence]
    qa = NewsQA(Settings(home=args.home))
    if not qa.stats().get("articles"):
        print(f"no articles in {args.home}: ingest ../shared/data/bbc first (skipping)")
        return 0
    out = {mode: score(qa.searcher, cases, mode) for mode in ("hybrid", "dense", "lexical")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    for mode, figures in out.items():
        print(
            f"{mode:8s} hits@1 {figures['hits@1']:.3f}  hits@4 {figures['hits@4']:.3f}  hits@10 {figures['hits@10']:.3f}  mrr@10 {figures['mrr@10']:.3f}  (n={figures['questions']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

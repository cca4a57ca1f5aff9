"""Warm latency of `search` and `ask` on an ingested store (the BBC corpus for the issue's targets).

    python bench/latency.py --home /tmp/bbc-home [--rounds 3]

Questions come from the BBC development set (answerable and unanswerable). Each is asked once
to warm up, then timed ``--rounds`` times; p50/p95 over all timings. Targets: search p50 <= 30 ms,
ask p50 <= 60 ms (extractive composer).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.datasets import load_dataset


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, questions, rounds: int) -> list[float]:
    for q in questions:
        fn(q)  # warm-up: caches, lazy imports, BM25 load
    samples = []
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter()
            fn(q)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, default=ROOT / "eval" / "data" / "bbc_dev.json")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latency.json")
    args = parser.parse_args()
    from app.service import NewsQA
    from app.settings import Settings

    qa = NewsQA(Settings(home=args.home))
    stats = qa.stats()
    if not stats.get("articles"):
        print(f"no articles in {args.home} (skipping)")
        return 0
    questions = [c.question for c in load_dataset(args.dataset).cases]
    out = {"articles": stats.get("articles"), "chunks": stats.get("chunks"), "questions": len(questions)}
    for name, fn in (("search", lambda q: qa.search(q, k=10)), ("ask", lambda q: qa.ask(q))):
        samples = timed(fn, questions, args.rounds)
        out[name] = {
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
            "mean_ms": round(statistics.fmean(samples), 1),
            "n": len(samples),
        }
        print(f"{name:6s} p50 {out[name]['p50_ms']:.1f} ms  p95 {out[name]['p95_ms']:.1f} ms  (n={len(samples)})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The reader alone, on the analyst questions: does its best candidate hold the gold evidence, and where to refuse.

    python bench/reader_calibrate.py --home BBC_STORE [--split calibrate] [--delta FILE] [--json FILE]

For each question of the split, the chain's candidates (:func:`app.read.reader.reader_candidates`)
are scored by the reader. Printed:

- ``gold_in_candidates``: answerable questions whose gold evidence is among the candidates (the ceiling);
- ``top1_reader`` / ``top1_ranking``: the best candidate holds the gold evidence, by the reader's
  score / by the chain's ranking without the reader (``relevance``);
- with ``--time``: the reader's time per question (12 candidates, no score cache), int8 and
  fp32 one after the other on the same pairs, and their ratio;
- the refusal trade-off: for each threshold on the best score, unanswerable refused and false
  refusals, and the CRAG-style score of answering with the best candidate (+1 gold, 0 refused, -1 else).

The thresholds shipped in ``app/read/reader.py`` (``ANSWER_AT``, ``ADD_AT``) are chosen here on the
``calibrate`` split: the highest refusal with false refusals <= 0.05. The trade-off printed is one threshold
for every question; ``ANSWER_AT_TYPED`` (questions asking for a figure or a time) was chosen on whole answers
(``bench/reader_questions.py``, docs/answers.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.questions import DEFAULT_BBC, DEFAULT_QUESTIONS, gold_overlap, load_questions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--bbc", type=Path, default=DEFAULT_BBC)
    parser.add_argument("--split", default="calibrate", choices=("train", "calibrate", "heldout", "all"))
    parser.add_argument("--delta", type=Path, help="a reader delta (default: the shipped one)")
    parser.add_argument(
        "--precision",
        choices=("int8", "fp32"),
        default="int8",
        help="the reader's ONNX weights (default: int8, as shipped)",
    )
    parser.add_argument(
        "--time",
        action="store_true",
        help="also time the reader per question, int8 against fp32, in this process (no score cache)",
    )
    parser.add_argument("--weights", help="a,b,c,d of the combined score (default: app.read.reader.COMBINE)")
    parser.add_argument(
        "--fit", action="store_true", help="fit a,b,c,d by logistic regression on this split's candidates"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    questions = [q for q in load_questions(args.questions, args.bbc) if args.split == "all" or q.split == args.split]
    if not questions:
        print(f"skipped: no questions in {args.questions}")
        return 0
    from app.read.reader import (
        COMBINE,
        DEFAULT_DELTA,
        AnswerReader,
        asked_kind,
        passage_context,
        read,
        reader_candidates,
        shared_reader,
        typed_match,
    )
    from app.service import NewsQA
    from app.settings import Settings

    weights = tuple(float(x) for x in args.weights.split(",")) if args.weights else COMBINE
    settings = Settings(home=args.home)
    reader = shared_reader(settings.model_cache_dir, args.delta or DEFAULT_DELTA, args.precision)
    qa = NewsQA(settings)
    rows = []
    timings: dict[str, list[float]] = {"int8": [], "fp32": []}
    timed = (
        {
            p: AnswerReader(settings.model_cache_dir, args.delta or DEFAULT_DELTA, precision=p, cache_size=0)
            for p in timings
        }
        if args.time
        else {}
    )
    try:
        for q in questions:
            candidates = reader_candidates(qa, q.question)
            contexts = [passage_context(p) for p in candidates]
            for name, other in timed.items():  # the same pairs, one reader after the other
                if contexts:
                    start = time.perf_counter()
                    other.score(q.question, contexts)
                    timings[name].append((time.perf_counter() - start) * 1000)
            raw = (
                {id(p): float(s) for p, s in zip(candidates, reader.score(q.question, contexts), strict=True)}
                if candidates
                else {}
            )
            reading = read(reader, q.question, candidates, weights=weights)
            gold = [gold_overlap(q, p.result.source_path, p.start, p.end) >= 0 for p in candidates]
            best = reading.best_passage
            rows.append(
                {
                    "id": q.id,
                    "kind": q.kind,
                    "answerable": q.answerable,
                    "best": round(reading.best, 4),
                    "gold_in_candidates": any(gold),
                    "top1_reader": best is not None
                    and gold_overlap(q, best.result.source_path, best.start, best.end) >= 0,
                    "top1_ranking": bool(gold) and gold[0],
                    "gold_scores": [
                        round(float(p.reading or 0), 3) for p, g in zip(candidates, gold, strict=True) if g
                    ],
                    "candidates": [
                        {
                            "reading": round(float(p.reading or 0), 4),
                            "raw": round(float(raw.get(id(p), 0.0)), 5),
                            "relevance": round(p.relevance, 4),
                            "similarity": round(p.similarity, 4),
                            "overlap": round(p.overlap, 4),
                            "rank": i,
                            "typed": typed_match(asked_kind(q.question), p.text, q.question),
                            "chunk_rank": p.result.rank,
                            "gold": g,
                            "attributed": any(c.attributed for c in p.claims),
                            "article": p.article_id,
                        }
                        for i, (p, g) in enumerate(zip(candidates, gold, strict=True))
                    ],
                }
            )
    finally:
        qa.close()
    if args.fit:
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        xs, ys = [], []
        for r in rows:
            for c in r["candidates"]:
                p = min(max(c["raw"], 1e-6), 1 - 1e-6)
                xs.append([np.log(p / (1 - p)), c["relevance"], c["typed"]])
                ys.append(int(c["gold"]))
        model = LogisticRegression(C=1.0).fit(np.asarray(xs), np.asarray(ys))
        fitted = (
            round(float(model.coef_[0][0]), 3),
            round(float(model.coef_[0][1]), 3),
            round(float(model.intercept_[0]), 3),
            round(float(model.coef_[0][2]), 3),
        )
        print(f"fitted COMBINE = {fitted} (rerun with --weights {','.join(map(str, fitted))} for its curve)")
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    n = max(1, len(answerable))
    summary = {
        "split": args.split,
        "questions": len(rows),
        "gold_in_candidates": round(sum(r["gold_in_candidates"] for r in answerable) / n, 3),
        "top1_reader": round(sum(r["top1_reader"] for r in answerable) / n, 3),
        "top1_ranking": round(sum(r["top1_ranking"] for r in answerable) / n, 3),
    }
    curve = []
    for t in [x / 100 for x in range(5, 100, 5)]:
        refused = sum(r["best"] < t for r in unanswerable) / max(1, len(unanswerable))
        false = sum(r["best"] < t for r in answerable) / n
        crag = [
            (0 if r["best"] < t else (1 if r["top1_reader"] else -1))
            if r["answerable"]
            else (0 if r["best"] < t else -1)
            for r in rows
        ]
        curve.append(
            {
                "threshold": t,
                "unanswerable_refused": round(refused, 3),
                "false_refusals": round(false, 3),
                "crag": round(sum(crag) / len(crag), 3),
            }
        )
    ok = [c for c in curve if c["false_refusals"] <= 0.05]
    summary["operating_point"] = max(ok, key=lambda c: c["unanswerable_refused"]) if ok else None
    if timed and timings["fp32"]:
        summary["reader_ms_p50"] = {k: round(statistics.median(v), 1) for k, v in timings.items()}
        summary["reader_time_int8_over_fp32"] = round(
            statistics.median(timings["int8"]) / statistics.median(timings["fp32"]), 3
        )
    print(json.dumps(summary, indent=2))
    for c in curve:
        print(
            f"  t={c['threshold']:.2f}  refused {c['unanswerable_refused']:.2f}  false {c['false_refusals']:.2f}  crag {c['crag']:+.2f}"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "curve": curve, "rows": rows}, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

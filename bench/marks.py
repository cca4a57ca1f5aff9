"""Marks in answers over BBC News: precision and recall of ``[anonymous source]`` and ``[hedged]``.

    python bench/marks.py [--bbc ../shared/data/bbc] [--labels tests/fixtures/attribution/bbc_marks.jsonl]
                          [--split tune|untuned|all] [--show-errors] [--json]

The labels (``tests/fixtures/attribution/bbc_marks.jsonl``) are one line per sentence of 41 BBC articles:
the article's path under the BBC folder, the character offsets of the sentence, and whether an answer quoting
that sentence's claim must carry ``[anonymous source]`` and ``[hedged]`` (labelled by hand from reading the
articles, no text copied; ``split`` "tune" was used while changing the engine, "untuned" never was).
Conventions are in docs/attribution.md ("Marks in answers").

The engine reads each article whole (as ingest does); a sentence's predicted marks are those the answer
notation gives its claims (``app.marks.marks_for``): ``[anonymous source]`` when a claim whose content
overlaps the sentence is anonymous, ``[hedged]`` when a claim overlapping it has a hedge written inside the
sentence. Writes ``bench/results/marks.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.marks import Mark, marks_for
from indexing.attribution import analyze

LABELS = ROOT / "tests" / "fixtures" / "attribution" / "bbc_marks.jsonl"
DEFAULT_BBC = ROOT.parent / "shared" / "data" / "bbc"


def predicted_marks(text: str, claims, start: int, end: int) -> set[Mark]:
    """The marks an answer gives the claims read from ``text[start:end]``."""
    sentence = text[start:end].lower()
    out: set[Mark] = set()
    for c in claims:
        if c.start is None or c.end is None or not (c.start < end and start < c.end):
            continue
        for m in marks_for(c):
            if m is Mark.ANONYMOUS or any(h.lower() in sentence for h in c.hedges):
                out.add(m)
    return out


def score(rows: list[dict], predicted: list[set[Mark]]) -> dict:
    res = {}
    for mark, key in ((Mark.ANONYMOUS, "anonymous"), (Mark.HEDGED, "hedged")):
        tp = sum(1 for r, p in zip(rows, predicted) if r[key] and mark in p)
        fp = sum(1 for r, p in zip(rows, predicted) if not r[key] and mark in p)
        fn = sum(1 for r, p in zip(rows, predicted) if r[key] and mark not in p)
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        res[mark.text] = {
            "precision": round(prec, 3),
            "recall": round(rec, 3),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "gold": tp + fn,
            "predicted": tp + fp,
        }
    res["sentences"] = len(rows)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bbc", type=Path, default=DEFAULT_BBC)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--split", choices=["tune", "untuned", "all"], default="all")
    ap.add_argument("--show-errors", action="store_true", help="print each wrong sentence (path, offsets, marks)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.bbc.is_dir():
        print(f"error: BBC folder not found: {args.bbc}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.split != "all":
        rows = [r for r in rows if r["split"] == args.split]
    by_path: dict[str, list[int]] = defaultdict(list)
    for k, r in enumerate(rows):
        by_path[r["path"]].append(k)
    predicted: list[set[Mark]] = [set() for _ in rows]
    for path, ks in by_path.items():
        text = (args.bbc / path).read_text(encoding="utf-8", errors="replace")
        claims = analyze(text)
        for k in ks:
            predicted[k] = predicted_marks(text, claims, rows[k]["start"], rows[k]["end"])
            if args.show_errors:
                r = rows[k]
                gold = {m for m, key in ((Mark.ANONYMOUS, "anonymous"), (Mark.HEDGED, "hedged")) if r[key]}
                if gold != predicted[k]:
                    print(
                        f"{path} {r['start']}-{r['end']} [{r['split']}] gold={sorted(m.value for m in gold)} "
                        f"predicted={sorted(m.value for m in predicted[k])}"
                    )
    result = {}
    for split in ["tune", "untuned"] if args.split == "all" else [args.split]:
        idx = [k for k, r in enumerate(rows) if r["split"] == split]
        result[split] = score([rows[k] for k in idx], [predicted[k] for k in idx])
    if args.split == "all":
        result["all"] = score(rows, predicted)
    out = ROOT / "bench" / "results" / "marks.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for split, res in result.items():
            print(f"{split}: {res['sentences']} sentences")
            for mark in (Mark.ANONYMOUS.text, Mark.HEDGED.text):
                s = res[mark]
                print(
                    f"  {mark:20s} P {s['precision']:.3f}  R {s['recall']:.3f}  (gold {s['gold']}, predicted "
                    f"{s['predicted']}, tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Marks in answers over BBC News: precision and recall of ``[anonymous source]`` and ``[hedged]``.

    python bench/marks.py [--bbc ../shared/data/bbc] [--labels tests/fixtures/attribution/bbc_marks.jsonl]
                          [--split tune|untuned|tune2|tune3|untuned3|never-tuned|all] [--show-errors] [--json]
    python bench/marks.py --draw 85     # the tune2, tune3 and untuned3 articles, in the order they were drawn

The labels (``tests/fixtures/attribution/bbc_marks.jsonl``) are one line per sentence of 126 BBC articles:
the article's path under the BBC folder, the character offsets of the sentence, and whether an answer quoting
that sentence's claim must carry ``[anonymous source]`` and ``[hedged]`` (labelled by hand from reading the
articles, no text copied). ``split`` "tune", "tune2" and "tune3" are used while changing the engine; "untuned"
and "untuned3" never are ("never-tuned" scores the two together). The draw (``--draw``) orders the articles
outside tune and untuned: of its first 47, pairs 0, 2, 4, ... are tune2 and pairs 1, 3, 5, ... tune3 (measured
only until its errors were used); articles 48 to 85 are untuned3, labelled before the engine was run on them.
Conventions are in docs/attribution.md ("Marks in answers").

The engine reads each article whole (as ingest does); a sentence's predicted marks are those the answer
notation gives its claims (``app.compose.marks.marks_for``): ``[anonymous source]`` when a claim whose content
overlaps the sentence is anonymous, ``[hedged]`` when a claim overlapping it has a hedge written inside the
sentence. Writes ``bench/results/marks.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.compose.marks import Mark, marks_for
from indexing.claims import analyze

LABELS = ROOT / "tests" / "fixtures" / "attribution" / "bbc_marks.jsonl"
DEFAULT_BBC = ROOT.parent / "shared" / "data" / "bbc"
SPLITS = ["tune", "untuned", "tune2", "tune3", "untuned3"]
NEVER_TUNED = ["untuned", "untuned3"]

# The draw of tune2, tune3 and untuned3: seed, and the anonymous-source phrasings an article must hold to be in the second pool.
DRAW_SEED = 16
ANON_PHRASING = re.compile(
    r"\b(analysts?|sources?|officials?|experts?|observers|insiders|critics|a spokes(?:man|woman|person)|police|"
    r"diplomats|economists|it is (?:understood|thought|believed|estimated))\b[^.]{0,40}?\b(said|say|says|believe|"
    r"believes|think|thinks|suggest|suggests|warned|warn|told|reported)\b|\bit is (?:understood|believed|estimated)\b|"
    r"\b(?:said|told|according to) (?:analysts|sources|officials|experts|insiders|observers)\b",
    re.IGNORECASE,
)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}


def draw_order(bbc: Path, rows: list[dict]) -> list[tuple[str, str]]:
    """The draw order of tune2, tune3 and untuned3: (path, "anonymous phrasing" | "random"), alternating between the two pools.

    Candidates are the BBC articles not in the tune and untuned splits (sorted paths). One pool is all of them,
    the other those matching ``ANON_PHRASING``; each is shuffled with ``random.Random(DRAW_SEED)``. An article
    already taken, byte-identical to one in the file or taken, or sharing more than half its 8-word shingles
    with one of those (the corpus holds near-copies of some stories) is passed over.
    """
    have = {r["path"] for r in rows if r["split"] in ("tune", "untuned")}
    paths = sorted(str(p.relative_to(bbc)) for p in bbc.glob("*/*.txt"))
    paths = [p for p in paths if p not in have]
    texts = {p: (bbc / p).read_text(encoding="utf-8", errors="replace") for p in paths}
    anon = [p for p in paths if ANON_PHRASING.search(texts[p])]
    shuffled_all, shuffled_anon = paths[:], anon[:]
    random.Random(DRAW_SEED).shuffle(shuffled_all)
    random.Random(DRAW_SEED).shuffle(shuffled_anon)
    seen = [(bbc / p).read_bytes() for p in sorted(have)]
    digests = {hashlib.sha1(b).hexdigest() for b in seen}
    kept = [_shingles(b.decode("utf-8", errors="replace")) for b in seen]
    order: list[tuple[str, str]] = []
    for pair in zip(shuffled_anon, shuffled_all):
        for path, pool in zip(pair, ("anonymous phrasing", "random")):
            digest = hashlib.sha1((bbc / path).read_bytes()).hexdigest()
            sh = _shingles(texts[path])
            if any(path == p for p, _ in order) or digest in digests or any(len(sh & k) > len(sh) / 2 for k in kept):
                continue
            order.append((path, pool))
            digests.add(digest)
            kept.append(sh)
    return order


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
    ap.add_argument("--split", choices=[*SPLITS, "never-tuned", "all"], default="all")
    ap.add_argument("--show-errors", action="store_true", help="print each wrong sentence (path, offsets, marks)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--draw", type=int, metavar="N", help="print the first N articles of the tune2 / tune3 / untuned3 draw and stop"
    )
    args = ap.parse_args(argv)
    if not args.bbc.is_dir():
        print(f"error: BBC folder not found: {args.bbc}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.draw is not None:
        for path, pool in draw_order(args.bbc, rows)[: args.draw]:
            print(f"{path}\t{pool}")
        return 0
    if args.split != "all":
        rows = [r for r in rows if r["split"] in {"never-tuned": NEVER_TUNED}.get(args.split, [args.split])]
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
    groups = {"never-tuned": NEVER_TUNED}
    wanted = [*SPLITS, "never-tuned"] if args.split == "all" else [args.split]
    for split in wanted:
        idx = [k for k, r in enumerate(rows) if r["split"] in groups.get(split, [split])]
        if idx:
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

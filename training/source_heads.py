"""Learn which common nouns head a speaker in PolNeAR train: the nouns annotators mark as the head of a Source.

Writes ``indexing/claims/source_heads.json``: ``{"nouns": [word, ...]}``, the lower-cased forms of the
common nouns that head a gold Source span at least ``min_count`` times in train ("traders", "resident",
"campaigners"). ``sources.can_speak`` reads it to tell an unnamed person or group ("traders said") from a
thing the parse took for a speaker ("the scheme promises"). Only single lower-cased words are stored: no
article text.

    python -m training.source_heads ../shared/data/polnear/train
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from eval.polnear_data import article_pairs, load_ann

__all__ = ["learn_source_heads"]

HEADS_PATH = Path(__file__).resolve().parent.parent / "indexing" / "claims" / "source_heads.json"


def learn_source_heads(directory: Path, *, min_count: int = 2) -> list[str]:
    from indexing.text.nlp import load_nlp

    nlp = load_nlp()
    counts: Counter[str] = Counter()
    for txt, anns in article_pairs(directory):
        doc = nlp(txt.read_text(encoding="utf-8"))
        for ann in anns:
            for att in load_ann(ann):
                for a, b in att.Source or ():
                    span = doc.char_span(a, b, alignment_mode="expand")
                    if span is None or not len(span):
                        continue
                    root = span.root
                    if root.pos_ == "NOUN" and root.text.isalpha():
                        counts[root.lower_] += 1
    return sorted(w for w, n in counts.items() if n >= min_count)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("train", type=Path, help="PolNeAR train (never dev or test)")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--out", type=Path, default=HEADS_PATH)
    args = ap.parse_args(argv)
    nouns = learn_source_heads(args.train, min_count=args.min_count)
    args.out.write_text(
        json.dumps(
            {"source": "PolNeAR train, heads of gold Source spans", "min_count": args.min_count, "nouns": nouns},
            indent=0,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(nouns)} nouns -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Quoted words left in the journalist's voice: how many sentences open with a quotation mark yet come back
from the attribution engine as unattributed claims (someone's words shown as the writer's).

    python bench/quoted_voice.py [--data ../shared/data/bbc] [--every 6]

Reads every ``--every``-th BBC article by path (never copies them; 371 articles with the default), parses
them once and counts the engine's attributed claims, its unattributed ones, and the unattributed ones whose
text opens with a quotation mark. Exits 0 with a note when the data is absent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_OPENING = ('"', "\u201c")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "bbc")
    parser.add_argument("--every", type=int, default=6, help="read every N-th article, in path order (1: all)")
    args = parser.parse_args()
    if args.every < 1:
        parser.error("--every must be 1 or more")
    files = sorted(args.data.glob("*/*.txt")) if args.data.is_dir() else []
    if not files:
        print(f"no articles under {args.data}; nothing to measure")
        return 0
    files = files[:: args.every]

    from indexing.claims import analyze_doc
    from indexing.text.nlp import load_nlp

    nlp = load_nlp()
    texts = [f.read_bytes().decode("utf-8", errors="replace") for f in files]
    attributed = unattributed = quoted = 0
    for doc in nlp.pipe(texts, batch_size=32):
        for claim in analyze_doc(doc):
            if claim.attributed:
                attributed += 1
                continue
            unattributed += 1
            quoted += claim.text.lstrip().startswith(_OPENING)
    print(
        f"{len(files)} articles: {attributed} attributed claims, {unattributed} unattributed, "
        f"{quoted} unattributed claims that open with a quotation mark"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

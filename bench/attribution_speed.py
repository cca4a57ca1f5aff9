"""Speed of the attribution engine: sentences per second, analysis alone and with the spaCy parse.

    python bench/attribution_speed.py [--data ../shared/data/bbc] [--limit 300]

Reads BBC articles by path (never copies them); exits 0 with a note when the data is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "bbc")
    parser.add_argument("--limit", type=int, default=300, help="articles to read (0: all)")
    args = parser.parse_args()
    files = sorted(args.data.rglob("*.txt")) if args.data.is_dir() else []
    files = [f for f in files if f.name.lower() != "readme.txt"]
    if not files:
        print(f"no articles under {args.data}; nothing to measure")
        return 0
    if args.limit:
        files = files[:: max(1, len(files) // args.limit)][: args.limit]  # spread over the categories

    from indexing.attribution import analyze_doc
    from indexing.nlp import load_nlp

    nlp = load_nlp()
    texts = [f.read_bytes().decode("utf-8", errors="replace") for f in files]
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    t_parse = time.perf_counter() - t0
    sentences = sum(1 for d in docs for _ in d.sents)
    t0 = time.perf_counter()
    claims = sum(len(analyze_doc(d)) for d in docs)
    t_analysis = time.perf_counter() - t0
    print(f"{len(docs)} articles, {sentences} sentences, {claims} claims")
    print(f"analysis alone:       {sentences / t_analysis:8,.0f} sentences/s ({t_analysis:.2f} s)")
    print(f"parse (nlp.pipe):     {sentences / t_parse:8,.0f} sentences/s ({t_parse:.2f} s)")
    print(f"parse + analysis:     {sentences / (t_parse + t_analysis):8,.0f} sentences/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Learn the cue lexicon from PolNeAR train: which word forms annotators mark as attribution cues.

Writes ``indexing/claims/cue_lexicon.json``: ``{"verbs": {form: P(cue | form)}}`` for
word forms seen at least ``min_count`` times inside a gold Cue span, where P is the
share of the form's occurrences in train text that lie inside a Cue span. Only
single lower-cased words and two numbers each are stored: no article text.

    python -m training.polnear_lexicon ../shared/data/polnear/train
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from eval.polnear_data import article_pairs, load_ann

__all__ = ["learn_cue_lexicon"]

_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z]")
LEXICON_PATH = Path(__file__).resolve().parent.parent / "indexing" / "claims" / "cue_lexicon.json"


def learn_cue_lexicon(directory: Path, *, min_count: int = 3, min_share: float = 0.05) -> dict[str, dict[str, float]]:
    in_cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for txt, anns in article_pairs(directory):
        text = txt.read_text(encoding="utf-8")
        words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]
        weight = 1.0 / len(anns)
        for _, _, w in words:
            total[w] += 1  # type: ignore[assignment]
        for ann in anns:
            cue_chars: set[int] = set()
            for att in load_ann(ann):
                for a, b in att.Cue or ():
                    cue_chars.update(range(a, b))
            for s, _, w in words:
                if s in cue_chars:
                    in_cue[w] += weight  # type: ignore[assignment]
    verbs = {
        w: round(in_cue[w] / total[w], 3)
        for w in in_cue
        if in_cue[w] >= min_count and in_cue[w] / total[w] >= min_share
    }
    return {"verbs": dict(sorted(verbs.items()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--out", type=Path, default=LEXICON_PATH)
    args = parser.parse_args()
    lexicon = learn_cue_lexicon(args.directory)
    args.out.write_text(json.dumps(lexicon, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(lexicon['verbs'])} cue word forms -> {args.out}")


if __name__ == "__main__":
    main()

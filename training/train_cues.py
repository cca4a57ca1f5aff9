"""Train the cue detector (``indexing/claims/cue_model.json``) on PolNeAR train.

Every token of a candidate part of speech (``cuemodel.CANDIDATE_POS``) is an
example; it is positive when it is the syntactic head of a gold Cue span (the
token of the span whose parse head lies outside it). Features come from
``indexing.claims.cuemodel.token_features``; the model is an L2 logistic
regression (scikit-learn). Only feature names (words, parse labels) and
weights are written, pruned to the ``--max-features`` largest weights.

    python -m training.train_cues ../shared/data/polnear/train [--holdout 0.2] [--threshold 0.4]

``--holdout`` keeps the last share of the articles out of training and prints
token-level P/R/F1 on them at several thresholds (tune there, never on dev).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from eval.polnear_data import article_pairs, load_ann

__all__ = ["examples_of", "train"]

MODEL_PATH = Path(__file__).resolve().parent.parent / "indexing" / "claims" / "cue_model.json"


def _cue_heads(doc, ann_path: Path) -> set[int]:
    """Token indices heading a gold Cue span of one annotation file."""
    from bisect import bisect_left, bisect_right

    starts = [t.idx for t in doc]
    ends = [t.idx + len(t.text) for t in doc]
    heads: set[int] = set()
    for att in load_ann(ann_path):
        if not att.Cue:
            continue
        idx: set[int] = set()
        for a, b in att.Cue:
            idx.update(range(bisect_right(ends, a), bisect_left(starts, b)))
        idx = {i for i in idx if not doc[i].is_space}
        for i in idx:
            if doc[i].head.i not in idx or doc[i].head.i == i:
                heads.add(i)
    return heads


def examples_of(doc, heads: set[int]) -> tuple[list[list[str]], list[int]]:
    from indexing.claims.cuemodel import CANDIDATE_POS, token_features
    from indexing.claims.quotes import QuoteIndex

    quotes = QuoteIndex(doc.text)
    feats, labels = [], []
    for tok in doc:
        if tok.pos_ not in CANDIDATE_POS:
            continue
        feats.append(token_features(tok, quotes))
        labels.append(1 if tok.i in heads else 0)
    return feats, labels


def _docs(directory: Path, cache: Path | None):
    """(doc, first annotation file) per article; parses, or reads a DocBin cache written by an earlier run."""
    from spacy.tokens import DocBin

    from indexing.text.nlp import load_nlp

    pairs = article_pairs(directory)
    nlp = load_nlp()
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((p.read_text(encoding="utf-8") for p, _ in pairs), batch_size=16))
        if cache is not None:
            db = DocBin()
            for d in docs:
                db.add(d)
            db.to_disk(cache)
    return [(d, anns[0]) for d, (_, anns) in zip(docs, pairs, strict=True)]


def train(items, *, c: float = 0.5, max_features: int = 30000, min_head: int = 2, min_rate: float = 0.02):
    """Fit on (doc, ann) items; returns (weights, examples, positives, words heading a cue at least twice)."""
    from collections import Counter

    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocab: dict[str, int] = {}
    head_words: Counter[str] = Counter()
    seen_words: Counter[str] = Counter()
    rows, cols, y = [], [], []
    n = 0
    for doc, ann in items:
        feats, labels = examples_of(doc, _cue_heads(doc, ann))
        for fs, lab in zip(feats, labels, strict=True):
            for name in set(fs):
                j = vocab.setdefault(name, len(vocab))
                rows.append(n)
                cols.append(j)
            y.append(lab)
            seen_words[fs[1][2:]] += 1
            if lab:
                head_words[fs[1][2:]] += 1
            n += 1
    x = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, len(vocab)))
    model = LogisticRegression(C=c, max_iter=400, fit_intercept=False, solver="liblinear")
    model.fit(x, np.array(y))
    coef = model.coef_[0]
    names = sorted(vocab, key=lambda k: -abs(coef[vocab[k]]))[:max_features]
    weights = {k: round(float(coef[vocab[k]]), 3) for k in names if abs(coef[vocab[k]]) >= 0.01}
    weights["b"] = round(float(coef[vocab["b"]]), 3)
    return (
        weights,
        n,
        int(sum(y)),
        sorted(w for w, k in head_words.items() if k >= min_head and (k / seen_words[w] >= min_rate or w == ":")),
    )


def evaluate(weights: dict[str, float], heads: list[str], items, thresholds) -> list[tuple[float, float, float, float]]:
    """Token-level (threshold, P, R, F1) of cue-head detection on held-out (doc, ann) items."""
    from indexing.claims.cuemodel import CANDIDATE_POS, CueModel
    from indexing.claims.quotes import QuoteIndex

    scores, golds = [], []
    model = CueModel(weights, 0.5, frozenset(heads))
    for doc, ann in items:
        quotes = QuoteIndex(doc.text)
        gold_heads = _cue_heads(doc, ann)
        for tok in doc:
            if tok.pos_ in CANDIDATE_POS:
                scores.append(model.score(tok, quotes) if model.candidate(tok) else 0.0)
                golds.append(tok.i in gold_heads)
    out = []
    for th in thresholds:
        tp = sum(1 for s, g in zip(scores, golds, strict=True) if s >= th and g)
        pp = sum(1 for s in scores if s >= th)
        gg = sum(golds)
        p = tp / pp if pp else 0.0
        r = tp / gg if gg else 0.0
        out.append((th, p, r, 2 * p * r / (p + r) if p + r else 0.0))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path, help="PolNeAR train (text/ + attributions/)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--holdout", type=float, default=0.0, help="share of articles kept out to measure")
    parser.add_argument("--threshold", type=float, default=0.4, help="P(cue) from which the engine takes a cue")
    parser.add_argument("--c", type=float, default=0.5, help="inverse L2 strength")
    parser.add_argument("--max-features", type=int, default=30000)
    parser.add_argument("--min-head", type=int, default=2, help="train count from which a word is scored at all")
    parser.add_argument(
        "--min-rate",
        type=float,
        default=0.02,
        help="share of a word's occurrences heading a cue from which it is scored at all (speed)",
    )
    parser.add_argument("--cache", type=Path, help="DocBin cache of the parsed split (read if present, else written)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    items = _docs(args.directory, args.cache)
    cut = int(len(items) * (1 - args.holdout))
    weights, n, pos, heads = train(
        items[:cut], c=args.c, max_features=args.max_features, min_head=args.min_head, min_rate=args.min_rate
    )
    print(
        f"trained on {cut} articles: {n} tokens, {pos} cue heads, {len(weights)} features "
        f"({time.perf_counter() - t0:.0f} s)",
        file=sys.stderr,
    )
    print(f"{len(heads)} candidate words", file=sys.stderr)
    if args.holdout:
        for th, p, r, f in evaluate(weights, heads, items[cut:], [0.2, 0.3, 0.4, 0.5, 0.6]):
            print(f"holdout threshold {th:.1f}: P {p:.3f} R {r:.3f} F1 {f:.3f}", file=sys.stderr)
    payload = {
        "threshold": args.threshold,
        "trained_on": f"PolNeAR train, {cut} articles",
        "heads": heads,
        "weights": weights,
    }
    args.out.write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(weights)} weights -> {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

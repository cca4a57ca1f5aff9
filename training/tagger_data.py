"""The span tagger's training data: PolNeAR articles parsed, read by the rules and featurized
(``prepare_articles``, cached), their gold BIO labels (``gold_labels``), the word and parse-label
vocabulary (``build_vocab``) and the sequences the model reads (``sequences``)."""

from __future__ import annotations

import pickle
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from eval.polnear_data import article_pairs, load_ann

__all__ = ["build_vocab", "gold_labels", "prepare_articles", "sequences"]


def gold_labels(doc, ann_path: Path) -> np.ndarray:
    """BIO label index per token of ``doc`` from one brat file (tagger.LABELS order; the same precedence and
    B/I rule as the rules' own roles, ``tagger.role_tags_of``), pieces stripped of leading whitespace."""
    from indexing.claims.tagger import ROLE_NAMES, role_tags_of

    text = doc.text

    def stripped(a: int, b: int) -> tuple[int, int]:
        while a < b and text[a].isspace():
            a += 1
        return a, b

    triples = [
        tuple([stripped(a, b) for a, b in att.role(name) or ()] for name in ROLE_NAMES) for att in load_ann(ann_path)
    ]
    return role_tags_of(doc, triples)


def build_vocab(docs, min_count: int) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("word", "pos", "tag", "dep")}
    for doc in docs:
        for t in doc:
            counts["word"][t.lower_] += 1
            counts["pos"][t.pos_] += 1
            counts["tag"][t.tag_] += 1
            counts["dep"][t.dep_] += 1
    tables = {}
    for k, c in counts.items():
        keep = sorted(w for w, n in c.items() if n >= (min_count if k == "word" else 1))
        tables[k] = {w: i + 2 for i, w in enumerate(keep)}  # 0 padding, 1 unknown
    return tables


def prepare_articles(directory: Path, min_count: int, cache: Path | None):
    """Parse, run the rules, featurize. Returns (vocab, items[(feats, [labels per ann file])])."""
    from indexing.claims import analyze_doc
    from indexing.claims.quotes import QuoteIndex
    from indexing.claims.tagger import CATEGORICAL, featurize, role_tags
    from indexing.settings import AttributionSettings
    from indexing.text.nlp import load_nlp

    rules_only = AttributionSettings(mode="rules")  # the tagger's input is the rules' reading, never its own
    key = cache / f"{directory.name}.pkl" if cache else None
    # a cache made with other inputs or another word minimum is stale: it is rebuilt, never silently reused
    stamp = {"inputs": list(CATEGORICAL), "min_count": min_count}
    if key is not None and key.exists():
        with key.open("rb") as fh:
            saved = pickle.load(fh)
        if saved.get("stamp") == stamp:
            return saved["vocab"], saved["items"]
        print(f"{key} was made with other inputs: rebuilding it", file=sys.stderr)
    pairs = article_pairs(directory)
    nlp = load_nlp()
    from tqdm import tqdm

    docs = list(
        tqdm(
            nlp.pipe((p.read_text(encoding="utf-8") for p, _ in pairs), batch_size=16),
            total=len(pairs),
            desc=f"parse {directory.name}",
            unit="article",
            file=sys.stderr,
        )
    )
    vocab = build_vocab(docs, min_count)
    items = []
    for doc, (_, anns) in tqdm(list(zip(docs, pairs, strict=True)), desc="features", unit="article", file=sys.stderr):
        claims = analyze_doc(doc, rules_only)
        feats = featurize(doc, QuoteIndex(doc.text), role_tags(doc, claims), vocab)
        items.append((feats, [gold_labels(doc, a) for a in anns]))
    if key is not None:
        key.parent.mkdir(parents=True, exist_ok=True)
        with key.open("wb") as fh:
            pickle.dump({"stamp": stamp, "vocab": vocab, "items": items}, fh)
    return vocab, items


def sequences(items, *, all_annotators: bool):
    from indexing.claims.tagger import windows

    out = []
    for feats, labels in items:
        for lab in labels if all_annotators else labels[:1]:
            for a, b in windows(feats.sent_starts, len(feats.cats)):
                out.append((feats.cats[a:b], feats.vectors[a:b], lab[a:b]))
    return out

"""The answer reader's training pairs: reading them, splitting by article, balancing kinds, grouping by question,
and tokenized batches of similar lengths."""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from pathlib import Path

__all__ = ["balance", "batches", "encode", "load_pairs", "question_groups", "split_by_article", "tensors"]


def load_pairs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_by_article(rows: list[dict], share: float) -> tuple[list[dict], list[dict]]:
    """Train / validation by article (a stable hash of its name), so no article is on both sides."""
    train, val = [], []
    for r in rows:
        h = int(hashlib.sha1(r["doc"].encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        (val if h < share else train).append(r)
    return train, val


def balance(rows: list[dict], cap_pos: int, cap_neg: int, rng: random.Random) -> list[dict]:
    """At most ``cap_pos`` positives and ``cap_neg`` negatives of each kind, so no generator dominates."""
    by: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in rows:
        by[(r["kind"], r["y"])].append(r)
    out: list[dict] = []
    for key in sorted(by):
        items = by[key]
        rng.shuffle(items)
        out.extend(items[: cap_pos if key[1] == 1 else cap_neg])
    rng.shuffle(out)
    return out


def question_groups(rows: list[dict]) -> list[dict]:
    """The question rows as one group per question: its distinct candidate passages and which give the answer."""
    by: dict[str, dict] = {}
    for r in rows:
        g = by.setdefault(r["q"], {"q": r["q"], "doc": r["doc"], "kind": r["kind"], "ctx": {}})
        g["ctx"][r["ctx"]] = max(g["ctx"].get(r["ctx"], 0), int(r["y"]))
    return [
        {
            "q": g["q"],
            "doc": g["doc"],
            "kind": g["kind"],
            "rows": [{"q": g["q"], "ctx": c, "y": y} for c, y in g["ctx"].items()],
        }
        for g in by.values()
    ]


def encode(tokenizer, rows: list[dict]):
    enc = tokenizer.encode_batch([(r["q"], r["ctx"]) for r in rows])
    return [(e.ids, e.type_ids) for e in enc]


def batches(encoded, labels, batch_size: int, rng: random.Random, shuffle: bool):
    """Batches of similar lengths (less padding), in random order."""
    order = list(range(len(encoded)))
    if shuffle:
        rng.shuffle(order)
    # sort within windows of 50 batches by length
    window = batch_size * 50
    chunks = []
    for s in range(0, len(order), window):
        part = sorted(order[s : s + window], key=lambda i: len(encoded[i][0]))
        chunks.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
    if shuffle:
        rng.shuffle(chunks)
    yield from chunks


def tensors(encoded, labels, idx):
    import torch

    n = max(len(encoded[i][0]) for i in idx)
    ids = torch.zeros((len(idx), n), dtype=torch.long)
    types = torch.zeros((len(idx), n), dtype=torch.long)
    mask = torch.zeros((len(idx), n), dtype=torch.long)
    for row, i in enumerate(idx):
        a, t = encoded[i]
        ids[row, : len(a)] = torch.tensor(a)
        types[row, : len(t)] = torch.tensor(t)
        mask[row, : len(a)] = 1
    y = torch.tensor([float(labels[i]) for i in idx])
    return ids, types, mask, y

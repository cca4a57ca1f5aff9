"""Training recipe of the transformer span tagger (``NEWSQA_ATTRIBUTION=transformer``): the packaged MiniLM
with a LoRA delta and a BIO head, on PolNeAR.

A token classifier for Source / Cue / Content: the packaged all-MiniLM-L6-v2
encoder with a rank-8 LoRA delta on every linear layer of its six layers, and a
linear BIO head over each spaCy token's first word piece plus a one-hot of the
role the rules gave it, trained on PolNeAR train (every annotation file) and
selected (epoch) on dev. ``indexing/embedding/lora_onnx.py`` merges the delta this script
writes into an ONNX file at run time (``indexing/claims/lm_tagger.py``).
What training and ingest share, so they cannot drift:

- labels: ``training.tagger_data.gold_labels`` (BIO per spaCy token from a brat file,
  the precedence and B/I rule of ``indexing.claims.tagger.role_tags_of``),
  ``tagger.LABELS`` order;
- sequences and word pieces: ``lm_tagger.windows_of`` (runs of whole sentences
  of at most ``tagger.WINDOW`` spaCy tokens) and ``lm_tagger.encode_words``;
- the rules' reading as an input: ``engine.rule_roles``;
- the head's input: ``lm_tagger.head_input``.

    python -m training.train_transformer_tagger ../shared/data/polnear/train ../shared/data/polnear/dev \\
        --out indexing/claims/tagger_lora.npz --epochs 3 --threads 1

The shipped delta: 3 epochs, lr 5e-4, rank 8, alpha 16, seed 16 (dev
role-token F1 0.873 after epoch 3, recorded in the file's ``meta``); about
20-25 minutes an epoch on one CPU core, plus a few minutes to parse and read
the articles. On a shared 2-core machine, ``--threads 1`` is much faster than 2.
``--limit 2 --max-steps 3 --epochs 1`` checks the pipeline end to end in
seconds.

Needs torch and transformers (the dev extra); the run time needs only
onnxruntime.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from eval.polnear_data import article_pairs
from indexing.claims.lm_tagger import FORMAT

# the same adapters as the answer reader: every linear layer of each encoder layer (attention and feed-forward)
from training.reader_model import LORA_TARGETS, wrap_lora
from training.tagger_data import gold_labels

__all__ = ["main"]


def _read(directory: Path, limit: int | None, all_annotators: bool, tokenizer):
    """(ids, first piece per word, rules' roles, gold labels) per window of every article (all annotators'
    files in training, the first in selection)."""
    from indexing.claims.engine import rule_roles
    from indexing.claims.lm_tagger import encode_words, windows_of
    from indexing.text.nlp import load_nlp

    nlp = load_nlp()
    items = []
    for txt, anns in article_pairs(directory)[: limit or None]:
        doc = nlp(txt.read_text(encoding="utf-8"))
        rule = rule_roles(doc)
        for ann in anns if all_annotators else anns[:1]:
            for w in windows_of(doc, rule, gold_labels(doc, ann)):
                ids, first = encode_words(tokenizer, w.words)
                items.append((ids, first, w.rule, w.gold))
    return items


def _forward(model, head, item):
    import torch

    from indexing.claims.lm_tagger import head_input

    ids, first, rule, _gold = item
    ids_t = torch.as_tensor(ids)[None]
    hidden = model(input_ids=ids_t, attention_mask=torch.ones_like(ids_t), token_type_ids=torch.zeros_like(ids_t))
    ok = first >= 0
    return head(head_input(hidden.last_hidden_state[0], first, rule, xp=torch)), ok


def _role_f1(model, head, items) -> float:
    """Token-level F1 of role labels (anything but O, label exact) after BIO-constrained decoding."""
    import torch

    from indexing.claims.tagger import decode

    tp = fp = fn = 0
    with torch.no_grad():
        for item in items:
            logits, ok = _forward(model, head, item)
            pred = decode(torch.log_softmax(logits, dim=1).numpy()[None])[0]
            gold = item[3][ok]
            tp += int(((pred == gold) & (gold > 0)).sum())
            fp += int(((pred != gold) & (pred > 0)).sum())
            fn += int(((pred != gold) & (gold > 0)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def save_delta(path: Path, adapted, head, meta: dict) -> None:
    """The delta in ``indexing.embedding.lora_onnx``'s format, plus the head (``head.weight`` / ``head.bias``)."""
    arrays: dict[str, np.ndarray] = {}
    for m in adapted:
        arrays[f"{m.name}.lora_A"] = m.lora_A.detach().numpy().astype(np.float16)
        arrays[f"{m.name}.lora_B"] = m.lora_B.detach().numpy().astype(np.float16)
        arrays[f"{m.name}.lora_scale"] = np.asarray(m.scale, dtype=np.float32)
    arrays["head.weight"] = head.weight.detach().numpy().astype(np.float32)
    arrays["head.bias"] = head.bias.detach().numpy().astype(np.float32)
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)


def _meta(args, labels) -> dict:
    return {
        "format": FORMAT,
        "labels": list(labels),
        "targets": list(LORA_TARGETS),
        "rank": args.rank,
        "alpha": args.alpha,
        "inputs": "first word piece of each spaCy token + one-hot of the rules' role",
        "epochs": args.epochs,
        "limit": args.limit,
        "lr": args.lr,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("dev", type=Path, help="PolNeAR dev: picks the epoch (never the test split)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--alpha", type=float, default=16.0)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None, help="articles per split (a smoke run)")
    ap.add_argument("--max-steps", type=int, default=None, help="windows per epoch (a smoke run)")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args(argv)

    import torch
    from transformers import BertModel

    from indexing.claims.lm_tagger import load_tokenizer
    from indexing.claims.tagger import LABELS
    from indexing.embedding.embedder import default_model_path

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    t0 = time.time()
    model_dir = default_model_path()
    tokenizer = load_tokenizer(model_dir)
    model = BertModel.from_pretrained(model_dir)
    for p in model.parameters():
        p.requires_grad_(False)
    adapted = wrap_lora(model, args.rank, args.alpha, 0.0, args.seed, LORA_TARGETS)
    n = len(LABELS)
    head = torch.nn.Linear(model.config.hidden_size + n, n)
    params = [p for m in adapted for p in (m.lora_A, m.lora_B)] + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)

    train = _read(args.train, args.limit, True, tokenizer)
    dev = _read(args.dev, args.limit, False, tokenizer)
    steps = min(len(train), args.max_steps or len(train))
    # linear warm-up over the first 5% of the steps, then linear decay to zero at the end of the last epoch
    total = steps * args.epochs
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min((k + 1) / warm, max(0.0, (total - k) / (total - warm)))
    )
    print(f"{len(train)} train windows, {len(dev)} dev windows ({time.time() - t0:.0f} s)", file=sys.stderr)

    best, best_state = -1.0, None
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        for step, k in enumerate(order[: args.max_steps or None]):
            logits, ok = _forward(model, head, train[k])
            loss = torch.nn.functional.cross_entropy(logits, torch.as_tensor(train[k][3][ok]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if step % 200 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f} ({time.time() - t0:.0f} s)", file=sys.stderr)
        model.eval()
        f1 = _role_f1(model, head, dev)
        print(f"epoch {epoch}: dev role-token F1 {f1:.3f} ({time.time() - t0:.0f} s)", file=sys.stderr)
        # every epoch's delta beside the output, so a run stopped early still leaves its epochs
        save_delta(
            args.out.with_suffix(f".epoch{epoch}.npz"),
            adapted,
            head,
            {**_meta(args, LABELS), "dev_role_token_f1": round(f1, 4), "epoch": epoch},
        )
        if f1 > best:
            best = f1
            best_state = (
                [(m.lora_A.detach().clone(), m.lora_B.detach().clone()) for m in adapted],
                {k: v.detach().clone() for k, v in head.state_dict().items()},
            )
    assert best_state is not None
    for m, (a, b) in zip(adapted, best_state[0], strict=True):
        m.lora_A.data, m.lora_B.data = a, b
    head.load_state_dict(best_state[1])
    meta = {**_meta(args, LABELS), "dev_role_token_f1": round(best, 4)}
    save_delta(args.out, adapted, head, meta)
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

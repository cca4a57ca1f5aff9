"""Recipe (not shipped): a transformer span tagger, the packaged MiniLM + LoRA + a BIO head, on PolNeAR.

Issue 16 asks for a token classifier at annotator level: the packaged
all-MiniLM-L6-v2 encoder with a LoRA delta on its attention query/value
weights, a BIO head for Source / Cue / Content, trained on PolNeAR train and
selected (epoch) on dev, then merged and run on ONNX Runtime like the reader
(``indexing/lora_onnx.py`` builds the merged ONNX file from the delta this script
writes). What is shared with the shipped engine, so training and inference
cannot drift:

- labels: ``eval.train_tagger.gold_labels`` (BIO per spaCy token from a brat file,
  the precedence and B/I rule of ``indexing.attribution.tagger.role_tags_of``),
  ``tagger.LABELS`` order;
- sequences: ``tagger.windows`` (runs of whole sentences of at most ``WINDOW``
  spaCy tokens);
- the rules' reading as an input: ``tagger.role_tags`` of ``analyze_doc``'s
  claims, one-hot beside the encoder's vector of the token's first word piece;
- decoding: ``tagger.decode`` (BIO-constrained Viterbi) and ``tagger.runs_of``.

    python -m eval.train_transformer_tagger ../shared/data/polnear/train ../shared/data/polnear/dev \\
        --out /tmp/span_lora.npz [--epochs 4] [--rank 8] [--threads 1] [--limit N] [--max-steps N]

Cost: one MiniLM forward + backward per window of at most 256 spaCy tokens,
about 0.3 s on one CPU core (measured: 10 train articles, 39 windows, one epoch
in 12 s); PolNeAR train (840 articles, 919 annotation files) is about 3,600
windows, so an epoch is about 15-20 minutes of one core, plus 2-3 minutes to
parse and read the articles. It was not trained in the repository: the
development machine has 2 cores shared with other work. ``--limit 2
--max-steps 3 --epochs 1`` checks the pipeline end to end in under 10 seconds
(``--limit 10``, one epoch: dev role-token F1 0.46 on 10 dev articles). The engine does not load the delta yet (wiring it in means
running it only on sentences where a cue is possible, to keep ingest within its
budget against the naive pipeline).

Needs torch and transformers (the dev extra); the run time would need only
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

from eval.polnear import _pairs
from eval.train_tagger import gold_labels
from training.train_reader import _wrap_lora  # the same adapters as the answer reader

__all__ = ["main", "windows_of"]

FORMAT = "newsqa-lora-delta/1"
LORA_TARGETS = ("attention.self.query", "attention.self.value")
MAX_PIECES = 512


def windows_of(doc, claims, labels: np.ndarray | None):
    """(words, rule roles, gold labels or None) per window of whole sentences (``tagger.windows``)."""
    from indexing.attribution.tagger import role_tags, windows

    rule = role_tags(doc, claims)
    starts = [s.start for s in doc.sents]
    out = []
    for lo, hi in windows(starts, len(doc)):
        keep = [i for i in range(lo, hi) if not doc[i].is_space]
        if not keep:
            continue
        words = [doc[i].text for i in keep]
        out.append((words, rule[keep], labels[keep] if labels is not None else None))
    return out


def _read(directory: Path, limit: int | None, all_annotators: bool):
    from indexing.attribution import analyze_doc
    from indexing.nlp import load_nlp

    nlp = load_nlp()
    seqs = []
    for txt, anns in _pairs(directory)[: limit or None]:
        doc = nlp(txt.read_text(encoding="utf-8"))
        claims = analyze_doc(doc)
        for ann in anns if all_annotators else anns[:1]:
            seqs += windows_of(doc, claims, gold_labels(doc, ann))
    return seqs


def _encode(tokenizer, seq):
    """Word pieces of a window and, per spaCy token, the index of its first piece (tokens cut off: -1)."""
    words, rule, gold = seq
    enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=MAX_PIECES, return_tensors="pt")
    first = np.full(len(words), -1, dtype=np.int64)
    for k, w in enumerate(enc.word_ids(0)):
        if w is not None and first[w] < 0:
            first[w] = k
    return enc, first, rule, gold


def _forward(model, head, n_labels: int, item):
    import torch

    enc, first, rule, _gold = item
    hidden = model(**enc).last_hidden_state[0]
    ok = first >= 0
    vec = hidden[torch.as_tensor(first[ok])]
    onehot = torch.nn.functional.one_hot(torch.as_tensor(rule[ok]), n_labels).float()
    return head(torch.cat([vec, onehot], dim=1)), ok


def _role_f1(model, head, n_labels: int, items) -> float:
    """Token-level F1 of role labels (anything but O, label exact) after BIO-constrained decoding."""
    import torch

    from indexing.attribution.tagger import decode

    tp = fp = fn = 0
    with torch.no_grad():
        for item in items:
            logits, ok = _forward(model, head, n_labels, item)
            pred = decode(torch.log_softmax(logits, dim=1).numpy()[None])[0]
            gold = item[3][ok]
            tp += int(((pred == gold) & (gold > 0)).sum())
            fp += int(((pred != gold) & (pred > 0)).sum())
            fn += int(((pred != gold) & (gold > 0)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def save_delta(path: Path, adapted, head, meta: dict) -> None:
    """The delta in ``indexing.lora_onnx``'s format, plus the head (``head.weight`` / ``head.bias``)."""
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
    from transformers import AutoTokenizer, BertModel

    from indexing.attribution.tagger import LABELS
    from indexing.embedding import default_model_path

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    t0 = time.time()
    model_dir = default_model_path()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = BertModel.from_pretrained(model_dir)
    for p in model.parameters():
        p.requires_grad_(False)
    adapted = _wrap_lora(model, args.rank, args.alpha, 0.0, args.seed, LORA_TARGETS)
    n = len(LABELS)
    head = torch.nn.Linear(model.config.hidden_size + n, n)
    params = [p for m in adapted for p in (m.lora_A, m.lora_B)] + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)

    train = [_encode(tokenizer, s) for s in _read(args.train, args.limit, all_annotators=True)]
    dev = [_encode(tokenizer, s) for s in _read(args.dev, args.limit, all_annotators=False)]
    print(f"{len(train)} train windows, {len(dev)} dev windows ({time.time() - t0:.0f} s)", file=sys.stderr)

    best, best_state = -1.0, None
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        for step, k in enumerate(order[: args.max_steps or None]):
            logits, ok = _forward(model, head, n, train[k])
            loss = torch.nn.functional.cross_entropy(logits, torch.as_tensor(train[k][3][ok]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 200 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f} ({time.time() - t0:.0f} s)", file=sys.stderr)
        model.eval()
        f1 = _role_f1(model, head, n, dev)
        print(f"epoch {epoch}: dev role-token F1 {f1:.3f}", file=sys.stderr)
        if f1 > best:
            best = f1
            best_state = ([(m.lora_A.detach().clone(), m.lora_B.detach().clone()) for m in adapted],
                          {k: v.detach().clone() for k, v in head.state_dict().items()})
    assert best_state is not None
    for m, (a, b) in zip(adapted, best_state[0], strict=True):
        m.lora_A.data, m.lora_B.data = a, b
    head.load_state_dict(best_state[1])
    meta = {"format": FORMAT, "labels": list(LABELS), "targets": list(LORA_TARGETS), "rank": args.rank,
            "alpha": args.alpha, "inputs": "first word piece of each spaCy token + one-hot of the rules' role",
            "dev_role_token_f1": round(best, 4), "epochs": args.epochs, "limit": args.limit}
    save_delta(args.out, adapted, head, meta)
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

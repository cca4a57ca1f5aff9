"""The span tagger being trained: the BiLSTM (``build_model``), its batches, training with epoch choice on
held-out sequences (``fit``, ``token_f1``) and the ONNX export (``export``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

__all__ = ["batches", "build_model", "export", "fit", "token_f1"]


def build_model(vocab: dict[str, dict[str, int]], vec_width: int, hidden: int):
    import torch
    from torch import nn

    from indexing.claims.tagger import CATEGORICAL, LABELS

    sizes = {
        "word": len(vocab["word"]) + 2,
        "shape": 8,
        "pos": len(vocab["pos"]) + 2,
        "tag": len(vocab["tag"]) + 2,
        "dep": len(vocab["dep"]) + 2,
        "head_pos": len(vocab["pos"]) + 2,
        "head_side": 3,
        "quote": 3,
        "rule": len(LABELS),
        "lexicon": 5,
        "boundary": 3,
        "cue_p": 8,
    }
    dims = {
        "word": 48,
        "shape": 4,
        "pos": 8,
        "tag": 12,
        "dep": 12,
        "head_pos": 8,
        "head_side": 3,
        "quote": 3,
        "rule": 8,
        "lexicon": 4,
        "boundary": 3,
        "cue_p": 4,
    }

    class Tagger(nn.Module):
        """Embeddings + projection, a forward and a backward LSTM (the backward one reads each sequence
        reversed within its own length, so padding never reaches a real token), a linear layer."""

        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.ModuleList([nn.Embedding(sizes[c], dims[c]) for c in CATEGORICAL])
            width = sum(dims.values()) + vec_width
            self.proj = nn.Sequential(nn.Linear(width, 2 * hidden), nn.ReLU(), nn.Dropout(0.2))
            self.fwd = nn.LSTM(2 * hidden, hidden, batch_first=True)
            self.bwd = nn.LSTM(2 * hidden, hidden, batch_first=True)
            self.out = nn.Sequential(nn.Dropout(0.2), nn.Linear(2 * hidden, len(LABELS)))

        @staticmethod
        def _reverse(x, lengths):
            t = torch.arange(x.shape[1]).unsqueeze(0)
            idx = torch.where(t < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - t, t)
            return torch.gather(x, 1, idx.unsqueeze(-1).expand(-1, -1, x.shape[2]))

        def forward(self, cats, vectors, lengths):
            parts = [e(cats[:, :, k]) for k, e in enumerate(self.emb)]
            x = self.proj(torch.cat([*parts, vectors], dim=-1))
            f, _ = self.fwd(x)
            b, _ = self.bwd(self._reverse(x, lengths))
            h = torch.cat([f, self._reverse(b, lengths)], dim=-1)
            return torch.log_softmax(self.out(h), dim=-1)

    return Tagger()


def batches(seqs, size: int, rng=None):
    import torch

    order = np.arange(len(seqs))
    if rng is not None:
        rng.shuffle(order)
    for k in range(0, len(order), size):
        chunk = [seqs[i] for i in order[k : k + size]]
        width = max(len(c[0]) for c in chunk)
        cats = np.zeros((len(chunk), width, chunk[0][0].shape[1]), dtype=np.int64)
        vecs = np.zeros((len(chunk), width, chunk[0][1].shape[1]), dtype=np.float32)
        labs = np.full((len(chunk), width), -100, dtype=np.int64)
        lengths = np.zeros(len(chunk), dtype=np.int64)
        for j, (c, v, lab) in enumerate(chunk):
            cats[j, : len(c)], vecs[j, : len(c)], labs[j, : len(c)], lengths[j] = c, v, lab, len(c)
        yield torch.from_numpy(cats), torch.from_numpy(vecs), torch.from_numpy(labs), torch.from_numpy(lengths)


def token_f1(model, seqs) -> float:
    """Micro F1 of non-O role tokens (role only, B/I merged) on held-out sequences."""
    import torch

    model.eval()
    tp = pp = gg = 0
    with torch.no_grad():
        for cats, vecs, labs, lengths in batches(seqs, 64):
            pred = model(cats, vecs, lengths).argmax(-1)
            mask = labs >= 0
            pr, gr = (pred + 1) // 2, (labs + 1) // 2
            tp += int(((pr == gr) & (gr > 0) & mask).sum())
            pp += int(((pr > 0) & mask).sum())
            gg += int(((gr > 0) & mask).sum())
    model.train()
    p, r = tp / max(pp, 1), tp / max(gg, 1)
    return 2 * p * r / max(p + r, 1e-9)


def export(model, path: Path, n_cats: int, vec_width: int) -> None:
    import torch

    model.eval()
    cats = torch.zeros((2, 7, n_cats), dtype=torch.long)
    vecs = torch.zeros((2, 7, vec_width))
    lengths = torch.tensor([7, 5])
    torch.onnx.export(
        model,
        (cats, vecs, lengths),
        str(path),
        input_names=["cats", "vectors", "lengths"],
        output_names=["logp"],
        dynamic_axes={
            "cats": {0: "b", 1: "t"},
            "vectors": {0: "b", 1: "t"},
            "lengths": {0: "b"},
            "logp": {0: "b", 1: "t"},
        },
        opset_version=17,
        dynamo=False,
    )


def fit(vocab, vec_width: int, args, train_seqs, hold_seqs, epochs: int, t0: float):
    """Train a fresh model; returns (model at its best held-out epoch, or the last without a holdout;
    that epoch's held-out role-token F1; the epoch number)."""
    import torch

    model = build_model(vocab, vec_width, args.hidden)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    rng = np.random.default_rng(args.seed)
    best, best_state, best_epoch = -1.0, None, epochs
    for epoch in range(epochs):
        total = 0.0
        for cats, vecs, labs, lengths in batches(train_seqs, 16, rng):
            opt.zero_grad()
            logp = model(cats, vecs, lengths)
            loss = torch.nn.functional.nll_loss(logp.reshape(-1, logp.shape[-1]), labs.reshape(-1), ignore_index=-100)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item()
        f1 = token_f1(model, hold_seqs) if hold_seqs else 0.0
        print(
            f"epoch {epoch + 1}: loss {total:.1f}, held-out role-token F1 {f1:.4f} ({time.perf_counter() - t0:.0f} s)",
            file=sys.stderr,
        )
        if f1 > best or not hold_seqs:
            best, best_state, best_epoch = f1, {k: v.clone() for k, v in model.state_dict().items()}, epoch + 1
    assert best_state is not None
    model.load_state_dict(best_state)
    model.eval()
    return model, best, best_epoch

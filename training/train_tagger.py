"""Train the span tagger (``indexing/attribution/tagger.onnx`` + ``tagger_vocab.json``) on PolNeAR train.

Every article is parsed with the shipped spaCy pipeline and read by the rule
engine; each token gets the inputs of ``indexing.attribution.tagger.featurize``
(the rules' own role among them) and, from every annotation file of the
article, a BIO label (Cue over Source over Content where annotations overlap;
a piece's first token is ``B``). The model is a one-layer BiLSTM over those
inputs (PyTorch, CPU), trained with cross-entropy; the number of epochs is the
one with the best role-token F1 on a held-out share of train (never dev), the
O-label bias the one with the best whole-engine figures there; then (``--refit``,
the default) the model is trained again on every train article. It is
exported to ONNX with onnxruntime-compatible ops only; only words, parse labels
and weights are written.

    python -m training.train_tagger ../shared/data/polnear/train [--epochs 8] [--holdout 0.1] [--cache DIR]

Needs torch (``pip install torch==2.13.0``, CPU); the run time needs only onnxruntime.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from eval.polnear_data import article_pairs, load_ann

__all__ = ["gold_labels", "main"]

HERE = Path(__file__).resolve().parent.parent / "indexing" / "attribution"


def gold_labels(doc, ann_path: Path) -> np.ndarray:
    """BIO label index per token of ``doc`` from one brat file (tagger.LABELS order; the same precedence and
    B/I rule as the rules' own roles, ``tagger.role_tags_of``), pieces stripped of leading whitespace."""
    from indexing.attribution.tagger import ROLE_NAMES, role_tags_of

    text = doc.text

    def stripped(a: int, b: int) -> tuple[int, int]:
        while a < b and text[a].isspace():
            a += 1
        return a, b

    triples = [
        tuple([stripped(a, b) for a, b in att.role(name) or ()] for name in ROLE_NAMES) for att in load_ann(ann_path)
    ]
    return role_tags_of(doc, triples)


def _build_vocab(docs, min_count: int) -> dict[str, dict[str, int]]:
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


def _prepare(directory: Path, min_count: int, cache: Path | None):
    """Parse, run the rules, featurize. Returns (vocab, items[(feats, [labels per ann file])])."""
    from indexing.attribution import analyze_doc
    from indexing.attribution.quotes import QuoteIndex
    from indexing.attribution.tagger import CATEGORICAL, featurize, role_tags
    from indexing.nlp import load_nlp
    from indexing.settings import AttributionSettings

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
    vocab = _build_vocab(docs, min_count)
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


def _sequences(items, *, all_annotators: bool):
    from indexing.attribution.tagger import windows

    out = []
    for feats, labels in items:
        for lab in labels if all_annotators else labels[:1]:
            for a, b in windows(feats.sent_starts, len(feats.cats)):
                out.append((feats.cats[a:b], feats.vectors[a:b], lab[a:b]))
    return out


def build_model(vocab: dict[str, dict[str, int]], vec_width: int, hidden: int):
    import torch
    from torch import nn

    from indexing.attribution.tagger import CATEGORICAL, LABELS

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


def _batches(seqs, size: int, rng=None):
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


def _token_f1(model, seqs) -> float:
    """Micro F1 of non-O role tokens (role only, B/I merged) on held-out sequences."""
    import torch

    model.eval()
    tp = pp = gg = 0
    with torch.no_grad():
        for cats, vecs, labs, lengths in _batches(seqs, 64):
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


def tune_bias(directory: Path, cut: int, out_dir: Path, meta: dict, biases: list[float]):
    """Score the whole engine (rules + this tagger) on the held-out train articles at each O bias."""
    import tempfile

    from eval.polnear import score_polnear
    from indexing.attribution import tagger as tagger_mod
    from indexing.settings import IndexSettings

    # the default engine (rules + span tagger) with the tagger being tuned; the other settings as NEWSQA_* give them
    with_this_tagger = IndexSettings(attribution="tagger", tagger_dir=out_dir).attribution_settings
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for sub in ("text", "attributions"):
            (Path(tmp) / sub).mkdir()
        for txt, anns in article_pairs(directory)[cut:]:
            (Path(tmp) / "text" / txt.name).symlink_to(txt.resolve())
            for a in anns:
                (Path(tmp) / "attributions" / a.name).symlink_to(a.resolve())
        for bias in biases:
            meta["o_bias"] = bias
            (out_dir / "tagger_vocab.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
            tagger_mod.load_tagger.cache_clear()
            sc = score_polnear(Path(tmp), settings=with_this_tagger).scores
            row = {
                "o_bias": bias,
                "source_overlap": sc["Source"]["overlap"].f1,
                "cue_exact": sc["Cue"]["exact"].f1,
                "content_overlap": sc["Content"]["overlap"].f1,
            }
            row["mean"] = round((row["source_overlap"] + row["cue_exact"] + row["content_overlap"]) / 3, 4)
            print(
                f"held-out engine, O bias {bias}: Source overlap {row['source_overlap']:.3f}, Cue exact "
                f"{row['cue_exact']:.3f}, Content overlap {row['content_overlap']:.3f}",
                file=sys.stderr,
            )
            table.append(row)
    tagger_mod.load_tagger.cache_clear()
    best = max(table, key=lambda r: r["mean"])
    return best["o_bias"], table


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
        for cats, vecs, labs, lengths in _batches(train_seqs, 16, rng):
            opt.zero_grad()
            logp = model(cats, vecs, lengths)
            loss = torch.nn.functional.nll_loss(logp.reshape(-1, logp.shape[-1]), labs.reshape(-1), ignore_index=-100)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item()
        f1 = _token_f1(model, hold_seqs) if hold_seqs else 0.0
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path, help="PolNeAR train (text/ + attributions/)")
    parser.add_argument("--out-dir", type=Path, default=HERE, help="where tagger.onnx and tagger_vocab.json go")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=96)
    parser.add_argument("--holdout", type=float, default=0.1, help="share of train articles kept out to pick the epoch")
    parser.add_argument("--min-count", type=int, default=3, help="train count from which a word has its own vector")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--biases",
        type=float,
        nargs="*",
        default=[0.0, 0.5, 1.0, 1.5],
        help="O-label biases tried on the held-out articles with the whole engine (the best mean of "
        "Source overlap, Cue exact and Content overlap F1 is kept)",
    )
    parser.add_argument(
        "--refit",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after choosing epochs and bias on the holdout, retrain on every train article (default)",
    )
    parser.add_argument("--cache", type=Path, help="folder for parsed features (read if present, else written)")
    args = parser.parse_args(argv)
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    t0 = time.perf_counter()
    vocab, items = _prepare(args.directory, args.min_count, args.cache)
    cut = int(len(items) * (1 - args.holdout))
    train_seqs = _sequences(items[:cut], all_annotators=True)
    hold_seqs = _sequences(items[cut:], all_annotators=False)
    print(
        f"{cut} train articles ({len(train_seqs)} sequences), {len(items) - cut} held out; "
        f"{len(vocab['word'])} words ({time.perf_counter() - t0:.0f} s)",
        file=sys.stderr,
    )
    vec_width = items[0][0].vectors.shape[1]
    model, best, best_epoch = fit(vocab, vec_width, args, train_seqs, hold_seqs, args.epochs, t0)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    export(model, args.out_dir / "tagger.onnx", items[0][0].cats.shape[1], vec_width)
    meta = {
        "trained_on": f"PolNeAR train, {cut} articles ({args.directory.name})",
        "epochs": best_epoch,
        "hidden": args.hidden,
        "held_out_token_f1": round(best, 4),
        "tables": vocab,
    }
    (args.out_dir / "tagger_vocab.json").write_text(
        json.dumps(meta, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    if args.holdout and args.biases:
        meta["o_bias"], table = tune_bias(args.directory, cut, args.out_dir, meta, args.biases)
        meta["bias_tuning"] = table
        (args.out_dir / "tagger_vocab.json").write_text(
            json.dumps(meta, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
        )
    if args.refit and args.holdout:
        # the epoch count and the bias are chosen; the shipped weights learn from every train article
        torch.manual_seed(args.seed)
        all_seqs = _sequences(items, all_annotators=True)
        print(f"refit on all {len(items)} articles for {best_epoch} epochs", file=sys.stderr)
        model, _, _ = fit(vocab, vec_width, args, all_seqs, [], best_epoch, t0)
        export(model, args.out_dir / "tagger.onnx", items[0][0].cats.shape[1], vec_width)
        meta["trained_on"] = (
            f"PolNeAR train, all {len(items)} articles ({args.directory.name}); epochs and O bias "
            f"chosen with the last {len(items) - cut} held out"
        )
        (args.out_dir / "tagger_vocab.json").write_text(
            json.dumps(meta, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
        )
    size = (args.out_dir / "tagger.onnx").stat().st_size / 1e6
    print(f"held-out role-token F1 {best:.4f}; tagger.onnx {size:.2f} MB -> {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

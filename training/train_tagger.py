"""Train the span tagger (``indexing/claims/tagger.onnx`` + ``tagger_vocab.json``) on PolNeAR train.

Every article is parsed with the shipped spaCy pipeline and read by the rule
engine; each token gets the inputs of ``indexing.claims.tagger.featurize``
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

The data: :mod:`training.tagger_data`; the model, its training and export:
:mod:`training.tagger_model`; here the O-bias tuning and the command.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from eval.polnear_data import article_pairs
from training.tagger_data import prepare_articles, sequences
from training.tagger_model import export, fit

__all__ = ["main", "tune_bias"]

HERE = Path(__file__).resolve().parent.parent / "indexing" / "claims"


def tune_bias(directory: Path, cut: int, out_dir: Path, meta: dict, biases: list[float]):
    """Score the whole engine (rules + this tagger) on the held-out train articles at each O bias."""
    import tempfile

    from eval.polnear import score_polnear
    from indexing.claims import tagger as tagger_mod
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
    vocab, items = prepare_articles(args.directory, args.min_count, args.cache)
    cut = int(len(items) * (1 - args.holdout))
    train_seqs = sequences(items[:cut], all_annotators=True)
    hold_seqs = sequences(items[cut:], all_annotators=False)
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
        all_seqs = sequences(items, all_annotators=True)
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

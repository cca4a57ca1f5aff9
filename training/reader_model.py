"""The answer reader being trained: the packaged MiniLM with LoRA adapters and a linear head (``new_reader``),
its score of a batch of pairs (``logits``), the run's start (``start_run``: seeds, threads, tokenizer) and the delta file (``save_delta``, ``load_into``;
its layout: ``training.train_reader``)."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
from pathlib import Path

import numpy as np

__all__ = [
    "FORMAT",
    "LORA_TARGETS",
    "MAX_TOKENS",
    "load_into",
    "logits",
    "new_reader",
    "pool",
    "save_delta",
    "start_run",
    "wrap_lora",
]

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


def start_run(args: argparse.Namespace):
    """Seed torch and ``random`` (``args.seed``), set ``args.threads``, quiet transformers; the base model's folder
    and its tokenizer (pairs truncated to ``MAX_TOKENS``, no padding). Returns ``(rng, base_dir, tokenizer)``."""
    import torch
    import transformers
    from tokenizers import Tokenizer

    from indexing.embedding.embedder import default_model_path

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    base_dir = Path(default_model_path())
    tokenizer = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
    tokenizer.no_padding()
    return rng, base_dir, tokenizer


def new_reader(args: argparse.Namespace, base_dir: Path):
    """The base encoder (frozen) with LoRA adapters (``args.rank``, ``args.alpha``, ``args.dropout``) and a fresh
    head, or those of the delta ``args.init`` when it is set. Returns ``(model, adapted, head)``."""
    import torch
    import transformers

    model = transformers.AutoModel.from_pretrained(str(base_dir))
    for p in model.parameters():
        p.requires_grad_(False)
    adapted = wrap_lora(model, args.rank, args.alpha, args.dropout, args.seed)
    head = torch.nn.Linear(model.config.hidden_size, 1)
    torch.nn.init.normal_(head.weight, std=0.02)
    torch.nn.init.zeros_(head.bias)
    if getattr(args, "init", None):
        load_into(args.init, adapted, head)
    return model, adapted, head


def logits(model, head, ids, types, mask, *, bf16: bool = False):
    """The reader's logit for each pair of a batch (float32; under bfloat16 autocast when ``bf16``)."""
    import torch

    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
        return head(pool(hidden, mask)).squeeze(-1).float()


def wrap_lora(model, r: int, alpha: float, dropout: float, seed: int, targets: tuple[str, ...] = LORA_TARGETS):
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


def pool(hidden, mask):
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


def load_into(path: Path, adapted, head) -> None:
    """Start from a saved delta (``--init``): its adapters and head."""
    import torch

    with np.load(path) as data:
        for m in adapted:
            m.lora_A.data = torch.tensor(data[f"{m.name}.lora_A"].astype(np.float32))
            m.lora_B.data = torch.tensor(data[f"{m.name}.lora_B"].astype(np.float32))
        head.weight.data = torch.tensor(data["head.weight"].astype(np.float32)).reshape(head.weight.shape)
        head.bias.data = torch.tensor(data["head.bias"].astype(np.float32)).reshape(head.bias.shape)

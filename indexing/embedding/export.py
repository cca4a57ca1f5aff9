"""Export a transformers encoder to ONNX: token ids, attention mask and token types in, the last hidden state
out, batch and length dynamic. Shared by the embedder's model build and the LoRA-merged builds."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

__all__ = ["export_encoder"]


def export_encoder(model: Any, path: Path) -> None:
    """Write ``model`` (a ``transformers.AutoModel`` in eval mode) to ``path`` as ONNX (opset 17)."""
    import torch

    class _Encoder(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = torch.ones((2, 8), dtype=torch.long)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Encoder(model),
            (sample, sample, torch.zeros_like(sample)),
            str(path),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )

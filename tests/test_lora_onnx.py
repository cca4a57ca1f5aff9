"""The LoRA-delta loader (indexing/embedding/lora_onnx.py): packaged MiniLM + a delta file -> merged weights -> ONNX.

Real packaged MiniLM, real torch export and ONNX Runtime; the deltas are random
arrays written by the tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexing.embedding.lora_onnx import ensure_merged_onnx, load_delta
from indexing.errors import ConfigurationError

QUERY = "encoder.layer.0.attention.self.query.weight"


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


def _write_delta(path: Path, a: np.ndarray, b: np.ndarray, scale: float = 2.0) -> Path:
    np.savez(
        path, **{f"{QUERY}.lora_A": a, f"{QUERY}.lora_B": b, f"{QUERY}.lora_scale": np.asarray(scale, dtype=np.float32)}
    )
    return path


def test_a_merged_model_computes_the_base_weights_plus_the_low_rank_update(tmp_path, model_cache) -> None:
    """ONNX of base + delta = the torch base model whose query weight was changed by scale * B @ A."""
    import onnxruntime
    import torch
    import transformers
    from tokenizers import Tokenizer

    from indexing.embedding.embedder import default_model_path

    rng = np.random.default_rng(0)
    a = rng.normal(0, 0.05, (4, 384)).astype(np.float16)
    b = rng.normal(0, 0.05, (384, 4)).astype(np.float16)
    delta = load_delta(_write_delta(tmp_path / "delta.npz", a, b))
    base_dir = Path(default_model_path())
    path = ensure_merged_onnx(base_dir, delta, model_cache, "test-merge")
    built = path.stat().st_mtime_ns
    assert ensure_merged_onnx(base_dir, delta, model_cache, "test-merge") == path  # built once, then reused
    assert path.stat().st_mtime_ns == built

    tok = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    ids = np.asarray([tok.encode("The ferry crews walked off the job on Sunday.").ids], dtype=np.int64)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(
        None, {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
    )[0]

    model = transformers.AutoModel.from_pretrained(str(base_dir)).eval()
    with torch.no_grad():
        weight = model.encoder.layer[0].attention.self.query.weight
        weight += torch.from_numpy(2.0 * b.astype(np.float32) @ a.astype(np.float32))
        t_ids = torch.from_numpy(ids)
        want = model(
            input_ids=t_ids, attention_mask=torch.ones_like(t_ids), token_type_ids=torch.zeros_like(t_ids)
        ).last_hidden_state.numpy()
        base = transformers.AutoModel.from_pretrained(str(base_dir)).eval()
        unchanged = base(
            input_ids=t_ids, attention_mask=torch.ones_like(t_ids), token_type_ids=torch.zeros_like(t_ids)
        ).last_hidden_state.numpy()
    assert np.abs(got - want).max() < 1e-3
    assert np.abs(got - unchanged).max() > 1e-2  # the delta did change the model


def test_a_delta_that_does_not_fit_the_model_is_refused_with_its_name(tmp_path, model_cache) -> None:
    from indexing.embedding.embedder import default_model_path

    bad = _write_delta(tmp_path / "bad.npz", np.zeros((4, 100), np.float16), np.zeros((384, 4), np.float16))
    with pytest.raises(ConfigurationError, match="bad.npz"):
        ensure_merged_onnx(Path(default_model_path()), load_delta(bad), model_cache, "test-bad")

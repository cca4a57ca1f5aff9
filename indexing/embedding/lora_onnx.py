"""Packaged MiniLM + a committed LoRA delta -> merged weights -> an ONNX file in the model cache.

A *delta file* (``.npz``) holds, for each adapted linear weight ``W`` of the
HF ``BertModel`` state dict (``encoder.layer.3.attention.self.query.weight``):
``W.lora_A`` (r x in), ``W.lora_B`` (out x r) and ``W.lora_scale`` (a scalar);
the merged weight is ``W + scale * B @ A``. Any other array (a task head,
``meta``) is left to the caller. Deltas are small (float16, well under a
megabyte for rank 8 on all six layers), so they are committed; the merged
model is built from the packaged base weights once per machine, like the
embedder's ONNX file (``indexing/embedding/onnx.py``): torch export at build
time only, a file lock against concurrent first runs, a fingerprint of the
base model, the delta and the recipe in the file name, and a half-written file
is never used.

The ONNX graph takes ``input_ids``, ``attention_mask``, ``token_type_ids``
(int64, batch x tokens) and returns ``last_hidden_state``; pooling and heads
run in numpy.

(Separate from the embedder on purpose: the attribution tagger will ship its
own delta the same way, and the two loaders are meant to become one.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from indexing.embedding.export import export_encoder
from indexing.errors import ConfigurationError

__all__ = ["LoraDelta", "build_merged_onnx", "ensure_merged_onnx", "load_delta", "merge_into", "quantized_int8"]

logger = logging.getLogger("newsqa.lora")

# Bump when the export recipe changes, so old cache files are not reused.
_RECIPE = 1
_SUFFIXES = (".lora_A", ".lora_B", ".lora_scale")


class LoraDelta:
    """A delta file read into memory: ``lora[W] = (A, B, scale)``, other arrays in ``extra``, ``meta`` parsed."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            with np.load(self.path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:  # missing, not a zip, cut short
            raise ConfigurationError(f"cannot read the model delta {self.path}: {exc}") from exc
        self.meta: dict[str, Any] = json.loads(str(arrays.pop("meta"))) if "meta" in arrays else {}
        self.lora: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
        names = {k[: -len(s)] for k in arrays for s in _SUFFIXES if k.endswith(s)}
        for name in sorted(names):
            try:
                a = arrays.pop(f"{name}.lora_A").astype(np.float32)
                b = arrays.pop(f"{name}.lora_B").astype(np.float32)
                scale = float(arrays.pop(f"{name}.lora_scale"))
            except KeyError as exc:
                raise ConfigurationError(f"{self.path}: {name} lacks {exc}") from exc
            if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[1]:
                raise ConfigurationError(f"{self.path}: {name} has A {a.shape} and B {b.shape}")
            self.lora[name] = (a, b, scale)
        self.extra: dict[str, np.ndarray] = arrays
        self.digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]


def load_delta(path: Path) -> LoraDelta:
    return LoraDelta(path)


def merge_into(state_dict: dict[str, Any], delta: LoraDelta) -> None:
    """Add ``scale * B @ A`` to each adapted weight of a torch ``state_dict`` (in place)."""
    import torch

    for name, (a, b, scale) in delta.lora.items():
        if name not in state_dict:
            raise ConfigurationError(f"{delta.path}: the base model has no weight {name}")
        weight = state_dict[name]
        update = torch.from_numpy(b @ a * scale).to(weight.dtype)
        if tuple(update.shape) != tuple(weight.shape):
            raise ConfigurationError(f"{delta.path}: {name} is {tuple(weight.shape)}, the delta {tuple(update.shape)}")
        weight.add_(update)


def build_merged_onnx(model_dir: Path, delta: LoraDelta, target: Path) -> Path:
    """Export ``model_dir`` (a HF/sentence-transformers folder) with ``delta`` merged to ONNX at ``target``."""
    import torch
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.stem + f".{os.getpid()}.tmp")
    try:
        model = transformers.AutoModel.from_pretrained(str(model_dir)).eval()
        with torch.no_grad():
            state = dict(model.named_parameters())
            merge_into(state, delta)

        export_encoder(model, tmp)
        tmp.replace(target)
    except ConfigurationError:
        raise
    except Exception as exc:  # torch/onnx raise many kinds; one clear line for the user
        raise ConfigurationError(f"cannot build the ONNX model from {model_dir} and {delta.path}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _base_fingerprint(model_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("config.json", "tokenizer.json"):
        path = model_dir / name
        if path.exists():
            digest.update(path.read_bytes())
    weights = next((p for p in (model_dir / "model.safetensors", model_dir / "pytorch_model.bin") if p.exists()), None)
    if weights is not None:
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
        with weights.open("rb") as handle:
            digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:16]


def ensure_merged_onnx(model_dir: Path, delta: LoraDelta, cache_dir: Path, name: str) -> Path:
    """The cached ONNX file of ``model_dir`` + ``delta`` (built once, under a file lock), named ``name-<fingerprint>.onnx``."""
    import onnxruntime

    digest = hashlib.sha256(
        f"recipe={_RECIPE};ort={onnxruntime.__version__};base={_base_fingerprint(model_dir)};delta={delta.digest}".encode()
    ).hexdigest()[:16]
    target = Path(cache_dir) / f"{name}-{digest}.onnx"
    if target.exists():
        return target
    from filelock import FileLock, Timeout

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target) + ".lock").acquire(timeout=600):
            if not target.exists():
                logger.warning("building the %s model once, in %s ...", name, cache_dir)
                build_merged_onnx(model_dir, delta, target)
    except Timeout as exc:
        raise ConfigurationError(f"waited 10 minutes for another process to build {target}") from exc
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write the model cache {cache_dir} ({exc.strerror or exc}); set NEWSQA_MODEL_CACHE to a writable folder"
        ) from exc
    return target


def quantized_int8(fp32: Path, what: str) -> Path:
    """The int8 copy of the merged model ``fp32`` (ONNX Runtime dynamic quantisation, per-channel weights),
    built once beside it, under a file lock, through a temporary file so a half-written file is never used.
    ``what`` names the model in the error raised when it cannot be built."""
    target = fp32.with_name(f"{fp32.stem}-int8.onnx")
    if target.exists():
        return target
    from filelock import FileLock, Timeout

    tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp")
    try:
        with FileLock(str(target) + ".lock").acquire(timeout=600):
            if not target.exists():
                from onnxruntime.quantization import QuantType, quantize_dynamic

                quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
                tmp.replace(target)
    except Timeout as exc:
        raise ConfigurationError(f"waited 10 minutes for another process to build {target}") from exc
    except Exception as exc:  # quantisation and the file system raise many kinds; one clear line for the user
        raise ConfigurationError(f"cannot build the int8 {what} model {target}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target

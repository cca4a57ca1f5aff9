"""The default embedder: the packaged MiniLM run by ONNX Runtime, one text per call.

Why: on a CPU, embedding is most of ingest time. sentence-transformers under
torch pads each batch to its longest text and pays for intra-op thread
barriers; here each text runs alone (no padding) on a single-threaded session,
and several texts run at once on a small thread pool (ONNX Runtime releases
the GIL). With the same float weights that is ~0.6x the CPU for the same
vectors (cosine 1.0000 to sentence-transformers); ``precision="int8"``
(per-channel int8 weights) needs ~0.45x and stays within cosine ~0.99.
It needs neither torch nor transformers at run time, so a cold
``newsqa search`` starts seconds sooner. Figures: ``bench/embedders.py``.

The ONNX file is built once per machine from the packaged weights (torch
export, plus ONNX Runtime quantisation for int8; seconds, nothing downloaded)
and kept in ``settings.model_cache_dir``; a file lock keeps concurrent first
runs from building it twice, and a half-written file is never used.

Tokenisation, truncation (256 word pieces), mean pooling and L2 normalisation
are those of the sentence-transformers model, read from its own config files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import numpy as np

from indexing.embedding.export import export_encoder
from indexing.embedding.sentence_vectors import pool_spans
from indexing.errors import ConfigurationError

__all__ = ["OnnxEmbedder", "build_onnx_model"]

logger = logging.getLogger("newsqa.embedding")

Precision = Literal["int8", "fp32"]
# Up to this many texts run on one thread: a query gains nothing from intra-op threads.
_SMALL_CALL = 8
# Bump when the export or quantisation recipe changes, so old cache files are not reused.
_RECIPE = 1


def _fingerprint(model_dir: Path, precision: Precision) -> str:
    import onnxruntime

    digest = hashlib.sha256(f"recipe={_RECIPE};ort={onnxruntime.__version__};{precision}".encode())
    for name in ("config.json", "tokenizer.json"):
        path = model_dir / name
        if path.exists():
            digest.update(path.read_bytes())
    weights = next((p for p in (model_dir / "model.safetensors", model_dir / "pytorch_model.bin") if p.exists()), None)
    if weights is not None:
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}".encode())
        with weights.open("rb") as handle:  # the head holds the tensor table; enough to tell models apart
            digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:16]


def _read_config(model_dir: Path) -> tuple[int, int]:
    """``(max_tokens, dimension)`` of a sentence-transformers folder, which must be mean-pooled and normalised.

    Only mean pooling + Normalize is reproduced here; anything else must use the torch backend.
    """
    pooling = model_dir / "1_Pooling" / "config.json"
    modules = model_dir / "modules.json"
    bert = model_dir / "sentence_bert_config.json"
    try:
        config = json.loads(pooling.read_text()) if pooling.exists() else {"pooling_mode_mean_tokens": True}
        types = [m.get("type", "") for m in json.loads(modules.read_text())] if modules.exists() else []
        max_seq = int(json.loads(bert.read_text()).get("max_seq_length") or 256) if bert.exists() else 256
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the model's configuration in {model_dir}: {exc}") from exc
    mean_only = config.get("pooling_mode_mean_tokens") and not any(
        config.get(k)
        for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")
    )
    extra = [t for t in types if not t.endswith(("models.Transformer", "models.Pooling", "models.Normalize"))]
    if not mean_only or extra or (types and not any(t.endswith("models.Normalize") for t in types)):
        raise ConfigurationError(
            f"{model_dir} is not a mean-pooled, normalised sentence-transformers model; "
            "set NEWSQA_EMBED_BACKEND=torch for it"
        )
    return max_seq - 2, int(config.get("word_embedding_dimension", 384))  # [CLS] and [SEP]


def build_onnx_model(model_dir: Path, target: Path, precision: Precision = "fp32") -> Path:
    """Export ``model_dir`` (a sentence-transformers folder) to ONNX at ``target``.

    Needs torch and transformers (both dependencies of newsqa); writes through a
    temporary file so a killed build leaves nothing that looks finished.
    """
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    target.parent.mkdir(parents=True, exist_ok=True)
    fp32 = target.with_name(target.stem + f".{os.getpid()}.fp32.tmp")
    final_tmp = target.with_name(target.stem + f".{os.getpid()}.tmp")
    try:
        model = transformers.AutoModel.from_pretrained(str(model_dir)).eval()

        export_encoder(model, fp32)
        if precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            # Per-channel weights keep vectors within cosine ~0.99 of the float model;
            # per-tensor int8 drifts to ~0.95 on MiniLM.
            quantize_dynamic(str(fp32), str(final_tmp), weight_type=QuantType.QInt8, per_channel=True)
        else:
            fp32.replace(final_tmp)
        final_tmp.replace(target)
    except ConfigurationError:
        raise
    except Exception as exc:  # torch/onnx raise many kinds; one clear line for the user
        raise ConfigurationError(f"cannot build the ONNX embedding model from {model_dir}: {exc}") from exc
    finally:
        for leftover in (fp32, final_tmp):
            leftover.unlink(missing_ok=True)
    return target


class OnnxEmbedder:
    """A mean-pooled sentence-transformers model run by ONNX Runtime (see module docstring)."""

    def __init__(
        self,
        model: str | None = None,
        *,
        cache_dir: Path,
        precision: Precision = "fp32",
        threads: int | None = None,
    ) -> None:
        from indexing.embedding.default_model import default_model_path

        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - dependencies of the package
            raise ConfigurationError(f"the ONNX embedder needs onnxruntime and tokenizers: {exc}") from exc
        model_dir = Path(model or default_model_path())
        if not (model_dir / "tokenizer.json").exists():
            raise ConfigurationError(
                f"{model_dir} has no tokenizer.json; set NEWSQA_EMBED_BACKEND=torch for this model"
            )
        self.max_tokens, self.dimension = _read_config(model_dir)
        self.name = "all-MiniLM-L6-v2" if model is None else str(model)
        self.backend = "onnx" if precision == "fp32" else "onnx-int8"
        self.path = self._ensure_model(model_dir, Path(cache_dir), precision, self.name)
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._session = self._load_session(onnxruntime, self.path)
        self._executor: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

        # worker processes count word pieces with their own copy (indexing.ingest.parse_pool)
        self.tokenizer_path = model_dir / "tokenizer.json"
        self._encoder = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._encoder.enable_truncation(self.max_tokens + 2)
        self._encoder.no_padding()
        # counting never pads or truncates; a separate object so the two never share state
        self._counter = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()

    # --- set-up ---
    @staticmethod
    def _ensure_model(model_dir: Path, cache_dir: Path, precision: Precision, name: str) -> Path:
        stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in Path(name).name) or "model"
        target = cache_dir / f"{stem}-{_fingerprint(model_dir, precision)}-{precision}.onnx"
        if target.exists():
            return target
        from filelock import FileLock, Timeout

        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(target) + ".lock")
            with lock.acquire(timeout=600):
                if not target.exists():  # another process may have built it while we waited
                    logger.warning("building the %s ONNX embedding model once, in %s ...", precision, cache_dir)
                    build_onnx_model(model_dir, target, precision)
        except Timeout as exc:
            raise ConfigurationError(f"waited 10 minutes for another process to build {target}") from exc
        except OSError as exc:
            raise ConfigurationError(
                f"cannot write the embedding model cache {cache_dir} ({exc.strerror or exc}); "
                "set NEWSQA_MODEL_CACHE to a writable folder"
            ) from exc
        return target

    @staticmethod
    def _load_session(ort: Any, path: Path) -> Any:
        options = ort.SessionOptions()
        # one thread per call; parallelism comes from concurrent calls (see ``embed``)
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged cache file: say which, so it can be deleted
            raise ConfigurationError(
                f"cannot load the ONNX embedding model {path} ({exc}); delete it to rebuild"
            ) from exc

    # --- the Embedder protocol ---
    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def count_tokens_batch(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens. Safe to call from any thread."""
        if not texts:
            return []
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

    def embed(self, texts: Sequence[str], *, batch_size: int | None = None, progress: bool = False) -> np.ndarray:
        """Unit vectors for ``texts``, one model call per text.

        One call per text, not padded batches: int8 activations are quantised per
        call, so batching would make a text's vector depend on its neighbours (and
        padding costs compute). Throughput comes from running the calls on
        ``threads`` threads at once instead (ONNX Runtime releases the GIL).
        ``batch_size`` is accepted for the protocol and ignored.
        """
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), unit="text", desc="embed")
        try:
            rows = self._map(lambda t: self._embed_one(t, bar), texts)
        finally:
            if bar is not None:
                bar.close()
        return np.stack(rows).astype(np.float32, copy=False)

    def embed_with_sentences(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Unit vectors for ``texts`` (as :meth:`embed`) and, from the same model pass, one vector per character
        span of ``spans[i]`` in ``texts[i]`` (:func:`indexing.embedding.sentence_vectors.pool_spans`)."""
        texts = list(texts)
        if len(spans) != len(texts):
            raise ValueError(f"{len(spans)} span lists for {len(texts)} texts")
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        rows = self._map(lambda job: self._embed_spans(*job), list(zip(texts, spans, strict=True)))
        return np.stack([v for v, _ in rows]).astype(np.float32, copy=False), [p for _, p in rows]

    def _embed_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        encoded = self._encoder.encode(text)
        hidden = self._hidden(encoded.ids)
        return _unit_mean(hidden), pool_spans(hidden, encoded.offsets, spans)

    def _hidden(self, token_ids: Sequence[int]) -> np.ndarray:
        ids = np.asarray([token_ids], dtype=np.int64)
        return self._session.run(
            None,
            {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)},
        )[0][0]

    def _embed_one(self, text: str, bar: Any = None) -> np.ndarray:
        vector = _unit_mean(self._hidden(self._encoder.encode(text).ids))
        if bar is not None:
            bar.update(1)
        return vector

    def _map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        """``fn`` over ``items``: in this thread for a few items or one thread, else on the thread pool."""
        if len(items) <= _SMALL_CALL or self._threads == 1:
            return [fn(item) for item in items]
        return list(self._pool().map(fn, items))

    def _pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._threads, thread_name_prefix="newsqa-embed")
            return self._executor


def _unit_mean(hidden: np.ndarray) -> np.ndarray:
    """The mean of a text's word-piece states, L2-normalised: its sentence-transformers vector."""
    vector = hidden.mean(axis=0)
    vector /= max(float(np.linalg.norm(vector)), 1e-12)
    return vector

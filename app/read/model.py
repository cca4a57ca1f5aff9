"""The reader's model: the packaged all-MiniLM-L6-v2 with the trained delta, as a cross-encoder on ONNX Runtime.

The delta (LoRA adapters on the attention and feed-forward layers plus a linear head on the mean-pooled
output) is merged into the base weights and exported to ONNX once per machine, in the model cache
(:mod:`indexing.embedding.lora_onnx`), then quantised to int8 once (:func:`indexing.embedding.lora_onnx.quantized_int8`). Scoring needs ONNX
Runtime, tokenizers and numpy only; scores are cached per (question, passage).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from indexing.errors import ConfigurationError

__all__ = ["DEFAULT_DELTA", "AnswerReader", "shared_reader"]

DEFAULT_DELTA = Path(__file__).resolve().parent / "data" / "reader_delta.npz"
_BATCH = 4  # pairs per ONNX call, grouped by length


class AnswerReader:
    """Scores (question, passage) pairs with the reader delta on the packaged MiniLM (ONNX Runtime)."""

    def __init__(
        self,
        cache_dir: Path,
        delta: Path | None = None,
        *,
        threads: int = 2,
        cache_size: int = 4096,
        precision: str = "int8",
    ) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - dependencies of the package
            raise ConfigurationError(f"the answer reader needs onnxruntime and tokenizers: {exc}") from exc
        from indexing.embedding.embedder import default_model_path
        from indexing.embedding.lora_onnx import ensure_merged_onnx, load_delta, quantized_int8

        delta_path = Path(delta or DEFAULT_DELTA)
        if not delta_path.exists():
            raise ConfigurationError(f"the answer reader's delta {delta_path} is missing")
        model_dir = Path(default_model_path())
        loaded = load_delta(delta_path)
        self.meta = loaded.meta
        try:
            self._w = loaded.extra["head.weight"].astype(np.float32).reshape(-1)
            self._b = float(loaded.extra["head.bias"].reshape(-1)[0])
        except KeyError as exc:
            raise ConfigurationError(f"{delta_path} has no reader head ({exc})") from exc
        self.max_tokens = int(self.meta.get("max_tokens", 128))
        self._pair_types = self.meta.get("type_ids", "pair") == "pair"
        if precision not in ("int8", "fp32"):
            raise ConfigurationError(f"the reader's precision is int8 or fp32, not {precision!r}")
        self.precision = precision
        self.path = ensure_merged_onnx(model_dir, loaded, Path(cache_dir), "newsqa-reader")
        if precision == "int8":
            self.path = quantized_int8(self.path, "reader")
        # One thread per model call, and up to ``threads`` calls at once: the pairs of a question are
        # independent, and small single-pair calls gain little from splitting one matrix product over
        # threads (bench/reader_calibrate.py --time).
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._threads = max(1, threads)
        self._executor: ThreadPoolExecutor | None = None
        try:
            self._session = onnxruntime.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged cache file: say which, so it can be deleted
            raise ConfigurationError(f"cannot load the reader model {self.path} ({exc}); delete it to rebuild") from exc
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens, strategy="longest_first")
        self._tokenizer.no_padding()
        self._cache: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def score(self, question: str, contexts: Sequence[str]) -> np.ndarray:
        """P(the passage answers the question) for each context (one padded batch for the uncached ones)."""
        out = np.zeros(len(contexts), dtype=np.float32)
        todo: list[int] = []
        with self._lock:
            for i, ctx in enumerate(contexts):
                hit = self._cache.get((question, ctx))
                if hit is None:
                    todo.append(i)
                else:
                    self._cache.move_to_end((question, ctx))
                    out[i] = hit
        if todo:
            # the same sentence retrieved in two overlapping chunks is scored once
            unique = list(dict.fromkeys(contexts[i] for i in todo))
            scored = dict(zip(unique, self._run(question, unique), strict=True))
            with self._lock:
                for i in todo:
                    out[i] = scored[contexts[i]]
                    self._cache[(question, contexts[i])] = float(scored[contexts[i]])
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out

    def _run(self, question: str, contexts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch([(question, c) for c in contexts])
        out = np.zeros(len(encoded), dtype=np.float32)
        # pairs of similar length together, a few at a time: little padding to compute over
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
        # int8 quantises activations with a scale per call: one pair per call keeps a score independent of its batch
        batch = 1 if self.precision == "int8" else _BATCH
        groups = [order[start : start + batch] for start in range(0, len(order), batch)]
        if len(groups) > 1 and self._threads > 1:
            logits = list(self._pool().map(lambda rows: self._logits(encoded, rows), groups))
        else:
            logits = [self._logits(encoded, rows) for rows in groups]
        for rows, values in zip(groups, logits, strict=True):
            out[rows] = values
        return 1.0 / (1.0 + np.exp(-out))

    def _logits(self, encoded: list, rows: list[int]) -> np.ndarray:
        """The head's logits for the pairs ``rows`` of ``encoded``, padded to their longest, in one model call."""
        n = max(len(encoded[i].ids) for i in rows)
        ids = np.zeros((len(rows), n), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for row, i in enumerate(rows):
            e = encoded[i]
            k = len(e.ids)
            ids[row, :k] = e.ids
            if self._pair_types:
                types[row, :k] = e.type_ids
            mask[row, :k] = 1
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1.0)
        return pooled @ self._w + self._b

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._threads, thread_name_prefix="newsqa-reader")
            return self._executor


_READERS: dict[tuple[str, str, str], AnswerReader] = {}
_READERS_LOCK = threading.Lock()


def shared_reader(cache_dir: Path, delta: Path | None = None, precision: str = "int8") -> AnswerReader:
    """One reader per (cache, delta, precision) per process: loading one costs a few hundred ms (building it, once per machine, seconds)."""
    key = (str(cache_dir), str(delta or DEFAULT_DELTA), precision)
    with _READERS_LOCK:
        if key not in _READERS:
            _READERS[key] = AnswerReader(Path(cache_dir), delta, precision=precision)
        return _READERS[key]

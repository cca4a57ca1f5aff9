"""Sentence vectors pooled from a chunk's token states, stored with the chunk at ingest.

The embedder reads a chunk once (its header and text) for the chunk's vector; the same pass gives every word
piece a state, and the mean of a sentence's word-piece states, L2-normalised, is that sentence's vector in its
chunk's context. Ingest stores them (float16, base64, one row per sentence of
:func:`indexing.text.chunk_sentences.sentence_spans` of the chunk text) so that answering ranks every retrieved
sentence without embedding it again (``app.compose.evidence.rank_passages``). A sentence the model did not reach
(past its 256 word pieces) has a zero row: it is embedded at answer time, as a store without vectors is.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

__all__ = ["decode_vectors", "encode_vectors", "pool_spans"]


def pool_spans(hidden: np.ndarray, offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """One unit vector per character span: the mean of the states of the word pieces inside it.

    ``hidden`` holds a state per word piece, ``offsets`` each word piece's character span in the embedded text
    (special tokens are ``(0, 0)``); a span no word piece lies in gets a zero row.
    """
    out = np.zeros((len(spans), hidden.shape[1]), dtype=np.float32)
    starts = np.asarray([s for s, _ in offsets], dtype=np.int64)
    ends = np.asarray([e for _, e in offsets], dtype=np.int64)
    real = ends > starts
    for k, (a, b) in enumerate(spans):
        rows = np.flatnonzero(real & (starts >= a) & (ends <= b))
        if len(rows):
            v = hidden[rows].mean(axis=0)
            norm = float(np.linalg.norm(v))
            if norm > 0:
                out[k] = v / norm
    return out


def encode_vectors(vectors: np.ndarray) -> str:
    """``vectors`` (rows of one chunk) as base64 float16, for a chunk's metadata."""
    return base64.b64encode(np.ascontiguousarray(vectors, dtype="<f2").tobytes()).decode("ascii")


def decode_vectors(data: str, dimension: int) -> np.ndarray | None:
    """The rows :func:`encode_vectors` wrote, as float32 (None when ``data`` is not such a block)."""
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None
    if dimension <= 0 or len(raw) % (2 * dimension):
        return None
    return np.frombuffer(raw, dtype="<f2").astype(np.float32).reshape(-1, dimension)

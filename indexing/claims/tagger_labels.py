"""The span tagger's BIO labels: the windows it reads, decoding log-probabilities into valid BIO label sequences
(``decode``, ``decode_windows``) and labelled runs of tokens (``runs_of``)."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["LABELS", "ROLE_NAMES", "WINDOW", "decode", "decode_windows", "runs_of", "stray_inside", "windows"]

ROLE_NAMES = ("Source", "Cue", "Content")
# BIO labels: 0 = O, then B/I per role in ROLE_NAMES order.
LABELS = ("O", "B-Source", "I-Source", "B-Cue", "I-Cue", "B-Content", "I-Content")
# Sequences the model reads: runs of whole sentences of at most this many tokens (training and inference).
WINDOW = 256


def runs_of(doc: Doc, labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(role index in ROLE_NAMES, first token, one past the last token) of every labelled run, space
    tokens trimmed from its edges."""
    out: list[tuple[int, int, int]] = []
    cur: list[int] | None = None
    for i, lab in enumerate(labels.tolist()):
        role = (lab - 1) // 2 if lab else -1
        if cur is not None and (lab == 0 or lab % 2 == 1 or role != cur[0]):
            out.append((cur[0], cur[1], i))
            cur = None
        if lab and cur is None:
            cur = [role, i]
    if cur is not None:
        out.append((cur[0], cur[1], len(labels)))
    trimmed = []
    for role, lo, hi in out:
        while lo < hi and doc[lo].is_space:
            lo += 1
        while hi > lo and doc[hi - 1].is_space:
            hi -= 1
        if hi > lo:
            trimmed.append((role, lo, hi))
    return trimmed


def windows(sent_starts: list[int], n: int, size: int = WINDOW) -> list[tuple[int, int]]:
    """Token ranges of whole sentences, each at most ``size`` tokens (a longer sentence is cut)."""
    bounds = [*sent_starts, n] if sent_starts and sent_starts[0] == 0 else [0, *sent_starts, n]
    out: list[tuple[int, int]] = []
    lo = 0
    for a, b in itertools.pairwise(bounds):
        if b <= a:
            continue
        if b - lo > size and a > lo:
            out.append((lo, a))
            lo = a
        while b - lo > size:
            out.append((lo, lo + size))
            lo += size
    if lo < n:
        out.append((lo, n))
    return out


def decode(logp: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Most likely BIO label sequences where ``I-X`` only follows ``B-X`` or ``I-X`` (Viterbi, all sequences
    of the batch at once). ``logp``: (batch, time, labels) or (time, labels); positions past a sequence's
    length are ignored."""
    single = logp.ndim == 2
    if single:
        logp = logp[None]
    m, n, k = logp.shape
    lengths = np.full(m, n) if lengths is None else np.asarray(lengths)
    allowed = np.ones((k, k), dtype=bool)  # allowed[prev, cur]
    for cur in range(2, k, 2):
        allowed[:, cur] = False
        allowed[cur - 1, cur] = allowed[cur, cur] = True
    trans = np.where(allowed, 0.0, -1e9)
    first = np.where((np.arange(k) > 0) & (np.arange(k) % 2 == 0), -1e9, 0.0)
    score = logp[:, 0] + first
    back = np.zeros((m, n, k), dtype=np.int64)
    rows = np.arange(m)
    live = np.arange(n)[None, :] < lengths[:, None]  # (m, n)
    trans = trans[None]
    for t in range(1, n):
        cand = score[:, :, None] + trans
        back[:, t] = cand.argmax(1)
        new = cand.max(1) + logp[:, t]
        score = np.where(live[:, t, None], new, score)
    out = np.zeros((m, n), dtype=np.int64)
    cur = score.argmax(1)
    for t in range(n - 1, -1, -1):
        out[:, t] = np.where(live[:, t], cur, 0)
        if t > 0:
            cur = np.where(live[:, t], back[rows, t, cur], cur)
    return out[0] if single else out


def stray_inside(lab: np.ndarray) -> np.ndarray:
    """Mask of the ``I-X`` labels that follow neither ``B-X`` nor ``I-X`` (where a per-token reading breaks BIO)."""
    inside = (lab > 0) & (lab % 2 == 0)
    prev = np.concatenate([[0], lab[:-1]])
    return inside & ~((prev == lab) | (prev == lab - 1))


def decode_windows(logp: np.ndarray, sent_starts: list[int]) -> np.ndarray:
    """BIO labels per token from per-token log-probabilities, window by window (``windows``): each token's most
    likely label where that reading is valid BIO, the constrained (Viterbi) reading for the windows where it is
    not (about three in four on news, but Viterbi costs more than argmax)."""
    n = len(logp)
    out = np.zeros(n, dtype=np.int64)
    spans = windows(sent_starts, n)
    broken = []
    for j, (a, b) in enumerate(spans):
        lab = logp[a:b].argmax(-1)
        if stray_inside(lab).any():
            broken.append(j)
        else:
            out[a:b] = lab
    if broken:
        width = max(spans[j][1] - spans[j][0] for j in broken)
        batch = np.zeros((len(broken), width, logp.shape[1]), dtype=logp.dtype)
        lengths = np.zeros(len(broken), dtype=np.int64)
        for row, j in enumerate(broken):
            a, b = spans[j]
            batch[row, : b - a] = logp[a:b]
            lengths[row] = b - a
        best = decode(batch, lengths)
        for row, j in enumerate(broken):
            a, b = spans[j]
            out[a:b] = best[row, : b - a]
    return out

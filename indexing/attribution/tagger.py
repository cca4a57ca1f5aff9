"""A small trained span tagger that corrects the rule engine's Source / Cue / Content spans.

The rules (``engine.py``) find attributions from the parse; annotators draw
span boundaries by conventions the rules only approximate, and they label
attributions the rules never see. This tagger reads, for every spaCy token,
what the pipeline has already computed (the ``tok2vec`` vector the parser used,
POS, tag, dependency, the head's POS and side), the word, whether it lies in a
quotation, whether the cue lexicon knows it, the trained cue detector's
P(cue) for the words it scores (binned), where sentences and paragraphs start,
*and the role the rules gave it*, and labels the token ``O`` or
``B/I-Source``, ``B/I-Cue``, ``B/I-Content`` with a one-layer BiLSTM. Nothing
runs again that ingest has not already run: no second encoder pass.

Weights are learned from PolNeAR train by ``training/train_tagger.py`` and
shipped as ONNX (``tagger.onnx``, run with onnxruntime) beside a vocabulary of
words and parse labels (``tagger_vocab.json``); no article text is stored.
``refinement.refine`` turns the labelled spans back into attributions (see its docstring).

The features are defined here, once, so training and inference cannot drift.
"""

from __future__ import annotations

import itertools
import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexing.settings import AttributionSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Doc, Token

    from indexing.models import Claim

    from .quotes import QuoteIndex

__all__ = [
    "LABELS",
    "ROLE_NAMES",
    "SpanTagger",
    "TokenFeatures",
    "attribution_mode",
    "decode",
    "decode_windows",
    "featurize",
    "lexicon_kind",
    "load_lm_tagger",
    "load_tagger",
    "role_tags",
    "role_tags_of",
    "runs_of",
    "stray_inside",
    "windows",
]

MODEL_FILE = Path(__file__).with_name("tagger.onnx")
VOCAB_FILE = Path(__file__).with_name("tagger_vocab.json")
ROLE_NAMES = ("Source", "Cue", "Content")
# BIO labels: 0 = O, then B/I per role in ROLE_NAMES order.
LABELS = ("O", "B-Source", "I-Source", "B-Cue", "I-Cue", "B-Content", "I-Content")
# Categorical inputs, in the order the model takes them (one embedding table each).
CATEGORICAL = (
    "word",
    "shape",
    "pos",
    "tag",
    "dep",
    "head_pos",
    "head_side",
    "quote",
    "rule",
    "lexicon",
    "boundary",
    "cue_p",
)
# Sequences the model reads: runs of whole sentences of at most this many tokens (training and inference).
WINDOW = 256
# NEWSQA_ATTRIBUTION when unset (``attribution_mode``)
DEFAULT_MODE = "tagger"


# Bin edges of the cue detector's P(cue) (``cue_p`` input: 0 = a word the detector does not score, 1-7 the bins).
_CUE_P_BINS = np.array([0.05, 0.15, 0.3, 0.45, 0.6, 0.8])


@dataclass
class TokenFeatures:
    """Per-token inputs of one Doc: ``cats`` (n, len(CATEGORICAL)) int64, ``vectors`` (n, width) float32."""

    cats: np.ndarray
    vectors: np.ndarray
    sent_starts: list[int]


def _shape(text: str) -> int:
    if text.isspace():
        return 1
    if text in ('"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "``", "''"):
        return 2
    if not any(ch.isalnum() for ch in text):
        return 3
    if text.isdigit():
        return 4
    if text.isupper() and len(text) > 1:
        return 5
    if text[:1].isupper():
        return 6
    return 7


@lru_cache(maxsize=1)
def _lexicon_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from .cuemodel import load_cue_model
    from .cues import REPORTING_NOUNS, cue_verb_forms

    model = load_cue_model()
    heads = model.heads if model is not None else frozenset()
    return frozenset(cue_verb_forms()), frozenset(REPORTING_NOUNS), frozenset(heads)


def lexicon_kind(low: str) -> int:
    """0: no lexicon knows the word; 1 a cue verb, 2 a reporting noun, 3 "according", 4 a cue detector head."""
    verbs, nouns, heads = _lexicon_words()
    if low in verbs:
        return 1
    if low in nouns:
        return 2
    if low == "according":
        return 3
    if low in heads:
        return 4
    return 0


def role_tags(doc: Doc, claims: list[Claim]) -> np.ndarray:
    """The rules' BIO label index per token (the tagger's ``rule`` input), from the attributed claims' spans."""
    triples = [
        (
            [(s.start, s.end) for s in c.source_spans],
            [(s.start, s.end) for s in c.cue_spans],
            [(s.start, s.end) for s in c.content_spans],
        )
        for c in claims
        if c.source_spans or c.cue_spans
    ]
    return role_tags_of(doc, triples)


def role_tags_of(
    doc: Doc, triples: Sequence[tuple[list[tuple[int, int]], ...]], bounds: tuple[list[int], list[int]] | None = None
) -> np.ndarray:
    """BIO label index per token from (source pieces, cue pieces, content pieces) per attribution: cue over
    source over content where they overlap, a piece's first token ``B``. ``bounds``: the tokens' start and
    end offsets when the caller has them."""
    starts, ends = bounds if bounds is not None else ([t.idx for t in doc], [t.idx + len(t.text) for t in doc])
    tags = np.zeros(len(doc), dtype=np.int64)
    for role in (2, 0, 1):  # content, then source, then cue: later roles win
        for triple in triples:
            for a, b in triple[role]:
                lo, hi = bisect_right(ends, a), bisect_left(starts, b)
                if hi <= lo:
                    continue
                tags[lo:hi] = 2 + 2 * role
                tags[lo] = 1 + 2 * role
    return tags


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


def featurize(
    doc: Doc,
    quotes: QuoteIndex,
    rule: np.ndarray,
    vocab: dict[str, dict[str, int]],
    cue_score: Callable[[Token], float] | None = None,
) -> TokenFeatures:
    """The model's inputs for every token of ``doc`` (``rule``: :func:`role_tags_of` the rules' attributions;
    ``cue_score``: the cue detector's P(cue) of a token, when the caller has already computed some).

    Read from ``Doc.to_array`` and mapped once per distinct string (ingest speed: no Token objects)."""
    from spacy.attrs import DEP, HEAD, IDX, LOWER, ORTH, POS, SENT_START, TAG

    n = len(doc)
    cats = np.zeros((n, len(CATEGORICAL)), dtype=np.int64)
    if n == 0:
        return TokenFeatures(cats=cats, vectors=np.zeros((0, 96), np.float32), sent_starts=[])
    arr = doc.to_array([LOWER, ORTH, POS, TAG, DEP, HEAD, IDX, SENT_START]).astype(np.int64)
    strings = doc.vocab.strings

    def mapped(col: np.ndarray, fn) -> np.ndarray:
        uniq, inv = np.unique(col, return_inverse=True)
        return np.array([fn(strings[int(h)]) for h in uniq.tolist()], dtype=np.int64)[inv.reshape(-1)]

    words, pos_v, tag_v, dep_v = vocab["word"], vocab["pos"], vocab["tag"], vocab["dep"]
    lower, orth = arr[:, 0].astype(np.uint64), arr[:, 1].astype(np.uint64)
    cats[:, 0] = mapped(lower, lambda w: words.get(w, 1))
    shape = mapped(orth, _shape)
    cats[:, 1] = shape
    pos = mapped(arr[:, 2].astype(np.uint64), lambda w: pos_v.get(w, 1))
    cats[:, 2] = pos
    cats[:, 3] = mapped(arr[:, 3].astype(np.uint64), lambda w: tag_v.get(w, 1))
    cats[:, 4] = mapped(arr[:, 4].astype(np.uint64), lambda w: dep_v.get(w, 1))
    rel = arr[:, 5]  # head offset relative to the token
    idx = np.arange(n)
    cats[:, 5] = pos[np.clip(idx + rel, 0, n - 1)]
    cats[:, 6] = np.where(rel == 0, 0, np.where(rel < 0, 1, 2))
    starts = arr[:, 6]
    qspans = quotes.spans
    if qspans:
        qs = np.array([a for a, _ in qspans], dtype=np.int64)
        qe = np.array([b for _, b in qspans], dtype=np.int64)
        k = np.searchsorted(qs, starts, side="right") - 1
        inside = (k >= 0) & (starts < qe[np.clip(k, 0, None)])
        cats[:, 7] = np.where(inside, np.where(shape == 2, 2, 1), 0)
    cats[:, 8] = rule
    cats[:, 9] = mapped(lower, lexicon_kind)
    sent_start = arr[:, 7] == 1
    sent_start[0] = True
    newline = mapped(orth, lambda w: int("\n" in w)).astype(bool)
    para = np.zeros(n, dtype=bool)
    para[0] = True
    para[1:] = newline[:-1]
    cats[:, 10] = np.where(para, 2, np.where(sent_start, 1, 0))
    from .cuemodel import load_cue_model

    model = load_cue_model()
    if model is not None:
        heads = model.heads
        cand = np.flatnonzero(mapped(lower, lambda w: int(w in heads or w == ":")))
        for i in cand.tolist():
            tok = doc[int(i)]
            if model.candidate(tok):
                p = cue_score(tok) if cue_score is not None else model.score(tok, quotes)
                cats[i, 11] = 1 + int(np.searchsorted(_CUE_P_BINS, p, side="right"))
    tensor = doc.tensor
    vectors = tensor.astype(np.float32) if tensor is not None and len(tensor) == n else np.zeros((n, 96), np.float32)
    return TokenFeatures(cats=cats, vectors=vectors, sent_starts=np.flatnonzero(sent_start).tolist())


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


class SpanTagger:
    """The shipped ONNX model and its vocabulary; :meth:`labels` gives the BIO label index per token."""

    def __init__(self, model_path: Path = MODEL_FILE, vocab_path: Path = VOCAB_FILE, threads: int = 1) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        meta = json.loads(vocab_path.read_text(encoding="utf-8"))
        self.vocab: dict[str, dict[str, int]] = meta["tables"]
        # log-probability taken off "O" before decoding: trades span precision for recall (chosen on a
        # held-out share of PolNeAR train by training/train_tagger.py --biases, never on dev)
        self.o_bias = float(meta.get("o_bias", 0.0))

    def log_probs(self, feats: TokenFeatures) -> np.ndarray:
        """log P(label) per token, (n, len(LABELS)), the ``o_bias`` taken off ``O``."""
        n = len(feats.cats)
        if n == 0:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        spans = windows(feats.sent_starts, n)
        width = max(b - a for a, b in spans)
        cats = np.zeros((len(spans), width, feats.cats.shape[1]), dtype=np.int64)
        vecs = np.zeros((len(spans), width, feats.vectors.shape[1]), dtype=np.float32)
        lengths = np.zeros(len(spans), dtype=np.int64)
        for j, (a, b) in enumerate(spans):
            cats[j, : b - a] = feats.cats[a:b]
            vecs[j, : b - a] = feats.vectors[a:b]
            lengths[j] = b - a
        (logp,) = self.session.run(None, {"cats": cats, "vectors": vecs, "lengths": lengths})
        out = np.zeros((n, len(LABELS)), dtype=np.float32)
        for j, (a, b) in enumerate(spans):
            out[a:b] = logp[j, : b - a]
        if self.o_bias:
            out[:, 0] -= self.o_bias
        return out

    def labels(self, feats: TokenFeatures, logp: np.ndarray | None = None) -> np.ndarray:
        """The BIO label index per token (``logp``: per-token log-probabilities to decode instead of the model's
        own, e.g. combined with the transformer tagger's)."""
        n = len(feats.cats)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        if logp is None:
            logp = self.log_probs(feats)
        return decode_windows(logp, feats.sent_starts)


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


MODES = ("transformer", "tagger", "rules")
# the attribution settings of an engine given none: IndexSettings' defaults
DEFAULT_SETTINGS = AttributionSettings()


def attribution_mode(settings: AttributionSettings = DEFAULT_SETTINGS) -> str:
    """``NEWSQA_ATTRIBUTION`` (``settings.mode``): ``transformer`` (the rules, the span tagger and the transformer
    tagger), ``tagger`` (the rules and the span tagger) or ``rules``; ``ConfigurationError`` for anything else."""
    from indexing.errors import ConfigurationError

    mode = settings.mode.strip().lower() or DEFAULT_MODE
    if mode not in MODES:
        raise ConfigurationError(
            f"NEWSQA_ATTRIBUTION must be 'transformer', 'tagger' or 'rules' (default {DEFAULT_MODE!r}), not {mode!r}"
        )
    return mode


@lru_cache(maxsize=4)
def load_lm_tagger(settings: AttributionSettings = DEFAULT_SETTINGS):
    """The transformer tagger (``lm_tagger.TransformerTagger``) when ``settings.mode`` asks for it, else None; one
    per distinct settings value. ``NEWSQA_TAGGER_LORA`` (``settings.tagger_lora``) names another delta file; a
    missing or unreadable one is a ``ConfigurationError``."""
    if attribution_mode(settings) != "transformer":
        return None
    from .lm_tagger import DELTA_FILE, TransformerTagger

    return TransformerTagger(
        settings.tagger_lora or DELTA_FILE,
        cache_dir=settings.model_cache,
        threads=_threads(settings),
        int8=settings.lm_int8,
    )


def _threads(settings: AttributionSettings) -> int:
    from indexing.errors import ConfigurationError

    threads = settings.tagger_threads.strip()
    if not threads.isdigit() or int(threads) < 1:
        raise ConfigurationError(f"NEWSQA_TAGGER_THREADS must be a whole number >= 1, not {threads!r}")
    return int(threads)


@lru_cache(maxsize=4)
def load_tagger(settings: AttributionSettings = DEFAULT_SETTINGS) -> SpanTagger | None:
    """The shipped tagger (or the one in ``settings.tagger_dir``), or None when it is not there or
    ``NEWSQA_ATTRIBUTION=rules`` turns it off; one per distinct settings value.

    Raises ``ConfigurationError`` for a setting it cannot follow (an unknown mode, a folder without the
    model, a thread count that is not a number)."""
    from indexing.errors import ConfigurationError

    if attribution_mode(settings) == "rules":
        return None
    folder = settings.tagger_dir
    model, vocab = (folder / MODEL_FILE.name, folder / VOCAB_FILE.name) if folder else (MODEL_FILE, VOCAB_FILE)
    if not model.exists() or not vocab.exists():
        if folder:
            raise ConfigurationError(f"NEWSQA_TAGGER_DIR={folder} holds no {MODEL_FILE.name} and {VOCAB_FILE.name}")
        return None
    return SpanTagger(model, vocab, threads=_threads(settings))

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

Here: the model (``SpanTagger``) and which taggers run (``attribution_mode``,
``load_tagger``, ``load_lm_tagger``). The features are defined once, for
training and inference alike, in ``tagger_features``; the labels, windows and
decoding are ``tagger_labels``. Both modules' names are importable from here.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from indexing.settings import AttributionSettings

from .tagger_features import CATEGORICAL, TokenFeatures, featurize, lexicon_kind, role_tags, role_tags_of
from .tagger_labels import LABELS, ROLE_NAMES, WINDOW, decode, decode_windows, runs_of, stray_inside, windows

__all__ = [
    "CATEGORICAL",
    "DEFAULT_SETTINGS",
    "LABELS",
    "MODEL_FILE",
    "ROLE_NAMES",
    "VOCAB_FILE",
    "WINDOW",
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
# NEWSQA_ATTRIBUTION when unset (``attribution_mode``)
DEFAULT_MODE = "tagger"


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

"""The transformer span tagger: the packaged MiniLM with a LoRA delta and a BIO head.

It reads the words of a run of whole sentences with the embedder's encoder
(all-MiniLM-L6-v2, every linear layer adapted by a rank-8 LoRA delta trained
on PolNeAR train by ``training/train_transformer_tagger.py``) and
labels every spaCy token ``O`` or ``B/I-Source``, ``B/I-Cue``,
``B/I-Content`` (``tagger_labels.LABELS``) from the vector of the token's first word
piece and a one-hot of the role the rules gave it (``rule_roles``).

What training and inference share, so they cannot drift, is defined here:

- the sequences: :func:`windows_of` (runs of whole sentences of at most
  ``tagger_labels.WINDOW`` spaCy tokens, whitespace tokens left out);
- the word pieces: :func:`encode_words` (the packaged ``tokenizer.json``, one
  first piece per spaCy token, cut at ``MAX_PIECES``);
- the head's input: :func:`head_input` (the first piece's vector, then the
  one-hot of the rules' role);
- the rules' reading: ``engine.rule_roles`` (the rules' attributions before any
  tagger redraws them).

The delta ships as ``tagger_lora.npz`` (float16, about 0.65 MB); the merged
ONNX encoder is built from it and the packaged base weights once per machine
(``indexing.embedding.lora_onnx``, under a file lock) in ``NEWSQA_MODEL_CACHE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .tagger_labels import LABELS, windows

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "DELTA_FILE",
    "MAX_PIECES",
    "TransformerTagger",
    "Window",
    "encode_words",
    "head_input",
    "load_tokenizer",
    "windows_of",
]

DELTA_FILE = Path(__file__).with_name("tagger_lora.npz")
FORMAT = "newsqa-lora-delta/1"
# Word pieces per sequence (the encoder's position limit); spaCy tokens past it get no vector and stay "O".
MAX_PIECES = 512


class Window:
    """One sequence: the spaCy token indices it labels, their words, the rules' roles and (training) gold labels."""

    __slots__ = ("gold", "index", "rule", "words")

    def __init__(self, index: np.ndarray, words: list[str], rule: np.ndarray, gold: np.ndarray | None) -> None:
        self.index, self.words, self.rule, self.gold = index, words, rule, gold


def windows_of(
    doc: Doc, rule: np.ndarray, labels: np.ndarray | None = None, keep: np.ndarray | None = None
) -> list[Window]:
    """The windows of ``doc`` (``tagger.windows`` over its sentences), whitespace tokens left out.

    ``rule``: the rules' label index per token (``engine.rule_roles``); ``labels``: gold labels per token
    (training); ``keep``: a per-sentence mask (inference: only sentences where a cue is possible), the windows
    then made of the kept sentences only."""
    sents = [(s.start, s.end) for s in doc.sents]
    if keep is not None:
        sents = [s for s, k in zip(sents, keep.tolist(), strict=True) if k]
    out: list[Window] = []
    space = np.fromiter((t.is_space for t in doc), dtype=bool, count=len(doc))
    # consecutive kept sentences form one stretch; each stretch is cut into windows of whole sentences
    stretches: list[list[tuple[int, int]]] = []
    for s in sents:
        if stretches and stretches[-1][-1][1] == s[0]:
            stretches[-1].append(s)
        else:
            stretches.append([s])
    for stretch in stretches:
        base = stretch[0][0]
        for lo, hi in windows([a - base for a, _ in stretch], stretch[-1][1] - base):
            idx = np.arange(base + lo, base + hi)
            idx = idx[~space[idx]]
            if not len(idx):
                continue
            out.append(
                Window(idx, [doc[int(i)].text for i in idx], rule[idx], labels[idx] if labels is not None else None)
            )
    return out


def load_tokenizer(model_dir: Path) -> Any:
    """The packaged word-piece tokenizer (``tokenizers``), cutting at ``MAX_PIECES``, no padding."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tok.enable_truncation(MAX_PIECES)
    tok.no_padding()
    return tok


def encode_words(tokenizer: Any, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Word-piece ids of a window and, per word, the index of its first piece (-1: cut off)."""
    enc = tokenizer.encode(words, is_pretokenized=True)
    first = np.full(len(words), -1, dtype=np.int64)
    for k, w in enumerate(enc.word_ids):
        if w is not None and first[w] < 0:
            first[w] = k
    return np.asarray(enc.ids, dtype=np.int64), first


def head_input(hidden: Any, first: np.ndarray, rule: np.ndarray, xp: Any = np) -> Any:
    """The head's input for the words that have a piece: the first piece's vector, then the one-hot of the
    rules' role (``xp``: numpy at inference, torch in training)."""
    ok = first >= 0
    if xp is np:
        vec = hidden[first[ok]]
        onehot = np.eye(len(LABELS), dtype=vec.dtype)[rule[ok]]
        return np.concatenate([vec, onehot], axis=1)
    vec = hidden[xp.as_tensor(first[ok])]
    onehot = xp.nn.functional.one_hot(xp.as_tensor(rule[ok]), len(LABELS)).to(vec.dtype)
    return xp.cat([vec, onehot], dim=1)


class TransformerTagger:
    """The merged encoder (ONNX Runtime) and the BIO head; :meth:`log_probs` labels the tokens of some sentences.

    Raises ``ConfigurationError`` naming the file when the delta is missing, unreadable or not a span tagger's,
    and when the built model cannot be loaded."""

    def __init__(
        self, delta_path: Path = DELTA_FILE, cache_dir: Path | None = None, threads: int = 1, int8: bool = True
    ) -> None:
        import onnxruntime

        from indexing.embedding.default_model import default_model_path
        from indexing.embedding.lora_onnx import ensure_merged_onnx, load_delta, quantized_int8
        from indexing.errors import ConfigurationError

        delta_path = Path(delta_path)
        if not delta_path.is_file():
            raise ConfigurationError(
                f"the transformer span tagger's weights {delta_path} are missing "
                "(reinstall newsqa, or set NEWSQA_ATTRIBUTION=tagger to go without it)"
            )
        delta = load_delta(delta_path)
        labels = delta.meta.get("labels")
        try:
            self._w = delta.extra["head.weight"].astype(np.float32)
            self._b = delta.extra["head.bias"].astype(np.float32)
        except KeyError as exc:
            raise ConfigurationError(f"{delta_path} is not a span tagger's delta: no {exc.args[0]}") from exc
        if (
            delta.meta.get("format") != FORMAT
            or labels != list(LABELS)
            or self._w.shape[0] != len(LABELS)
            or not delta.lora
        ):
            raise ConfigurationError(
                f"{delta_path} is not a span tagger's delta (format {delta.meta.get('format')!r}, labels {labels!r})"
            )
        if cache_dir is None:
            from indexing.settings import IndexSettings

            # the default folder (model_construct: the defaults alone, no NEWSQA_* variable read here)
            cache_dir = IndexSettings.model_construct().model_cache_dir
        model_dir = Path(default_model_path())
        self.path = ensure_merged_onnx(model_dir, delta, Path(cache_dir), "newsqa-span-tagger")
        if int8:
            self.path = quantized_int8(self.path, "span tagger")
        opts = onnxruntime.SessionOptions()
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self._session = onnxruntime.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged cache file: say which, so it can be deleted
            raise ConfigurationError(
                f"cannot load the span tagger model {self.path} ({exc}); delete it to rebuild"
            ) from exc
        self._tokenizer = load_tokenizer(model_dir)
        self.meta = delta.meta

    def log_probs(self, doc: Doc, rule: np.ndarray, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(token indices, log P(label) per token (m, len(LABELS))) for the non-space tokens of the sentences
        ``keep`` marks (all sentences when None); tokens cut off past ``MAX_PIECES`` are left out."""
        wins = windows_of(doc, rule, keep=keep)
        if not wins:
            return np.zeros(0, dtype=np.int64), np.zeros((0, len(LABELS)), dtype=np.float32)
        encoded = [encode_words(self._tokenizer, w.words) for w in wins]
        idx_out: list[np.ndarray] = []
        lp_out: list[np.ndarray] = []
        # windows of similar length in one padded batch (at most 8)
        order = sorted(range(len(wins)), key=lambda j: len(encoded[j][0]))
        for s in range(0, len(order), 8):
            batch = order[s : s + 8]
            width = max(len(encoded[j][0]) for j in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, j in enumerate(batch):
                n = len(encoded[j][0])
                ids[r, :n] = encoded[j][0]
                mask[r, :n] = 1
            (hidden,) = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )
            for r, j in enumerate(batch):
                first = encoded[j][1]
                x = head_input(hidden[r], first, wins[j].rule)
                logits = x @ self._w.T + self._b
                logits -= logits.max(axis=1, keepdims=True)
                lp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
                idx_out.append(wins[j].index[first >= 0])
                lp_out.append(lp.astype(np.float32))
        return np.concatenate(idx_out), np.concatenate(lp_out)

"""The answer reader: does this passage give what the question asks? (experimental, not wired into the chain)

A cross-encoder: the packaged all-MiniLM-L6-v2 with a small trained delta
(LoRA adapters on its attention and feed-forward layers plus a linear head,
trained by ``eval/train_reader.py`` on synthetic question-passage pairs). It
reads ``[CLS] question [SEP] passage [SEP]`` and returns the probability that
the passage answers the question; the best score over the top-ranked passages
was meant to refuse *near misses* (a covered story, a fact it does not give).
No delta ships: the ones trained so far did not help refusal within the
false-refusal budget on the development sets (docs/answers.md, "Refusal").

At run time it needs neither torch nor transformers: the delta is merged
into the base weights and exported to ONNX once per machine, in the model
cache (:mod:`indexing.lora_onnx`); scoring is ONNX Runtime plus numpy. Scores
are cached per (question, passage).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexing.errors import ConfigurationError

if TYPE_CHECKING:
    from app.composers.evidence import Passage

__all__ = ["DEFAULT_DELTA", "READER_TOP", "AnswerReader", "best_reading", "passage_context", "render_context", "shared_reader"]

# Where a shipped delta would live (none does yet; pass the path of a trained one).
DEFAULT_DELTA = Path(__file__).resolve().parent / "data" / "reader_delta.npz"
# Passages read per question, best ranked first: the answer is nearly always among them,
# and each costs a MiniLM call (about 2-4 ms each on one core, batched).
READER_TOP = 4
_PRONOUN_SOURCES = frozenset({"he", "she", "they", "him", "her", "it", "we", "i"})


def render_context(title: str, text: str, speaker: str | None = None) -> str:
    """The passage as the reader reads it: ``"<title> | [<speaker>: ]<text>"``.

    The speaker goes in front only when the text does not name them (surname
    absent): "He said ..." by Farid Nasser becomes "Farid Nasser: He said ...".
    Training (``eval/reader_data.py``) renders its pairs with this function too.
    """
    text = " ".join(text.split())
    title = " ".join((title or "").split())
    if speaker:
        words = speaker.split()
        if words and words[-1].lower() not in text.lower():
            text = f"{speaker}: {text}"
    return f"{title} | {text}" if title else text


def passage_context(passage: Passage) -> str:
    """A ranked passage rendered for the reader: title, the resolved speaker of a pronoun source, the text."""
    speaker = None
    for claim in passage.claims:
        if claim.speaker and (claim.source or "").strip().lower() in _PRONOUN_SOURCES:
            speaker = claim.speaker
            break
    return render_context(passage.result.title or "", passage.evidence_text(), speaker)


class AnswerReader:
    """Scores (question, passage) pairs with the reader delta on the packaged MiniLM (ONNX Runtime)."""

    def __init__(self, cache_dir: Path, delta: Path | None = None, *, threads: int = 1, cache_size: int = 4096) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - dependencies of the package
            raise ConfigurationError(f"the answer reader needs onnxruntime and tokenizers: {exc}") from exc
        from indexing.embedding import default_model_path
        from indexing.lora_onnx import ensure_merged_onnx, load_delta

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
        self.path = ensure_merged_onnx(model_dir, loaded, Path(cache_dir), "newsqa-reader")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
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
            scores = self._run(question, [contexts[i] for i in todo])
            with self._lock:
                for i, s in zip(todo, scores, strict=True):
                    out[i] = s
                    self._cache[(question, contexts[i])] = float(s)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out

    def _run(self, question: str, contexts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch([(question, c) for c in contexts])
        n = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(encoded), n), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encoded):
            k = len(e.ids)
            ids[row, :k] = e.ids
            if self._pair_types:
                types[row, :k] = e.type_ids
            mask[row, :k] = 1
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1.0)
        logits = pooled @ self._w + self._b
        return 1.0 / (1.0 + np.exp(-logits))


_READERS: dict[tuple[str, str], AnswerReader] = {}
_READERS_LOCK = threading.Lock()


def shared_reader(cache_dir: Path, delta: Path | None = None) -> AnswerReader:
    """One reader per (cache, delta) per process: loading one costs a few hundred ms (building it, once per machine, seconds)."""
    key = (str(cache_dir), str(delta or DEFAULT_DELTA))
    with _READERS_LOCK:
        if key not in _READERS:
            _READERS[key] = AnswerReader(Path(cache_dir), delta)
        return _READERS[key]


def best_reading(reader: AnswerReader, question: str, passages: Sequence[Passage], top: int = READER_TOP) -> tuple[float, Passage | None]:
    """The reader's best score over the ``top`` best-ranked usable passages, and that passage (``(0.0, None)`` without any)."""
    usable = [p for p in passages if p.vector is not None and (not p.injection or p.evidence_text())][:top]
    if not usable:
        return 0.0, None
    scores = reader.score(question, [passage_context(p) for p in usable])
    best = int(np.argmax(scores))
    return float(scores[best]), usable[best]

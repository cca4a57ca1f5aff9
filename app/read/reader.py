"""The answer reader: does this passage give what the question asks?

A cross-encoder: the packaged all-MiniLM-L6-v2 with a small trained delta
(LoRA adapters on its attention and feed-forward layers plus a linear head,
trained by ``training/train_reader.py`` on analyst questions over BBC News and
SNLI; docs/answers.md, "The reader"). It reads
``[CLS] question [SEP] title | speaker: passage [SEP]`` and returns the
probability that the passage gives what is asked. The chain reads its 12
best-ranked candidate passages (:func:`read`); the combined score
(:func:`combine`) orders the answer, chooses its passages and decides refusal.

At run time it needs neither torch nor transformers: the delta is merged
into the base weights and exported to ONNX once per machine, in the model
cache (:mod:`indexing.embedding.lora_onnx`); scoring is ONNX Runtime plus numpy. Scores
are cached per (question, passage).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexing.errors import ConfigurationError

if TYPE_CHECKING:
    from app.compose.evidence import Passage

__all__ = [
    "ADD_AT",
    "ANSWER_AT",
    "COMBINE",
    "DEFAULT_DELTA",
    "READ_N",
    "AnswerReader",
    "Reading",
    "choose_candidates",
    "combine",
    "passage_context",
    "read",
    "reader_candidates",
    "render_context",
    "shared_reader",
    "split_question",
]

# The shipped delta (NEWSQA_READER_DELTA names another).
DEFAULT_DELTA = Path(__file__).resolve().parent / "data" / "reader_delta.npz"
# Candidate passages the reader scores per question: the gold evidence is among the chain's
# best-ranked 12 for 88 % of the calibrate questions, 8: 81 %, 4: 60 % (bench/reader_calibrate.py).
READ_N = 12
# The best candidate's score at or above which the question is answered (below: refused, naming the
# closest articles), and the score at which a further candidate joins the answer. Chosen on the
# calibrate split of the analyst questions (bench/reader_calibrate.py); docs/answers.md has the trade-off.
ANSWER_AT = 0.25
ADD_AT = 0.25
# The decision reads the reader's logit together with the chain's ranking (relevance: similarity,
# word overlap, speaker asked about) and, for a question asking for a figure or a time, whether the
# passage holds one (typed, +1 / -1): P(gives what is asked) = sigmoid(a * logit(reader) + b * relevance
# + c + d * typed). a, b, c put the gold passage first most often on the calibrate split; d = 0.5 moved
# it first for 2 more of 184 train and 1 more of 42 calibrate questions (bench/reader_calibrate.py --fit).
COMBINE = (1.0, 2.0, 0.0, 0.5)
_BATCH = 4  # pairs per ONNX call, grouped by length
_NOMINAL = frozenset({"NOUN", "PROPN"})
_PRONOUN_SOURCES = frozenset({"he", "she", "they", "him", "her", "it", "we", "i"})


def render_context(title: str, text: str, speaker: str | None = None, *, always: bool = False) -> str:
    """The passage as the reader reads it: ``"<title> | [<speaker>: ]<text>"``.

    The speaker goes in front when the text does not name them (surname absent):
    "He said ..." by Farid Nasser becomes "Farid Nasser: He said ..."; with
    ``always`` it goes in front whenever given (a fuller description of the speaker).
    Training (``training/reader_pairs.py``) renders its pairs through :func:`passage_context` too.
    """
    text = " ".join(text.split())
    title = " ".join((title or "").split())
    if speaker:
        words = speaker.split()
        if words and (always or words[-1].lower() not in text.lower()):
            text = f"{speaker}: {text}"
    return f"{title} | {text}" if title else text


def _described(name: str, passage: Passage) -> str:
    """``name`` as its article's chunk describes it ("Maria Okafor, the port authority's director"), else ``name``.

    A question names a speaker by role as often as by name; the role is usually in the
    sentence that first quotes them, not in the one that gives the fact.
    """
    last = name.split()[-1].lower() if name.split() else ""
    best = name
    for claim in passage.result.claims:
        source = " ".join((claim.source or "").split())
        if last and "," in source and last in source.lower() and len(source) > len(best) and len(source) <= 120:
            best = source
    return best


def passage_context(passage: Passage) -> str:
    """A ranked passage rendered for the reader: title, its speaker as described in the article, the text.

    The speaker goes in front when the text does not name them (a pronoun source, resolved) or
    when the article describes them more fully elsewhere ("Mike Okoro, the bank's chief economist").
    """
    text = passage.evidence_text()
    speaker = None
    for claim in passage.claims:
        if not claim.attributed:
            continue
        source = (claim.source or "").strip()
        name = claim.speaker if source.lower() in _PRONOUN_SOURCES and claim.speaker else (claim.speaker or source)
        if not name:
            continue
        described = _described(name, passage)
        if described.lower() not in text.lower():
            speaker = described
        break
    return render_context(passage.result.title or "", text, speaker, always=True)


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
        from indexing.embedding.lora_onnx import ensure_merged_onnx, load_delta

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
            self.path = _quantized(self.path)
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


def _quantized(path: Path) -> Path:
    """The int8 copy of the merged reader ``path`` (dynamic quantisation, per-channel weights; built once, under a file lock).

    About 0.6x the float model's time on CPU (one pair per call); on the calibrate split its best
    candidate holds the gold evidence for 20 of 42 answerable questions, the float model's for 21
    (bench/reader_calibrate.py --precision).
    """
    target = path.with_name(f"{path.stem}-int8.onnx")
    if target.exists():
        return target
    from filelock import FileLock, Timeout
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_name(target.name + ".tmp")
    try:
        with FileLock(str(target) + ".lock").acquire(timeout=600):
            if not target.exists():
                quantize_dynamic(str(path), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
                tmp.replace(target)
    except Timeout as exc:
        raise ConfigurationError(f"waited 10 minutes for another process to build {target}") from exc
    except OSError as exc:
        raise ConfigurationError(f"cannot write the reader's int8 model {target} ({exc.strerror or exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def choose_candidates(passages: Sequence[Passage], n: int | None = None) -> list[Passage]:
    """The passages the reader reads: the ``n`` best ranked usable ones (ranked and embedded by the chain)."""
    usable = [p for p in passages if p.vector is not None and (not p.injection or p.evidence_text())]
    return usable[: n or READ_N]


def reader_candidates(qa, question: str) -> list[Passage]:
    """What the reader reads for ``question`` on ``qa``'s store: the chain's retrieval and ranking, then :func:`choose_candidates`.

    ``qa`` is an :class:`app.service.NewsQA`; training and the benchmarks use this, the chain does the same steps.
    """
    from app.compose.evidence import build_passages, rank_passages
    from app.guard.support import as_cached

    results = qa.searcher.search(question, k=qa.settings.top_k, filters=None)
    passages = rank_passages(question, build_passages(results), as_cached(qa.searcher.embedder))
    return choose_candidates(passages)


@dataclass
class Reading:
    """What the reader made of one question's candidates: each passage's score, best first."""

    scored: list[tuple[Passage, float]]  # candidates, best score first

    @property
    def best(self) -> float:
        return max((score for _, score in self.scored), default=0.0)

    @property
    def best_passage(self) -> Passage | None:
        return self.scored[0][0] if self.scored else None

    @property
    def answerable(self) -> bool:
        """True when some candidate gives what is asked (the best score reaches :data:`ANSWER_AT`)."""
        return self.best >= ANSWER_AT

    def chosen(self, limit: int) -> list[Passage]:
        """The passages to answer with: the best, then those scoring :data:`ADD_AT` or more, at most ``limit``."""
        if not self.answerable:
            return []
        out = [self.scored[0][0]]
        for passage, score in self.scored[1:]:
            if len(out) >= limit:
                break
            if score >= ADD_AT:
                out.append(passage)
        return out


def read(
    reader: AnswerReader,
    question: str,
    passages: Sequence[Passage],
    n: int | None = None,
    *,
    weights: tuple[float, float, float] | None = None,
) -> Reading:
    """Score the chain's best-ranked candidates for ``question``; each read passage gets its ``reading``."""
    candidates = choose_candidates(passages, n)
    if not candidates:
        return Reading([])
    contexts = [passage_context(p) for p in candidates]
    # A question asking several things is read part by part; each part's best passage goes first.
    per_part = []
    for question_part in split_question(question):
        raw = reader.score(question_part, contexts)
        kind = asked_kind(question_part)
        per_part.append(
            [
                combine(float(r), p.relevance, weights or COMBINE, typed=typed_match(kind, p.text))
                for r, p in zip(raw, candidates, strict=True)
            ]
        )
    scores = [max(part[i] for part in per_part) for i in range(len(candidates))]
    for p, s in zip(candidates, scores, strict=True):
        p.reading = s
    firsts: list[int] = []
    for part in per_part:
        best = max(range(len(candidates)), key=lambda i: (part[i], -i))
        if best not in firsts:
            firsts.append(best)

    rest = sorted((i for i in range(len(candidates)) if i not in firsts), key=lambda i: (-scores[i], i))
    return Reading([(candidates[i], scores[i]) for i in firsts + rest])


# "What did A and B (each) say about Z?" -> one question per speaker.
_TWO_SPEAKERS = re.compile(
    r"^(?P<lead>(?:what|how|why)\s+(?:did|do|does|have|has|had|will|would))\s+(?P<a>[^?,]{2,60}?)\s+and\s+(?P<b>[^?,]{2,60}?)"
    r"\s+(?:each\s+|both\s+)?(?P<verb>say|said|think|react|respond|explain|describe|view|see|make\s+of)\b(?P<rest>[^?]*)\??\s*$",
    re.IGNORECASE,
)
# "..., and what does X plan?" / "... and how did Y react?": a second question joined to the first.
_JOINED = re.compile(
    r"[,;]?\s+and\s+(?=(?:what|who|how|why|when|where|which|does|do|did|is|are|was|were|has|have|will|would)\b)",
    re.IGNORECASE,
)


def split_question(question: str) -> list[str]:
    """The parts of a question that asks several things (the question itself when it asks one).

    "Has X turned it down? What are its ministers saying?" -> two questions; "What has X threatened,
    and what does Y plan?" -> two; "What did the union and the ministry each say about the deal?" ->
    one per speaker.
    """
    text = " ".join(question.split())
    parts = [p.strip() for p in re.split(r"(?<=\?)\s+(?=[A-Z])", text) if p.strip()]
    out: list[str] = []
    for part in parts:
        pieces = _JOINED.split(part)
        if len(pieces) > 1 and all(len(x.split()) >= 3 for x in pieces):
            out.extend(_as_question(x) for x in pieces)
            continue
        m = _TWO_SPEAKERS.match(part)
        if m:
            tail = f"{m['verb']}{m['rest']}".strip()
            out.extend(_as_question(f"{m['lead']} {who} {tail}") for who in (m["a"], m["b"]))
            continue
        out.extend(_per_subject(part))
    return out or [question]


def _per_subject(question: str) -> list[str]:
    """One question per subject when the question's subject is a coordination of speakers or actors.

    "How have Willie Walsh and Ireland's transport minister addressed the concerns?" -> "How have Willie
    Walsh addressed the concerns?", "How have Ireland's transport minister addressed the concerns?" (the
    grammar of the parts does not matter to the reader). Read from the question's dependency parse: a
    nominal subject with nominal conjuncts joined by "and". A coordination elsewhere ("about pay and
    conditions") is one thing asked about, not several askers, and stays whole.
    """
    from app.compose.evidence import parse_question

    doc = parse_question(question)
    if doc is None:
        return [question]
    for token in doc:
        if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ not in _NOMINAL:
            continue
        conjuncts = [c for c in token.conjuncts if c.pos_ in _NOMINAL]
        joined = any(t.dep_ == "cc" and t.lower_ == "and" for c in (token, *conjuncts) for t in c.children)
        if not conjuncts or not joined:
            continue
        span = list(token.subtree)
        start, end = span[0].i, span[-1].i
        head, tail = doc[:start].text_with_ws, doc[end + 1 :].text
        parts = []
        for c in (token, *conjuncts):
            dropped = {t.i for k in c.children if k.dep_ in ("conj", "cc") or k.is_punct for t in k.subtree}
            phrase = " ".join(t.text for t in c.subtree if t.i not in dropped and t.lower_ not in ("each", "both"))
            parts.append(_as_question(f"{head}{phrase} {tail}".replace(" 's", "'s")))
        return parts
    return [question]


def _as_question(text: str) -> str:
    text = text.strip().rstrip("?.! ,;")
    return f"{text[:1].upper()}{text[1:]}?"


# What a question asks for, when its wording says so: a figure ("how many", "how much", "what did it
# cost") or a time ("when", "what year"). A candidate then either holds one (+1) or not (-1).
_ASKS_FIGURE = re.compile(
    r"\b(?:how\s+(?:many|much)|by\s+how|what\s+(?:percentage|proportion|share|figure|price|sum|amount|number|fee|fine|salary|budget)"
    r"|how\s+(?:big|large|high|low|far|fast)\b|\bcost\b|\bworth\b)",
    re.IGNORECASE,
)
_ASKS_TIME = re.compile(
    r"^\s*(?:and\s+)?when\b|\bwhat\s+(?:year|date|day|month)\b|\bby\s+when\b|\bhow\s+long\s+ago\b", re.IGNORECASE
)
_FIGURE = re.compile(
    r"\d|[£$€%]|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?|thousands?"
    r"|millions?|billions?|trillions?|dozens?|half|third|quarter|doubled?|tripled?|per\s*cent)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|ago|next\s+(?:week|month|year)"
    r"|last\s+(?:week|month|year)|(?:this|next|last)\s+(?:spring|summer|autumn|winter)|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


def asked_kind(question: str) -> str | None:
    """``"figure"`` or ``"time"`` when the question's wording asks for one, else None."""
    if _ASKS_TIME.search(question):
        return "time"
    if _ASKS_FIGURE.search(question):
        return "figure"
    return None


def typed_match(kind: str | None, text: str) -> int:
    """+1 when ``text`` holds what ``kind`` asks for, -1 when it does not, 0 for a question of no such kind."""
    if kind is None:
        return 0
    return 1 if (_FIGURE if kind == "figure" else _TIME).search(text) else -1


def combine(reader_score: float, relevance: float, weights: tuple[float, ...] = COMBINE, *, typed: int = 0) -> float:
    """P(the passage gives what is asked) from the reader's score, the chain's ranking and, for a question
    asking for a figure or a time, whether the passage holds one (:data:`COMBINE`)."""
    p = min(max(reader_score, 1e-6), 1 - 1e-6)
    a, b, c, *rest = weights
    d = rest[0] if rest else 0.0
    z = a * float(np.log(p / (1 - p))) + b * relevance + c + d * typed
    return float(1.0 / (1.0 + np.exp(-z)))


_READERS: dict[tuple[str, str, str], AnswerReader] = {}
_READERS_LOCK = threading.Lock()


def shared_reader(cache_dir: Path, delta: Path | None = None, precision: str = "int8") -> AnswerReader:
    """One reader per (cache, delta, precision) per process: loading one costs a few hundred ms (building it, once per machine, seconds)."""
    key = (str(cache_dir), str(delta or DEFAULT_DELTA), precision)
    with _READERS_LOCK:
        if key not in _READERS:
            _READERS[key] = AnswerReader(Path(cache_dir), delta, precision=precision)
        return _READERS[key]

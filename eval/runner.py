"""Running an eval: get answers (run newsqa, or read another system's), score every case, build the report.

    dataset = load_dataset(bundled_dataset())
    answers = run_newsqa(dataset, settings, corpus=..., progress=True)   # or read_answers("answers.jsonl")
    report = evaluate(dataset, answers, judge=build_judge(settings), system="newsqa")

A failing case never stops the run: its error is recorded on that case.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from importlib.resources import files
from pathlib import Path
from typing import Any

from tqdm import tqdm

from app.settings import Settings
from eval.answers import SystemAnswer, from_newsqa
from eval.corpus import CorpusIndex
from eval.datasets import EvalCase, EvalDataset
from eval.judge import Judge, LexicalSupport, SupportMeasure
from eval.metrics import aggregate, score_case
from eval.notation import Notation
from eval.results import CaseResult, EvalReport, SupportAgreement
from indexing.errors import BadInputError, NewsQAError

__all__ = [
    "build_judge",
    "bundled_dataset",
    "evaluate",
    "find_support_labels",
    "resolve_corpus",
    "run_newsqa",
    "support_agreement",
]

RETRIEVAL_DEPTH = 10
_REPO_ROOT = Path(__file__).resolve().parent.parent


def bundled_dataset() -> Path:
    """The dataset ``newsqa eval`` runs when none is named: ``eval/data/sample_eval.json``."""
    path = Path(str(files("eval").joinpath("data", "sample_eval.json")))
    if not path.is_file():
        raise BadInputError(f"the bundled dataset is missing ({path}); name a dataset file")
    return path


def resolve_corpus(dataset: EvalDataset, dataset_path: Path | None, corpus: str | Path | None) -> Path | None:
    """The corpus folder to ingest: ``corpus`` when given, else the dataset's (relative to its file)."""
    if corpus is not None:
        found = Path(corpus).expanduser()
    elif dataset.corpus:
        found = Path(dataset.corpus).expanduser()
        if not found.is_absolute() and dataset_path is not None:
            found = dataset_path.resolve().parent / found
    else:
        return None
    if not found.exists():
        raise BadInputError(f"corpus folder {found} does not exist")
    return found.resolve()


def _progress(iterable: Sequence[Any], desc: str, enabled: bool) -> Any:
    return tqdm(iterable, desc=desc, unit="case", file=sys.stderr, disable=not enabled, leave=False)


def _error(case_id: str, exc: BaseException) -> SystemAnswer:
    message = str(exc) if isinstance(exc, NewsQAError) else f"{type(exc).__name__}: {exc}"
    return SystemAnswer(id=case_id, error=message.splitlines()[0] if message else type(exc).__name__)


def _ask(qa: Any, case: EvalCase) -> SystemAnswer:
    filters = case.filters
    started = time.perf_counter()
    answer = qa.ask(
        case.question,
        history=[turn.model_dump() for turn in case.history],
        outlets=filters.outlets,
        since=filters.since,
        until=filters.until,
    )
    latency_ms = (time.perf_counter() - started) * 1000
    retrieved = []
    if case.evidence:
        # Retrieval metrics look at the ranked passages for the question the chain actually searched.
        query = answer.standalone_question or case.question
        retrieved = qa.search(
            query, k=RETRIEVAL_DEPTH, outlets=filters.outlets, since=filters.since, until=filters.until
        ).results
    return from_newsqa(case.id, answer, retrieved, latency_ms=round(latency_ms, 1))


def run_newsqa(
    dataset: EvalDataset,
    settings: Settings,
    *,
    corpus: Path | None,
    cases: Sequence[EvalCase] | None = None,
    temporary_home: bool = True,
    progress: bool = False,
    notes: list[str] | None = None,
    qa: Any = None,
) -> dict[str, SystemAnswer]:
    """Ingest ``corpus`` (into a temporary store unless ``temporary_home`` is false) and ask every case.

    Returns answers by case id; a case whose run raised carries the error instead of an answer.
    """
    notes = notes if notes is not None else []
    cases = list(cases if cases is not None else dataset.cases)
    with ExitStack() as stack:
        if qa is None:
            from app.service import NewsQA

            if temporary_home:
                home = stack.enter_context(tempfile.TemporaryDirectory(prefix="newsqa-eval-"))
                # A throwaway embedded store: an eval never writes into a user's store or Chroma server.
                settings = settings.model_copy(update={"home": Path(home), "chroma_url": None})
            qa = NewsQA(settings)
            stack.callback(qa.close)
        if corpus is not None:
            report = qa.ingest([corpus], progress=progress)
            failed = list(getattr(report, "failed", []) or [])
            stored = sum(int(getattr(report, name, 0) or 0) for name in ("added", "updated", "unchanged"))
            if failed:
                notes.append(f"ingest: {len(failed)} item(s) of {corpus} failed to load")
            if not stored:
                raise BadInputError(f"no article of {corpus} could be ingested")
            notes.append(f"ingested {stored} article(s) from {corpus}")
        answers: dict[str, SystemAnswer] = {}
        for case in _progress(cases, "asking", progress):
            try:
                answers[case.id] = _ask(qa, case)
            except Exception as exc:  # noqa: BLE001 - one failing case never stops the run
                answers[case.id] = _error(case.id, exc)
        return answers


def build_judge(
    settings: Settings, *, embedder: Any = None, notation: Notation | None = None, corpus: CorpusIndex | None = None
) -> tuple[Judge, str]:
    """The judge over ``app.guard.support.SupportScorer`` (the guard's measure), its description for the report.

    ``notation`` is how answers are read (default: generic); ``corpus`` is where a citation that gives
    no text is looked up.
    """
    try:
        from app.guard import support as support_module
    except ImportError:
        return (
            Judge.default(LexicalSupport(), notation, corpus, settings.attribution_settings),
            LexicalSupport.name,
        )
    if embedder is None:
        from app.service import shared_embedder

        embedder = shared_embedder(settings)
    scorer: SupportMeasure = support_module.SupportScorer(embedder)
    threshold = next(
        (
            getattr(support_module, n)
            for n in ("SUPPORT_THRESHOLD", "THRESHOLD", "DEFAULT_THRESHOLD")
            if hasattr(support_module, n)
        ),
        getattr(scorer, "threshold", None),
    )
    name = (
        "app.guard.support.SupportScorer: embedding similarity + content-word overlap"
        + (f", supported when combined >= {threshold}" if threshold is not None else "")
        + " (a heuristic, not an NLI model)"
    )
    return Judge.default(scorer, notation, corpus, settings.attribution_settings), name


def find_support_labels() -> Path | None:
    """The hand-labelled support set the chain engineer wrote, when this checkout has it."""
    for candidate in (
        _REPO_ROOT / "eval" / "data" / "support_labels.jsonl",
        _REPO_ROOT / "tests" / "fixtures" / "support_labels.jsonl",
    ):
        if candidate.is_file():
            return candidate
    return None


def _label(row: Mapping[str, Any]) -> bool | None:
    for key in ("supported", "label", "gold"):
        if key in row:
            value = row[key]
            if isinstance(value, bool):
                return value
            if isinstance(value, (int, float)):
                return bool(value)
            if isinstance(value, str):
                return value.strip().lower() in ("supported", "support", "yes", "true", "1", "entailed")
    return None


def support_agreement(path: Path, support: SupportMeasure) -> SupportAgreement:
    """How often ``support`` agrees with the hand labels in ``path`` (JSONL: sentence, evidence, label)."""
    counts = {"true_positive": 0, "false_positive": 0, "true_negative": 0, "false_negative": 0}
    pairs: list[tuple[str, str]] = []
    golds: list[bool] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        sentence = next((row[k] for k in ("sentence", "claim", "answer", "hypothesis") if k in row), None)
        evidence = next((row[k] for k in ("evidence", "passage", "premise", "context") if k in row), None)
        gold = _label(row)
        if not sentence or evidence is None or gold is None:
            continue
        pairs.append((sentence, evidence))
        golds.append(gold)
    # One batched embedding call when the measure offers it (SupportScorer.score_many).
    batch = getattr(support, "score_many", None)
    scores = batch(pairs) if callable(batch) else [support.score(s, e) for s, e in pairs]
    for score, gold in zip(scores, golds, strict=True):
        predicted = bool(score.supported)
        key = ("true_" if predicted == gold else "false_") + ("positive" if predicted else "negative")
        counts[key] += 1
    n = sum(counts.values())
    agree = counts["true_positive"] + counts["true_negative"]
    return SupportAgreement(labels_path=str(path), n=n, agreement=round(agree / n, 4) if n else None, **counts)


def _whole(result: CaseResult, ident: int, answers: Mapping[str, SystemAnswer]) -> bool:
    """Did this citation's text come from the corpus (the answer gave none)?"""
    answer = answers.get(result.id)
    given = {c.id: c.text for c in answer.citations} if answer else {}
    return not given.get(ident, "").strip()


def evaluate(
    dataset: EvalDataset,
    answers: Mapping[str, SystemAnswer],
    *,
    judge: Judge,
    system: str,
    cases: Sequence[EvalCase] | None = None,
    dataset_path: Path | None = None,
    support_name: str = "",
    settings_summary: dict[str, Any] | None = None,
    notes: list[str] | None = None,
    progress: bool = False,
    labels: Path | None = None,
) -> EvalReport:
    """Score every case against its answer and add the cases up."""
    started = time.perf_counter()
    results: list[CaseResult] = []
    for case in _progress(list(cases if cases is not None else dataset.cases), "scoring", progress):
        try:
            results.append(score_case(case, answers.get(case.id), judge))
        except Exception as exc:  # noqa: BLE001 - a case the scorer trips on is recorded, not fatal
            results.append(
                score_case(case, _error(case.id, exc).model_copy(update={"error": f"scoring failed: {exc}"}), judge)
            )
    notes = list(notes or [])
    known = {c.id for c in dataset.cases}
    stray = [i for i in answers if i not in known]
    if stray:
        notes.append(f"{len(stray)} answer(s) match no case id and were ignored (e.g. {stray[0]!r})")
    if judge.notation.marks.origin != "app.compose.marks":
        notes.append(f"newsqa's marks read as: {judge.notation.marks.origin}")
    corpus_used = sum(
        1 for r in results for c in r.citations if c.text and judge.corpus is not None and _whole(r, c.id, answers)
    )
    if corpus_used and judge.corpus is not None:  # corpus_used counts only when there is a corpus
        notes.append(
            f"{corpus_used} citation(s) gave no text; their article was read from the corpus ({judge.corpus.root})"
        )
    agreement = support_agreement(labels, judge.support) if labels else None
    return EvalReport(
        dataset=dataset.name,
        dataset_path=str(dataset_path) if dataset_path else None,
        system=system,
        duration_s=round(time.perf_counter() - started, 2),
        settings=settings_summary or {},
        support_measure=support_name,
        support_agreement=agreement,
        marks_notation=judge.notation.origin,
        notation=judge.notation.name,
        notes=notes,
        metrics=aggregate(results),
        cases=results,
    )

"""What an eval run produces: per-case results, metric values and the whole report (``EvalReport``).

The report is plain pydantic, so ``--out FILE.json`` is ``report.model_dump_json()`` and
``newsqa eval diff`` reads two of them back with ``load_report``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from indexing.errors import BadInputError

__all__ = [
    "CRAG_WRONG_METRICS",
    "METRICS",
    "METRIC_ALIASES",
    "CaseResult",
    "EvalReport",
    "Failure",
    "Gate",
    "MetricSpec",
    "MetricValue",
    "PassageView",
    "SupportAgreement",
    "Tally",
    "check_gates",
    "load_report",
    "parse_gate",
]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    title: str
    higher_is_better: bool
    description: str
    lowest: float = 0.0  # the value range is [lowest, 1]


# The order here is the order every report shows. Formulas are in docs/eval.md.
METRICS: dict[str, MetricSpec] = {
    spec.name: spec
    for spec in [
        MetricSpec(
            "crag_score",
            "CRAG score",
            True,
            "mean per case: +1 a right answer, 0 a refusal or a miss, -1 a wrong answer or an answered unanswerable question",
            lowest=-1.0,
        ),
        MetricSpec(
            "citation_validity",
            "Citation validity",
            True,
            "citations (any notation) that point to a source the answer lists",
        ),
        MetricSpec(
            "citation_recall",
            "Citation recall",
            True,
            "answer sentences supported by their cited passages together (ALCE)",
        ),
        MetricSpec(
            "citation_precision",
            "Citation precision",
            True,
            "citations that support their sentence or are needed for it (ALCE)",
        ),
        MetricSpec("claim_recall", "Claims used", True, "expected claims that the answer uses"),
        MetricSpec(
            "attribution_kept",
            "Attribution kept",
            True,
            "used attributed claims whose sentence names the same source (or says it is anonymous)",
        ),
        MetricSpec(
            "attribution_laundering", "Attribution laundering", False, "used attributed claims restated as bare fact"
        ),
        MetricSpec("misattribution", "Misattribution", False, "used attributed claims credited to another source"),
        MetricSpec(
            "named_as_anonymous", "Named shown as anonymous", False, "used named-source claims presented as anonymous"
        ),
        MetricSpec(
            "anonymous_as_named", "Anonymous shown as named", False, "used anonymous-source claims presented as named"
        ),
        MetricSpec(
            "anonymous_marked_recall",
            "Anonymous marked (recall)",
            True,
            "used anonymous-source claims whose sentence is marked anonymous, in any notation read",
        ),
        MetricSpec(
            "anonymous_marked_precision",
            "Anonymous marked (precision)",
            True,
            "anonymous marks (any notation) that sit on an anonymous-source claim",
        ),
        MetricSpec("hedge_kept", "Hedges kept", True, "used hedged claims whose sentence keeps a hedge word"),
        MetricSpec(
            "hedge_marked",
            "Hedges marked",
            True,
            "used hedged claims whose sentence is marked hedged, in any notation read",
        ),
        MetricSpec(
            "hedge_stripping", "Hedge stripping", False, "used hedged claims with neither a hedge word nor a hedge mark"
        ),
        MetricSpec(
            "hedge_mark_precision", "Hedge marks precise", True, "hedge marks (any notation) that sit on a hedged claim"
        ),
        MetricSpec("quote_fidelity", "Quote fidelity", True, "quotations that match a cited passage word for word"),
        MetricSpec("unanswerable_refused", "Unanswerable refused", True, "unanswerable questions the system refused"),
        MetricSpec("false_refusals", "False refusals", False, "answerable questions the system refused"),
        MetricSpec("refusal_accuracy", "Refusal accuracy", True, "cases where answering vs refusing was right"),
        MetricSpec("hits_at_1", "Hits@1", True, "gold evidence found in the top passage"),
        MetricSpec("hits_at_5", "Hits@5", True, "gold evidence found in the top 5 passages"),
        MetricSpec("hits_at_10", "Hits@10", True, "gold evidence found in the top 10 passages"),
        MetricSpec("mrr_at_10", "MRR@10", True, "mean reciprocal rank of the first passage holding gold evidence"),
        MetricSpec("case_pass_rate", "Cases passed", True, "cases with no failure and no error"),
        MetricSpec("error_rate", "Errors", False, "cases whose run raised an error"),
    ]
}


# Other names a gate or a reader may use for a metric (the report's keys are the names in METRICS).
METRIC_ALIASES: dict[str, str] = {
    "hedge_marked_recall": "hedge_marked",
    "hedge_marked_precision": "hedge_mark_precision",
    "anonymous_marked": "anonymous_marked_recall",
    "crag": "crag_score",
}

# A failure of one of these makes an answer *wrong* for the CRAG score: it states something the
# sources do not (unsupported or invalid citation, altered quotation, wrong or missing source, lost hedge).
# Missing or misplaced marks and superfluous citations do not make an answer wrong.
CRAG_WRONG_METRICS = frozenset(
    [
        "citation_validity",
        "citation_recall",
        "quote_fidelity",
        "attribution_laundering",
        "misattribution",
        "named_as_anonymous",
        "anonymous_as_named",
        "hedge_stripping",
    ]
)


class PassageView(BaseModel):
    """A cited passage as the report shows it."""

    id: int
    text: str = ""
    source_path: str | None = None
    title: str | None = None
    exists: bool = True


class Failure(BaseModel):
    """One thing a metric found wrong in one answer, with the evidence to judge it."""

    metric: str
    message: str
    severity: Literal["fail", "note"] = Field(
        default="fail", description="'note' is informative and does not fail the case."
    )
    sentence: str | None = Field(default=None, description="The answer sentence at fault.")
    sentence_index: int | None = None
    citations: list[int] = Field(default_factory=list, description="The [n] that sentence cites.")
    expected: str | None = Field(default=None, description="What the dataset expected (source, hedges, ...).")


class Tally(BaseModel):
    """Numerator and denominator of one metric on one case (value = hit / total)."""

    hit: float = 0.0
    total: float = 0.0


class CaseResult(BaseModel):
    id: str
    question: str
    answerable: bool = True
    tags: list[str] = Field(default_factory=list)
    status: Literal["pass", "fail", "error"] = "pass"
    error: str | None = None
    refused: bool | None = None
    answer: str = ""
    citations: list[PassageView] = Field(default_factory=list)
    failures: list[Failure] = Field(default_factory=list)
    tallies: dict[str, Tally] = Field(default_factory=dict)
    first_hit_rank: int | None = Field(
        default=None, description="Rank of the first retrieved passage holding gold evidence."
    )
    latency_ms: float | None = None
    crag: int | None = Field(
        default=None, description="CRAG-style score of this case: +1 right, 0 refused or missed, -1 wrong."
    )

    def count(self, metric: str, hit: float, total: float = 1.0) -> None:
        tally = self.tallies.setdefault(metric, Tally())
        tally.hit += hit
        tally.total += total


class MetricValue(BaseModel):
    name: str
    value: float | None = Field(description="hit / total; null when nothing was measurable (total 0).")
    hit: float = 0.0
    total: float = 0.0
    higher_is_better: bool = True
    description: str = ""


class SupportAgreement(BaseModel):
    """How often the support measure agrees with hand labels (it is not an NLI model)."""

    labels_path: str
    n: int
    agreement: float | None
    true_positive: int = 0
    false_positive: int = 0
    true_negative: int = 0
    false_negative: int = 0


class EvalReport(BaseModel):
    format_version: int = 1
    dataset: str
    dataset_path: str | None = None
    system: str = Field(description="'newsqa' or the answers file that was scored.")
    created_at: datetime = Field(default_factory=datetime.now)
    duration_s: float = 0.0
    settings: dict[str, Any] = Field(default_factory=dict)
    support_measure: str = ""
    support_agreement: SupportAgreement | None = None
    marks_notation: str = Field(default="", description="The notation the answers were read in, and what it reads.")
    notation: str = Field(default="", description="Its name: generic, newsqa, or a notation file's name.")
    notes: list[str] = Field(default_factory=list)
    metrics: dict[str, MetricValue] = Field(default_factory=dict)
    cases: list[CaseResult] = Field(default_factory=list)

    def value(self, metric: str) -> float | None:
        found = self.metrics.get(METRIC_ALIASES.get(metric, metric)) or self.metrics.get(metric)
        return found.value if found else None


def load_report(path: str | Path) -> EvalReport:
    """Read a report written by ``newsqa eval --out``; errors name the file."""
    path = Path(path)
    try:
        return EvalReport.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise BadInputError(f"{path}: no such report file") from exc
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInputError(f"{path}: not an eval report ({where}: {first['msg']})") from exc


@dataclass(frozen=True)
class Gate:
    """A CI threshold: ``metric >= value`` (higher is better) or ``metric <= value`` (lower is better)."""

    metric: str
    value: float
    at_least: bool

    def __str__(self) -> str:
        return f"{self.metric} {'>=' if self.at_least else '<='} {self.value:g}"


def parse_gate(text: str) -> Gate:
    """``metric=value`` (direction from the metric: a floor, or a ceiling for lower-is-better metrics),
    or explicitly ``metric>=value`` / ``metric<=value``."""
    import re

    match = re.fullmatch(r"\s*([a-z0-9_@]+)\s*(>=|<=|=)\s*(-?[0-9]*\.?[0-9]+)\s*", text)
    if not match:
        raise BadInputError(f"--fail-under expects metric=value (e.g. attribution_kept=0.95), not {text!r}")
    name, op, raw = match.groups()
    name = name.replace("@", "_at_")
    name = METRIC_ALIASES.get(name, name)
    if name not in METRICS:
        raise BadInputError(f"unknown metric {name!r}; known: {', '.join(METRICS)}")
    value = float(raw)
    lowest = METRICS[name].lowest
    if not lowest <= value <= 1.0:
        raise BadInputError(f"threshold for {name} must be between {lowest:g} and 1, not {raw}")
    at_least = METRICS[name].higher_is_better if op == "=" else op == ">="
    return Gate(name, value, at_least)


def check_gates(report: EvalReport, gates: list[Gate]) -> list[str]:
    """One line per gate the report misses (a metric that could not be measured misses its gate)."""
    missed = []
    for gate in gates:
        value = report.value(gate.metric)
        if value is None:
            missed.append(f"{gate.metric} was not measured (no case exercised it); gate {gate}")
        elif (value < gate.value) if gate.at_least else (value > gate.value):
            missed.append(f"{gate.metric} = {value:.3f}, gate {gate}")
    return missed

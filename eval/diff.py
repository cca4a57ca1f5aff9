"""``newsqa eval diff A.json B.json``: what got better or worse between two eval reports."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from eval.results import METRICS, EvalReport

__all__ = ["CaseChange", "MetricDelta", "ReportDiff", "diff_reports", "render_diff"]

Change = Literal["better", "worse", "same", "new", "gone"]
# Deltas smaller than this are rounding, not change.
_EPSILON = 5e-4


class MetricDelta(BaseModel):
    name: str
    before: float | None
    after: float | None
    delta: float | None
    change: Change


class CaseChange(BaseModel):
    """A case whose status or set of failing metrics changed."""

    id: str
    before: str | None = Field(description="pass | fail | error, or null when the case is new.")
    after: str | None = Field(description="pass | fail | error, or null when the case is gone.")
    fixed: list[str] = Field(default_factory=list, description="Metrics that failed before and pass now.")
    broken: list[str] = Field(default_factory=list, description="Metrics that pass before and fail now.")

    @property
    def change(self) -> Change:
        if self.before is None:
            return "new"
        if self.after is None:
            return "gone"
        rank = {"pass": 2, "fail": 1, "error": 0}
        if rank[self.after] != rank[self.before]:
            return "better" if rank[self.after] > rank[self.before] else "worse"
        if self.broken and not self.fixed:
            return "worse"
        if self.fixed and not self.broken:
            return "better"
        return "same"


class ReportDiff(BaseModel):
    before: str
    after: str
    metrics: list[MetricDelta]
    cases: list[CaseChange]

    @property
    def regressions(self) -> int:
        return sum(1 for m in self.metrics if m.change == "worse") + sum(1 for c in self.cases if c.change == "worse")


def _failing(report: EvalReport) -> dict[str, tuple[str, set[str]]]:
    return {c.id: (c.status, {f.metric for f in c.failures if f.severity == "fail"}) for c in report.cases}


def diff_reports(before: EvalReport, after: EvalReport, *, before_name: str = "A", after_name: str = "B") -> ReportDiff:
    """Per-metric deltas (direction-aware) and per-case status / failing-metric changes."""
    deltas: list[MetricDelta] = []
    names = list(METRICS) + [n for n in {**before.metrics, **after.metrics} if n not in METRICS]
    for name in names:
        a, b = before.value(name), after.value(name)
        if a is None and b is None:
            continue
        if a is None or b is None:
            deltas.append(MetricDelta(name=name, before=a, after=b, delta=None, change="new" if a is None else "gone"))
            continue
        delta = round(b - a, 4)
        higher = METRICS[name].higher_is_better if name in METRICS else True
        change: Change = "same" if abs(delta) < _EPSILON else ("better" if (delta > 0) == higher else "worse")
        deltas.append(MetricDelta(name=name, before=a, after=b, delta=delta, change=change))
    old, new = _failing(before), _failing(after)
    changes: list[CaseChange] = []
    for case_id in list(old) + [i for i in new if i not in old]:
        if case_id not in new or case_id not in old:
            changes.append(
                CaseChange(id=case_id, before=old.get(case_id, (None,))[0], after=new.get(case_id, (None,))[0])
            )
            continue
        (status_a, fails_a), (status_b, fails_b) = old[case_id], new[case_id]
        if status_a != status_b or fails_a != fails_b:
            changes.append(
                CaseChange(
                    id=case_id,
                    before=status_a,
                    after=status_b,
                    fixed=sorted(fails_a - fails_b),
                    broken=sorted(fails_b - fails_a),
                )
            )
    return ReportDiff(before=before_name, after=after_name, metrics=deltas, cases=changes)


def _v(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render_diff(diff: ReportDiff) -> str:
    """Plain-text diff: metrics that moved, then cases that got better or worse."""
    symbol = {"better": "+", "worse": "-", "same": " ", "new": "*", "gone": "x"}
    lines = [f"eval diff: {diff.before} -> {diff.after}", "", "metrics:"]
    for m in diff.metrics:
        delta = "" if m.delta is None else f"{m.delta:+.3f}"
        title = METRICS[m.name].title if m.name in METRICS else m.name
        lines.append(f" {symbol[m.change]} {title:<30} {_v(m.before):>6} -> {_v(m.after):<6} {delta:>7}  {m.change}")
    worse = [c for c in diff.cases if c.change == "worse"]
    better = [c for c in diff.cases if c.change == "better"]
    other = [c for c in diff.cases if c.change not in ("worse", "better")]
    for title, group in (("worse", worse), ("better", better), ("changed", other)):
        if not group:
            continue
        lines += ["", f"cases {title} ({len(group)}):"]
        for c in group:
            detail = []
            if c.broken:
                detail.append("now failing: " + ", ".join(c.broken))
            if c.fixed:
                detail.append("fixed: " + ", ".join(c.fixed))
            lines.append(
                f"  {c.id}: {c.before or '(absent)'} -> {c.after or '(absent)'}"
                + (f"  ({'; '.join(detail)})" if detail else "")
            )
    if not diff.cases:
        lines += ["", "no case changed status"]
    return "\n".join(lines)

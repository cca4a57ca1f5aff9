"""Counting one article's predicted attributions against one annotator's (``score_article``), adding articles up
and turning the counts into precision, recall and F1 (``RoleScore``). The rules: the ``eval.polnear`` docstring."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, Field

from eval.polnear_data import ROLES, GoldAttribution, Pieces

__all__ = ["Counts", "RoleScore", "add_counts", "finish_counts", "score_article", "zero_counts"]

_TOKEN = re.compile(r"\S+")


class RoleScore(BaseModel):
    """Precision/recall/F1 for one role (or whole attributions) under one matching rule."""

    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    predicted: float = Field(0.0, description="Predicted spans (exact) or tokens (overlap).")
    gold: float = Field(0.0, description="Gold spans (exact) or tokens (overlap).")
    matched_predicted: float = Field(0.0, description="Predicted units matching gold.")
    matched_gold: float = Field(0.0, description="Gold units matched by a prediction.")


Counts = dict[str, dict[str, list[float]]]  # key -> matching -> [pred, gold, matched_pred, matched_gold]


def zero_counts() -> Counts:
    return {k: {"exact": [0.0] * 4, "overlap": [0.0] * 4} for k in (*ROLES, "Attribution")}


def _token_sets(tokens: list[tuple[int, int]], spans: Iterable[Pieces]) -> set[int]:
    """Indices of whitespace tokens overlapping any piece of ``spans``."""
    from bisect import bisect_left, bisect_right

    ends = [e for _, e in tokens]
    starts = [s for s, _ in tokens]
    out: set[int] = set()
    for pieces in spans:
        for a, b in pieces:
            lo = bisect_right(ends, a)  # first token ending after a
            hi = bisect_left(starts, b)  # tokens starting before b
            out.update(range(lo, hi))
    return out


def _overlaps(tokens: list[tuple[int, int]], p: Pieces | None, g: Pieces | None) -> bool:
    if p is None or g is None:
        return p is None and g is None
    return bool(_token_sets(tokens, [p]) & _token_sets(tokens, [g]))


def score_article(text: str, predicted: list[GoldAttribution], gold: list[GoldAttribution]) -> Counts:
    """Counts for one article against one annotator's file."""
    counts = zero_counts()
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    for role in ROLES:
        pred_spans = [a.role(role) for a in predicted if a.role(role)]
        gold_spans = [a.role(role) for a in gold if a.role(role)]
        # exact: multiset intersection
        remaining: dict[Pieces, int] = defaultdict(int)
        for g in gold_spans:
            remaining[g] += 1  # type: ignore[index]
        matched = 0
        for p in pred_spans:
            if remaining.get(p, 0) > 0:  # type: ignore[arg-type]
                remaining[p] -= 1  # type: ignore[index]
                matched += 1
        counts[role]["exact"] = [len(pred_spans), len(gold_spans), matched, matched]
        ptok = _token_sets(tokens, pred_spans)  # type: ignore[arg-type]
        gtok = _token_sets(tokens, gold_spans)  # type: ignore[arg-type]
        both = len(ptok & gtok)
        counts[role]["overlap"] = [len(ptok), len(gtok), both, both]
    for matching in ("exact", "overlap"):
        if matching == "exact":

            def same(p: Pieces | None, g: Pieces | None) -> bool:
                return p == g
        else:

            def same(p: Pieces | None, g: Pieces | None) -> bool:
                return _overlaps(tokens, p, g)

        used: set[int] = set()
        hits = 0
        for pa in predicted:
            for k, ga in enumerate(gold):
                if k in used:
                    continue
                if same(pa.Cue, ga.Cue) and same(pa.Content, ga.Content) and same(pa.Source, ga.Source):
                    used.add(k)
                    hits += 1
                    break
        counts["Attribution"][matching] = [len(predicted), len(gold), hits, hits]
    return counts


def add_counts(total: Counts, part: Counts, weight: float) -> None:
    for key, by_match in part.items():
        for matching, vals in by_match.items():
            acc = total[key][matching]
            for i, v in enumerate(vals):
                acc[i] += v * weight


def finish_counts(counts: Counts) -> dict[str, dict[str, RoleScore]]:
    out: dict[str, dict[str, RoleScore]] = {}
    for key, by_match in counts.items():
        out[key] = {}
        for matching, (pred, gold, mp, mg) in by_match.items():
            p = mp / pred if pred else 0.0
            r = mg / gold if gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            out[key][matching] = RoleScore(
                precision=round(p, 4),
                recall=round(r, 4),
                f1=round(f, 4),
                predicted=round(pred, 2),
                gold=round(gold, 2),
                matched_predicted=round(mp, 2),
                matched_gold=round(mg, 2),
            )
    return out

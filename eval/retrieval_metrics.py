"""Retrieval metrics of one case: Hits@k and MRR@10 of the ranked passages against the gold evidence."""

from __future__ import annotations

from pathlib import PurePosixPath

from eval.answers import RetrievedPassage, SystemAnswer
from eval.datasets import EvalCase, Evidence
from eval.matching import longest_common_run
from eval.results import CaseResult, Failure

__all__ = ["EVIDENCE_OVERLAP", "HITS_AT", "MRR_DEPTH", "evidence_hit", "score_retrieval"]

# A retrieved passage holds gold evidence when it covers at least half of the gold span.
EVIDENCE_OVERLAP = 0.5
HITS_AT = (1, 5, 10)
MRR_DEPTH = 10


def _same_article(evidence: Evidence, passage: RetrievedPassage) -> bool | None:
    """True/False when the passage's location can be compared with the evidence's; None when it cannot."""
    if evidence.article_id and passage.article_id:
        return evidence.article_id == passage.article_id
    if evidence.path:
        gold = PurePosixPath(evidence.path.replace("\\", "/").lstrip("./"))
        if passage.source_path:
            path = passage.source_path.replace("\\", "/")
            return path == str(gold) or path.endswith("/" + str(gold))
        if passage.article_id:
            return passage.article_id in (str(gold), str(gold.with_suffix("")))
    return None


def evidence_hit(evidence: Evidence, passage: RetrievedPassage) -> bool:
    """A retrieved passage holds the gold evidence: same article and it covers >= 50 % of the gold span
    (by offsets when both have them; by the longest common run of words when the gold gives its text)."""
    same = _same_article(evidence, passage)
    if same is False:
        return False
    checked = False
    if (
        same
        and evidence.start is not None
        and evidence.end is not None
        and passage.start is not None
        and passage.end is not None
    ):
        overlap = min(evidence.end, passage.end) - max(evidence.start, passage.start)
        if overlap < EVIDENCE_OVERLAP * (evidence.end - evidence.start):
            return False
        checked = True
    if evidence.passage:
        # Offsets alone can collide when one file holds several articles (a feed); the text settles it.
        return longest_common_run(evidence.passage, passage.text) >= EVIDENCE_OVERLAP
    return checked or bool(same and evidence.start is None)


def score_retrieval(case: EvalCase, answer: SystemAnswer, result: CaseResult) -> None:
    if not case.evidence or not answer.retrieved:
        return
    ranks: list[int | None] = []
    for evidence in case.evidence:
        rank = next((i for i, p in enumerate(answer.retrieved[:MRR_DEPTH], 1) if evidence_hit(evidence, p)), None)
        ranks.append(rank)
    for k in HITS_AT:
        result.count(f"hits_at_{k}", sum(1 for r in ranks if r is not None and r <= k) / len(ranks))
    found = [r for r in ranks if r is not None]
    result.first_hit_rank = min(found) if found else None
    result.count("mrr_at_10", 1.0 / result.first_hit_rank if result.first_hit_rank else 0.0)
    if result.first_hit_rank is None:
        result.failures.append(
            Failure(
                metric="hits_at_10",
                severity="note",
                message="no retrieved passage in the top 10 holds the gold evidence",
            )
        )

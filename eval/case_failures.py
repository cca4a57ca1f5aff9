"""A case's failure lines: which metric failed, on which answer sentence, against which expected claim."""

from __future__ import annotations

from eval.datasets import ExpectedClaim
from eval.matching import AnswerSentence
from eval.results import Failure

__all__ = ["case_failure", "describe_claim"]


def describe_claim(claim: ExpectedClaim) -> str:
    parts = [f"source: {claim.source or '(unattributed)'} ({claim.source_type})"]
    if claim.hedged:
        parts.append("hedged" + (f": {', '.join(claim.hedges)}" if claim.hedges else ""))
    if claim.quote != "none":
        parts.append(f"{claim.quote} quote")
    return f"“{claim.key}” — " + "; ".join(parts)


def case_failure(
    metric: str, message: str, sentence: AnswerSentence | None, claim: ExpectedClaim | None = None
) -> Failure:
    return Failure(
        metric=metric,
        message=message,
        sentence=sentence.text if sentence else None,
        sentence_index=sentence.index if sentence else None,
        citations=list(dict.fromkeys(sentence.citations)) if sentence else [],
        expected=describe_claim(claim) if claim else None,
    )

"""Expected-claim metrics: which answer sentence uses each expected claim, and whether it keeps the claim's
source, its anonymity and its hedge, with the marks on it."""

from __future__ import annotations

from collections.abc import Sequence

from eval.case_failures import case_failure
from eval.datasets import ExpectedClaim
from eval.judge import Judge
from eval.matching import (
    AnswerSentence,
    anonymous_attribution_present,
    attribution_present,
    hedge_cues,
    key_coverage,
    mentions_anonymous_source,
    mentions_named_source,
    named_attribution_present,
    names_a_person_or_body,
    normalise,
)
from eval.results import CaseResult
from indexing.models import Claim
from indexing.text.lexicon import PRONOUNS_WITH_POSSESSIVES

__all__ = [
    "KEY_COVERAGE_THRESHOLD",
    "best_sentence",
    "claims_by_sentence",
    "score_claim",
    "score_mark_precision",
]

# A claim is "used" by the answer sentence that holds this share of its key's content words.
KEY_COVERAGE_THRESHOLD = 0.67


def _names_expected_source(sentence: AnswerSentence, claim: ExpectedClaim, claims: Sequence[Claim]) -> bool:
    names = [
        n
        for n in (getattr(claim, "speaker", None), claim.source)
        if n and normalise(n) not in PRONOUNS_WITH_POSSESSIVES
    ]
    if not names:
        # The dataset gives only a pronoun ("he"): any attribution to someone counts as kept.
        return attribution_present(sentence.judged, claims)
    for name in names:
        if mentions_named_source(sentence.judged, name):
            return True
        for found in claims:  # the engine may resolve "she" to the named speaker
            if any(mentions_named_source(alias, name) for alias in (found.speaker, found.source) if alias):
                return True
    return False


def score_claim(
    claim: ExpectedClaim, sentence: AnswerSentence, claims: Sequence[Claim], judge: Judge, result: CaseResult
) -> None:
    anonymous_mark = sentence.anonymous_mark
    if claim.source_type != "unattributed" and claim.source:
        if claim.source_type == "named":
            kept = _names_expected_source(sentence, claim, claims)
        else:
            kept = mentions_anonymous_source(sentence.judged, claim.source) or anonymous_mark
        attributed = kept or anonymous_mark or attribution_present(sentence.judged, claims)
        result.count("attribution_kept", kept)
        result.count("attribution_laundering", not attributed)
        result.count("misattribution", attributed and not kept)
        if not attributed:
            result.failures.append(
                case_failure("attribution_laundering", "attributed claim restated as bare fact", sentence, claim)
            )
        elif not kept:
            result.failures.append(case_failure("misattribution", "claim not credited to its source", sentence, claim))
        if claim.source_type == "named":
            as_anonymous = anonymous_mark or (not kept and anonymous_attribution_present(sentence.judged, claims))
            result.count("named_as_anonymous", as_anonymous)
            if as_anonymous:
                result.failures.append(
                    case_failure("named_as_anonymous", "a named source is presented as anonymous", sentence, claim)
                )
        else:
            as_named = not kept and (
                named_attribution_present(sentence.judged, claims) or names_a_person_or_body(sentence.context)
            )
            result.count("anonymous_as_named", as_named)
            result.count("anonymous_marked_recall", anonymous_mark)
            if as_named:
                result.failures.append(
                    case_failure("anonymous_as_named", "an anonymous source is presented as named", sentence, claim)
                )
            if not anonymous_mark:
                result.failures.append(
                    case_failure(
                        "anonymous_marked_recall",
                        f"anonymous claim not marked anonymous ({judge.notation.name} notation)",
                        sentence,
                        claim,
                    )
                )
    if claim.hedged:
        engine_hedges = [h for c in claims for h in c.hedges] + judge.find_hedges(sentence.judged)
        cues = hedge_cues(sentence.judged, claim.hedges, engine_hedges)
        hedge_mark = sentence.hedge_mark
        result.count("hedge_kept", bool(cues))
        result.count("hedge_marked", hedge_mark)
        result.count("hedge_stripping", not cues and not hedge_mark)
        if not cues and not hedge_mark:
            result.failures.append(
                case_failure("hedge_stripping", "hedged claim stated as certain (no hedge, no mark)", sentence, claim)
            )
        elif not hedge_mark:
            result.failures.append(
                case_failure(
                    "hedge_marked",
                    f"hedged claim keeps its hedge words but is not marked hedged ({judge.notation.name} notation)",
                    sentence,
                    claim,
                )
            )


def claims_by_sentence(sentences: Sequence[AnswerSentence], judge: Judge) -> list[list[Claim]]:
    """Analyse the whole answer once (so "she added" can resolve to an earlier sentence's speaker)."""
    text, bounds = "", []
    for sentence in sentences:
        start = len(text)
        text += sentence.clean + " "
        bounds.append((start, len(text)))
    per_sentence: list[list[Claim]] = [[] for _ in sentences]
    if not text.strip():
        return per_sentence
    for claim in judge.analyze(text):
        anchor = claim.source_spans[0].start if claim.source_spans else claim.start
        if anchor is None:
            continue
        for i, (start, end) in enumerate(bounds):
            if start <= anchor < end:
                per_sentence[i].append(claim)
                break
    return per_sentence


def best_sentence(claim: ExpectedClaim, sentences: Sequence[AnswerSentence]) -> AnswerSentence | None:
    best, best_coverage = None, 0.0
    for sentence in sentences:
        coverage = key_coverage(sentence.clean, claim.key)
        if coverage > best_coverage:
            best, best_coverage = sentence, coverage
    return best if best_coverage >= KEY_COVERAGE_THRESHOLD else None


def score_mark_precision(
    sentences: Sequence[AnswerSentence], used_by: dict[int, list[ExpectedClaim]], judge: Judge, result: CaseResult
) -> None:
    """Marks on sentences that use an expected claim: is the claim really anonymous / hedged?"""
    for sentence in sentences:
        expected = used_by.get(sentence.index)
        if not expected:
            continue
        if sentence.anonymous_mark:
            ok = any(c.source_type == "anonymous" for c in expected)
            result.count("anonymous_marked_precision", ok)
            if not ok:
                result.failures.append(
                    case_failure(
                        "anonymous_marked_precision",
                        "anonymous mark on a claim whose source is not anonymous",
                        sentence,
                        expected[0],
                    )
                )
        if sentence.hedge_mark:
            ok = any(c.hedged for c in expected)
            result.count("hedge_mark_precision", ok)
            if not ok:
                result.failures.append(
                    case_failure(
                        "hedge_mark_precision", "hedge mark on a claim that is not hedged", sentence, expected[0]
                    )
                )

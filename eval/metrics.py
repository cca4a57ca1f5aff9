"""Scoring one answer against one eval case, and adding cases up into metrics.

``score_case`` reads the answer's *text* (sentences, [n] markers, quotations, marks)
and its cited passages, so any system's answers can be scored the same way. Each
metric counts a numerator and a denominator per case (``CaseResult.tallies``);
``aggregate`` sums them over cases (a micro average). Formulas: ``docs/eval.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol

from eval.answers import CitedPassage, RetrievedPassage, SystemAnswer
from eval.corpus import CorpusIndex, best_window
from eval.datasets import EvalCase, Evidence, ExpectedClaim
from eval.matching import (
    AnswerSentence,
    Marks,
    anonymous_attribution_present,
    attribution_present,
    content_words,
    find_quotations,
    hedge_cues,
    key_coverage,
    longest_common_run,
    mentions_anonymous_source,
    mentions_named_source,
    named_attribution_present,
    names_a_person_or_body,
    normalise,
    quote_in_passage,
)
from eval.notation import Notation, load_notation, read_answer
from eval.results import CRAG_WRONG_METRICS, METRICS, CaseResult, Failure, MetricValue, PassageView
from indexing.lexicon import PRONOUNS_WITH_POSSESSIVES
from indexing.models import Claim
from indexing.settings import AttributionSettings

__all__ = ["Judge", "LexicalSupport", "SupportMeasure", "aggregate", "crag_score", "evidence_hit", "score_case"]

# A claim is "used" by the answer sentence that holds this share of its key's content words.
KEY_COVERAGE_THRESHOLD = 0.67
# A retrieved passage holds gold evidence when it covers at least half of the gold span.
EVIDENCE_OVERLAP = 0.5
HITS_AT = (1, 5, 10)
MRR_DEPTH = 10


class SupportMeasure(Protocol):
    """``app.support.SupportScorer``'s shape: ``score(sentence, evidence).supported``."""

    def score(self, sentence: str, evidence: str) -> Any: ...


@dataclass(frozen=True)
class _LexicalScore:
    overlap: float
    supported: bool


class LexicalSupport:
    """Stand-in support measure (content-word overlap >= 0.5) for when ``app.support`` is absent."""

    name = "content-word overlap >= 0.5 (fallback; app.support not installed)"

    def score(self, sentence: str, evidence: str) -> _LexicalScore:
        wanted = set(content_words(sentence))
        overlap = len(wanted & set(content_words(evidence))) / len(wanted) if wanted else 0.0
        return _LexicalScore(overlap, overlap >= 0.5)


@dataclass
class Judge:
    """The measures ``score_case`` uses: support, the attribution engine, the notation answers are read in,
    and the corpus that citations without text are looked up in."""

    support: SupportMeasure
    analyze: Callable[[str], list[Claim]] = field(default=lambda text: [])
    find_hedges: Callable[[str], list[str]] = field(default=lambda text: [])
    notation: Notation = field(default_factory=lambda: load_notation(None))
    corpus: CorpusIndex | None = None

    @property
    def marks(self) -> Marks:
        """newsqa's own marks (``app.marks``), as the notation reads them."""
        return self.notation.marks

    @classmethod
    def default(
        cls,
        support: SupportMeasure,
        notation: Notation | None = None,
        corpus: CorpusIndex | None = None,
        attribution_settings: AttributionSettings | None = None,
    ) -> Judge:
        """The judge over newsqa's attribution engine, run with ``attribution_settings`` (None: the defaults)."""
        from indexing import attribution

        return cls(
            support=support,
            analyze=functools.partial(attribution.analyze, settings=attribution_settings),
            find_hedges=attribution.find_hedges,
            notation=notation or load_notation(None),
            corpus=corpus,
        )


# --- retrieval -------------------------------------------------------------------------------------


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


def _score_retrieval(case: EvalCase, answer: SystemAnswer, result: CaseResult) -> None:
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


# --- citations and quotes ---------------------------------------------------------------------------


class _SupportCache:
    """Support judgements for one answer, fetched in one batch when the measure can (``score_many``)."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.known: dict[tuple[str, str], bool] = {}

    def prefetch(
        self, sentences: Sequence[AnswerSentence], evidence_of: Callable[[AnswerSentence], dict[int, str]]
    ) -> None:
        pairs: list[tuple[str, str]] = []
        for sentence in sentences:
            evidence = evidence_of(sentence)
            valid = [n for n in dict.fromkeys(sentence.citations) if n in evidence]
            sets = [valid] + (
                [[n] for n in valid] + [[m for m in valid if m != n] for n in valid] if len(valid) > 1 else []
            )
            pairs += [(sentence.clean, "\n".join(evidence[n] for n in chosen)) for chosen in sets if chosen]
        pairs = [p for p in dict.fromkeys(pairs) if p not in self.known]
        batch = getattr(self.judge.support, "score_many", None)
        if pairs and callable(batch):
            for pair, score in zip(pairs, batch(pairs), strict=True):
                self.known[pair] = bool(score.supported)

    def supported(self, sentence: str, passages: Sequence[str]) -> bool:
        if not passages:
            return False
        pair = (sentence, "\n".join(passages))
        if pair not in self.known:
            self.known[pair] = bool(self.judge.support.score(*pair).supported)
        return self.known[pair]


def _score_citations(
    sentence: AnswerSentence, passages: dict[int, str], support: _SupportCache, result: CaseResult
) -> None:
    cited = list(dict.fromkeys(sentence.citations))
    if not sentence.answer_level:
        for n in cited:
            ok = n in passages
            result.count("citation_validity", ok)
            if not ok:
                result.failures.append(_failure("citation_validity", f"[{n}] points to no listed citation", sentence))
        for ref in dict.fromkeys(sentence.broken):
            result.count("citation_validity", False)
            result.failures.append(_failure("citation_validity", f"{ref} points to no listed source", sentence))
    valid = [n for n in cited if n in passages]
    joint = support.supported(sentence.clean, [passages[n] for n in valid])
    result.count("citation_recall", joint)
    if not joint:
        if not cited and not sentence.broken:
            why = "cites nothing"
        elif not valid:
            why = "it cites no listed source"
        elif all(not passages[n].strip() for n in valid):
            why = "its cited sources have no text (not in the answers file, not found in the corpus)"
        else:
            why = "its cited passages do not support it"
        result.failures.append(_failure("citation_recall", f"sentence not supported: {why}", sentence))
    if sentence.answer_level:
        return  # answer-level citations are judged once per answer (_score_answer_level_precision)
    # ALCE precision: a citation counts when the whole set supports the sentence and this citation is
    # not superfluous (it supports the sentence alone, or the others do not without it).
    for n in cited:
        relevant = _relevant(sentence, n, valid, passages, support, joint)
        result.count("citation_precision", relevant)
        if joint and not relevant:
            result.failures.append(
                _failure("citation_precision", f"[{n}] is not needed to support the sentence", sentence)
            )


def _relevant(
    sentence: AnswerSentence, n: int, valid: list[int], passages: dict[int, str], support: _SupportCache, joint: bool
) -> bool:
    if not joint or n not in passages:
        return False
    if len(valid) == 1 or support.supported(sentence.clean, [passages[n]]):
        return True
    return not support.supported(sentence.clean, [passages[m] for m in valid if m != n])


def _score_answer_level_precision(
    sentences: Sequence[AnswerSentence],
    evidence_of: Callable[[AnswerSentence], dict[int, str]],
    support: _SupportCache,
    result: CaseResult,
) -> None:
    """Sources listed for the whole answer: each counts once, relevant when some sentence needs it.

    A listed source no sentence needs is counted against ``citation_precision`` as a *note*: such lists
    are often the retrieved context (LangChain's ``source_documents``), not a claim of support.
    """
    ids = list(dict.fromkeys(n for s in sentences for n in s.citations))
    for n in ids:
        relevant = False
        for sentence in sentences:
            passages = evidence_of(sentence)
            valid = [m for m in dict.fromkeys(sentence.citations) if m in passages]
            joint = support.supported(sentence.clean, [passages[m] for m in valid])
            if _relevant(sentence, n, valid, passages, support, joint):
                relevant = True
                break
        result.count("citation_precision", relevant)
        if not relevant:
            result.failures.append(
                Failure(
                    metric="citation_precision",
                    severity="note",
                    message=f"listed source [{n}] supports no sentence of the answer",
                    citations=[n],
                )
            )


def _score_quotes(sentence: AnswerSentence, passages: dict[int, str], result: CaseResult) -> None:
    cited = [passages[n] for n in sentence.citations if n in passages] or list(passages.values())
    for quotation in find_quotations(sentence.quote_text or sentence.text):
        ok = any(quote_in_passage(quotation, p) for p in cited)
        result.count("quote_fidelity", ok)
        if not ok:
            result.failures.append(
                _failure(
                    "quote_fidelity", f"quotation not found word for word in the cited passage: “{quotation}”", sentence
                )
            )


# --- expected claims ----------------------------------------------------------------------------------


def _describe(claim: ExpectedClaim) -> str:
    parts = [f"source: {claim.source or '(unattributed)'} ({claim.source_type})"]
    if claim.hedged:
        parts.append("hedged" + (f": {', '.join(claim.hedges)}" if claim.hedges else ""))
    if claim.quote != "none":
        parts.append(f"{claim.quote} quote")
    return f"“{claim.key}” — " + "; ".join(parts)


def _failure(metric: str, message: str, sentence: AnswerSentence | None, claim: ExpectedClaim | None = None) -> Failure:
    return Failure(
        metric=metric,
        message=message,
        sentence=sentence.text if sentence else None,
        sentence_index=sentence.index if sentence else None,
        citations=list(dict.fromkeys(sentence.citations)) if sentence else [],
        expected=_describe(claim) if claim else None,
    )


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


def _score_claim(
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
                _failure("attribution_laundering", "attributed claim restated as bare fact", sentence, claim)
            )
        elif not kept:
            result.failures.append(_failure("misattribution", "claim not credited to its source", sentence, claim))
        if claim.source_type == "named":
            as_anonymous = anonymous_mark or (not kept and anonymous_attribution_present(sentence.judged, claims))
            result.count("named_as_anonymous", as_anonymous)
            if as_anonymous:
                result.failures.append(
                    _failure("named_as_anonymous", "a named source is presented as anonymous", sentence, claim)
                )
        else:
            as_named = not kept and (
                named_attribution_present(sentence.judged, claims) or names_a_person_or_body(sentence.context)
            )
            result.count("anonymous_as_named", as_named)
            result.count("anonymous_marked_recall", anonymous_mark)
            if as_named:
                result.failures.append(
                    _failure("anonymous_as_named", "an anonymous source is presented as named", sentence, claim)
                )
            if not anonymous_mark:
                result.failures.append(
                    _failure(
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
                _failure("hedge_stripping", "hedged claim stated as certain (no hedge, no mark)", sentence, claim)
            )
        elif not hedge_mark:
            result.failures.append(
                _failure(
                    "hedge_marked",
                    f"hedged claim keeps its hedge words but is not marked hedged ({judge.notation.name} notation)",
                    sentence,
                    claim,
                )
            )


def _claims_by_sentence(sentences: Sequence[AnswerSentence], judge: Judge) -> list[list[Claim]]:
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


def _best_sentence(claim: ExpectedClaim, sentences: Sequence[AnswerSentence]) -> AnswerSentence | None:
    best, best_coverage = None, 0.0
    for sentence in sentences:
        coverage = key_coverage(sentence.clean, claim.key)
        if coverage > best_coverage:
            best, best_coverage = sentence, coverage
    return best if best_coverage >= KEY_COVERAGE_THRESHOLD else None


# --- one case ----------------------------------------------------------------------------------------


def _citations_with_text(answer: SystemAnswer, new_sources: Sequence[Any], judge: Judge) -> list[CitedPassage]:
    """The answer's citations, plus the sources it lists without a citation entry; a citation without text
    takes its article's body from the corpus (when the judge has one and the article is found)."""
    citations = list(answer.citations)
    for entry in new_sources:
        citations.append(
            CitedPassage(id=entry.cited_as, text="", url=entry.url, title=entry.title, source_path=entry.path)
        )
    if judge.corpus is None:
        return citations
    out = []
    for c in citations:
        if not c.text.strip():
            article = judge.corpus.find(url=c.url, source_path=c.source_path, title=c.title, article_id=c.article_id)
            if article is not None:
                c = c.model_copy(
                    update={
                        "text": article.body,
                        "whole_article": True,
                        "title": c.title or article.title,
                        "outlet": c.outlet or article.outlet,
                        "url": c.url or article.url,
                        "source_path": c.source_path or article.source_path,
                        "published_at": c.published_at
                        or (article.published_at.isoformat() if article.published_at else None),
                    }
                )
        out.append(c)
    return out


def crag_score(result: CaseResult) -> int:
    """The CRAG-style score of one case: +1 a right answer, 0 a refusal (or no answer), -1 a wrong answer.

    Wrong: an answered unanswerable question, or an answer with a failure of what it says
    (``CRAG_WRONG_METRICS``: unsupported or invalid citation, a quotation not in its passage,
    a laundered, misattributed or misclassified source, a stripped hedge). Right: any other
    answer to an answerable question that uses at least one expected claim (or expects none).
    An answer using no expected claim, without a wrong statement, scores 0 (it missed).
    """
    if result.status == "error" or result.refused:
        return 0
    if not result.answerable:
        return -1
    if any(f.severity == "fail" and f.metric in CRAG_WRONG_METRICS for f in result.failures):
        return -1
    used = result.tallies.get("claim_recall")
    if used is not None and used.total and not used.hit:
        return 0
    return 1


def score_case(case: EvalCase, answer: SystemAnswer | None, judge: Judge) -> CaseResult:
    """Every metric's tally and every failure for one answer to one case."""
    result = CaseResult(id=case.id, question=case.question, answerable=case.answerable, tags=list(case.tags))
    if answer is None or answer.error:
        result.status, result.error = "error", (answer.error if answer else "no answer for this case")
        result.count("error_rate", 1)
        result.count("case_pass_rate", 0)
        result.count("crag_score", 0)
        result.crag = 0
        return result
    result.answer, result.latency_ms = answer.answer, answer.latency_ms
    refused = result.refused = answer.is_refusal
    parsed = read_answer(answer.answer, judge.notation, answer.citations) if not refused else None
    citations = _citations_with_text(answer, parsed.new_sources if parsed else [], judge)
    passages = {c.id: c.text for c in citations}
    evidence = {c.id: c.evidence for c in citations}
    whole = {c.id for c in citations if c.whole_article}
    result.citations = [PassageView(id=c.id, text=c.text, source_path=c.source_path, title=c.title) for c in citations]
    _score_retrieval(case, answer, result)
    if case.answerable:
        result.count("false_refusals", refused)
        result.count("refusal_accuracy", not refused)
        if refused:
            result.failures.append(Failure(metric="false_refusals", message="refused a question the corpus answers"))
    else:
        result.count("unanswerable_refused", refused)
        result.count("refusal_accuracy", refused)
        if not refused:
            result.failures.append(
                Failure(metric="unanswerable_refused", message="answered a question the corpus cannot answer")
            )
    if parsed is not None:
        sentences = parsed.sentences
        if parsed.answer_level and citations:
            # No inline citation anywhere: the listed sources stand for every sentence (LangChain, LlamaIndex dumps).
            for sentence in sentences:
                sentence.citations, sentence.answer_level = [c.id for c in citations], True
        windows: dict[tuple[int, int], str] = {}

        def evidence_of(sentence: AnswerSentence) -> dict[int, str]:
            if not whole:
                return evidence
            out = dict(evidence)
            for n in whole & set(sentence.citations):
                key = (sentence.index, n)
                if key not in windows:
                    header = evidence[n][: len(evidence[n]) - len(passages[n])]
                    windows[key] = header + best_window(sentence.clean, passages[n])
                out[n] = windows[key]
            return out

        claims = _claims_by_sentence(sentences, judge)
        support = _SupportCache(judge)
        support.prefetch(sentences, evidence_of)
        for sentence in sentences:
            _score_citations(sentence, evidence_of(sentence), support, result)
            _score_quotes(sentence, passages, result)
        if parsed.answer_level and citations:
            _score_answer_level_precision(sentences, evidence_of, support, result)
        used_by: dict[int, list[ExpectedClaim]] = {}
        for expected in case.expected_claims:
            best = _best_sentence(expected, sentences)
            result.count("claim_recall", best is not None)
            if best is None:
                result.failures.append(
                    Failure(
                        metric="claim_recall",
                        severity="note",
                        message="expected claim not used by the answer",
                        expected=_describe(expected),
                    )
                )
                continue
            used_by.setdefault(best.index, []).append(expected)
            _score_claim(expected, best, claims[best.index], judge, result)
        _score_mark_precision(sentences, used_by, judge, result)
    result.count("error_rate", 0)
    result.status = "fail" if any(f.severity == "fail" for f in result.failures) else "pass"
    result.count("case_pass_rate", result.status == "pass")
    result.crag = crag_score(result)
    result.count("crag_score", result.crag)
    return result


def _score_mark_precision(
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
                    _failure(
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
                    _failure("hedge_mark_precision", "hedge mark on a claim that is not hedged", sentence, expected[0])
                )


def aggregate(results: Iterable[CaseResult]) -> dict[str, MetricValue]:
    """Sum each metric's tallies over cases: value = sum(hit) / sum(total), null when total is 0."""
    sums: dict[str, list[float]] = {name: [0.0, 0.0] for name in METRICS}
    for result in results:
        for name, tally in result.tallies.items():
            bucket = sums.setdefault(name, [0.0, 0.0])
            bucket[0] += tally.hit
            bucket[1] += tally.total
    out: dict[str, MetricValue] = {}
    for name, (hit, total) in sums.items():
        spec = METRICS.get(name)
        out[name] = MetricValue(
            name=name,
            value=round(hit / total, 4) if total else None,
            hit=round(hit, 4),
            total=total,
            higher_is_better=spec.higher_is_better if spec else True,
            description=spec.description if spec else "",
        )
    return out

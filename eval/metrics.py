"""Scoring one answer against one eval case, and adding cases up into metrics.

``score_case`` reads the answer's *text* (sentences, [n] markers, quotations, marks)
and its cited passages, so any system's answers can be scored the same way. Each
metric counts a numerator and a denominator per case (``CaseResult.tallies``);
``aggregate`` sums them over cases (a micro average). Formulas: ``docs/eval.md``.

The measures are the ``eval.judge.Judge``'s; the metrics of each part are
``eval.retrieval_metrics``, ``eval.citation_metrics`` (citations, quotes) and
``eval.claim_metrics`` (expected claims, marks); their failure lines,
``eval.case_failures``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from eval.answers import CitedPassage, SystemAnswer
from eval.case_failures import describe_claim
from eval.citation_metrics import SupportCache, score_answer_level_precision, score_citations, score_quotes
from eval.claim_metrics import best_sentence, claims_by_sentence, score_claim, score_mark_precision
from eval.corpus import best_window
from eval.datasets import EvalCase, ExpectedClaim
from eval.judge import Judge
from eval.matching import AnswerSentence
from eval.notation import read_answer
from eval.results import CRAG_WRONG_METRICS, METRICS, CaseResult, Failure, MetricValue, PassageView
from eval.retrieval_metrics import score_retrieval

__all__ = ["aggregate", "crag_score", "score_case"]


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
    score_retrieval(case, answer, result)
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

        claims = claims_by_sentence(sentences, judge)
        support = SupportCache(judge)
        support.prefetch(sentences, evidence_of)
        for sentence in sentences:
            score_citations(sentence, evidence_of(sentence), support, result)
            score_quotes(sentence, passages, result)
        if parsed.answer_level and citations:
            score_answer_level_precision(sentences, evidence_of, support, result)
        used_by: dict[int, list[ExpectedClaim]] = {}
        for expected in case.expected_claims:
            best = best_sentence(expected, sentences)
            result.count("claim_recall", best is not None)
            if best is None:
                result.failures.append(
                    Failure(
                        metric="claim_recall",
                        severity="note",
                        message="expected claim not used by the answer",
                        expected=describe_claim(expected),
                    )
                )
                continue
            used_by.setdefault(best.index, []).append(expected)
            score_claim(expected, best, claims[best.index], judge, result)
        score_mark_precision(sentences, used_by, judge, result)
    result.count("error_rate", 0)
    result.status = "fail" if any(f.severity == "fail" for f in result.failures) else "pass"
    result.count("case_pass_rate", result.status == "pass")
    result.crag = crag_score(result)
    result.count("crag_score", result.crag)
    return result


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

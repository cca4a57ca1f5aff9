"""Citation and quote metrics of one answer sentence: citation validity, recall and precision (ALCE), quote
fidelity; support judgements come from the judge's support measure, cached per answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from eval.case_failures import case_failure
from eval.judge import Judge
from eval.matching import AnswerSentence, find_quotations, quote_in_passage
from eval.results import CaseResult, Failure

__all__ = ["SupportCache", "score_answer_level_precision", "score_citations", "score_quotes"]


class SupportCache:
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


def score_citations(
    sentence: AnswerSentence, passages: dict[int, str], support: SupportCache, result: CaseResult
) -> None:
    cited = list(dict.fromkeys(sentence.citations))
    if not sentence.answer_level:
        for n in cited:
            ok = n in passages
            result.count("citation_validity", ok)
            if not ok:
                result.failures.append(
                    case_failure("citation_validity", f"[{n}] points to no listed citation", sentence)
                )
        for ref in dict.fromkeys(sentence.broken):
            result.count("citation_validity", False)
            result.failures.append(case_failure("citation_validity", f"{ref} points to no listed source", sentence))
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
        result.failures.append(case_failure("citation_recall", f"sentence not supported: {why}", sentence))
    if sentence.answer_level:
        return  # answer-level citations are judged once per answer (score_answer_level_precision)
    # ALCE precision: a citation counts when the whole set supports the sentence and this citation is
    # not superfluous (it supports the sentence alone, or the others do not without it).
    for n in cited:
        relevant = _relevant(sentence, n, valid, passages, support, joint)
        result.count("citation_precision", relevant)
        if joint and not relevant:
            result.failures.append(
                case_failure("citation_precision", f"[{n}] is not needed to support the sentence", sentence)
            )


def _relevant(
    sentence: AnswerSentence, n: int, valid: list[int], passages: dict[int, str], support: SupportCache, joint: bool
) -> bool:
    if not joint or n not in passages:
        return False
    if len(valid) == 1 or support.supported(sentence.clean, [passages[n]]):
        return True
    return not support.supported(sentence.clean, [passages[m] for m in valid if m != n])


def score_answer_level_precision(
    sentences: Sequence[AnswerSentence],
    evidence_of: Callable[[AnswerSentence], dict[int, str]],
    support: SupportCache,
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


def score_quotes(sentence: AnswerSentence, passages: dict[int, str], result: CaseResult) -> None:
    cited = [passages[n] for n in sentence.citations if n in passages] or list(passages.values())
    for quotation in find_quotations(sentence.quote_text or sentence.text):
        ok = any(quote_in_passage(quotation, p) for p in cited)
        result.count("quote_fidelity", ok)
        if not ok:
            result.failures.append(
                case_failure(
                    "quote_fidelity", f"quotation not found word for word in the cited passage: “{quotation}”", sentence
                )
            )

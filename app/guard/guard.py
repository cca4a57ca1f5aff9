"""The attribution guard: every answer sentence is checked against what it cites, repaired or dropped.

For each sentence of a draft (from any composer), in this order:

1. ``citation_exists`` - it cites passages that exist. Markers pointing nowhere
   are removed; a sentence left without a citation is re-pointed to the
   passage that best supports it, or dropped.
2. ``quote_fidelity`` - every quotation matches a cited passage word for word.
   A misquote is replaced by the passage's own quotation when one matches
   closely; an invented quote drops the sentence.
3. ``support`` - a cited passage supports the sentence (``app.guard.support``).
   Otherwise it is re-pointed to a passage that does, or dropped.
4. ``attribution`` - when the cited claim has a source, the sentence names it
   (an anonymous one by its description: "a ministry source", "analysts");
   otherwise "According to <source>, " is restored.
5. ``hedge`` - a hedged claim's sentence carries ``[hedged]`` (added if missing;
   the detail says whether the hedge words survived).
6. ``anonymous_mark`` - an anonymous claim's sentence carries ``[anonymous source]``.

``injection`` findings (sentence ``-1``) report retrieved passages holding
instruction-like text; such text is removed from the evidence, so a sentence
that only follows it is unsupported and dropped. Every check is recorded in
``Answer.guard`` (ok or not, and the action taken). When nothing survives,
the answer becomes a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.compose.base import Draft, DraftSentence
from app.compose.evidence import Passage, find_instructions
from app.compose.marks import (
    Mark,
    add_marks,
    find_citations,
    format_citations,
    has_anonymous_mark,
    has_hedge_mark,
    strip_citations,
    strip_marks,
)
from app.compose.wording import display_source, has_source, hedges_outside_quotes, names_source, prefix_attribution
from app.guard.answers import assemble_answer, quotations, refusal_answer
from app.guard.support import SupportScorer, content_words
from app.models import Answer, GuardFinding
from indexing.models import Claim
from indexing.text.quote_match import quote_in_passage

__all__ = ["AttributionGuard", "names_source", "quotations"]


class _SentenceCheck:
    """One sentence under check: its text and citations as repaired so far, and where findings go."""

    def __init__(self, index: int, text: str, findings: list[GuardFinding]) -> None:
        self.index, self.text, self.findings = index, text, findings
        self.cited: list[int] = []

    def note(self, check: str, ok: bool, action: str = "none", detail: str = "") -> None:
        self.findings.append(GuardFinding(sentence=self.index, check=check, ok=ok, action=action, detail=detail))  # type: ignore[arg-type]

    def recite(self, numbers: list[int]) -> None:
        """Cite ``numbers`` instead of what the sentence cites now."""
        self.cited = numbers
        self.text = _set_citations(self.text, numbers)


class AttributionGuard:
    """Checks and repairs drafts; builds the final :class:`Answer`."""

    def __init__(self, scorer: SupportScorer) -> None:
        self.scorer = scorer

    # --- public -----------------------------------------------------------------------
    def check(self, draft: Draft, *, retrieved: Sequence[Passage] = ()) -> Answer:
        """Check every sentence of ``draft``; ``retrieved`` are all passages the composer saw (for injection findings)."""
        findings: list[GuardFinding] = []
        flagged = {p.key: p for p in (*retrieved, *draft.passages) if p.injection}
        for passage in flagged.values():
            findings.append(
                GuardFinding(
                    sentence=-1,
                    check="injection",
                    ok=True,
                    detail=f"a passage of {passage.result.title or passage.article_id!r} holds instruction-like text "
                    f"({passage.injection!r}); it was treated as data and never used as evidence",
                )
            )
        if draft.refused:
            return refusal_answer(draft, draft.refusal, findings, sentences_in=0)

        sentences = list(draft.sentences)
        kept: list[DraftSentence] = []
        for index, sentence in enumerate(sentences):
            result = self._check_sentence(index, sentence, draft.passages, findings)
            if result is not None:
                kept.append(result)
        if flagged and any(f.action == "dropped" and f.check == "support" for f in findings):
            for f in findings:
                if f.check == "injection":
                    f.detail += "; an answer sentence not supported by the evidence was dropped"
        if not kept:
            text = (
                "The answer could not be verified against the cited articles, so none is given."
                if sentences
                else "The indexed news does not answer this question."
            )
            return refusal_answer(draft, text, findings, sentences_in=len(sentences))
        return assemble_answer(draft, kept, findings, len(sentences))

    # --- one sentence ---------------------------------------------------------------------
    def _check_sentence(
        self, index: int, sentence: DraftSentence, passages: list[Passage], findings: list[GuardFinding]
    ) -> DraftSentence | None:
        """Run the checks in order on one sentence; the repaired sentence, or None when it is dropped."""
        check = _SentenceCheck(index, sentence.text, findings)
        if not content_words(strip_citations(strip_marks(check.text))):
            check.note("support", False, "dropped", "the sentence states nothing that could be cited")
            return None
        if not self._check_citations(check, passages):
            return None
        if not self._check_quotes(check, passages):
            return None
        if not self._check_support(check, passages, lazy=sentence.claim is not None):
            return None
        # 4-6. attribution and marks, against the claim(s) the sentence restates
        claims = (
            [sentence.claim]
            if sentence.claim is not None
            else self._claims_for(check.text, [passages[n - 1] for n in check.cited])
        )
        attributed = self._check_attribution(check, claims, passages)
        self._check_hedge(check, claims, attributed)
        self._check_anonymous_mark(check, claims)
        return DraftSentence(text=check.text, citations=check.cited, claim=claims[0] if claims else None)

    def _check_citations(self, check: _SentenceCheck, passages: list[Passage]) -> bool:
        """1. citation_exists: markers pointing nowhere are removed; a sentence citing nothing is re-pointed."""
        n_passages = len(passages)
        found = find_citations(check.text)
        cited = [n for n in found if 1 <= n <= n_passages]
        invalid = [n for n in found if not 1 <= n <= n_passages]
        check.cited = cited
        if not invalid and cited:
            check.note("citation_exists", True)
            return True
        best = self._best_supporting(check.text, passages, exclude=cited)
        what = f"cited {invalid}, which do not exist" if invalid else "cited nothing"
        if cited:
            check.recite(cited)
            check.note("citation_exists", False, "repaired", f"removed citation(s) {invalid} that point to no passage")
        elif best is not None:
            check.recite([best])
            check.note(
                "citation_exists",
                False,
                "repaired",
                f"{what}; re-pointed to [{best}], the passage that best supports it",
            )
        else:
            check.note("citation_exists", False, "dropped", f"{what}, and no passage supports it")
            return False
        return True

    def _check_quotes(self, check: _SentenceCheck, passages: list[Passage]) -> bool:
        """2. quote_fidelity: every quotation is in the cited passages; a misquote is repaired or dropped."""
        quotes = quotations(check.text)
        if not quotes:
            return True
        evidence = " ".join(passages[n - 1].evidence_text() for n in check.cited)
        repaired = False
        for quote in quotes:
            if quote_in_passage(quote, evidence):
                continue
            replacement = self._closest_quote(quote, [passages[n - 1] for n in check.cited])
            if replacement is None:
                check.note(
                    "quote_fidelity", False, "dropped", f"the quotation {quote!r} is not in the cited passage(s)"
                )
                return False
            check.text = check.text.replace(quote, replacement, 1)
            check.note(
                "quote_fidelity",
                False,
                "repaired",
                f"misquote {quote!r} replaced by the passage's words {replacement!r}",
            )
            repaired = True
        if not repaired:
            check.note("quote_fidelity", True)
        return True

    def _check_support(self, check: _SentenceCheck, passages: list[Passage], *, lazy: bool) -> bool:
        """3. support: a cited passage supports the sentence; otherwise re-pointed to one that does, or dropped."""
        cited = check.cited
        scores = self.scorer.score_many([(check.text, self._evidence(passages[n - 1])) for n in cited], lazy=lazy)
        supporting = [n for n, s in zip(cited, scores, strict=True) if s.supported]
        if supporting:
            if len(supporting) < len(cited):
                dropped = [n for n in cited if n not in supporting]
                check.recite(supporting)
                check.note(
                    "support", True, "repaired", f"removed citation(s) {dropped} that do not support the sentence"
                )
            else:
                check.note("support", True, detail=f"combined support {max(s.combined for s in scores):.2f}")
            return True
        best = self._best_supporting(check.text, passages, exclude=cited)
        worst = max(scores, key=lambda s: s.combined) if scores else None
        why = f"support {worst.combined:.2f}" if worst else "no evidence"
        if worst and worst.missing_numbers:
            why += f", figures not in the passage: {', '.join(worst.missing_numbers)}"
        if best is None:
            check.note("support", False, "dropped", f"no passage supports it ({why})")
            return False
        check.recite([best])
        check.note("support", False, "repaired", f"cited passage does not support it ({why}); re-pointed to [{best}]")
        return True

    @staticmethod
    def _check_attribution(check: _SentenceCheck, claims: list[Claim], passages: list[Passage]) -> list[Claim]:
        """4. attribution: the sentence names the source of each attributed claim, else "According to X, "
        is restored. Returns the attributed claims."""
        # A claim credited to nobody (no source, no speaker) has no one to name: "According to the source" says nothing.
        attributed = [c for c in claims if c.attributed and has_source(c)]
        if not attributed:
            return attributed
        # Stricter than "named or marked": an anonymous source is still described
        # ("a source within the ministry"); the mark alone would lose who it is.
        missing_source = [c for c in attributed if not names_source(check.text, c)]
        if missing_source:
            who = display_source(missing_source[0])
            context = " ".join(passages[n - 1].result.text for n in check.cited)
            check.text = prefix_attribution(check.text, who, context)
            check.note(
                "attribution",
                False,
                "repaired",
                f"the sentence did not name its source; restored 'According to {who}'",
            )
        else:
            check.note("attribution", True)
        return attributed

    @staticmethod
    def _check_hedge(check: _SentenceCheck, claims: list[Claim], attributed: list[Claim]) -> None:
        """5. hedge: a hedged claim's sentence (or one whose writer hedges) carries the hedged mark."""
        hedged = [c for c in claims if c.hedges]
        cues = [h for c in hedged for h in c.hedges]
        if not attributed and not hedged:
            # The journalist's voice: a hedge the sentence itself states ("are believed to") is one.
            cues = hedges_outside_quotes(strip_citations(strip_marks(check.text)))
            hedged = claims[:1] if cues else []
        if not (hedged or cues):
            return
        if has_hedge_mark(check.text):
            check.note("hedge", True)
            return
        kept = [h for h in cues if h.lower() in check.text.lower()]
        check.text = add_marks(check.text, [Mark.HEDGED])
        detail = "hedge words kept" if kept else f"the hedge ({', '.join(cues)}) was dropped"
        check.note("hedge", False, "repaired", f"{detail}; added {Mark.HEDGED.text}")

    @staticmethod
    def _check_anonymous_mark(check: _SentenceCheck, claims: list[Claim]) -> None:
        """6. anonymous_mark: an anonymous claim's sentence carries the anonymous-source mark."""
        if not any(c.source_type == "anonymous" and has_source(c) for c in claims):
            return
        if has_anonymous_mark(check.text):
            check.note("anonymous_mark", True)
        else:
            check.text = add_marks(check.text, [Mark.ANONYMOUS])
            check.note("anonymous_mark", False, "repaired", f"added {Mark.ANONYMOUS.text}")

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _evidence(passage: Passage) -> str:
        # The outlet and date are part of what a passage tells ("Harbor Gazette reported that ...").
        extra = " ".join(
            x for x in (passage.outlet, passage.published_at.isoformat() if passage.published_at else None) if x
        )
        return f"{passage.evidence_text()} {extra}".strip()

    def _best_supporting(self, text: str, passages: list[Passage], exclude: Sequence[int] = ()) -> int | None:
        options = [n for n in range(1, len(passages) + 1) if n not in exclude]
        if not options:
            return None
        scores = self.scorer.score_many([(text, self._evidence(passages[n - 1])) for n in options])
        best = max(zip(options, scores, strict=True), key=lambda x: x[1].combined)
        return best[0] if best[1].supported else None

    @staticmethod
    def _claims_for(text: str, passages: list[Passage]) -> list[Claim]:
        """For each cited passage, the claim the sentence restates best (attributed claims win ties)."""
        words = set(content_words(strip_citations(strip_marks(text))))
        out: list[Claim] = []
        for passage in passages:
            best: tuple[float, int, Claim] | None = None
            for claim in passage.claims:
                if find_instructions(claim.text):
                    continue
                cw = set(content_words(claim.text))
                if not cw:
                    continue
                recall = len(cw & words) / len(cw)
                key = (round(recall, 2), 1 if claim.attributed else 0, claim)
                if best is None or key[:2] > best[:2]:
                    best = key
            if best is not None and best[0] >= 0.25 and best[2] not in out:
                out.append(best[2])
        return out

    @staticmethod
    def _closest_quote(quote: str, passages: list[Passage]) -> str | None:
        """The passage's own quotation closest to a misquote (>= 50% shared content words), or None."""
        words = set(content_words(quote))
        best: tuple[float, str] | None = None
        for passage in passages:
            for candidate in quotations(passage.evidence_text()):
                cw = set(content_words(candidate))
                if not cw or not words:
                    continue
                share = len(cw & words) / len(cw | words)
                if best is None or share > best[0]:
                    best = (share, candidate.strip().rstrip(",;:").rstrip())
        return best[1] if best and best[0] >= 0.5 else None


def _set_citations(text: str, numbers: list[int]) -> str:
    body = strip_citations(text).rstrip()
    end = ""
    if body and body[-1] in ".!?":
        end, body = body[-1], body[:-1].rstrip()
    return f"{body} {format_citations(numbers)}{end or '.'}"

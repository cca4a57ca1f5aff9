"""The attribution guard: every answer sentence is checked against what it cites, repaired or dropped.

For each sentence of a draft (from any composer), in this order:

1. ``citation_exists`` - it cites passages that exist. Markers pointing nowhere
   are removed; a sentence left without a citation is re-pointed to the
   passage that best supports it, or dropped.
2. ``quote_fidelity`` - every quotation matches a cited passage word for word.
   A misquote is replaced by the passage's own quotation when one matches
   closely; an invented quote drops the sentence.
3. ``support`` - a cited passage supports the sentence (``app.support``).
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

import re
from collections.abc import Sequence

from app.composers.base import Draft, DraftSentence, closest_articles
from app.composers.evidence import Passage, find_instructions
from app.composers.extractive import has_source, hedges_outside_quotes
from app.marks import (
    Mark,
    add_marks,
    find_citations,
    format_citations,
    has_anonymous_mark,
    has_hedge_mark,
    strip_citations,
    strip_marks,
)
from app.support import SupportScorer, content_words
from indexing.lexicon import ANONYMOUS_SOURCE_NOUNS, PRONOUN_SOURCES, word_form
from indexing.models import Answer, Claim, GuardFinding, GuardReport

__all__ = ["AttributionGuard", "names_source", "quotations"]

_QUOTE = re.compile(r'"([^"]{3,}?)"|“([^”]{3,}?)”|(?:(?<=\s)|^)[‘\']([^‘’\']{3,}?)[’\'](?=[\s,.;:!?]|$)')


def quotations(sentence: str) -> list[str]:
    """The quoted passages of a sentence (straight or curly quotes, at least three characters)."""
    out = []
    for m in _QUOTE.finditer(sentence):
        q = next(g for g in m.groups() if g is not None)
        if len(q.split()) >= 2:
            out.append(q)
    return out


def _quote_in(quote: str, evidence: str) -> bool:
    """Word for word (case, punctuation and quote style ignored); '...' or '…' inside a quote marks an elision."""
    target = f" {word_form(evidence)} "
    pieces = [p for p in re.split(r"\.\.\.|…|\[\.\.\.\]", quote) if word_form(p)]
    return bool(pieces) and all(f" {word_form(p)} " in target for p in pieces)


_POSSESSIVE = re.compile(r"['’]s\b")


def names_source(sentence: str, claim: Claim) -> bool:
    """True when the sentence names the claim's speaker: full source, resolved name, surname or (anonymous) its head noun."""
    # a possessive names its owner: "Lind's view is that ..." names Lind
    plain = _POSSESSIVE.sub("", strip_citations(strip_marks(sentence)))
    text = f" {word_form(plain)} "
    names = [n for n in (claim.speaker, claim.source) if n and word_form(n) not in PRONOUN_SOURCES]
    for name in names:
        full = word_form(name)
        if f" {full} " in text or f" {word_form(name.split(',')[0])} " in text:
            return True
        words = [w for w in word_form(name.split(",")[0]).split() if w not in {"the", "a", "an", "of", "one", "some"}]
        if claim.source_type == "named" and words and len(words[-1]) > 2 and f" {words[-1]} " in text:
            return True  # surname or an organisation's distinctive word
        if claim.source_type == "anonymous":
            heads = [w for w in words if w in ANONYMOUS_SOURCE_NOUNS]
            if heads and any(f" {h} " in text for h in heads):
                return True
    return False


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
            return self._refusal(draft, draft.refusal, findings, sentences_in=0)

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
            return self._refusal(draft, text, findings, sentences_in=len(sentences))
        return self._assemble(draft, kept, findings, len(sentences))

    # --- one sentence ---------------------------------------------------------------------
    def _check_sentence(
        self, index: int, sentence: DraftSentence, passages: list[Passage], findings: list[GuardFinding]
    ) -> DraftSentence | None:
        def note(check: str, ok: bool, action: str = "none", detail: str = "") -> None:
            findings.append(GuardFinding(sentence=index, check=check, ok=ok, action=action, detail=detail))  # type: ignore[arg-type]

        text = sentence.text
        body = strip_citations(strip_marks(text))
        if not content_words(body):
            note("support", False, "dropped", "the sentence states nothing that could be cited")
            return None
        n_passages = len(passages)
        cited = [n for n in find_citations(text) if 1 <= n <= n_passages]
        invalid = [n for n in find_citations(text) if not 1 <= n <= n_passages]

        # 1. citation_exists
        if invalid or not cited:
            best = self._best_supporting(text, passages, exclude=cited)
            if cited:
                text = self._set_citations(text, cited)
                note("citation_exists", False, "repaired", f"removed citation(s) {invalid} that point to no passage")
            elif best is not None:
                cited = [best]
                text = self._set_citations(text, cited)
                what = f"cited {invalid}, which do not exist" if invalid else "cited nothing"
                note(
                    "citation_exists",
                    False,
                    "repaired",
                    f"{what}; re-pointed to [{best}], the passage that best supports it",
                )
            else:
                what = f"cited {invalid}, which do not exist" if invalid else "cited nothing"
                note("citation_exists", False, "dropped", f"{what}, and no passage supports it")
                return None
        else:
            note("citation_exists", True)

        # 2. quote_fidelity
        quotes = quotations(text)
        if quotes:
            evidence = " ".join(passages[n - 1].evidence_text() for n in cited)
            for quote in quotes:
                if _quote_in(quote, evidence):
                    continue
                replacement = self._closest_quote(quote, [passages[n - 1] for n in cited])
                if replacement is None:
                    note("quote_fidelity", False, "dropped", f"the quotation {quote!r} is not in the cited passage(s)")
                    return None
                text = text.replace(quote, replacement, 1)
                note(
                    "quote_fidelity",
                    False,
                    "repaired",
                    f"misquote {quote!r} replaced by the passage's words {replacement!r}",
                )
            if not any(f.sentence == index and f.check == "quote_fidelity" for f in findings):
                note("quote_fidelity", True)

        # 3. support
        scores = self.scorer.score_many(
            [(text, self._evidence(passages[n - 1])) for n in cited], lazy=sentence.claim is not None
        )
        supporting = [n for n, s in zip(cited, scores, strict=True) if s.supported]
        if supporting:
            if len(supporting) < len(cited):
                dropped = [n for n in cited if n not in supporting]
                cited = supporting
                text = self._set_citations(text, cited)
                note("support", True, "repaired", f"removed citation(s) {dropped} that do not support the sentence")
            else:
                note("support", True, detail=f"combined support {max(s.combined for s in scores):.2f}")
        else:
            best = self._best_supporting(text, passages, exclude=cited)
            worst = max(scores, key=lambda s: s.combined) if scores else None
            why = f"support {worst.combined:.2f}" if worst else "no evidence"
            if worst and worst.missing_numbers:
                why += f", figures not in the passage: {', '.join(worst.missing_numbers)}"
            if best is None:
                note("support", False, "dropped", f"no passage supports it ({why})")
                return None
            cited = [best]
            text = self._set_citations(text, cited)
            note("support", False, "repaired", f"cited passage does not support it ({why}); re-pointed to [{best}]")

        # 4-6. attribution and marks, against the claim(s) the sentence restates
        claims = (
            [sentence.claim] if sentence.claim is not None else self._claims_for(text, [passages[n - 1] for n in cited])
        )
        # A claim credited to nobody (no source, no speaker) has no one to name: "According to the source" says nothing.
        attributed = [c for c in claims if c.attributed and has_source(c)]
        # Stricter than "named or marked": an anonymous source is still described
        # ("a source within the ministry"); the mark alone would lose who it is.
        missing_source = [c for c in attributed if not names_source(text, c)]
        if attributed:
            if missing_source:
                claim = missing_source[0]
                who = _display(claim)
                text = _prefix_attribution(text, who, " ".join(passages[n - 1].result.text for n in cited))
                note(
                    "attribution",
                    False,
                    "repaired",
                    f"the sentence did not name its source; restored 'According to {who}'",
                )
            else:
                note("attribution", True)
        hedged = [c for c in claims if c.hedges]
        cues = [h for c in hedged for h in c.hedges]
        if not attributed and not hedged:
            # The journalist's voice: a hedge the sentence itself states ("are believed to") is one.
            cues = hedges_outside_quotes(strip_citations(strip_marks(text)))
            hedged = claims[:1] if cues else []
        if hedged or cues:
            if has_hedge_mark(text):
                note("hedge", True)
            else:
                kept = [h for h in cues if h.lower() in text.lower()]
                text = add_marks(text, [Mark.HEDGED])
                detail = "hedge words kept" if kept else f"the hedge ({', '.join(cues)}) was dropped"
                note("hedge", False, "repaired", f"{detail}; added {Mark.HEDGED.text}")
        if any(c.source_type == "anonymous" and has_source(c) for c in claims):
            if has_anonymous_mark(text):
                note("anonymous_mark", True)
            else:
                text = add_marks(text, [Mark.ANONYMOUS])
                note("anonymous_mark", False, "repaired", f"added {Mark.ANONYMOUS.text}")
        return DraftSentence(text=text, citations=cited, claim=claims[0] if claims else None)

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
    def _set_citations(text: str, numbers: list[int]) -> str:
        body = strip_citations(text).rstrip()
        end = ""
        if body and body[-1] in ".!?":
            end, body = body[-1], body[:-1].rstrip()
        return f"{body} {format_citations(numbers)}{end or '.'}"

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

    def _assemble(self, draft: Draft, kept: list[DraftSentence], findings: list[GuardFinding], n_in: int) -> Answer:
        # Renumber citations in order of first appearance, so [1] is the first cited passage.
        order: list[int] = []
        for s in kept:
            for n in s.citations:
                if n not in order:
                    order.append(n)
        renumber = {old: new for new, old in enumerate(order, start=1)}
        texts = []
        for s in kept:
            t = re.sub(r"\[(\d{1,3})\]", lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", s.text)
            texts.append(t.strip())
        answer_text = " ".join(texts)
        citations = [draft.passages[old - 1].citation(new) for old, new in renumber.items()]
        claims: list[Claim] = []
        # The answer is the kept sentences joined by single spaces: their offsets are known exactly.
        for s, sent in zip(kept, _spans(texts), strict=True):
            base = s.claim
            claims.append(
                Claim(
                    text=sent.claim_text,
                    start=sent.start,
                    end=sent.end,
                    source=base.source if base and base.attributed else None,
                    source_type=base.source_type if base else "unattributed",
                    speaker=base.speaker if base and base.attributed else None,
                    cue=base.cue if base and base.attributed else None,
                    hedges=list(base.hedges) if base else [],
                    quote="direct" if quotations(sent.text) else ("indirect" if base and base.attributed else "none"),
                    citations=[renumber[n] for n in s.citations],
                )
            )
        return Answer(
            question=draft.question,
            answer=answer_text,
            refused=False,
            claims=claims,
            citations=citations,
            standalone_question=draft.standalone_question,
            guard=GuardReport(findings=findings, sentences_in=n_in, sentences_out=len(kept)),
            composer=draft.composer,
        )

    @staticmethod
    def _refusal(draft: Draft, text: str, findings: list[GuardFinding], *, sentences_in: int) -> Answer:
        closest = draft.closest or closest_articles(draft.passages)
        return Answer(
            question=draft.question,
            answer=text,
            refused=True,
            standalone_question=draft.standalone_question,
            closest=closest,
            guard=GuardReport(findings=findings, sentences_in=sentences_in, sentences_out=0),
            composer=draft.composer,
        )


def _display(claim: Claim) -> str:
    source = (claim.source or "").strip()
    if claim.speaker and (not source or word_form(source) in PRONOUN_SOURCES):
        return claim.speaker
    return source or claim.speaker or "the source"


def _prefix_attribution(text: str, who: str, context: str = "") -> str:
    """``According to <who>, <text>``; the first word lower-cased unless it is a proper noun, "I" or a quote."""
    from app.composers.extractive import _in_sentence, lower_after_comma

    return f"According to {_in_sentence(who)}, {lower_after_comma(text.lstrip(), context)}"


class _Span:
    def __init__(self, text: str, start: int) -> None:
        self.text, self.start, self.end = text, start, start + len(text)
        self.claim_text = strip_citations(strip_marks(text))


def _spans(texts: list[str]) -> list[_Span]:
    out, pos = [], 0
    for t in texts:
        out.append(_Span(t, pos))
        pos += len(t) + 1
    return out

"""The attribution engine: rules over spaCy's dependency parse, plus quotation spans.

For every reporting cue (a reporting/belief verb, "according to", "X's view is
that") it finds the source (subject, agent of a passive, the antecedent of
"who", the subject of the clause a "saying ..." participle hangs on), the
content (the complement clause, extended to whole quotations, plus quotations
that continue it in the next sentences) and builds a ``Claim``. Sentences no
attribution covers come back as ``unattributed`` claims (the journalist's
voice), with their hedges.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from indexing.models import Claim, Span

from . import claim_building, claim_hedges, cue_finders, pruning, quote_attribution, refinement, speakers
from .cuemodel import load_cue_model
from .cues import (
    HEARSAY_NOUNS,
    LEARNED_THRESHOLD,
    PHRASAL_CUE_FORMS,
    REPORTING_NOUNS,
    _learned,
    cue_verb_forms,
    is_cue_verb,
    is_phrasal_cue,
)
from .names import person_name
from .quotes import QuoteIndex
from .record import Attribution
from .refinement import IT_BRIEFED, it_passive
from .signoffs import find_sign_offs
from .source_types import classify_tokens
from .speaker_resolver import SpeakerResolver
from .syntax import trim
from .tagger import DEFAULT_SETTINGS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from indexing.settings import AttributionSettings

__all__ = ["Attribution", "analyze_doc", "classify_mention", "rule_roles"]


class _Engine:
    """One document's attribution pass: ``find`` reads the cues, ``claims`` builds the claims.

    The rules for each concept live in their own module (named in the section comments below); these
    methods hand the engine to them, so each rule reaches the others through ``eng._name(...)``.
    """

    def __init__(self, doc: Doc, text: str | None = None, settings: AttributionSettings = DEFAULT_SETTINGS) -> None:
        self.doc = doc
        self.settings = settings
        self.text = doc.text if text is None else text
        self.quotes = QuoteIndex(self.text)
        self.resolver = SpeakerResolver(doc, self.quotes)
        self._tok_starts = [t.idx for t in doc]
        self._tok_ends = [t.idx + len(t.text) for t in doc]
        self.model = load_cue_model()
        self._cue_scores: dict[int, float] = {}  # token index -> P(cue): the detector, the nesting check and
        # the span tagger's input all ask for it
        self.sents = list(doc.sents)  # Doc.sents rescans the tokens on every pass

    # --- cue finders (cue_finders.py) -------------------------------------------------------------
    def _verb_attribution(self, verb: Token, *, prep_object: bool = False) -> Attribution | None:
        return cue_finders.verb_attribution(self, verb, prep_object=prep_object)

    def _according_to(self, tok: Token) -> Attribution | None:
        return cue_finders.according_to(self, tok)

    def _in_poll(self, tok: Token) -> Attribution | None:
        return cue_finders.in_poll(self, tok)

    def _with_predictions(self, tok: Token) -> Attribution | None:
        return cue_finders.with_predictions(self, tok)

    def _noun_view(self, noun: Token) -> Attribution | None:
        return cue_finders.noun_view(self, noun)

    def _learned_cue(self, tok: Token) -> Attribution | None:
        return cue_finders.learned_cue(self, tok)

    def _cue_p(self, tok: Token) -> float:
        return cue_finders.cue_p(self, tok)

    def _noun_attribution(self, noun: Token) -> Attribution | None:
        return cue_finders.noun_attribution(self, noun)

    # --- quotations (quote_attribution.py) --------------------------------------------------------
    def _speaker_line(self, tok: Token) -> bool:
        return quote_attribution.speaker_line(self, tok)

    def _line_name(self, tok: Token) -> list[Token] | None:
        return quote_attribution.line_name(self, tok)

    def _turn(self, start: int, quoted: bool) -> list[tuple[int, int]]:
        return quote_attribution.turn(self, start, quoted)

    def _colon(self, tok: Token) -> Attribution | None:
        return quote_attribution.colon(self, tok)

    def _attach_quotes(self, attr: Attribution) -> None:
        return quote_attribution.attach_quotes(self, attr)

    def _cue_sentence_rest(self, attr: Attribution, bend: int) -> int:
        return quote_attribution.cue_sentence_rest(self, attr, bend)

    def _quote_first(self) -> list[Attribution]:
        return quote_attribution.quote_first(self)

    # --- speakers across claims (speakers.py) -----------------------------------------------------
    def _name_described_speakers(self, attrs: list[Attribution], claims: list[Claim]) -> None:
        return speakers.name_described_speakers(self, attrs, claims)

    def _first_person_in_quotes(self, claims: list[Claim]) -> None:
        return speakers.first_person_in_quotes(self, claims)

    def _role_names(self) -> list[tuple[int, str, str]]:
        return speakers.role_names(self)

    def _named_next(self, k: int, attrs: list[Attribution], claims: list[Claim], sent_of: dict[int, int]) -> str | None:
        return speakers.named_next(self, k, attrs, claims, sent_of)

    @staticmethod
    def _quoted_subject(sent, claims: list[Claim]) -> Claim | None:
        return speakers.quoted_subject(sent, claims)

    def _speaks_on(self, claim: Claim) -> bool:
        return speakers.speaks_on(self, claim)

    def _in_quote(self, claim: Claim) -> bool:
        return speakers.in_quote(self, claim)

    def _continues_quote(self, start: int, end: int) -> bool:
        return speakers.continues_quote(self, start, end)

    # --- the span taggers' refinement (refinement.py) ---------------------------------------------
    def _rule_roles(self, attrs: list[Attribution]) -> np.ndarray:
        return refinement.rule_roles(self, attrs)

    def _refine(self, attrs: list[Attribution]) -> list[Attribution]:
        return refinement.refine(self, attrs)

    def _plausible(self, attr: Attribution) -> bool:
        return refinement.plausible(self, attr)

    def _reports(self, attr: Attribution, verbs: list[Token]) -> bool:
        return refinement.reports(self, attr, verbs)

    # --- pruning (pruning.py) ---------------------------------------------------------------------
    def _nested_ok(self, a: Attribution) -> bool:
        return pruning.nested_ok(self, a)

    def _prune(self, attrs: list[Attribution]) -> list[Attribution]:
        return pruning.prune(self, attrs)

    def _clauses(self, sent: SpacySpan) -> list[tuple[int, int]]:
        return pruning.clauses(self, sent)

    def _writers_report(self, attr: Attribution) -> bool:
        return pruning.writers_report(self, attr)

    # --- claim building (claim_building.py, claim_hedges.py) ---------------------------------------
    def _hedge_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        return claim_hedges.hedge_spans(self, start, end)

    def _is_hedge(self, word: str, tok: Token) -> bool:
        return claim_hedges.is_hedge(self, word, tok)

    def _source_pieces(self, attr: Attribution) -> list[tuple[int, int]]:
        return claim_building.source_pieces(self, attr)

    def _to_claim(self, attr: Attribution) -> Claim:
        return claim_building.to_claim(self, attr)

    # --- driver ---------------------------------------------------------------------------
    def find(self) -> list[Attribution]:
        found: list[Attribution] = []
        watch = _watch_words()
        for sent in self.sents:
            self.resolver.observe(sent)
            for tok in sent:
                low = tok.lower_
                if low not in watch or self._inside_name(tok):
                    continue
                attr = None
                if low == "according":
                    attr = self._according_to(tok)
                elif low == "in":
                    attr = self._in_poll(tok)
                elif low == "with":
                    attr = self._with_predictions(tok)
                elif (tok.tag_.startswith("VB") or _verb_by_role(tok)) and (is_cue_verb(low) or is_phrasal_cue(tok)):
                    attr = self._verb_attribution(tok)
                elif tok.pos_ == "NOUN" and low in REPORTING_NOUNS:
                    attr = self._noun_view(tok)
                elif low in IT_BRIEFED and it_passive(tok):
                    attr = self._verb_attribution(tok)  # "It is understood (that) no deal was offered"
                if attr is None and tok.pos_ == "NOUN" and low in HEARSAY_NOUNS:
                    attr = cue_finders.hearsay(self, tok)
                if (
                    attr is None
                    and self.model is not None
                    and low not in ("according", "in", "with")
                    and self.model.candidate(tok)
                ):
                    attr = self._learned_cue(tok)
                if attr is not None:
                    found.append(attr)
        # quotations no parse-based attribution claimed: read quote-first attributions from the text
        used = [p for a in found if self._plausible(a) and not self.quotes.containing(a.cue_start) for p in a.content]
        taken = {t.i for a in found for t in a.cue}
        for attr in self._quote_first():
            qs, _qe = attr.content[0]
            if any(a <= qs < b for a, b in used) or any(t.i in taken for t in attr.cue):
                continue
            found.append(attr)
        # '"...." ― Name': a quotation signed off with a dash (no verb for the parse to find). A cue inside the
        # quotation does not own it (the pruning drops such a nested reading); one outside it does.
        for attr in self._sign_offs():
            qs, qe = attr.content[0]
            if any(not qs <= a.cue_start < qe and any(x < qe and qs < y for x, y in a.content) for a in found):
                continue
            found.append(attr)
        # a headline's "<what> says <who>": the name after the verb speaks; what the parse made of the line goes
        headlines = cue_finders.headline_attributions(self)
        if headlines:
            lines = [(a.content[0][0], a.source[-1].idx + len(a.source[-1].text)) for a in headlines]
            found = [a for a in found if not any(s <= a.cue_start < e for s, e in lines)] + headlines
        return found

    def _inside_name(self, tok: Token) -> bool:
        """A capitalised word inside a capitalised name in running text ("the North East Says No campaign",
        "the Stand Up For Rivers group") is no cue; in a headline, where every word is capitalised, it is."""
        if not tok.text[:1].isupper() or tok.i == 0 or tok.i + 1 >= len(self.doc):
            return False
        prev, nxt = self.doc[tok.i - 1], self.doc[tok.i + 1]
        if not (prev.text[:1].isupper() and prev.is_alpha and nxt.text[:1].isupper() and nxt.is_alpha):
            return False
        words = [t for t in tok.sent if t.is_alpha]
        return sum(t.text[:1].islower() for t in words) * 2 > len(words)

    def _sign_offs(self) -> list[Attribution]:
        out = []
        for so in find_sign_offs(self.text, self.quotes):
            cue = self.doc.char_span(*so.cue, alignment_mode="expand")
            src = self.doc.char_span(*so.source, alignment_mode="expand")
            if cue is None or src is None or not len(cue) or not len(src):
                continue
            out.append(
                Attribution(cue=list(cue), source=list(src), source_head=src.root, content=[so.content], layout=True)
            )
        return out

    def claims(self) -> list[Claim]:
        text = self.text
        attrs = self._refine(self._prune(self.find()))
        claims: list[Claim] = []
        for attr in attrs:
            claims.append(self._to_claim(attr))
        self._name_described_speakers(attrs, claims)
        self._first_person_in_quotes(claims)
        extents = [
            (
                min(p.start for p in c.source_spans + c.cue_spans + c.content_spans),
                max(p.end for p in c.source_spans + c.cue_spans + c.content_spans),
                c,
            )
            for c in claims
        ]
        speaking: Claim | None = None  # the attribution that ends the previous sentence, if one does
        previous = None  # the previous sentence when nobody is credited in it
        for sent in self.sents:
            s, e = trim(text, sent.start_char, sent.end_char)
            if e - s < 2:
                continue
            covering = [c for a, b, c in extents if a < e and s < b]
            if (
                speaking is None
                and previous is not None
                and not covering
                and text[s] in '"\u201c'
                and self._continues_quote(s, e)
            ):
                # 'Mr Herren says ... He is in talks with Google. "All books ... could be put on the base
                # stations."': a quotation with no cue right after a sentence about the person last quoted
                speaking = self._quoted_subject(previous, claims)
            if speaking is not None and self._continues_quote(s, e) and all(self._in_quote(c) for c in covering):
                # '... Lindqvist said the rise would hurt families. "We will lose the school."': a quotation
                # right after a speaker's attribution, with no cue of its own, is still that speaker's; a cue
                # inside it ('"... Nobody has answered our letters."') is the speaker's words, not a new speaker
                drop = {id(c) for c in covering}
                claims = [c for c in claims if id(c) not in drop]
                extents = [x for x in extents if id(x[2]) not in drop]
                hedges = [" ".join(text[x:y].split()) for x, y in self._hedge_spans(s, e)]
                claims.append(
                    Claim(
                        text=text[s:e],
                        start=s,
                        end=e,
                        source=speaking.source,
                        speaker=speaking.speaker,
                        source_type=speaking.source_type,
                        hedges=hedges,
                        quote="direct",
                        content_spans=[Span(start=s, end=e)],
                    )
                )
                continue
            if covering:
                ending = [c for a, b, c in extents if a < e and s < b and b >= e - 2 and self._speaks_on(c)]
                speaking = max(ending, key=lambda c: c.end or 0) if ending else None
                previous = None
                continue
            speaking, previous = None, sent
            for a, b in self._clauses(sent):
                hedges = [" ".join(text[x:y].split()) for x, y in self._hedge_spans(a, b)]
                claims.append(
                    Claim(
                        text=text[a:b],
                        start=a,
                        end=b,
                        hedges=hedges,
                        quote="none",
                        content_spans=[Span(start=a, end=b)],
                    )
                )
        claims.sort(key=lambda c: c.start or 0)
        return claims


def _verb_by_role(tok: Token) -> bool:
    """A verb the tagger took for a noun, told by its parse: a subject and a reported clause of its own
    ("..., BBC Sport understands." tagged a plural noun)."""
    kids = [c.dep_ for c in tok.children]
    return "nsubj" in kids and "ccomp" in kids


@lru_cache(maxsize=1)
def _watch_words() -> frozenset[str]:
    """Every word form that can start an attribution (lexicon verbs, reporting nouns, the detector's
    candidates): all other tokens are skipped without looking at their parse (speed)."""
    learned = {w for w, share in _learned().items() if share >= LEARNED_THRESHOLD}
    model = load_cue_model()
    heads = model.heads if model is not None else frozenset()
    return frozenset(
        cue_verb_forms()
        | learned
        | PHRASAL_CUE_FORMS.keys()
        | REPORTING_NOUNS
        | HEARSAY_NOUNS
        | heads
        | {"according", "in", "with", ":"}
        | IT_BRIEFED
    )


def classify_mention(doc: Doc, start: int, end: int) -> str:
    """named / anonymous for the mention at ``doc.text[start:end]``, pronouns resolved from the text before it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return "anonymous"
    resolver = SpeakerResolver(doc)
    for sent in doc.sents:
        if sent.start > span.start:
            break
        resolver.observe(sent)
    head = span.root
    if head.lower_ in ("who", "which", "that") and head.head.dep_ == "relcl":
        head = head.head.head
        if head.dep_ == "appos" and person_name(head.head) is not None:
            return "named"  # "Heather Samuelson, a campaign assistant who ...": the person, not the role
    resolved, rtype = resolver.resolve(head)
    return classify_tokens(head, resolved, rtype)


def rule_roles(doc: Doc) -> np.ndarray:
    """The rules' BIO label index per token of ``doc``, before any tagger redraws them (the taggers' ``rule``
    input, in training and at ingest)."""
    eng = _Engine(doc)
    return eng._rule_roles(eng._prune(eng.find()))


def analyze_doc(doc: Doc, settings: AttributionSettings | None = None) -> list[Claim]:
    """Claims of a parsed document, in text order (see the module docstring).

    ``settings`` (``IndexSettings.attribution_settings``) choose the taggers; None: the default settings."""
    # Doc.text rebuilds the string from the tokens on every access: build it once
    text = doc.text
    if not text.strip():
        return []
    return _Engine(doc, text, settings or DEFAULT_SETTINGS).claims()

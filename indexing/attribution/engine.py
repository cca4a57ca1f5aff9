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

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from indexing.models import Claim, Span

from .cues import PRONOUNS, REPORTING_NOUNS, WEAK_CUES, XCOMP_CUES, is_cue_verb
from .hedges import find_hedge_spans
from .quotes import QuoteIndex
from .sources import SpeakerResolver, classify_tokens, is_plausible_source, source_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["Attribution", "analyze_doc", "classify_mention"]

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_CONTENT_DEPS = ("ccomp", "xcomp", "parataxis")
# Verbs whose direct object is the person addressed, not what was said.
_RECIPIENT_VERBS = frozenset("tell tells told telling ask asks asked asking inform informs informed remind reminded "
                             "advise advised advises notify notified assure assured reassured".split())
_CLOSE_PUNCT = set(".,;:!?")
_QUOTE_CHARS = set("\"'\u201c\u201d\u2018\u2019")
# What may stand between a cue and the quotation it introduces: "told reporters in Ohio, '...'"
_GAP_DEPS = ("dobj", "dative", "prep", "npadvmod", "advmod", "agent", "punct")


@dataclass
class Attribution:
    """An attribution found in a Doc, as token/char pieces before it becomes a Claim."""

    cue: list[Token]
    source: list[Token] = field(default_factory=list)
    source_text: str | None = None  # when different from the source tokens (antecedent of "who")
    source_head: Token | None = None
    content: list[tuple[int, int]] = field(default_factory=list)

    @property
    def cue_start(self) -> int:
        return self.cue[0].idx


def _char_span(tokens: list[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """Contiguous runs of tokens (by index) as char spans."""
    out: list[tuple[int, int]] = []
    run: list[Token] = []
    for t in sorted(tokens, key=lambda t: t.i):
        if run and t.i != run[-1].i + 1:
            out.append(_char_span(run))
            run = []
        run.append(t)
    if run:
        out.append(_char_span(run))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace and edge punctuation that is not a quotation mark."""
    while start < end and (text[start].isspace() or text[start] in ",;:-\u2014\u2013"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _CLOSE_PUNCT | {"-", "\u2014", "\u2013"}):
        end -= 1
    return start, end


def _cue_tokens(verb: Token) -> list[Token]:
    """The verb with the auxiliaries, negation and adverbs right before it ("has also said"), a particle
    right after it ("pointed out") and a colon that introduces the content ("said:") -- PolNeAR's convention."""
    doc = verb.doc
    block = [verb]
    k = verb.i - 1
    while k >= verb.sent.start:
        t = doc[k]
        if t.head.i == verb.i and t.dep_ in ("aux", "auxpass", "neg", "advmod") and t.lower_ != "to" and t.tag_ != "WRB":
            block.insert(0, t)
            k -= 1
        else:
            break
    k = verb.i + 1
    if k < len(doc) and doc[k].dep_ == "prt" and doc[k].head.i == verb.i:
        block.append(doc[k])
        k += 1
    if k < len(doc) and doc[k].text == ":":
        block.append(doc[k])
    return block


def _strip_edges(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _subject_of(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c
    return None


def _agent_of(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _find_source(verb: Token) -> tuple[Token | None, str | None]:
    """Source head for a cue verb, and the antecedent text when the head is a relative pronoun."""
    agent = _agent_of(verb)
    if agent is not None:
        return agent, None
    subj = _subject_of(verb)
    if subj is not None:
        if verb.dep_ == "relcl" and subj.lower_ in ("who", "which", "that"):
            ante = verb.head
            ante_toks = [t for t in ante.subtree if t.i < verb.i and not (t.i >= subj.i)]
            ante_toks = [t for t in ante_toks if not t.is_punct or t.i < subj.i - 1]
            text = " ".join(t.text for t in ante_toks).strip(" ,") if ante_toks else None
            return subj, text
        return subj, None
    # "..., saying that ..." / "and added ..." / "declined to say": the subject of the governing verb
    cur = verb
    for _ in range(3):
        if cur.dep_ in ("advcl", "conj", "xcomp") and cur.head is not cur:
            cur = cur.head
            s = _agent_of(cur) or _subject_of(cur)
            if s is not None:
                return s, None
        else:
            break
    if verb.dep_ == "acl" and verb.tag_ == "VBG":  # "a statement from X saying ..."
        return None, None
    return None, None


def _content_from_head(head: Token, exclude: set[int], text: str) -> list[tuple[int, int]]:
    toks = [t for t in head.subtree if t.i not in exclude]
    return [s for s in (_trim(text, a, b) for a, b in _runs(toks)) if s[1] > s[0]]


class _Engine:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.quotes = QuoteIndex(self.text)
        self.resolver = SpeakerResolver(doc)
        self._tok_starts = [t.idx for t in doc]

    # --- cue finders ---------------------------------------------------------------------
    def _verb_attribution(self, verb: Token) -> Attribution | None:
        cue = _cue_tokens(verb)
        src_head, ante = _find_source(verb)
        src = source_tokens(src_head) if src_head is not None else []
        if ante is not None and src_head is not None:
            src = [src_head]
        exclude = {t.i for t in cue} | {t.i for t in src}
        content: list[tuple[int, int]] = []
        for c in verb.children:
            if c.dep_ in _CONTENT_DEPS and c.i not in exclude:
                if c.dep_ == "xcomp" and verb.lower_ not in XCOMP_CUES and c.tag_ != "VB":
                    continue
                runs = _content_from_head(c, exclude, self.text)
                # "a statement that analysts say reflects ...": keep the clause on its own side of the cue
                side = [r for r in runs if (r[0] > verb.idx) == (c.i > verb.i)]
                content += side or runs
        if not content and verb.lower_ not in _RECIPIENT_VERBS and src_head is not None:
            kids = sorted(verb.children, key=lambda t: t.i)
            for k, c in enumerate(kids):
                if c.dep_ == "dobj" and c.i not in exclude:
                    content += _content_from_head(c, exclude, self.text)
                    # "reiterated their focus on '...'": a prepositional phrase right after the object
                    for d in kids[k + 1 :]:
                        if d.dep_ == "prep" and d.i == max(t.i for t in c.subtree) + 1:
                            content += _content_from_head(d, exclude, self.text)
                        break
        # "The goal, he said, is ..." / quote-first: the parser hangs the cue under the reported clause
        if not content and verb.dep_ in ("parataxis", "ccomp", "advcl") and verb.head is not verb:
            head = verb.head
            # an adverbial clause only when it is "as X noted" / "as noted by X"
            as_clause = any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
            if verb.dep_ != "advcl" or (as_clause and src_head is not None):
                skip = {t.i for t in verb.subtree}
                content += _content_from_head(head, skip, self.text)
        attr = Attribution(cue=cue, source=src, source_text=ante, source_head=src_head, content=content)
        self._attach_quotes(attr)
        if not attr.content or (not attr.source and verb.tag_ not in ("VBN",)):
            if not attr.content:
                return None
        return attr

    def _according_to(self, tok: Token) -> Attribution | None:
        nxt = tok.nbor(1) if tok.i + 1 < len(self.doc) else None
        if nxt is None or nxt.lower_ != "to":
            return None
        pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
        src = source_tokens(pobj) if pobj is not None else []
        phrase = {t.i for t in tok.subtree} | {nxt.i} | {t.i for t in src}
        sent = tok.sent
        toks = [t for t in sent if t.i not in phrase]
        content = [s for s in (_trim(self.text, a, b) for a, b in _runs(toks)) if s[1] > s[0]]
        attr = Attribution(cue=[tok, nxt], source=src, source_head=pobj, content=content)
        self._attach_quotes(attr)
        return attr if attr.content else None

    def _noun_view(self, noun: Token) -> Attribution | None:
        """ "X's view is that ...", "his argument was that ..." """
        poss = next((c for c in noun.children if c.dep_ == "poss"), None)
        if poss is None or noun.dep_ != "nsubj" or noun.head.lemma_ not in ("be",) and noun.head.lower_ not in (
            "is", "was", "are", "were", "'s", "remains", "remained"):
            return None
        comp = next((c for c in noun.head.children if c.dep_ in ("ccomp", "attr", "acomp") and c.i > noun.i), None)
        if comp is None:
            return None
        src = source_tokens(poss)
        # the possessive marker is not part of the source
        src = [t for t in src if t.dep_ != "case"]
        exclude = {t.i for t in src} | {noun.i}
        content = _content_from_head(comp, exclude, self.text)
        attr = Attribution(cue=[noun], source=src, source_head=poss, content=content)
        self._attach_quotes(attr)
        return attr if attr.content else None

    # --- quotations ------------------------------------------------------------------------
    def _attach_quotes(self, attr: Attribution) -> None:
        """Extend content to whole quotations, pull in an adjacent quote, and its continuations."""
        text = self.text
        pieces = []
        for a, b in attr.content:
            for qs, qe in self.quotes.overlapping(a, b):
                a, b = min(a, qs), max(b, qe)
            pieces.append((a, b))
        block = attr.cue + attr.source
        bstart = min(t.idx for t in block)
        bend = max(t.idx + len(t.text) for t in block)
        if not pieces:
            # 'X said: "..."' / 'X told reporters, "..."': a quotation right after the cue (within the sentence)
            verb = attr.cue[-1]
            allowed = {t.i for c in verb.children if c.dep_ in _GAP_DEPS and c.i > verb.i for t in c.subtree}
            j = bend
            for t in verb.doc[verb.i + 1 : min(len(verb.doc), verb.i + 25)]:
                q = self.quotes.starting_at(t.idx)
                if q:
                    pieces.append(q)
                    break
                if not (t.i in allowed or t.text in (",", ":") or t.is_space):
                    break
            # '"...," X said.': a quotation right before the source/cue block
            if not pieces:
                j = bstart - 1
                while j >= 0 and (text[j].isspace() or text[j] in ","):
                    j -= 1
                q = self.quotes.containing(j) if j >= 0 else None
                if q and q[1] == j + 1:
                    pieces.append(q)
        if not pieces:
            attr.content = []
            return
        # the quotation continues after "he said": '"A," he said. "B."'
        last_end = max(e for _, e in pieces)
        if last_end <= bstart:
            k = bend
            while k < len(text) and text[k] in " ,.;:\u00a0":
                k += 1
            q = self.quotes.starting_at(k)
            if q and text[bend:k].strip(" ,.;:\u00a0") == "":
                pieces.append(q)
        pieces = sorted(set(pieces))
        merged: list[tuple[int, int]] = []
        for a, b in pieces:
            if merged and (a <= merged[-1][1] or not text[merged[-1][1] : a].strip()):
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        attr.content = [p for p in merged if not (p[0] < bend and bstart < p[1])] or merged

    def _quote_first(self) -> list[Attribution]:
        """'"...," Gene Sperling, an adviser, said.' and '"...," said Sperling.' read from the text, because the
        parser often folds the source into the quoted clause."""
        doc, text = self.doc, self.text
        out: list[Attribution] = []
        for qs, qe in self.quotes.spans:
            inner = text[qs:qe].rstrip("\"'\u201d\u2019")
            if not inner or inner[-1] not in ",?!\u2014-":
                continue
            start_tok = bisect_left(self._tok_starts, qe)
            if start_tok >= len(doc):
                continue
            # the tokens up to the end of the sentence (or the next quotation)
            window = []
            for t in doc[start_tok : min(len(doc), start_tok + 30)]:
                if t.is_space or (t.text in ".;!?" and t.i > start_tok) or self.quotes.starting_at(t.idx):
                    break
                window.append(t)
            cue_at = next((k for k, t in enumerate(window) if t.tag_.startswith("VB") and is_cue_verb(t.lower_)), None)
            if cue_at is None:
                continue
            verb = window[cue_at]
            cue = _cue_tokens(verb)
            cue = [t for t in cue if t.i >= window[0].i]
            before = [t for t in window[: cue_at] if t not in cue]
            after = window[cue_at + 1 :]
            src = [t for t in before if not (t.is_punct and t.text in ",\u2014-")] or []
            if src:
                src = _strip_edges(before)
            elif after:
                # "said Sperling, an adviser" -- stop at a clause the source does not own ("when asked")
                src = []
                for t in after:
                    if src and (t.tag_ in ("WRB", "VBG") or t.lower_ in ("when", "after", "before", "while", "during")):
                        break
                    src.append(t)
                src = _strip_edges(src)
            if not src or len(src) > 25 or any(t.pos_ == "VERB" and t.dep_ not in ("relcl", "acl", "amod") for t in src):
                continue
            head = min(src, key=lambda t: sum(1 for _ in t.ancestors))
            attr = Attribution(cue=cue, source=src, source_head=head, content=[(qs, qe)])
            self._attach_quotes(attr)
            out.append(attr)
        return out

    # --- driver ---------------------------------------------------------------------------
    def find(self) -> list[Attribution]:
        found: list[Attribution] = []
        for sent in self.doc.sents:
            self.resolver.observe(sent)
            for tok in sent:
                attr = None
                low = tok.lower_
                if low == "according":
                    attr = self._according_to(tok)
                elif tok.tag_.startswith("VB") and is_cue_verb(low):
                    attr = self._verb_attribution(tok)
                elif tok.pos_ == "NOUN" and low in REPORTING_NOUNS:
                    attr = self._noun_view(tok)
                if attr is not None:
                    found.append(attr)
        # quotations no parse-based attribution claimed: read quote-first attributions from the text
        used = [p for a in found if self._plausible(a) for p in a.content]
        taken = {t.i for a in found for t in a.cue}
        for attr in self._quote_first():
            qs, qe = attr.content[0]
            if any(a <= qs < b for a, b in used) or any(t.i in taken for t in attr.cue):
                continue
            found.append(attr)
        return found

    def claims(self) -> list[Claim]:
        text = self.text
        attrs = self._prune(self.find())
        claims: list[Claim] = []
        for attr in attrs:
            claims.append(self._to_claim(attr))
        covered = [(c.start, c.end) for c in claims if c.start is not None and c.end is not None]
        covered += [(a.cue[0].idx, a.cue[-1].idx + len(a.cue[-1].text)) for a in attrs]
        for sent in self.doc.sents:
            s, e = _trim(text, sent.start_char, sent.end_char)
            if e - s < 2 or any(a < e and s < b for a, b in covered):
                continue
            for a, b in self._clauses(sent):
                hedges = [" ".join(text[x:y].split()) for x, y in find_hedge_spans(text, a, b)]
                claims.append(Claim(text=text[a:b], start=a, end=b, hedges=hedges, quote="none",
                                    content_spans=[Span(start=a, end=b)]))
        claims.sort(key=lambda c: (c.start or 0))
        return claims

    @staticmethod
    def _plausible(attr: Attribution) -> bool:
        head = attr.source_head
        if head is None:
            # no source: only a passive cue ("is expected to", "was asked") or "according to" stands alone
            return attr.cue[0].lower_ == "according" or attr.cue[-1].tag_ == "VBN"
        if attr.cue[-1].lower_ in WEAK_CUES or (attr.cue[-1].text == ":" and len(attr.cue) > 1 and attr.cue[-2].lower_ in WEAK_CUES):
            return is_plausible_source(head)
        return True

    def _prune(self, attrs: list[Attribution]) -> list[Attribution]:
        """Drop implausible sources and attributions nested inside another's content (the outer one wins)."""
        attrs = [a for a in attrs if self._plausible(a)]
        spans = [(a.content, a) for a in attrs]
        kept = []
        for a in attrs:
            pos = a.cue_start
            if any(b is not a and any(x <= pos < y for x, y in content) for content, b in spans):
                continue
            kept.append(a)
        return kept

    def _clauses(self, sent: SpacySpan) -> list[tuple[int, int]]:
        """A journalist's sentence split where a trailing ", doing ..." / ", even as ..." clause begins,
        so a hedge is reported with the clause it qualifies."""
        text = self.text
        root = sent.root
        cuts = []
        for c in root.children:
            if c.dep_ == "advcl" and c.i > root.i:
                first = min(t.i for t in c.subtree)
                if first > sent.start and self.doc[first - 1].text == ",":
                    cuts.append(self.doc[first].idx)
        bounds = [sent.start_char, *sorted(cuts), sent.end_char]
        out = []
        for a, b in zip(bounds, bounds[1:]):
            a, b = _trim(text, a, b)
            if b - a >= 2:
                out.append((a, b))
        return out

    def _to_claim(self, attr: Attribution) -> Claim:
        text = self.text
        content = sorted(attr.content)
        start, end = content[0][0], content[-1][1]
        body = " ... ".join(text[a:b] for a, b in content)
        cue_spans = _runs(attr.cue)
        cue = " ".join(text[a:b] for a, b in cue_spans)
        source = None
        speaker = None
        source_type = "anonymous"
        plural = False
        if attr.source:
            a, b = _char_span(attr.source)
            source = attr.source_text or text[a:b]
            head = attr.source_head or attr.source[0]
            resolved, rtype = (None, None)
            if attr.source_text is not None:
                # relative pronoun: classify the antecedent
                ante_head = head.head.head if head.head.dep_ == "relcl" else head.head
                resolved, rtype = self.resolver.resolve(ante_head)
                source_type = classify_tokens(ante_head, resolved, rtype)
                plural = ante_head.tag_ in ("NNS", "NNPS")
                speaker = resolved
            else:
                resolved, rtype = self.resolver.resolve(head)
                source_type = classify_tokens(head, resolved, rtype)
                plural = head.tag_ in ("NNS", "NNPS") or head.lower_ in ("they", "we")
                speaker = resolved if resolved and resolved != source else None
            person = head.ent_type_ == "PERSON" or (head.lower_ in ("he", "she") and speaker is not None)
            if attr.source_text is None:
                self.resolver.note_source(head.i, speaker or source, source_type, plural, person)  # type: ignore[arg-type]
        hedge_spans = [h for a, b in content for h in find_hedge_spans(text, a, b)]
        # "X reportedly said": a hedge on the cue itself qualifies the claim
        verb = attr.cue[-1]
        for c in verb.children:
            if c.dep_ == "advmod":
                hedge_spans += find_hedge_spans(text, c.idx, c.idx + len(c.text))
        hedge_spans.sort()
        hedges = [" ".join(text[a:b].split()) for a, b in hedge_spans]
        quote = "direct" if any(self.quotes.overlapping(a, b) for a, b in content) else "indirect"
        return Claim(
            text=body,
            start=start,
            end=end,
            source=source,
            speaker=speaker,
            source_type=source_type,  # type: ignore[arg-type]
            cue=cue,
            hedges=hedges,
            quote=quote,  # type: ignore[arg-type]
            source_spans=[Span(start=a, end=b) for a, b in (_runs(attr.source) if attr.source else [])],
            cue_spans=[Span(start=a, end=b) for a, b in cue_spans],
            content_spans=[Span(start=a, end=b) for a, b in content],
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
    resolved, rtype = resolver.resolve(head)
    return classify_tokens(head, resolved, rtype)


def analyze_doc(doc: Doc) -> list[Claim]:
    """Claims of a parsed document, in text order (see the module docstring)."""
    if not doc.text.strip():
        return []
    return _Engine(doc).claims()

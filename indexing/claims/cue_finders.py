"""Cue finders: the attribution a reporting verb, a reporting noun, "according to", a poll or a
learned cue starts (its source, cue and content), one function per kind of cue.

The functions take the engine (``engine._Engine``: the parsed document, its quotations and speaker
resolver) as ``eng`` and are reached through its methods of the same name (with a leading underscore).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from indexing.text.lexicon import RECIPIENT_VERBS

from .cues import HEARSAY_NOUNS, XCOMP_CUES, _inflect, is_cue_verb
from .record import Attribution, _quoted_as_saying
from .sources import is_document, is_plausible_source, source_tokens
from .syntax import content_from_head, cue_tokens, find_source, runs, trim

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from .engine import _Engine

__all__ = [
    "according_to",
    "cue_p",
    "headline_attributions",
    "in_poll",
    "learned_cue",
    "noun_attribution",
    "noun_view",
    "verb_attribution",
    "with_predictions",
]


_SUBJ = ("nsubj", "nsubjpass", "csubj")


_CONTENT_DEPS = ("ccomp", "xcomp", "parataxis")


# What may stand between a cue and the quotation it introduces: "told reporters in Ohio, '...'"
_CUE_PREPS = frozenset(["for", "to", "about", "of", "on", "at", "against", "with", "into"])


# "In a new poll, ...": the poll nouns that make "in" a cue (train: poll 21 of 36, survey 7 of 13; "polls" 14 of 92 not)
_POLL_NOUNS = frozenset(["poll", "survey", "surveys"])


# "with recent predictions suggesting ...": evidence that belongs to the clause's subject
_EVIDENCE_NOUNS = frozenset(
    [
        "prediction",
        "predictions",
        "forecast",
        "forecasts",
        "estimate",
        "estimates",
        "projection",
        "projections",
        "assessment",
        "assessments",
        "warning",
        "warnings",
    ]
)


def _after_break(src_head: Token, verb: Token) -> Token:
    """The subject after a paragraph break when the parser took a headline for it ("US bank 'loses' customer
    details\n\nThe Bank of America has revealed ...": the bank, not the headline)."""
    doc = verb.doc
    breaks = [t.i for t in doc[src_head.i : verb.i] if t.is_space and "\n" in t.text]
    if not breaks:
        return src_head
    span = [t for t in doc[breaks[-1] + 1 : verb.i] if not t.is_space]
    roots = [t for t in span if t.pos_ in ("NOUN", "PROPN", "PRON") and not (span[0].i <= t.head.i <= span[-1].i)]
    if not roots:
        roots = [t for t in span if t.pos_ in ("NOUN", "PROPN") and t.dep_ not in ("compound", "poss", "amod")]
    return roots[-1] if roots else src_head


# Verbs whose object is the one who then speaks: "leading commentators to argue", "prompting critics to say".
# (not "force", "press", "urge": being pressed to admit something is not admitting it)
_CONTROL_VERBS = frozenset(f for v in ["lead", "prompt", "cause", "spur"] for f in _inflect(v)) | {"led"}


def _object_controller(verb: Token) -> Token | None:
    """The object of "leading/prompting X to <cue>" as the cue's speaker."""
    head = verb.head
    if verb.dep_ != "xcomp" or head is verb or head.lower_ not in _CONTROL_VERBS:
        return None
    obj = next((c for c in head.children if c.dep_ == "dobj" and c.i < verb.i), None)
    return obj if obj is not None and is_plausible_source(obj) else None


_ATTRIBUTE_FORMS = frozenset(["attribute", "attributes", "attributed", "attributing"])


def verb_attribution(eng: _Engine, verb: Token, *, prep_object: bool = False) -> Attribution | None:
    """The attribution a reporting verb starts: its source, and its content from the first reading that
    finds one (complement clause, object, "called for X", the clause before ", said X", the clause the cue
    hangs under)."""
    cue = cue_tokens(verb)
    paren = _parenthetical(eng, verb)
    if paren is not None:
        # "The line was not ruled out, a source close to the inquiry told the Ledger, although ...": the parser
        # hung the source on the clause before it as an apposition and left the verb without a subject
        source, content = paren
        attr = Attribution(cue=cue, source=list(source), source_head=source.root, content=content)
        eng._attach_quotes(attr)
        return attr
    src_head, ante, in_name = _verb_source(eng, verb)
    src = source_tokens(src_head) if src_head is not None else []
    if ante is not None and src_head is not None:
        src = [src_head]
    exclude = {t.i for t in cue} | {t.i for t in src}
    content = _complement_content(eng, verb, exclude, in_name)
    if not content and verb.lower_ not in RECIPIENT_VERBS and src_head is not None:
        content = _object_content(eng, verb, exclude)
    if not content and prep_object and src_head is not None:
        cue, content = _prepositional_content(eng, verb, cue, exclude)
    if (
        not content
        and src_head is not None
        and src_head.i > verb.i
        and verb.i > verb.sent.start + 1
        and eng.doc[verb.i - 1].text == ","
        and not eng.quotes.containing(verb.idx)
    ):
        # "Clevelanders get nervous, said Christine Link": the reported clause is all that precedes the comma
        sent = verb.sent
        content = [s for s in [trim(eng.text, sent.start_char, eng.doc[verb.i - 1].idx)] if s[1] > s[0]]
    # "The goal, he said, is ..." / quote-first: the parser hangs the cue under the reported clause; an
    # infinitive under another verb ("Analysts had expected the firm to agree to ...") reports nothing of it
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    if not content and verb.dep_ in ("parataxis", "ccomp", "advcl") and verb.head is not verb and not infinitive:
        # an adverbial clause only when it is "as X noted" / "as noted by X"
        as_clause = any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        if verb.dep_ != "advcl" or (as_clause and src_head is not None):
            content = content_from_head(verb.head, {t.i for t in verb.subtree}, eng.text)
    attr = Attribution(cue=cue, source=src, source_text=ante, source_head=src_head, content=content)
    eng._attach_quotes(attr)
    return attr if attr.content else None


def _parenthetical(eng: _Engine, verb: Token) -> tuple[Span, list[tuple[int, int]]] | None:
    """(source, content) of "<clause>, <source> <verb> [whom], <rest>" when the parser left the verb without a
    subject and hung the source on the clause before it (an apposition or a conjunct); else None."""
    if any(c.dep_ in _SUBJ for c in verb.children) or eng.quotes.containing(verb.idx):
        return None
    sent, doc = verb.sent, verb.doc
    comma = next((t for t in reversed(doc[sent.start : verb.i]) if t.text == ","), None)
    if comma is None or comma.i <= sent.start + 2 or not 1 <= verb.i - comma.i - 1 <= 10:
        return None
    span = doc[comma.i + 1 : verb.i]
    root = span.root
    if root.dep_ not in ("appos", "conj", "npadvmod") or not comma.i > root.head.i >= sent.start:
        return None
    if any(t.pos_ in ("VERB", "AUX") for t in span) or not is_plausible_source(root):
        return None
    # the verb, finite, closes the aside: a comma or the sentence's full stop after it and at most a recipient
    # (not a colon or a quotation: '..., the chief executive said: "..."' reports what follows)
    if verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    after = next((t for t in doc[verb.i + 1 : sent.end] if t.is_punct), None)
    if after is None or after.text not in (",", ".") or after.i - verb.i > 4:
        return None
    content = [r for r in [trim(eng.text, sent.start_char, comma.idx)] if r[1] > r[0]]
    return (span, content) if content else None


def _verb_source(eng: _Engine, verb: Token) -> tuple[Token | None, str | None, list[Token]]:
    """The source head of a reporting verb, the antecedent text of a relative "who", and the verb's clauses
    that lie inside a name (they are no content)."""
    src_head, ante = find_source(verb)
    if src_head is None and verb.dep_ == "acomp" and verb.pos_ == "ADJ":
        # "Critics are concerned that ...": the adjective's subject is the linking verb's
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj" and c.i < verb.i), None)
        if subj is not None and is_plausible_source(subj):
            src_head, ante = subj, None
    if verb.lower_ in ("quote", "quotes", "quoted") and verb.tag_ in ("VBZ", "VBD", "VBP"):
        # '"...," the newspaper quotes a source close to the firm': the one quoted speaks, the paper carries it (not
        # '..., she said, quoting the man she knew as Uncle Ossie': her own words of tribute)
        quoted = next((c for c in verb.children if c.dep_ == "dobj" and is_plausible_source(c)), None)
        if quoted is not None:
            src_head, ante = quoted, None
    # "Mr Hale, who runs the North East Says No campaign, said ...": the parser read the verb inside the
    # name as a clause of the cue, with the speaker as its subject
    in_name = [c for c in verb.children if c.dep_ in _CONTENT_DEPS and eng._inside_name(c)]
    if in_name and not any(c.dep_ in _SUBJ for c in verb.children):
        subj = next((c for c in in_name[0].children if c.dep_ == "nsubj"), None)
        if subj is not None:
            src_head, ante = subj, None
    if src_head is not None and src_head.i < verb.i:
        src_head = _after_break(src_head, verb)
    said_by = _quoted_as_saying(verb) or _object_controller(verb)
    if said_by is not None:
        # "the Financial Times quoted an insider as saying ...": the insider speaks, the paper carries it;
        # "..., leading some commentators to argue that ...": the commentators argue
        src_head, ante = said_by, None
    return src_head, ante, in_name


def _complement_content(eng: _Engine, verb: Token, exclude: set[int], in_name: list[Token]) -> list[tuple[int, int]]:
    """The verb's complement clauses (ccomp, xcomp of a verb that takes one, parataxis) as character runs."""
    content: list[tuple[int, int]] = []
    for c in verb.children:
        if c.dep_ in _CONTENT_DEPS and c.i not in exclude and c not in in_name:
            if (
                c.dep_ == "xcomp"
                and verb.lower_ not in XCOMP_CUES
                and c.tag_ != "VB"
                and not (verb.lower_ == "understood" and any(a.dep_ == "aux" and a.tag_ == "TO" for a in c.children))
            ):
                continue  # but a briefing's infinitive reports ("is understood to have agreed terms")
            runs = content_from_head(c, exclude, eng.text)
            # "a statement that analysts say reflects ...": keep the clause on its own side of the cue
            side = [r for r in runs if (r[0] > verb.idx) == (c.i > verb.i)]
            content += side or runs
    return content


def _object_content(eng: _Engine, verb: Token, exclude: set[int]) -> list[tuple[int, int]]:
    """The verb's direct object as what was said ("denied the report")."""
    content: list[tuple[int, int]] = []
    kids = sorted(verb.children, key=lambda t: t.i)
    for k, c in enumerate(kids):
        if c.dep_ == "dobj" and c.i not in exclude:
            content += content_from_head(c, exclude, eng.text)
            # "reiterated their focus on '...'": a prepositional phrase right after the object; for "attributed
            # the falls in X shares to Y", each phrase up to and with the "to" the verb asks for
            end = max(t.i for t in c.subtree)
            for d in kids[k + 1 :]:
                if d.dep_ == "prep" and d.i == end + 1:
                    content += content_from_head(d, exclude, eng.text)
                    end = max(t.i for t in d.subtree)
                    if d.lower_ != "to" and verb.lower_ in _ATTRIBUTE_FORMS:
                        continue
                break
    return content


def _prepositional_content(
    eng: _Engine, verb: Token, cue: list[Token], exclude: set[int]
) -> tuple[list[Token], list[tuple[int, int]]]:
    """ "called for more regulation", "pointed to the polls": the preposition joins the cue (PolNeAR), its
    object is the content. The cue and content, unchanged and empty when there is no such preposition."""
    nxt = verb.i + 1 + sum(1 for t in cue if t.i > verb.i)
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.i == nxt and c.lower_ in _CUE_PREPS), None)
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if pobj is not None and prep is not None:
        return [*cue, prep], content_from_head(pobj, exclude | {prep.i}, eng.text)
    return cue, []


def hearsay(eng: _Engine, noun: Token) -> Attribution | None:
    """ "There are rumours that a second cargo crane could be added", "amid reports that ...": the clause is
    credited to nobody named (no owner: "X's reports", "reports by X" are ``noun_attribution``'s). A relative
    clause ("rumours that circulated") reports nothing."""
    if noun.lower_ not in HEARSAY_NOUNS or any(
        c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ in ("by", "from") for c in noun.children
    ):
        return None
    for c in noun.children:
        if (
            c.dep_ in ("acl", "ccomp")
            and c.i > noun.i
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        ):
            content = content_from_head(c, {noun.i}, eng.text)
            if content:
                attr = Attribution(cue=[noun], content=content)
                eng._attach_quotes(attr)
                return attr if attr.content else None
    return None


def according_to(eng: _Engine, tok: Token) -> Attribution | None:
    nxt = tok.nbor(1) if tok.i + 1 < len(eng.doc) else None
    if nxt is None or nxt.lower_ != "to":
        return None
    pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
    src = source_tokens(pobj) if pobj is not None else []
    phrase = {t.i for t in tok.subtree} | {nxt.i} | {t.i for t in src}
    sent = tok.sent
    toks = [t for t in sent if t.i not in phrase]
    content = [s for s in (trim(eng.text, a, b) for a, b in runs(toks)) if s[1] > s[0]]
    attr = Attribution(cue=[tok, nxt], source=src, source_head=pobj, content=content)
    eng._attach_quotes(attr)
    return attr if attr.content else None


def in_poll(eng: _Engine, tok: Token) -> Attribution | None:
    """ "In a new Fox poll, 45 percent said ...", "leads 57 to 33 in the poll": the poll is the source,
    "in" the cue (PolNeAR), the rest of the sentence the content."""
    if tok.dep_ != "prep":
        return None
    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.lower_ not in _POLL_NOUNS:
        return None
    src = source_tokens(pobj)
    phrase = {t.i for t in tok.subtree}
    toks = [t for t in tok.sent if t.i not in phrase]
    content = [s for s in (trim(eng.text, a, b) for a, b in runs(toks)) if s[1] > s[0]]
    attr = Attribution(cue=[tok], source=src, source_head=pobj, content=content)
    eng._attach_quotes(attr)
    return attr if attr.content else None


def with_predictions(eng: _Engine, tok: Token) -> Attribution | None:
    """ "Analysts have long watched the talks, with recent predictions suggesting a deal may come": the
    predictions are the subject's, the with-phrase is their (hedged) claim."""
    verb = tok.head
    if tok.dep_ != "prep" or verb.pos_ not in ("VERB", "AUX") or tok.i < verb.i:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.pos_ == "PRON" or not is_plausible_source(subj) or is_document(subj):
        return None
    inner = [t for t in tok.subtree if t.i != tok.i]
    if not any(
        t.lower_ in _EVIDENCE_NOUNS and any(c.tag_ == "VBG" and is_cue_verb(c.lower_) for c in t.children)
        for t in inner
    ):
        return None
    content = [s for s in (trim(eng.text, a, b) for a, b in runs(inner)) if s[1] > s[0]]
    attr = Attribution(cue=[tok], source=source_tokens(subj), source_head=subj, content=content)
    eng._attach_quotes(attr)
    return attr if attr.content else None


def noun_view(eng: _Engine, noun: Token) -> Attribution | None:
    """ "X's view is that ...", "his argument was that ..." """
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if (
        poss is None
        or noun.dep_ != "nsubj"
        or noun.head.lemma_ not in ("be",)
        and noun.head.lower_ not in ("is", "was", "are", "were", "'s", "remains", "remained")
    ):
        return None
    comp = next((c for c in noun.head.children if c.dep_ in ("ccomp", "attr", "acomp") and c.i > noun.i), None)
    if comp is None:
        return None
    src = source_tokens(poss)
    # the possessive marker is not part of the source
    src = [t for t in src if t.dep_ != "case"]
    exclude = {t.i for t in src} | {noun.i}
    content = content_from_head(comp, exclude, eng.text)
    attr = Attribution(cue=[noun], source=src, source_head=poss, content=content)
    eng._attach_quotes(attr)
    return attr if attr.content else None


def learned_cue(eng: _Engine, tok: Token) -> Attribution | None:
    """A cue the trained detector proposes where the rules found none (verbs outside the lexicon,
    reporting nouns, "Name:" in transcripts)."""
    model = eng.model
    assert model is not None
    p = eng._cue_p(tok)
    if p < model.threshold and not (tok.text == ":" and eng._speaker_line(tok)):
        return None
    attr = None
    if tok.tag_.startswith("VB"):
        attr = eng._verb_attribution(tok, prep_object=True)
    elif tok.text == ":":
        attr = eng._colon(tok)
    elif tok.pos_ == "NOUN":
        attr = eng._noun_attribution(tok)
    if attr is not None:
        attr.learned = p
    return attr


def cue_p(eng: _Engine, tok: Token) -> float:
    """The cue detector's P(cue) for ``tok``, computed once per token."""
    p = eng._cue_scores.get(tok.i)
    if p is None:
        assert eng.model is not None
        p = eng._cue_scores[tok.i] = eng.model.score(tok, eng.quotes)
    return p


def noun_attribution(eng: _Engine, noun: Token) -> Attribution | None:
    """ "X's claim that ...", "criticism of Y from X", "the decision by X to ...": possessor or by/from
    phrase as source, a clause or the object of "of/on/about" as content."""
    src_head = next((c for c in noun.children if c.dep_ == "poss"), None)
    preps = [c for c in noun.children if c.dep_ == "prep"]
    for pr in preps:
        if src_head is None and pr.lower_ in ("by", "from"):
            src_head = next((c for c in pr.children if c.dep_ == "pobj"), None)
    if src_head is None and noun.dep_ in ("dobj",) and noun.head.pos_ == "VERB":
        # "X expressed/issued his view/statement that ..."
        src_head = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    if src_head is None:
        return None
    src = [t for t in source_tokens(src_head) if t.dep_ != "case"]
    exclude = {t.i for t in src} | {noun.i}
    content: list[tuple[int, int]] = []
    cue = [noun]
    for c in noun.children:
        if (
            c.dep_ in ("acl", "ccomp", "relcl")
            and c.i > noun.i
            and any(
                m.dep_ == "mark" and m.lower_ in ("that", "to") or m.dep_ == "aux" and m.lower_ == "to"
                for m in c.children
            )
        ):
            content += content_from_head(c, exclude, eng.text)
    if not content:
        for pr in preps:
            if pr.lower_ in ("of", "on", "about", "for", "against", "over", "to") and pr.i == noun.i + 1:
                pobj = next((c for c in pr.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.i not in exclude:
                    content += content_from_head(pobj, exclude | {pr.i}, eng.text)
                    cue = [noun, pr]
                    break
    if not content:
        return None
    attr = Attribution(cue=cue, source=src, source_head=src_head, content=content)
    eng._attach_quotes(attr)
    return attr if attr.content else None


# A headline's "<what> says <who>" ("House prices rebound says Halifax", "Fares to rise, say operators").
_HEADLINE = re.compile(
    r"^(?P<content>[^\n]*?\S)[ ,\u00a0]+(?P<verb>says|say|warns|warn|claims|claim|insists|insist|admits|urges)"
    r"[ \u00a0]+(?P<source>[^\n]*?\S)[ \u00a0]*$",
    re.MULTILINE,
)
_LINE_CLOSERS = ".!?:;\"'\u201d\u2019"


def headline_attributions(eng: _Engine) -> list[Attribution]:
    """Every headline's "<what> says <who>" in the text, read the right way round.

    "House prices rebound says Halifax", "Nat Insurance to rise, say Tories": on a line of its own with no
    closing punctuation, a present-tense reporting verb followed by one to three words that end the line,
    a name or a noun for people who speak, has them as its source and the line before it as its content.
    The parse reads such a line the wrong way round (the words before the verb as the speaker, the name
    as what was said) or finds no attribution in it at all.
    """
    out = []
    text = eng.text
    for m in _HEADLINE.finditer(text):
        words = m["source"].split()
        if not 1 <= len(words) <= 3 or len(m["content"].split()) < 2 or m["source"][-1] in _LINE_CLOSERS:
            continue
        verb = eng.doc.char_span(*m.span("verb"))
        source = eng.doc.char_span(*m.span("source"))
        if verb is None or source is None or not len(source):
            continue
        # a name ("says Halifax", "say Tories") or a noun for people who speak ("warn economists")
        if not all(w[:1].isupper() for w in words) and not is_plausible_source(source[-1]):
            continue
        out.append(
            Attribution(
                cue=list(verb), source=list(source), source_head=source.root, content=[m.span("content")], layout=True
            )
        )
    return out

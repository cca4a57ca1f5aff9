"""Claim building: an attribution turned into a ``Claim`` (spans, source type, quote kind); its hedges
are ``claim_hedges``.

The functions take the engine (``engine._Engine``: the parsed document, its quotations and speaker
resolver) as ``eng`` and are reached through its methods of the same name (with a leading underscore).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from indexing.models import Claim, Span
from indexing.text.lexicon import holds_name_word, name_words

from .cues import HEARSAY_NOUNS, _inflect
from .hedges import find_hedge_spans
from .names import person_name, titled_word, written_as_person
from .record import Attribution
from .source_nouns import ANONYMOUS_PEOPLE, DEMONYMS, ORG_HEADS
from .source_types import classify_tokens
from .sources import can_speak
from .syntax import char_span, runs

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .engine import _Engine
from .claim_hedges import _BELIEF_CUES, _intention, denied_belief

__all__ = ["source_pieces", "to_claim"]


_APPOSITION_MARKS = frozenset([",", "-", "\u2013", "\u2014", "("])


def _name_word(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.is_alpha and tok.text[:1].isupper()


def _full_name(run: list[Token]) -> str | None:
    """A run of capitalised proper nouns as a person's full name: two words or more, none a body's ("Varnian Retail
    Association" is not a person)."""
    if len(run) < 2 or any(t.lower_ in ORG_HEADS for t in run):
        return None
    return " ".join(t.text for t in run)


def _leading_name(source: list[Token]) -> str | None:
    """The full name a source mention opens with, after role words only, and sets off with a comma, dash or
    bracket ("Jana Ostrow, from ...", "Fund manager Ivo Brandt - ..."); None otherwise ("a spokesman for Ana
    Ruiz, ...", "including Ferguson and Graeme Souness, who ..." are not)."""
    toks = [t for t in source if not t.is_space]
    k = 0
    while (
        k < len(toks)
        and toks[k].pos_ in ("NOUN", "ADJ")
        and (toks[k].text.islower() or toks[k].i == toks[k].sent.start)
    ):
        k += 1  # role words: "fund manager", "chief executive"
    start = k
    while k < len(toks) and _name_word(toks[k]):
        k += 1
    if k >= len(toks) or toks[k].text not in _APPOSITION_MARKS:
        return None
    return _full_name(toks[start:k])


def _trailing_name(source: list[Token], head: Token) -> str | None:
    """The full name a source mention ends with, right after a role noun, when the parser made a body's name the
    head ("Commission for Fair Trading chairman Olek Varga": "Commission"); None otherwise, and always when
    the head is a common noun ("a close associate of former Varnoil boss X", "viewers of the channel X": someone
    else)."""
    if head.pos_ != "PROPN":
        return None
    toks = [t for t in source if not t.is_space]
    k = len(toks)
    while k > 0 and _name_word(toks[k - 1]):
        k -= 1
    if k == 0 or toks[k - 1].pos_ != "NOUN" or not toks[k - 1].text.islower():
        return None
    return _full_name(toks[k:])


def _impersonal(attr: Attribution) -> bool:
    """ "It is understood that ...", "It is estimated his trial will cost ...", "X is understood to ...",
    "according to" without a named source: somebody unnamed stands behind the claim. Not "it was announced /
    revealed that ...": a public act, not a briefing."""
    if attr.cue[0].lower_ == "according" or not attr.source and attr.cue[0].lower_ in HEARSAY_NOUNS:
        return True  # "according to reports", "there are rumours that ..."
    verb = attr.cue[-1]
    if verb.lower_ not in _BRIEFED:
        return False
    for v in (verb, verb.head):
        if any(c.lower_ == "it" and c.dep_ in ("nsubjpass", "nsubj", "expl") for c in v.children):
            return True
    # "The striker is understood to be keen to stay": the same briefing with the subject raised; "is believed /
    # thought / said / expected to" stay the writer's hedge (DESIGN lists "is believed to" with the hedges)
    return (
        verb.lower_ == "understood"
        and any(c.dep_ == "nsubjpass" for c in verb.children)
        and any(c.dep_ == "xcomp" and any(a.tag_ == "TO" for a in c.children) for c in verb.children)
    )


# A newsroom as the subject of "understands": a broadcaster, agency, paper or its desk by name or by kind
_OUTLET = re.compile(
    r"\b(?:BBC|ITV|Sky|Reuters|AFP|Bloomberg|Press Association|Associated Press|newspaper|paper|website|"
    r"magazine|channel|broadcaster|station|programme|Gazette|Times|Telegraph|Guardian|Herald|Post|Journal|Mail|"
    r"Mirror|Observer|Independent|Express|News|Radio|Sport|Online)\b"
)


# Passives with an impersonal "it" that stand for an unnamed source ("It is understood that ...").
_BRIEFED = frozenset(
    [
        "understood",
        "believed",
        "thought",
        "said",
        "reported",
        "claimed",
        "alleged",
        "rumoured",
        "rumored",
        "estimated",
        "feared",
        "expected",
        "suggested",
        "suspected",
        "known",
        "learned",
        "learnt",
        "feared",
    ]
)


# Singular expert roles a definite description uses to point back to the last person quoted.
_EXPERT_ROLES = frozenset(
    [
        "expert",
        "economist",
        "analyst",
        "researcher",
        "scientist",
        "strategist",
        "academic",
        "professor",
        "specialist",
        "consultant",
    ]
)


def _expert_back_reference(head: Token) -> bool:
    """ "The American forensics expert said ...": "the", a singular expert role, no relative clause or name of
    its own (then it is the last person quoted, not somebody new)."""
    if head.tag_ != "NN" or head.lower_ not in _EXPERT_ROLES:
        return False
    kids = list(head.children)
    return any(k.dep_ == "det" and k.lower_ == "the" for k in kids) and not any(
        k.dep_ in ("relcl", "acl", "appos", "prep") for k in kids
    )


# Nouns British news calls the person a story is about by, once named ("the double Olympic champion", "the
# Harbour Town pop star"): what they are known as, not a post somebody else could hold.
_EPITHETS = frozenset(
    {
        "champion",
        "star",
        "winner",
        "veteran",
        "medallist",
        "actor",
        "actress",
        "singer",
        "rocker",
        "frontman",
        "comedian",
        "legend",
    }
)


def _same_person(a: str, b: str | None) -> bool:
    """Two names of one person: the same surname ("Kerry Holt", "Holt")."""
    return b is not None and a.split()[-1].lower() == b.split()[-1].lower()


def _person_back_reference(head: Token) -> bool:
    """ "The Scot", "the Frenchman", "the 27-year-old", "the double Olympic champion": "the" and a person's
    nationality, age or epithet (:data:`_EPITHETS`, words before it allowed), with no name, clause or phrase of its
    own: the person the story is about, not somebody new."""
    kids = list(head.children)
    if not any(k.dep_ == "det" and k.lower_ == "the" for k in kids) or any(
        k.dep_ in ("relcl", "acl", "appos", "prep") for k in kids
    ):
        return False
    if head.lower_ in _EPITHETS and head.tag_ == "NN":
        # with words of its own ("the world indoor champion"): a bare "the singer" may be anyone the story names
        modifiers = [k for k in kids if k.dep_ in ("compound", "amod", "nummod")]
        return bool(modifiers) and not any(k.pos_ == "PROPN" and k.ent_type_ == "PERSON" for k in modifiers)
    if any(k.dep_ in ("compound", "amod") for k in kids):
        return False
    if head.lower_ in DEMONYMS and head.tag_ in ("NN", "NNP"):
        return True
    # "the 27-year-old": "old" with "27-year" before it
    return head.lower_ == "old" and any(
        k.lower_ == "year" and any(n.dep_ == "nummod" for n in k.children) for k in kids
    )


def _without_relative_clause(source: list[Token], head: Token) -> list[Token]:
    """The source as shown to a reader: "the harbour office, which said 19 ships were waiting" -> "the harbour
    office". The source *span* keeps the clause (PolNeAR's annotators mostly do)."""
    rel = next((c for c in head.children if c.dep_ == "relcl" and c.i > head.i), None)
    if rel is None:
        return source
    cut = min(t.i for t in rel.subtree)
    kept = [t for t in source if t.i < cut]
    while kept and (kept[-1].is_punct or kept[-1].is_space):
        kept.pop()
    return kept or source


def source_pieces(eng: _Engine, attr: Attribution) -> list[tuple[int, int]]:
    """Character pieces of the source. PolNeAR convention: an apposition's closing comma belongs to the
    source ("Bob Smith, a spokesman," said), and so does a closing parenthesis ("Gov. X (R)")."""
    if not attr.source:
        return []
    pieces = runs(attr.source)
    a, b = pieces[-1]
    text = eng.text
    if b < len(text) and text[b] == ")" and text.count("(", a, b) > text.count(")", a, b):
        b += 1
    if b < len(text) and text[b] == "," and ", " in text[pieces[0][0] : b] and b < attr.cue_start:
        b += 1
    pieces[-1] = (a, b)
    return pieces


_ASK_FORMS = frozenset(_inflect("ask"))


def to_claim(eng: _Engine, attr: Attribution) -> Claim:
    text = eng.text
    content = sorted(attr.content)
    start, end = content[0][0], content[-1][1]
    body = " ... ".join(text[a:b] for a, b in content)
    cue_spans = runs(attr.cue)
    cue = " ".join(text[a:b] for a, b in cue_spans)
    source = None
    speaker = None
    source_type = "anonymous"
    plural = False
    if attr.source:
        head = attr.source_head or attr.source[0]
        shown = [t for t in _without_relative_clause(attr.source, head) if not t.is_space] or attr.source
        a, b = char_span(shown)
        source = attr.source_text or text[a:b]
        resolved, rtype = (None, None)
        if attr.source_text is not None:
            # relative pronoun: classify the antecedent
            ante_head = head.head.head if head.head.dep_ == "relcl" else head.head
            resolved, rtype = eng.resolver.resolve(ante_head)
            source_type = classify_tokens(ante_head, resolved, rtype)
            plural = ante_head.tag_ in ("NNS", "NNPS")
            speaker = resolved
            named_by = person_name(ante_head.head) if ante_head.dep_ == "appos" else None
            if named_by is not None:
                # "Nadia Ferreira, an independent security researcher, who said ...": the person, not the role
                speaker, source_type = eng.resolver.full_name(named_by), "named"
        else:
            resolved, rtype = eng.resolver.resolve(head)
            source_type = classify_tokens(head, resolved, rtype)
            plural = head.tag_ in ("NNS", "NNPS") or head.lower_ in ("they", "we")
            speaker = resolved if resolved and resolved != source else None
        if source_type == "anonymous" and attr.source_text is None and _expert_back_reference(head):
            # "The American forensics expert said ..." right after Max Houck was quoted: the same person
            last = eng.resolver.last_person(head.i)
            if last is not None:
                speaker, source_type = last, "named"
        described = None
        if attr.source_text is None and speaker is None and _person_back_reference(head):
            # "Everton manager Davide Moyer will discipline ... The Scot initially defended ...": the person the
            # story is about, written by nationality or age
            epithet = head.lower_ in _EPITHETS
            described = eng.resolver.person_described(head, main_clause=epithet)
            if (
                described is not None
                and epithet
                and (
                    not _same_person(described, eng.resolver.story_person())
                    or holds_name_word(body, name_words(described))
                )
            ):
                # an epithet is the story's own person, the subject of a main clause just before, and not someone
                # the quotation talks about ('"It would be fantastic to have Kerry in the team," said the
                # European champion' is not Kerry Holt's)
                described = None
            if described is not None:
                speaker, source_type = described, "named"
        if source_type == "anonymous" and speaker is None and attr.source_text is None:
            leading = _leading_name(attr.source) or _trailing_name(attr.source, head)
            if leading is not None:
                # "Jana Ostrow, from the Varnian Retail Association", "Fund manager Ivo Brandt - Corvale
                # United's largest investor -": the parser took the apposition for the head; the person speaks
                speaker, source_type = eng.resolver.full_name(leading), "named"
        name = person_name(head)
        if name is None and speaker is None and attr.source_text is None and head.tag_ not in ("NNS", "NNPS"):
            # "Harbor Building chairwoman, Meredith Hallam, said": the role heads the mention, the person is its
            # apposition
            appos, name = next(
                ((c, n) for c in head.children if c.dep_ == "appos" and (n := person_name(c)) is not None), (None, None)
            )
            if appos is not None and name is not None and " " not in name:
                # a one-word apposition is no full name to go by, unless a title makes it one ("A spokesman for
                # the builders, Dr Vance, told ..."): then the person speaks, named
                title = next((t for t in appos.children if t.dep_ == "compound" and titled_word(t)), None)
                name = f"{title.text} {name}" if title is not None else None
                if name is not None:
                    source_type = "named"
        # a one-word name is a person a "he" may point back to only when the story gives it a first name, or
        # writes it as a person's (:func:`written_as_person`): "For analyst X, Yahoo's decision to put its
        # investment ... was an error. ... he said" is not Yahoo's
        one_word = name is not None and " " not in name and eng.resolver.full_name(name) == name
        person = (
            name is not None
            and not (one_word and not written_as_person(head))
            or (head.lower_ in ("he", "she") and speaker is not None)
            or described is not None
        )
        # "..., said a spokesman. But he played down ...": an unnamed person who speaks is who a "he" or "she"
        # right after points back to, not a person named before them
        # (an indefinite one or a spokesperson; a definite description right after a named person spoke is that
        # person written another way: "Ms X has written to ... She said ... The party's parliamentary leader
        # argued ... She said", unless a person owns it: "President Ruiz's chief aide said ... he said")
        # (the parser may take a body word for the head: "A Department for Constitutional Affairs spokeswoman")
        unnamed_person = (
            source_type == "anonymous"
            and (source or "").split()[-1:] in (["spokesman"], ["spokeswoman"], ["spokesperson"])
            and (source or "").split()[0].lower() in ("a", "an")
        ) or (
            source_type == "anonymous"
            and head.tag_ == "NN"
            and head.lower_ in ANONYMOUS_PEOPLE
            and (
                head.lower_.startswith("spokes")
                or head.lower_ == "source"
                or not any(c.dep_ in ("poss", "det") and c.lower_ not in ("a", "an", "another") for c in head.children)
                or eng.resolver.last_person(head.i) is None
                or any(c.dep_ == "poss" and person_name(c) is not None for c in head.children)  # "Ruiz's aide"
            )
        )
        if name is not None and speaker is None and name != source:
            speaker = eng.resolver.full_name(name)  # "Ana Ruiz, the head of the cooperative" -> "Ana Ruiz"
        if attr.source_text is None:
            noted = speaker or source or ""
            if unnamed_person and not person and noted.split(" ", 1)[0] in ("A", "An", "The", "One"):
                noted = noted[:1].lower() + noted[1:]  # "A spokesman said ... But he ...": "But a spokesman ..."
            if noted.count("(") > noted.count(")"):
                noted += ")"  # "a spokesman for the British Phonographic Industry (BPI)"
            eng.resolver.note_source(head.i, noted, source_type, plural, person or unnamed_person)  # type: ignore[arg-type]
    if attr.source:
        hedge_spans = [h for a, b in content for h in eng._hedge_spans(a, b)]
    else:
        # nobody credited: the cue is part of the writer's hedged statement ("those reported to have ...")
        hedge_spans = eng._hedge_spans(min(attr.cue_start, start), end)
    # a hedge in the cue itself ("amid speculation that ...", "may have told"), or a hedge phrase that starts in
    # the cue and runs on past it ("Spamhaus is worried that ...", "Ancic looked set to push Safin")
    for t in attr.cue:
        hedge_spans += eng._hedge_spans(t.idx, t.idx + len(t.text))
    cue_start, cue_end = attr.cue[0].idx, attr.cue[-1].idx + len(attr.cue[-1].text)
    hedge_spans += [(a, b) for a, b in eng._hedge_spans(cue_start, cue_end + 20) if a < cue_end < b]
    # "X reportedly said": a hedge on the cue itself qualifies the claim
    verb = attr.cue[-1]
    if verb.dep_ == "agent" and verb.head in attr.cue:
        verb = verb.head  # "was expected by analysts": the cue's verb is the passive's, not "by"
    for c in verb.children:
        if c.dep_ == "advmod":
            hedge_spans += find_hedge_spans(text, c.idx, c.idx + len(c.text))
    if verb.lower_ in _BELIEF_CUES and verb.dep_ != "relcl" and not _intention(verb) and not denied_belief(verb):
        # "X believes / expects / estimates / suggests that ...": a belief or estimate, not an assertion (but
        # "the qualities he hopes to convey" describes the qualities: nothing is asserted less surely)
        hedge_spans.append((verb.idx, verb.idx + len(verb.text)))
    for c in verb.children:
        # "told the paper it expected its exposure to be limited": the reported clause is a belief
        if (
            c.dep_ == "ccomp"
            and c.lower_ in _BELIEF_CUES
            and not denied_belief(c)
            and any(k.dep_ in ("ccomp", "xcomp") for k in c.children)
            and any(a <= c.idx < b for a, b in content)
        ):
            hedge_spans.append((c.idx, c.idx + len(c.text)))
        # "said he still admired X and thought his integrity was intact": a belief joined to the reported clause
        for t in [c, *(k for k in c.children if k.dep_ == "conj")] if c.dep_ in ("conj", "ccomp") else []:
            if (
                t.dep_ == "conj"
                and t.lower_ in _BELIEF_CUES
                and any(k.dep_ == "ccomp" for k in t.children)
                and any(a <= t.idx < b for a, b in content)
            ):
                hedge_spans.append((t.idx, t.idx + len(t.text)))
    hedge_spans = sorted(set(hedge_spans))
    if verb.lower_ in _ASK_FORMS and not attr.source_text:
        # "Asked why he thought the warnings were not there", "asked whether X could win": a question put,
        # nothing asserted, so nothing is hedged
        hedge_spans = [(a, b) for a, b in hedge_spans if not any(x <= a < y for x, y in content)]
    hedges = [" ".join(text[a:b].split()) for a, b in hedge_spans]
    quote = "direct" if attr.verbatim or any(eng.quotes.overlapping(a, b) for a, b in content) else "indirect"
    if source_type == "named" and verb.lower_ in ("understands", "understand") and _OUTLET.search(source or ""):
        # "..., BBC Sport understands", "The Gazette understands that ...": what a newsroom's unnamed sources
        # told it, as "it is understood that ..."
        source_type = "anonymous"
    if source_type == "anonymous" and attr.source and not attr.layout and eng._writers_report(attr):
        # "United fans are planning to wear masks", "a link that points people to others": what an unnamed
        # group intends or does, told by the writer, credits no claim to them. The spans stay (PolNeAR).
        source, speaker, source_type = None, None, "unattributed"
        quote = "direct" if quote == "direct" else "none"
    if (
        source_type == "anonymous"
        and attr.source
        and not attr.layout
        and attr.source_text is None
        and not can_speak(attr.source_head or attr.source[0])
    ):
        if (attr.source_head or attr.source[0]).text[:1].isupper():
            # "US band REM have announced ...": a name the parser read as a common noun
            source_type = "named"
        else:
            # "a final salary scheme promises ...", "broadband predicted ...": the parse took a thing for the
            # speaker; nobody is credited, the claim is the writer's (the spans stay, PolNeAR)
            source, speaker, source_type = None, None, "unattributed"
            quote = "direct" if quote == "direct" else "none"
    if not attr.source and not _impersonal(attr):
        # "South Korea's economy is expected to grow", "those reported to have doubts": nobody is credited, so
        # the claim is the writer's own (hedged) statement, not an anonymous source's; the cue and its spans
        # stay (PolNeAR annotates them). "It is understood that ..." and "according to" stay anonymous.
        source_type = "unattributed"
        quote = "direct" if quote == "direct" else "none"
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
        source_spans=[Span(start=a, end=b) for a, b in attr.tagged_source or eng._source_pieces(attr)],
        cue_spans=[Span(start=a, end=b) for a, b in attr.tagged_cue or cue_spans],
        content_spans=[Span(start=a, end=b) for a, b in attr.tagged_content or content],
    )

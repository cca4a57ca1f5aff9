"""Speakers across claims: a described speaker named later in the text, first-person quotes, role
names, and whether a claim lies inside or continues a quotation.

The functions take the engine (``engine._Engine``: the parsed document, its quotations and speaker
resolver) as ``eng`` and are reached through its methods of the same name (with a leading underscore).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from indexing.models import Claim

from .cues import is_cue_verb
from .names import person_name
from .record import Attribution
from .source_nouns import ORG_HEADS
from .speaker_resolver import _start_back

if TYPE_CHECKING:
    from .engine import _Engine

__all__ = [
    "continues_quote",
    "first_person_in_quotes",
    "in_quote",
    "name_described_speakers",
    "named_next",
    "quoted_subject",
    "role_names",
    "speaks_on",
]


# sources a following quotation is never continued from (they stand inside somebody's quotation or name nobody)
_NOT_SPEAKERS = frozenset(["i", "we", "you", "it", "this", "that", "me", "us"])


_ANONYMITY_WORDS = re.compile(
    r"anonymity|not to be (?:named|identified)|(?:declined|refused) to be named", re.IGNORECASE
)


def name_described_speakers(eng: _Engine, attrs: list[Attribution], claims: list[Claim]) -> None:
    """An unnamed speaker the article names later becomes that person (cataphora):

    - a role named later beside the name: "A lawyer for the customers said ..." then "said the lawyer, Mirela
      Kovac" / "Nadia Ferreira, an independent security researcher" / "security researcher Nadia Ferreira";
    - a description in the opening sentences whose name follows at once: "The security researcher who
      discovered the leak said ..." then, within two sentences, "Nadia Ferreira, who found the database,
      said ..." (a person named for the first time, introduced by a "who" clause or by nothing but the name);
      a possessive description ("..., claims his agent.") is named this way only.

    The claim keeps its source as written; ``speaker`` becomes the name and ``source_type`` named."""
    people: list[tuple[int, str, str]] | None = None
    roles_before: list[tuple[int, str, str, set[str]]] | None = None
    sent_of: dict[int, int] = {}
    for k, (attr, claim) in enumerate(zip(attrs, claims, strict=True)):
        head = attr.source_head
        if claim.source_type == "unattributed" or head is None or claim.speaker or attr.source_text is not None:
            continue  # (a definite description may already count as named: "the engineer" still gets a name)
        if head.tag_ != "NN" or head.lower_ in ("source", "someone", "somebody", "anyone", "person", "one"):
            continue
        dets = [c.lower_ for c in head.children if c.dep_ == "det"]
        possessor = [c for c in head.children if c.dep_ == "poss"]
        if not dets and len(possessor) == 1 and possessor[0].lower_ in _POSSESSIVE_PRONOUNS:
            # "..., claims his agent." then "But Petra Nyholm said: ...": only the next speaker's name can
            # be the description's
            sent_of = sent_of or {s.start: i for i, s in enumerate(eng.sents)}
            name = eng._named_next(k, attrs, claims, sent_of)
            if name is not None:
                claim.speaker = name
                claim.source_type = "named"
            continue
        if not dets or dets[0] not in ("the", "a", "an") or possessor:
            continue
        if _ANONYMITY_WORDS.search(eng.text[head.left_edge.idx : head.right_edge.idx + len(head.right_edge.text)]):
            continue
        if people is None:  # built once per document, only when a description needs a name
            people = eng._role_names()
        sent_of = sent_of or {s.start: i for i, s in enumerate(eng.sents)}
        later = head.sent.end + 1
        for _ in range(3):  # the name comes within the next three sentences
            later = eng.doc[min(later, len(eng.doc) - 1)].sent.end + 1
        name = next((n for i, role, n in people if role == head.lower_ and head.i < i < later), None)
        if name is None and dets[0] == "the":
            name = eng._named_next(k, attrs, claims, sent_of)
        if name is None and dets[0] == "the":
            # "Harbour chief executive Ana Ruiz unveiled the results. The chief executive said ...": the person
            # named with that role just before (this sentence or the three before it)
            if roles_before is None:
                roles_before = _roles_with_names(eng)
            earliest = _start_back(head, 3)
            # the description's defining words must be the role's too: "the prime minister" is not a
            # development minister, "the chief executive" is a chief executive ("the French coach" is the coach)
            defining = {
                c.lower_
                for c in head.children
                if c.dep_ == "compound" or (c.dep_ == "amod" and c.lower_ in _DEFINING_MODIFIERS)
            }
            name = next(
                (
                    n
                    for i, role, n, words in reversed(roles_before)
                    if role == head.lower_ and earliest <= i < head.i and defining <= words
                ),
                None,
            )
        if name is not None:
            claim.speaker = name
            claim.source_type = "named"


def first_person_in_quotes(eng: _Engine, claims: list[Claim]) -> None:
    """ "I remember why I never play driving games" inside somebody's quotation: "I" is the person quoted, so
    the claim takes the quoting claim's speaker and type (an unnamed quoted speaker stays anonymous)."""
    for c in claims:
        if (c.source or "").lower() not in ("i", "we", "me", "us") or not c.cue_spans:
            continue
        at = c.cue_spans[0].start
        if not eng.quotes.containing(at):
            continue
        outer = next(
            (
                o
                for o in claims
                if o is not c
                and o.attributed
                and (o.source or "").lower() not in ("i", "we", "me", "us")
                and any(p.start <= at < p.end for p in o.content_spans)
            ),
            None,
        )
        if outer is not None:
            c.source_type = outer.source_type
            c.speaker = outer.speaker or outer.source
            continue
        # '"I must admit ...," added the researcher Tom Rees': the speaker signed after the quotation
        q = eng.quotes.containing(at)
        k = bisect_left(eng._tok_starts, q[1]) if q else len(eng.doc)
        after = eng.doc[k : min(len(eng.doc), k + 12)]
        if any(t.tag_.startswith("VB") and is_cue_verb(t.lower_) for t in after[:4]):
            name = next((n for t in after if (n := person_name(t)) is not None and " " in n), None)
            if name is not None:
                c.source_type, c.speaker = "named", name


def role_names(eng: _Engine) -> list[tuple[int, str, str]]:
    """(token index, role noun, person name) for a role re-mentioned with its name: "the lawyer, Mirela Kovac",
    "Mirela Kovac, the lawyer" ("the": the one already mentioned; "a lawyer, X" or "spokesman X" may be
    somebody else with the same role)."""
    out = []
    for a in eng.doc:
        if a.dep_ != "appos":
            continue
        # "Name, the role" (the role is the apposition) or "the role, Name" (the name is)
        for t, r in ((a.head, a), (a, a.head)):
            if r.tag_ != "NN" or not any(c.dep_ == "det" and c.lower_ == "the" for c in r.children):
                continue
            name = person_name(t) if t.pos_ == "PROPN" or t.tag_ in ("NNS", "NNPS") else None
            if name is not None and " " in name:
                out.append((min(r.i, t.i), r.lower_, name))
    return out


_POSSESSIVE_PRONOUNS = frozenset(["his", "her", "their"])

# Modifiers that make a different office of the same noun: "prime minister" is no "foreign minister".
_DEFINING_MODIFIERS = frozenset(
    [
        "prime",
        "deputy",
        "chief",
        "foreign",
        "home",
        "finance",
        "vice",
        "assistant",
        "shadow",
        "general",
        "former",
        "top",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "new",
        "old",
        "last",
        "next",
        "current",
        "acting",
        "interim",
    ]
)


def _roles_with_names(eng: _Engine) -> list[tuple[int, str, str, set[str]]]:
    """(token index, role noun, person name, the role's words), in text order, for every person written with a
    role: "chief executive Ana Ruiz", "Defence minister Jon Reed" (the role before the name), "Ana Ruiz, the
    firm's finance director" (the role in apposition, with any determiner)."""
    doc = eng.doc
    out = []
    for t in doc:
        if t.pos_ != "PROPN" or t.dep_ in ("compound", "flat"):
            continue
        name = person_name(t)
        if name is None or " " not in name:
            continue
        # the role right before the name ("chief executive Ana Ruiz", "Chelsea manager Jon Reed"), however the
        # parser hung it: the common noun nearest the name's first word, with the words before it
        first = min([t.i, *(c.i for c in t.children if c.dep_ in ("compound", "flat") and c.pos_ == "PROPN")])
        if first > 0 and doc[first - 1].tag_ == "NN" and doc[first - 1].text.islower():
            k = first - 1
            while k > 0 and first - k < 4 and doc[k - 1].tag_ in ("NN", "NNP", "JJ") and doc[k - 1].is_alpha:
                k -= 1
            out.append((t.i, doc[first - 1].lower_, name, {w.lower_ for w in doc[k:first]}))
        for c in t.children:
            if c.dep_ == "appos" and c.tag_ == "NN" and c.i > t.i:
                # "Ana Ruiz, the firm's finance director"
                out.append((t.i, c.lower_, name, {w.lower_ for w in c.subtree}))
    return sorted(out, key=lambda r: r[0])


def named_next(
    eng: _Engine, k: int, attrs: list[Attribution], claims: list[Claim], sent_of: dict[int, int]
) -> str | None:
    """The person the next attribution names for the first time, when it follows within two sentences of an
    opening sentence and introduces them with a "who" clause ("Nadia Ferreira, who found the database, said") or
    with nothing at all ("But Petra Nyholm said: ..."): a newcomer whom the story gives no role of their own is
    the one it has just described."""
    head = attrs[k].source_head
    assert head is not None
    here = sent_of.get(head.sent.start)
    if here is None or here > 1:
        return None  # delayed identification is how a story opens, not how it goes on
    for attr, claim in zip(attrs[k + 1 :], claims[k + 1 :], strict=True):
        other = attr.source_head
        if other is None or claim.source_type != "named" or attr.source_text is not None:
            continue  # ("who found the database": the relative clause of the name itself)
        there = sent_of.get(other.sent.start)
        if there is None or there - here > 2:
            return None
        name = person_name(other)
        if name is None:
            return None  # the next speaker is somebody else ("the company", "he")
        if any(t.text == name.split()[-1] for t in eng.doc[: head.i]):
            continue  # named before the description (the person the story is about): not the one described
        who = any(c.dep_ == "relcl" and any(w.lower_ == "who" for w in c.children) for c in other.children)
        # nothing but the name: "Petra Nyholm", not "Finance Minister Ana Ruiz" (a role of their own); and only
        # for a person described ("the government" is not the next person named)
        bare = (
            other.dep_ != "appos"
            and head.lower_ not in ORG_HEADS
            and all(c.dep_ == "compound" and c.text in name.split() for c in other.children)
        )
        return name if " " in name and (who or bare) else None
    return None


def quoted_subject(sent, claims: list[Claim]) -> Claim | None:
    """The last named person quoted before ``sent`` when ``sent``'s subject is that person ("He", "Herren").

    Only a person the article has credited with words already (a named claim with a name of two words or
    a resolved speaker), and only when the sentence's main subject is "he"/"she" or that person's surname.
    """
    before = [c for c in claims if c.attributed and c.source_type == "named" and (c.end or 0) <= sent.start_char]
    if not before:
        return None
    last = max(before, key=lambda c: c.end or 0)
    name = (last.speaker or last.source or "").strip()
    words = name.split()
    if len(words) < 2 or not all(w[:1].isupper() for w in words[-2:]):
        return None  # "the company", "officials": not a person to carry a quotation on from
    subjects = [t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"]
    if not any(t.lower_ in ("he", "she") or t.text == words[-1] for t in subjects):
        return None
    return last


def speaks_on(eng: _Engine, claim: Claim) -> bool:
    """Can the next, cue-less quotation be this claim's speaker's? Not a speaker inside a quotation
    ('"... I said no ..."') nor one who is only a first/second person or "it"."""
    if not claim.source or claim.source.lower() in _NOT_SPEAKERS:
        return False
    return not eng._in_quote(claim)


def in_quote(eng: _Engine, claim: Claim) -> bool:
    return any(eng.quotes.containing(p.start) for p in claim.cue_spans)


def continues_quote(eng: _Engine, start: int, end: int) -> bool:
    """The sentence at ``start:end`` is a quotation (or a paragraph of one) and nothing but."""
    text = eng.text
    if text[start] not in '"\u201c':
        # a later sentence of the same quotation ('"A. B."': B)
        q = eng.quotes.containing(start)
        return q is not None and q[0] < start and q[1] >= end - 1
    q = eng.quotes.containing(start + 1)
    if q is None:
        return text[end - 1] in '"\u201d'
    return q[1] >= end - 1

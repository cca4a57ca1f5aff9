"""Source mentions: their span (``source_tokens``), titles, and who can be a source at all
(``is_plausible_source``, ``can_speak``, ``is_document``).

Named vs anonymous is ``source_types``; person and group names are ``names``; who a pronoun points back
to is ``speaker_resolver``.
"""

from __future__ import annotations

import json
import re
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from indexing.text.lexicon import PRONOUN_KINDS

from .source_nouns import ANONYMOUS_HEADS, INFO_HEADS, ORG_HEADS, PEOPLE_FIGURE_MODIFIERS
from .syntax import double_subject_name

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


__all__ = ["can_speak", "is_document", "is_plausible_source", "source_tokens", "strip_title"]


_NAMED_ENTS = {"PERSON", "ORG", "GPE", "FAC", "WORK_OF_ART", "PRODUCT", "LAW", "EVENT"}


_TITLE = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|sen|rep|gov|gen|president|senator|secretary|minister|prime minister|"
    r"chancellor|judge|justice|speaker|mayor|prof|professor|rev|sir|lord|lady)\.?\s+",
    re.IGNORECASE,
)


_EDGE_PUNCT = set(",;:-\u2014\u2013()[]")


def strip_title(name: str) -> str:
    return _TITLE.sub("", name).strip()


def source_tokens(head: Token) -> list[Token]:
    """The tokens of the source mention headed by ``head``: its whole subtree (apposition included),
    trimmed of edge punctuation. Contiguous by construction of a projective parse."""
    toks = list(head.subtree)
    role = double_subject_name(head)
    if role is not None:
        toks = [*role.subtree, *toks]  # "Varga's lawyer Gregory Ostrow", parsed as two subjects
    # a mention never runs over a paragraph break or a full stop before its head (a headline or the previous
    # sentence the parser joined to it: "US bank 'loses' customer details\n\nThe Bank of America has revealed")
    cut = max(
        (
            k
            for k, t in enumerate(toks)
            if t.i < head.i
            and (
                (t.is_space and "\n" in t.text)
                or (t.text in (".", "!", "?") and k + 1 < len(toks) and toks[k + 1].text[:1].isupper())
            )
        ),
        default=-1,
    )
    toks = toks[cut + 1 :]
    while toks and (toks[0].is_punct or toks[0].is_space) and toks[0].text in _EDGE_PUNCT | {"\u201c", '"', "'"}:
        toks.pop(0)
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks.pop()
    # a name the parser left unattached ("dep") right before the mention: "Ren hap analysts" with "Ren" on the verb
    doc = head.doc
    for _ in range(2):
        k = (toks[0].i if toks else head.i) - 1
        if k < head.sent.start or doc[k].dep_ != "dep" or not doc[k].is_alpha or not doc[k].text[:1].isupper():
            break
        toks.insert(0, doc[k])
    return _glued(toks) or [head]


def _glued(toks: list[Token]) -> list[Token]:
    """``toks`` widened to whole written words: the parser sometimes splits a hyphenated name into
    sibling subjects ("Wal - Mart" as three nsubj of "said"), and a mention must not end inside one."""
    if not toks:
        return toks
    doc = toks[0].doc
    sent = toks[0].sent
    a, b = toks[0].i, toks[-1].i
    while (
        a > sent.start and not doc[a - 1].whitespace_ and not doc[a - 1].is_space and doc[a - 1].text not in _GLUE_STOP
    ):
        a -= 1
    while b + 1 < sent.end and not doc[b].whitespace_ and not doc[b + 1].is_space and doc[b + 1].text not in _GLUE_STOP:
        b += 1
    if (a, b) == (toks[0].i, toks[-1].i):
        return toks
    return [*doc[a : toks[0].i], *toks, *doc[toks[-1].i + 1 : b + 1]]


# Punctuation written against a word that does not join it to the next: quotes, brackets, commas.
_GLUE_STOP = frozenset(
    [
        '"',
        "'",
        "\u201c",
        "\u201d",
        "\u2018",
        "\u2019",
        "(",
        ")",
        "[",
        "]",
        ",",
        ";",
        ":",
        ".",
        "!",
        "?",
        "'s",
        "\u2019s",
    ]
)


def is_plausible_source(head: Token) -> bool:
    """Can this noun phrase speak, believe or report? People, groups, organisations, documents, polls."""
    low = head.lower_
    if head.pos_ == "PRON" or low in PRONOUN_KINDS:
        return (
            low not in ("that", "which", "this", "these", "those")
            or head.dep_ in ("nsubj",)
            and head.head.dep_ == "relcl"
        )
    if head.pos_ == "PROPN" or head.ent_type_ in _NAMED_ENTS or head.ent_type_ == "NORP":
        return True
    if low in ANONYMOUS_HEADS or low in ORG_HEADS or low in INFO_HEADS:
        return True
    return _looks_like_name(head)


# Endings of nouns for a person or group by what they do ("traders", "campaigners", "economists", "residents",
# "spokesmen"); a thing ending so ("paper", "statement") only keeps the reading the engine had without this test.
_AGENT_ENDINGS = (
    "er",
    "ers",
    "or",
    "ors",
    "ist",
    "ists",
    "ian",
    "ians",
    "ant",
    "ants",
    "ent",
    "ents",
    "eer",
    "eers",
    "man",
    "men",
    "woman",
    "women",
    "ee",
    "ees",
    "ive",
    "ives",
    "ic",
    "ics",
)


# Plain nouns for people and teams with no such ending.
_PEOPLE_NOUNS = frozenset(
    [
        "girl",
        "girls",
        "boy",
        "boys",
        "child",
        "children",
        "kid",
        "kids",
        "pupil",
        "pupils",
        "adult",
        "adults",
        "youngster",
        "youngsters",
        "teenager",
        "teenagers",
        "person",
        "people",
        "public",
        "staff",
        "crew",
        "family",
        "families",
        "relative",
        "relatives",
        "friend",
        "friends",
        "colleague",
        "colleagues",
        "boss",
        "bosses",
        "chief",
        "chiefs",
        "local",
        "locals",
        "customer",
        "customers",
        "client",
        "clients",
        "guest",
        "guests",
        "couple",
        "couples",
        "team",
        "teams",
        "side",
        "sides",
        "club",
        "clubs",
        "band",
        "bands",
        "group",
        "groups",
        "victim",
        "victims",
        "patient",
        "patients",
        "parent",
        "parents",
        "doctor",
        "doctors",
        "nurse",
        "nurses",
        "mp",
        "mps",
        "peer",
        "peers",
        "minister",
        "ministers",
        "cabinet",
    ]
)


@lru_cache(maxsize=1)
def _source_heads() -> frozenset[str]:
    """Common nouns annotators mark as the head of a Source in PolNeAR train (``training/source_heads.py``)."""
    path = Path(__file__).with_name("source_heads.json")
    try:
        return frozenset(json.loads(path.read_text(encoding="utf-8"))["nouns"])
    except (OSError, ValueError, KeyError):
        return frozenset()


def can_speak(head: Token) -> bool:
    """Could this source head be an unnamed person or group? False for a singular common noun that names a thing
    the parse took for a speaker ("a final salary scheme promises ...", "broadband predicted ..."): not a proper
    noun, pronoun or entity, in no list of speakers, organisations, documents or people, never the head of a
    Source in PolNeAR train, and without the ending of a noun for people ("-er", "-ist", "-ent", ...)."""
    if head.pos_ != "NOUN" or head.ent_type_ or head.tag_ == "NNS":
        return True  # a plural is most often a group ("airlines", "websites", "MEPs"), even without an ending
    if any(
        p.dep_ == "prep"
        and p.lower_ == "of"
        and any(o.dep_ == "pobj" and can_speak(o) and o.pos_ != "PRON" for o in p.children)
        for p in head.children
    ):
        return True  # "a total of 53% of those polled", "a significant chunk of net users"
    low = head.lower_
    if (
        low in ANONYMOUS_HEADS
        or low in ORG_HEADS
        or low in INFO_HEADS
        or low in _PEOPLE_NOUNS
        or low in _source_heads()
    ):
        return True
    if low in ("figure", "figures") or not low.isalpha():
        return True
    return low.endswith(_AGENT_ENDINGS)


def is_document(head: Token) -> bool:
    """A document, poll or body of data ("the report", "satellite mapping", "the figures"), not a person or group.
    "figures" is people when a modifier says so ("senior figures")."""
    low = head.lower_
    if low in ("figure", "figures"):
        return head.pos_ == "NOUN" and not any(c.lower_ in PEOPLE_FIGURE_MODIFIERS for c in head.children)
    return low in INFO_HEADS and head.pos_ in ("NOUN", "PROPN") and low not in ANONYMOUS_HEADS and low not in ORG_HEADS


def _looks_like_name(head: Token) -> bool:
    """A name the tagger read as a common noun ("Trump knows ..."): capitalised, no determiner, and written
    capitalised somewhere in the text where capitals are not forced (not at a sentence start). Stands in for
    spaCy's PERSON/ORG entity when the pipeline runs without NER."""
    if not head.text[:1].isupper() or head.text.isupper():
        return False
    # "Trump openly admires ...": the name read as the verb "trump", but in subject position; or read as the
    # sentence's verb ("..., Trump still ducks on taxes") where the article writes it as a name elsewhere
    if (
        head.tag_ not in ("NN", "NNP")
        and not (head.pos_ == "VERB" and head.dep_ in ("nsubj", "nsubjpass"))
        and not (
            head.pos_ == "VERB"
            and not head.is_sent_start
            and any(t.text == head.text and t.pos_ == "PROPN" for t in head.doc)
        )
    ):
        return False
    if any(c.dep_ == "det" for c in head.children):
        return False
    doc = head.doc
    caps = _CAPS.get(doc)
    if caps is None:
        caps = frozenset(
            t.text
            for t in doc
            if t.text[:1].isupper()
            and not t.is_sent_start
            and t.i > 0
            and doc[t.i - 1].text not in ('"', "\u201c", "'", "\u2018", ":")
            and not doc[t.i - 1].is_space
        )
        _CAPS[doc] = caps
    return head.text in caps


# words written capitalised mid-sentence, per Doc (weak keys: nothing outlives its Doc)
_CAPS: weakref.WeakKeyDictionary[Doc, frozenset[str]] = weakref.WeakKeyDictionary()

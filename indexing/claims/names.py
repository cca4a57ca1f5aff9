"""Person and group names in a source mention: a person's name (``person_name``), a family named in the
plural ("the Smiths"), a named group, a surname after a title.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .source_nouns import ANONYMOUS_HEADS, INFO_HEADS, ORG_HEADS

if TYPE_CHECKING:
    from spacy.tokens import Token
from .sources import _TITLE, strip_title

__all__ = ["PEER_TITLES", "person_name", "strip_title_keeping_peer", "titled_word", "written_as_person"]


_NOT_PERSON_ENTS = frozenset(["ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"])
# Titles a peer is named by ("Lord Goldsmith"): kept when the name has no other word.
PEER_TITLES = frozenset(["lord", "lady", "baroness", "baron"])
# Titles only a person carries: "Mr Kilroy-Silk" is a person whatever the entity tagger made of the name.
_PERSONAL_TITLES = frozenset(["mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lady", "lord"])
# Capitalised words the parser may join to the front of a name: days, a party's member ("Tory"), "MP".
_BEFORE_NAMES = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "tory",
        "labour",
        "conservative",
        "democrat",
        "republican",
        "mp",
        "mep",
        "msp",
    ]
)
# The last word of a news outlet's name, never of a person's ("Sky News", "the Sunday Times", "Radio Five").
_OUTLET_WORDS = frozenset(
    ["news", "times", "post", "journal", "telegraph", "herald", "gazette", "tribune", "chronicle", "radio", "tv"]
)


def person_name(head: Token) -> str | None:
    """The name of a person heading a source mention ("Mayor Ana Ruiz, the head of ..." -> "Ana Ruiz"), or None.

    spaCy's PERSON entity when there is one; without NER (or when it missed the name) a capitalised proper noun
    with its proper-noun compounds, not an organisation-like word ("Union", "Ministry") and not tagged as a
    non-person entity."""
    if (head.pos_ != "PROPN" or head.tag_ == "NNPS") and not _plural_surname(head):
        return None
    # "Mr Kilroy-Silk": a personal title makes a person, whatever the entity tagger read ("Kilroy-Silk" as ORG)
    titled = any(c.dep_ == "compound" and c.i < head.i and titled_word(c) for c in head.children)
    if (
        head.ent_type_ in _NOT_PERSON_ENTS
        and not titled
        or not head.text[:1].isupper()
        or head.lower_ in ORG_HEADS
        or head.lower_ in INFO_HEADS
        or head.lower_ in _OUTLET_WORDS
    ):
        return None
    parts = []
    for c in head.children:
        if c.i > head.i:
            break
        dep = c.dep_
        if dep == "det":
            return None  # "the Greens", "the Guardian": a name with "the" is not a person's
        if dep in ("compound", "flat") and c.pos_ == "PROPN":
            parts.append(c)
        elif dep == "punct" and c.text == "-" and not c.whitespace_ and not c.doc[c.i - 1].whitespace_:
            # a hyphenated surname: "Robert Kilroy-Silk", "Peter Brabeck-Letmathe"; the first name may hang on
            # the surname's first half ("Robert" under "Kilroy")
            parts.append(c)
            first = c.doc[c.i - 1]
            if first in parts:
                parts.extend(k for k in first.children if k.dep_ in ("compound", "flat") and k.pos_ == "PROPN")
    if any(
        c.lower_ in ORG_HEADS or c.ent_type_ in _NOT_PERSON_ENTS and not titled or not c.text[:1].isupper()
        for c in parts
        if c.text != "-"
    ):
        return None
    if not parts:
        # "Director, Ines Varga, said ...": a one-word role, capitalised, whose apposition names the person
        for c in head.children:
            if c.dep_ == "appos" and c.i > head.i:
                named = person_name(c)
                if named is not None and " " in named:
                    return named
    toks = sorted([*parts, head], key=lambda t: t.i)
    if toks[-1].i - toks[0].i + 1 != len(toks) or toks[0].text == "-":
        return None
    # words the parser joined to the front of a name: "On Thursday Mr Kilroy-Silk", "fellow Tory David Heathcoat-Amory"
    titles = [k for k, t in enumerate(toks[:-1]) if k and t.lower_.rstrip(".") in ("mr", "mrs", "ms", "miss", "dr")]
    if titles:
        toks = toks[titles[-1] :]
    while len(toks) > 2 and (toks[0].lower_ in _BEFORE_NAMES or toks[0].ent_type_ in ("NORP", "DATE")):
        toks = toks[1:]
    return strip_title_keeping_peer(" ".join(head.doc[toks[0].i : toks[-1].i + 1].text.split())) or None


def strip_title_keeping_peer(text: str) -> str:
    """:func:`strip_title`, except that a peer known by title and one name keeps the title ("Lord Goldsmith", not
    "Goldsmith"; "Sir Alex Ferguson" -> "Alex Ferguson")."""
    bare = strip_title(text)
    first = text.split(" ", 1)[0]
    if bare and bare != text and " " not in bare and first.lower() in PEER_TITLES:
        return f"{first} {bare}"
    return bare


# Capitalised plurals that name a group, never one person's surname ("House Democrats", "the Lib Dems").
_GROUP_PLURALS = frozenset(
    [
        "democrats",
        "dems",
        "republicans",
        "tories",
        "conservatives",
        "liberals",
        "greens",
        "nationalists",
        "unionists",
        "socialists",
        "communists",
        "loyalists",
        "royals",
        "islamists",
        "americans",
        "britons",
        "europeans",
        "saints",
        "blues",
        "reds",
        "whites",
        "lions",
        "spurs",
        "rangers",
        "rovers",
        "wanderers",
        "sports",
        "games",
        "awards",
        "olympics",
        "commons",
        "lords",
        "nations",
        "states",
        "islands",
        "affairs",
        "relations",
        "services",
        "forces",
    ]
)


_GROUP_SUFFIXES = ("ans", "ists", "ites", "ives", "als", "ics", "ments", "ions")


def _plural_surname(head: Token) -> bool:
    """A surname the tagger read as a plural ("Jimmy Connors", "Ann Evans"): capitalised, after a capitalised
    first name (a proper-noun compound), no determiner, and not a word that names a group ("House Democrats")."""
    if head.tag_ not in ("NNS", "NNPS") or not head.text[:1].isupper() or head.text.isupper():
        return False
    low = head.lower_
    if low in _GROUP_PLURALS or low in ANONYMOUS_HEADS or low in _COMPANY_PLURALS or low.endswith(_GROUP_SUFFIXES):
        return False
    if any(c.dep_ == "det" for c in head.children):
        return False
    firsts = [c for c in head.children if c.dep_ in ("compound", "flat") and c.i < head.i]
    return (
        bool(firsts)
        and all(c.pos_ == "PROPN" and c.text[:1].isupper() and c.lower_ not in ORG_HEADS for c in firsts)
        and firsts[-1].i == head.i - 1
    )


def _named_group(head: Token) -> bool:
    """ "the Tories", "The Conservatives", "the Lib Dems", "the Beatles": "the" and a capitalised plural written
    capitalised where capitals are not forced name one party, band or team. A bare plural ("Democrats", "House
    Democrats") stays an unnamed group of people."""
    if head.tag_ not in ("NNS", "NNPS") or not head.text[:1].isupper() or head.text.isupper() or head.is_sent_start:
        return False
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
        return False
    return not any(c.dep_ in ("amod", "compound") and c.text[:1].islower() for c in head.children)


# The plural last word of a company's name ("General Motors", "Virgin Airways", "Sony Pictures").
_COMPANY_PLURALS = frozenset(
    [
        "motors",
        "ventures",
        "industries",
        "holdings",
        "systems",
        "airlines",
        "airways",
        "communications",
        "networks",
        "brothers",
        "bros",
        "sons",
        "partners",
        "associates",
        "technologies",
        "pictures",
        "studios",
        "records",
        "games",
        "labs",
        "laboratories",
        "foods",
        "stores",
        "services",
        "securities",
        "resources",
        "products",
        "enterprises",
        "solutions",
        "investments",
        "properties",
        "pharmaceuticals",
        "telecommunications",
        "electronics",
        "chemicals",
        "mills",
        "works",
        "motorsports",
        "entertainments",
        "publications",
        "media",
    ]
)


def _surname(head: Token) -> bool:
    """A proper noun the tagger read as a plural ("Deans", "Evans") that is one person's surname:
    a role or a title before it ("chief executive Karl Deans", "Mr Deans" anywhere in the text), a
    singular apposition ("Karl Deans, associate director of the network") or a singular present verb ("Evans says").
    A group ("House Democrats", "Welsh Conservatives") has none of these."""
    for c in head.children:
        if c.dep_ == "compound" and c.i < head.i and (_is_title(c) or (c.pos_ == "NOUN" and c.text.islower())):
            return True
        if c.dep_ == "appos" and c.tag_ == "NN":
            return True
    if head.dep_ == "appos" and head.head.tag_ == "NN":
        return True  # "its director, Karl Deans"
    if head.dep_ == "nsubj" and head.head.tag_ == "VBZ":
        return True
    return titled_in_story(head)


def titled_in_story(head: Token) -> bool:
    """The story writes this word after a title somewhere ("Mr Deans", "Dr Okafor"): a person's surname."""
    doc = head.doc
    return any(_is_title(t) and t.i + 1 < len(doc) and doc[t.i + 1].text == head.text for t in doc)


def _is_title(tok: Token) -> bool:
    """ "Mr", "Dr.", "Senator": a word :func:`strip_title` takes off a name."""
    return _TITLE.fullmatch(f"{tok.text} ") is not None


_PERSON_PRONOUNS = frozenset(["he", "his", "him", "she", "her"])


def written_as_person(head: Token) -> bool:
    """Does the story write this one-word name as a person's: a title or a role before it ("Mr Deans",
    "midfielder Deco", :func:`_surname`'s signs but a present-tense verb), else the first "he"/"his"/"she"/"her"
    rather than "it"/"its" after it in its sentence ("Gerrard admitted he thought ...", against "Yahoo's decision
    to put its investment ...", "Russia had indicated it would ...")."""
    if titled_in_story(head):
        return True
    for c in head.children:
        if c.dep_ == "compound" and c.i < head.i and c.pos_ == "NOUN" and c.text.islower():
            return True
        if c.dep_ == "appos" and c.tag_ == "NN":
            return True
    for t in head.doc[head.i + 1 : head.sent.end]:
        if t.lower_ in _PERSON_PRONOUNS:
            return True
        if t.lower_ == "its" or (
            t.lower_ == "it" and t.dep_ in ("nsubj", "nsubjpass") and t.head.pos_ == "VERB" and t.head.lemma_ != "be"
        ):
            return False  # "it was not typical of ...", "made it clear": no one's "it"
    return False


def titled_word(tok: Token) -> bool:
    """ "Mr", "Dr.", "Ms": a title only a person carries (:data:`_PERSONAL_TITLES`)."""
    return tok.lower_.rstrip(".") in _PERSONAL_TITLES

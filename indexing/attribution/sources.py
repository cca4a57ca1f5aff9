"""Source mentions: their span, named vs anonymous, and who a pronoun points back to."""

from __future__ import annotations

import json
import re
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from indexing.models import SourceType

from ..lexicon import PRONOUN_KINDS
from .cues import ANONYMOUS_HEADS, INFO_HEADS, ORG_HEADS, PEOPLE_FIGURE_MODIFIERS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "SpeakerResolver",
    "can_speak",
    "classify_tokens",
    "is_document",
    "is_plausible_source",
    "person_name",
    "source_tokens",
    "strip_title",
]

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


_NOT_PERSON_ENTS = frozenset(["ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"])


def person_name(head: Token) -> str | None:
    """The name of a person heading a source mention ("Mayor Ana Ruiz, the head of ..." -> "Ana Ruiz"), or None.

    spaCy's PERSON entity when there is one; without NER (or when it missed the name) a capitalised proper noun
    with its proper-noun compounds, not an organisation-like word ("Union", "Ministry") and not tagged as a
    non-person entity."""
    if (head.pos_ != "PROPN" or head.tag_ == "NNPS") and not _plural_surname(head):
        return None
    if (
        head.ent_type_ in _NOT_PERSON_ENTS
        or not head.text[:1].isupper()
        or head.lower_ in ORG_HEADS
        or head.lower_ in INFO_HEADS
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
    if any(c.lower_ in ORG_HEADS or c.ent_type_ in _NOT_PERSON_ENTS or not c.text[:1].isupper() for c in parts):
        return None
    toks = sorted([*parts, head], key=lambda t: t.i)
    if toks[-1].i - toks[0].i + 1 != len(toks):
        return None
    return strip_title(" ".join(t.text for t in toks)) or None


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


# Role nouns that stay unnamed even as "the <Name> ..." ("the White House official", "the Tory source").
_NEVER_ONE_ROLE = frozenset(
    [
        "source",
        "sources",
        "person",
        "someone",
        "somebody",
        "anyone",
        "member",
        "insider",
        "official",
        "man",
        "woman",
        "one",
        "individual",
        "figure",
        "worker",
        "employee",
    ]
)


_SPOKES = frozenset(["spokesman", "spokeswoman", "spokesperson", "spokespeople", "spokesmen", "spokeswomen"])


def _named_role(head: Token) -> bool:
    """ "The Tory leader", "the Labour chairman": "the", a singular role and a name in the mention point to one
    known person (the article names them), not an unnamed one ("a Tory leader", "the party's spokesman")."""
    if head.tag_ != "NN" or head.lower_ in _NEVER_ONE_ROLE:
        return False
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
        return False
    return any(
        c.dep_ in ("compound", "amod") and c.i < head.i and c.pos_ == "PROPN" and c.text[:1].isupper()
        for c in head.children
    )


_ANONYMITY = re.compile(
    r"\b(?:anonymity|not to be (?:named|identified)|(?:not|n't) (?:be )?(?:named|identified)|"
    r"not (?:authori[sz]ed|permitted|allowed) to (?:speak|comment|discuss)|requested anonymity|"
    r"(?:declined|refused) to (?:be (?:named|identified)|give (?:his|her|their) names?))\b",
    re.IGNORECASE,
)


def _asks_anonymity(head: Token) -> bool:
    """ "the shopkeeper, who asked not to be named", "an official who spoke on condition of anonymity"."""
    for c in head.children:
        if c.dep_ in ("relcl", "acl") and c.i > head.i:
            sub = list(c.subtree)
            if _ANONYMITY.search(head.doc[sub[0].i : sub[-1].i + 1].text):  # a span's text, not the Doc's
                return True
    return False


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


_KIN = frozenset(
    [
        "father",
        "mother",
        "brother",
        "sister",
        "son",
        "daughter",
        "wife",
        "husband",
        "uncle",
        "aunt",
        "cousin",
        "grandfather",
        "grandmother",
        "parents",
        "friend",
        "neighbour",
        "neighbor",
    ]
)


def _own_relative(head: Token) -> bool:
    """ "my father", "our neighbour": the writer's or speaker's relative, a person nobody has named."""
    return head.lower_ in _KIN and any(c.dep_ == "poss" and c.lower_ in ("my", "our", "your") for c in head.children)


def _definite(head: Token) -> bool:
    """ "the senator", "her campaign": a determiner or possessor picking out one known referent."""
    return any((c.dep_ == "det" and c.lower_ in ("the", "this", "that")) or (c.dep_ == "poss") for c in head.children)


def _headline_case(head: Token) -> bool:
    toks = [t for t in head.subtree if t.is_alpha]
    return len(toks) > 1 and all(t.text[:1].isupper() for t in toks)


_RESEARCH_HEADS = frozenset(
    [
        "study",
        "studies",
        "report",
        "reports",
        "poll",
        "polls",
        "survey",
        "surveys",
        "research",
        "estimate",
        "estimates",
        "analysis",
        "analyses",
        "prediction",
        "predictions",
        "forecast",
        "forecasts",
    ]
)
_VAGUE_DETERMINERS = frozenset(
    ["some", "several", "many", "other", "others", "various", "certain", "few", "most", "recent", "new", "a"]
)


def _vague_research(head: Token) -> bool:
    """Studies, reports or polls with no origin: "some studies", "polls show", "a new report" (no "by X", no name)."""
    if head.lower_ not in _RESEARCH_HEADS:
        return False
    children = list(head.children)
    if _proper_modifier(head) or any(c.dep_ in ("compound", "poss") for c in children):
        return False  # "a Gallup poll", "ministry estimates", "the agency's report"
    if any(
        c.dep_ in ("prep", "acl", "relcl") and any(t.pos_ in ("PROPN", "NOUN") for t in c.subtree) for c in children
    ):
        return False  # "a report by the Audit Office", "a study published by the institute"
    if _named_elsewhere(head):
        return False  # "a report suggests ..." and later "according to the Datamonitor report": the article names it
    determiners = [c.lower_ for c in children if c.dep_ in ("det", "amod", "quantmod", "nummod")]
    if any(d in ("the", "this", "that", "these", "those") for d in determiners):
        return False  # "the report" points back to one the article has named
    return head.tag_ in ("NNS", "NNPS") or any(d in _VAGUE_DETERMINERS for d in determiners)


_NOT_A_NAME = frozenset(
    [
        "The",
        "A",
        "An",
        "This",
        "That",
        "These",
        "Those",
        "Its",
        "Their",
        "His",
        "Her",
        "Our",
        "My",
        "Your",
        "One",
        "Another",
        "Some",
        "Any",
        "No",
        "Every",
        "Each",
        "Last",
        "Latest",
        "New",
        "Recent",
        "Earlier",
        "Previous",
        "Separate",
        "Second",
        "First",
        "Official",
        "Annual",
        "But",
        "And",
        "In",
        "Its",
        "According",
        "Such",
        "Both",
        "Other",
        "Many",
        "Several",
        "Further",
    ]
)


def _named_elsewhere(head: Token) -> bool:
    """The same research noun appears elsewhere in the article with a name on it ("the Datamonitor report",
    "Gallup's poll"): the unnamed mention points to it (before or after). Read from the text (the parser often
    makes "report" a verb there)."""
    low = head.lower_.rstrip("s")
    text = head.doc.text
    pattern = re.compile(r"\b([A-Z][\w&.-]*)(?:'s|\u2019s)?\s+" + re.escape(low) + r"s?\b")
    return any(m.group(1) not in _NOT_A_NAME and m.start() != head.idx for m in pattern.finditer(text))


def _proper_modifier(head: Token) -> bool:
    """A name inside the mention: "the Clinton campaign", "a New York Times/CBS News poll"."""
    headline = _headline_case(head)
    for t in head.subtree:
        if t is head or t.i > head.i:
            continue
        if t.ent_type_ in _NAMED_ENTS:
            return True
        if t.pos_ == "PROPN" and t.ent_type_ != "NORP" and not headline:
            return True
    return False


def _institution_name(head: Token) -> bool:
    """ "Bank of America", "Ministry of Defence", "University of Leeds": a capitalised body word whose name
    follows it in an of-phrase of proper nouns."""
    if head.pos_ != "PROPN" or not head.text[:1].isupper():
        return False
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of" and prep.i == head.i + 1:
            return any(c.dep_ == "pobj" and c.pos_ == "PROPN" and c.text[:1].isupper() for c in prep.children)
    return False


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
    doc = head.doc
    return any(_is_title(t) and t.i + 1 < len(doc) and doc[t.i + 1].text == head.text for t in doc)


def _is_title(tok: Token) -> bool:
    """ "Mr", "Dr.", "Senator": a word :func:`strip_title` takes off a name."""
    return _TITLE.fullmatch(f"{tok.text} ") is not None


def _is_named_np(head: Token) -> bool | None:
    """True named, False anonymous, None when the head says nothing (a pronoun)."""
    low = head.lower_
    if head.pos_ == "PRON" or low in PRONOUN_KINDS:
        return None
    # An apposition naming the person makes it named: "a spokesman, Brian Fallon".
    for child in head.children:
        if child.dep_ == "appos" and (child.pos_ == "PROPN" or child.ent_type_ == "PERSON"):
            return True
    if _asks_anonymity(head) or _own_relative(head):
        return False
    known_common = low in ANONYMOUS_HEADS or low in ORG_HEADS or low in INFO_HEADS
    plural = head.tag_ in ("NNS", "NNPS")
    if is_document(head):
        # Not a person or group: a document, poll or body of data speaks for itself. "Anonymous" marks an
        # unnamed *person or group* (DESIGN); "the figures show", "according to satellite mapping" and
        # "a report by the Audit Office" are named (the reader is told what the evidence is).
        # But research nobody is told the origin of ("some studies suggest", "polls show", "reports say")
        # is the vague sourcing readers must see flagged: anonymous.
        return not _vague_research(head)
    if low in _SPOKES and (
        _proper_modifier(head)
        or _institution_name(head)
        or any(
            p.dep_ == "prep"
            and p.lower_ in ("for", "of", "at", "from")
            and any(o.dep_ == "pobj" and (o.pos_ == "PROPN" or _proper_modifier(o)) for o in p.children)
            for p in head.children
        )
    ):
        return True  # "a Pentagon spokesman", "a spokeswoman for Hanover Re": the named body speaks
    if _named_group(head) or _named_role(head):
        return True  # "the Tories and the Lib Dems have called for ...", "The Tory leader said ..."
    if head.pos_ == "PROPN" and not known_common:
        if head.ent_type_ == "NORP" or (head.tag_ == "NNPS" and head.ent_type_ not in ("ORG", "PERSON")):
            if head.ent_type_ != "NORP" and (_surname(head) or head.lower_ in _COMPANY_PLURALS):
                return (
                    True  # "Karl Deans, associate director of ...", "General Motors": one person or firm, not a group
                )
            # "Democrats" is an unnamed group; "the Republican" (singular, definite) is one known person
            return not plural and _definite(head)
        return True
    if low in ANONYMOUS_HEADS:
        return False
    if low in INFO_HEADS:
        return _proper_modifier(head)
    if low in ORG_HEADS:
        return _proper_modifier(head) or _definite(head) or _institution_name(head)
    if head.ent_type_ in ("PERSON", "ORG") or _looks_like_name(head):
        return True
    # role nouns: "the South Carolina senator", "the New York businessman" point back to one named person
    return not plural and (_definite(head) or _proper_modifier(head))


def classify_tokens(head: Token, resolved: str | None = None, resolved_type: SourceType | None = None) -> SourceType:
    if head.lower_ == "who" and head.head.dep_ == "relcl":
        ante = head.head.head
        if ante.dep_ == "appos" and person_name(ante.head) is not None:
            return "named"  # "Heather Samuelson, a campaign assistant who made ...": the person, not the role
    named = _is_named_np(head)
    if named is False and resolved and head.text[:1].isupper() and resolved.split()[-1] == head.text:
        return "named"  # "said Connors" after "Jimmy Connors": one person's surname, not a group
    if named is None:
        if resolved_type is not None:
            return resolved_type
        if resolved or head.lower_ in ("he", "she", "him", "her", "it", "its", "his"):
            # in news a singular third-person pronoun almost always points back to a named person or body
            return "named"
        return "anonymous"
    return "named" if named else "anonymous"


# Prepositions whose object, a capitalised name, is a place ("at Old Trafford", "in New York").
_PLACE_PREPOSITIONS = frozenset(
    ["at", "in", "into", "near", "outside", "inside", "across", "around", "through", "towards", "toward"]
)


class SpeakerResolver:
    """Resolves pronouns and short back-references to the full name mentioned earlier.

    Walks the document forward: ``observe`` is called with every sentence, and
    ``note_source`` with every source found; a pronoun resolves to the most
    recent singular named source (speakers are what news pronouns usually point
    back to), else the most recent person mentioned.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._full_names: dict[str, str] = {}  # "putin" -> "Vladimir Putin"
        self._last_person: tuple[int, str] | None = None
        self._last_source: tuple[int, str, SourceType, bool] | None = None  # (pos, name, type, plural)
        self._last_group: tuple[int, str, SourceType] | None = None
        self._ents: list[tuple[int, str]] | None = None
        self._ent_at = 0
        self._groups: list[tuple[int, str]] | None = None  # "the Liberal Democrats" mentioned anywhere

    def _people(self) -> list[tuple[int, str]]:
        """(token index, name) of the people mentioned, in order: spaCy's PERSON entities, or, when the pipeline
        ran without NER, proper-noun names of two or more words ("Ana Ruiz", "Mayor Lena Okafor")."""
        doc = self.doc
        if doc.has_annotation("ENT_IOB"):
            return [(e.start, e.text) for e in doc.ents if e.label_ == "PERSON"]
        out = []
        for t in doc:
            pos = t.pos_
            if (pos == "PROPN" or pos == "NOUN" and t.is_title and _plural_surname(t)) and t.dep_ not in (
                "compound",
                "flat",
            ):
                if t.dep_ == "pobj" and t.head.lower_ in _PLACE_PREPOSITIONS:
                    continue  # "a new contract at Old Trafford", "talks in New York": a place, not a person
                name = person_name(t)
                if name is not None and " " in name:
                    out.append((min(t.left_edge.i, t.i), name))
        return out

    def _named_group_before(self, i: int) -> tuple[int, str] | None:
        if self._groups is None:
            self._groups = [(t.i, t.doc[t.left_edge.i : t.i + 1].text) for t in self.doc if t.i and _named_group(t)]
        before = [g for g in self._groups if g[0] < i]
        return before[-1] if before else None

    def last_person(self, i: int) -> str | None:
        """The last singular person credited before token ``i`` when named ("the American expert" -> them)."""
        if self._last_source and self._last_source[0] < i and self._last_source[2] == "named":
            name = self._last_source[1]
            return name if " " in strip_title(name) else None
        return None

    def observe(self, sent: Span) -> None:
        # Span.ents rebuilds the document's entity list on every call: walk one precomputed list instead.
        if self._ents is None:
            self._ents = self._people()
            self._ent_at = 0
        ents = self._ents
        while self._ent_at < len(ents) and ents[self._ent_at][0] < sent.start:
            self._ent_at += 1
        while self._ent_at < len(ents) and ents[self._ent_at][0] < sent.end:
            start, text = ents[self._ent_at]
            self._ent_at += 1
            name = strip_title(text.replace("\u2019s", "").replace("'s", "").strip())
            parts = name.split()
            if len(parts) >= 2:
                self._full_names.setdefault(parts[-1].lower(), name)
            self._last_person = (start, self.full_name(name))

    def full_name(self, name: str) -> str:
        """ "Putin" / "Mr. Putin" -> "Vladimir Putin" when that full name was seen earlier."""
        bare = strip_title(name)
        if " " not in bare:
            return self._full_names.get(bare.lower(), name)
        return name

    def note_source(self, pos: int, name: str, source_type: SourceType, plural: bool, person: bool) -> None:
        """Record a source; only people are candidates for he/she, groups for they."""
        if plural:
            self._last_group = (pos, name, source_type)
        elif person:
            self._last_source = (pos, name, source_type, plural)
            parts = strip_title(name).split()
            if 2 <= len(parts) <= 4:  # a full name seen as a source resolves its surname later ("Ruiz said")
                self._full_names.setdefault(parts[-1].lower(), strip_title(name))

    def resolve(self, head: Token) -> tuple[str | None, SourceType | None]:
        """Name and type a pronoun (or short name) refers to; (None, None) when unknown."""
        low = head.lower_
        kind = PRONOUN_KINDS.get(low)
        if kind in ("m", "f"):
            candidates = []
            if self._last_source and self._last_source[0] < head.i:
                candidates.append(self._last_source[:3])
            if self._last_person and self._last_person[0] < head.i:
                candidates.append((self._last_person[0], self._last_person[1], "named"))
            if not candidates:
                return None, None
            # The most recent of: last singular source, last person mentioned.
            _pos, name, st = max(candidates, key=lambda c: c[0])
            return name, st
        if kind == "p" and low in ("they", "them", "their"):
            group = self._last_group if self._last_group and self._last_group[0] < head.i else None
            mention = self._named_group_before(head.i)
            if mention is not None and (group is None or mention[0] > group[0]) and head.sent.start - mention[0] < 80:
                # "... opposed by the Liberal Democrats. They have said ...": a party named just before
                return mention[1], "named"
            if group is not None:
                return group[1], group[2]
            return None, None
        if head.pos_ == "PROPN" or (head.text[:1].isupper() and head.tag_ in ("NNS", "NNPS")):
            full = self.full_name(head.text)  # "Connors", tagged a plural noun, after "Jimmy Connors"
            return (full if full != head.text else None), None
        return None, None

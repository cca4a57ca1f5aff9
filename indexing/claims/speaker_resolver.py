"""Who a pronoun or a role points back to: the people and groups named so far in a document
(``SpeakerResolver``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from indexing.models import SourceType
from indexing.text.lexicon import PRONOUN_KINDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token
from .cues import SPEAKING_VERBS
from .names import PEER_TITLES, _named_group, _plural_surname, person_name, strip_title_keeping_peer
from .quotes import QuoteIndex
from .source_nouns import ANONYMOUS_HEADS, BODY_DESCRIPTIONS
from .sources import strip_title

__all__ = ["SpeakerResolver"]


_SUBJECTS = ("nsubj", "nsubjpass")
# Prepositions whose object, a capitalised name, is a place ("at Old Trafford", "in New York").
_PLACE_PREPOSITIONS = frozenset(
    ["at", "in", "into", "near", "outside", "inside", "across", "around", "through", "towards", "toward"]
)


# Offices written before a holder's name ("Deputy Prime Minister Jon Pressley", "Foreign Secretary Ana Ruiz").
_OFFICE_TITLES = frozenset(
    ["minister", "secretary", "chancellor", "president", "senator", "mayor", "governor", "deputy", "judge", "premier"]
)
# Descriptions never resolved to a name: "the government" is a body in its own right, not the last one named.
_SELF_STANDING = frozenset(["government"])
_ROLE_ENDINGS = ("er", "or", "ist", "ant", "ent", "ary", "man", "woman")
# Titles before a surname that say a person's gender, and a title before a surname at all: the name is a
# person's ("Ms Kell").
_MALE_TITLES = "Mr|Sir|Lord"
_FEMALE_TITLES = "Mrs|Ms|Miss|Lady|Dame"
_PERSONAL_TITLE = rf"\b(?:{_MALE_TITLES}|{_FEMALE_TITLES}|Dr|Prof)\.?\s+"


def _in_main_clause(subject: Token) -> bool:
    """The subject's verb is its sentence's main verb, or one joined to it ("... and said")."""
    verb = subject.head
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")


def _start_back(token: Token, sentences: int) -> int:
    """The first token of the sentence ``sentences`` before ``token``'s (0: its own), or of the document's first."""
    start = token.sent.start
    for _ in range(sentences):
        if start == 0:
            break
        start = token.doc[start - 1].sent.start
    return start


def _main_verb(verb: Token) -> bool:
    """The sentence's main verb, or one joined to it ("X said ... and warned ...")."""
    root = verb.sent.root
    return verb == root or (verb.dep_ == "conj" and verb.head == root)


def _body_name(subject: Token) -> str | None:
    """The organisation a proper-noun subject names ("the Harbour Affairs Select Committee", "Mart-Orsay"),
    or None when it is a person's name or not all a name."""
    doc = subject.doc
    left = subject.left_edge.i
    while left > 0 and not doc[left - 1].whitespace_ and (doc[left - 1].text == "-" or doc[left - 1].is_title):
        left -= 1  # "Mart-Orsay", parsed as three subjects
    while left < subject.i and doc[left].dep_ == "det":
        left += 1
    span = doc[left : subject.i + 1]
    if not all(t.text[:1].isupper() or t.text in ("-", "&", "of", "and") for t in span if not t.is_space):
        # "German football club and former European champion Borussia Vallen": the proper nouns at its end
        left = subject.i
        while left > span.start and doc[left - 1].pos_ == "PROPN" and doc[left - 1].dep_ == "compound":
            left -= 1
        if left == span.start or subject.pos_ != "PROPN":
            return None  # "the Jacksonville-based firm": not a name
        span = doc[left : subject.i + 1]
    if subject.ent_type_ == "PERSON" or _bare_name(span.text) != span.text.strip():
        return None  # a titled person ("Mr Okafor")
    if any(t.lower_ in ANONYMOUS_HEADS for t in span):
        return None  # "Analyst Ivo Brandt" at the start of a sentence: a person by role
    if any(t.lower_ in _OFFICE_TITLES for t in span[:-1]) and span[-1].lower_ not in _OFFICE_TITLES:
        return None  # "Deputy Prime Minister Jon Pressley": an office holder by name
    before = doc[left - 1] if left else None
    if (
        before is not None
        and before.pos_ == "NOUN"
        and (before.lower_ in ANONYMOUS_HEADS or before.lower_.endswith(_ROLE_ENDINGS))
    ):
        return None  # "technology analyst Ivo Brandt", "shadow home secretary Ana Ruiz": a person by role
    return span.text.strip()


def _body_description(head: Token) -> bool:
    """A body written as a bare definite description ("the company", "the club"): "the" and the noun only, so
    "the rival club" or "the company's auditors" is not one."""
    if (
        head.pos_ != "NOUN"
        or head.lower_ not in BODY_DESCRIPTIONS
        or head.lower_ in _SELF_STANDING
        or head.tag_ in ("NNS", "NNPS")
    ):
        return False
    children = list(head.children)
    return len(children) == 1 and children[0].dep_ == "det" and children[0].lower_ == "the"


def _bare_name(text: str) -> str:
    """A mention as a name: without a possessive "'s" and a title ("Mayor Ines Marlowe's" -> "Ines Marlowe"); a
    peer keeps the title that names them ("Lord Goldsmith")."""
    return strip_title_keeping_peer(text.replace("\u2019s", "").replace("'s", "").strip())


class SpeakerResolver:
    """Resolves pronouns and short back-references to the full name mentioned earlier.

    Walks the document forward: ``observe`` is called with every sentence, and
    ``note_source`` with every source found; a pronoun resolves to the most
    recent singular named source (speakers are what news pronouns usually point
    back to), else the most recent person mentioned.
    """

    def __init__(self, doc: Doc, quotes: QuoteIndex | None = None) -> None:
        """``quotes``: the document's quotation index when the caller has one (the engine does); else built when
        first needed."""
        self.doc = doc
        self._full_names: dict[str, str] = {}  # "putin" -> "Vladimir Putin"
        self._last_person: tuple[int, str] | None = None
        self._last_source: tuple[int, str, SourceType, bool] | None = None  # (pos, name, type, plural)
        self._last_group: tuple[int, str, SourceType] | None = None
        self._ents: list[tuple[int, str]] | None = None
        self._ent_at = 0
        self._groups: list[tuple[int, str]] | None = None  # "the Liberal Democrats" mentioned anywhere
        self._subjects: list[tuple[int, str]] | None = None  # people named as a main clause's subject
        self._quotes = quotes
        self._genders: dict[str, str | None] = {}  # surname -> "m" / "f" / None, by the titles the story uses

    def _quoted_apart(self, candidate: int, head: Token) -> bool:
        """Is token ``candidate`` inside a quotation that ``head`` is outside of? A person named in a quote is
        who it talks about, not who speaks it ('"Daniel Ostrow is twice my size and kept pushing us," he said')."""
        if self._quotes is None:
            self._quotes = QuoteIndex(self.doc.text)
        span = self._quotes.containing(self.doc[candidate].idx)
        return span is not None and not span[0] <= head.idx < span[1]

    def _people(self) -> list[tuple[int, str]]:
        """(token index, name) of the people mentioned, in order: spaCy's PERSON entities, or, when the pipeline
        ran without NER, proper-noun names of two or more words ("Ana Ruiz", "Mayor Lena Okafor") and, as the
        subject of its clause, the surname of one named before ("Marlowe listened ...")."""
        doc = self.doc
        if doc.has_annotation("ENT_IOB"):
            return [(e.start, e.text) for e in doc.ents if e.label_ == "PERSON"]
        out = []
        surnames: set[str] = set()
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
                    surnames.add(name.split()[-1].lower())
                elif name is not None and name.lower() in surnames and t.dep_ in _SUBJECTS:
                    out.append((t.i, name))
        return out

    def _people_once(self) -> list[tuple[int, str]]:
        """``_people()``, computed once: ``observe`` walks it, ``_subject_before`` picks subjects from it."""
        if self._ents is None:
            self._ents = self._people()
        return self._ents

    def _subject_before(self, head: Token) -> tuple[int, str] | None:
        """The person who is the subject of the main clause of ``head``'s sentence (before it) or of the sentence
        just before ("Marlowe listened for almost four hours. At the end of the hearing she said ...")."""
        if self._subjects is None:
            doc = self.doc
            self._subjects = []
            for start, name in self._people_once():
                words = len(name.split())
                token = next(
                    (t for t in doc[start : start + words + 1] if t.pos_ == "PROPN" and t.dep_ in _SUBJECTS), None
                )
                if token is not None and token.head == token.sent.root:
                    self._subjects.append((token.i, self.full_name(_bare_name(name))))
        earliest = _start_back(head, 1)
        before = [s for s in self._subjects if earliest <= s[0] < head.i]
        return before[-1] if before else None

    def _named_group_before(self, i: int) -> tuple[int, str] | None:
        if self._groups is None:
            self._groups = [(t.i, t.doc[t.left_edge.i : t.i + 1].text) for t in self.doc if t.i and _named_group(t)]
        before = [g for g in self._groups if g[0] < i]
        return before[-1] if before else None

    def _body_before(self, head: Token) -> str | None:
        """What a speaking "it" or bare description ("the company", :func:`_body_description`) points back to: the
        organisation that is the main subject of the nearest sentence before (or of this sentence, before the
        pronoun) whose subject is a singular thing, not a person.

        "Kestrel Mining will get short-term loans. It estimated that ..." -> "Kestrel Mining". Only an "it" that
        says, estimates, warns ... (:data:`SPEAKING_VERBS`) outside quotation marks is resolved. None when that
        subject is a common noun ("The report said ... It added ...": a thing with no name to give) or another
        pronoun ("anyone"); a subject "it" points further back, a plural or a description ("the club") is passed
        over; a name with a title or a role before it ("analyst Ivo Brandt") is a person, never "it"; only the
        three sentences before are read."""
        doc = self.doc
        verb = head.head
        if head.dep_ not in _SUBJECTS or verb.lower_ not in SPEAKING_VERBS:
            return None
        if self._quotes is None:
            self._quotes = QuoteIndex(doc.text)
        if self._quotes.containing(head.idx) is not None:
            return None  # '"It had an impact on us," he said': the quote's own "it"
        # this sentence before the pronoun, then the three before it, nearest first
        spans = [doc[head.sent.start : head.i]]
        earliest = _start_back(head, 3)
        while spans[-1].start > earliest:
            spans.append(doc[spans[-1].start - 1].sent)
        for span in spans:
            subjects = [t for t in span if t.dep_ in _SUBJECTS and _main_verb(t.head)]
            if not subjects:
                continue
            subject = subjects[-1]
            if subject.lower_ == "it" or subject.tag_ in ("NNS", "NNPS"):
                continue
            if subject.pos_ == "PRON" or self._quoted_apart(subject.i, head):
                return None
            named = next((c for c in subject.children if c.dep_ in ("conj", "appos") and c.pos_ == "PROPN"), None)
            if subject.pos_ != "PROPN" and named is not None:
                if any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in subject.children):
                    continue  # "its own internet business, Orlo Online, ...": a part of the body named before
                subject = named  # "German football club and former European champion Borussia Vallen"
            if subject.pos_ != "PROPN":
                if subject.lower_ in BODY_DESCRIPTIONS:
                    continue  # "the club", "the company": described; the name is further back
                return None
            name = _body_name(subject)
            if name is not None and re.search(_PERSONAL_TITLE + re.escape(name.split()[-1]) + r"\b", doc.text):
                return None  # "Marta Kell runs Kell Foods ... Ms Kell": a person, never "it"
            return name
        return None

    def last_person(self, i: int) -> str | None:
        """The last singular person credited before token ``i`` when named ("the American expert" -> them)."""
        if self._last_source and self._last_source[0] < i and self._last_source[2] == "named":
            name = self._last_source[1]
            return name if " " in strip_title(name) else None
        return None

    def observe(self, sent: Span) -> None:
        # Span.ents rebuilds the document's entity list on every call: walk one precomputed list instead.
        ents = self._people_once()
        while self._ent_at < len(ents) and ents[self._ent_at][0] < sent.start:
            self._ent_at += 1
        while self._ent_at < len(ents) and ents[self._ent_at][0] < sent.end:
            start, text = ents[self._ent_at]
            self._ent_at += 1
            name = _bare_name(text)
            parts = name.split()
            if len(parts) >= 2 and parts[0].lower() not in PEER_TITLES:
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
            if source_type == "named" and 2 <= len(parts) <= 4:
                # a full name seen as a source resolves its surname later ("Ruiz said")
                self._full_names.setdefault(parts[-1].lower(), strip_title(name))

    def _gender(self, name: str) -> str | None:
        """ "m" or "f" when the story writes the person's surname with a title that says ("Mr Banning", "Ms
        Hallam"), else None."""
        parts = _bare_name(name).split()
        if not parts:
            return None
        if parts[-1].lower() in ("spokesman", "spokeswoman", "man", "woman"):
            return "f" if parts[-1].lower().endswith("woman") else "m"  # an unnamed speaker ("a spokeswoman")
        if parts[-1] not in self._genders:  # one search of the story per surname
            surname = re.escape(parts[-1])
            text = self.doc.text
            male = re.search(rf"\b(?:{_MALE_TITLES})\.?\s+(?:[A-Z]\w+\s+)?{surname}\b", text)
            female = re.search(rf"\b(?:{_FEMALE_TITLES})\.?\s+(?:[A-Z]\w+\s+)?{surname}\b", text)
            self._genders[parts[-1]] = None if bool(male) == bool(female) else "m" if male else "f"
        return self._genders[parts[-1]]

    def _person_before(self, head: Token) -> tuple[str | None, SourceType | None]:
        """The person "he" or "she" at ``head`` points back to, with their source type; (None, None) when
        nobody fits. "he" never points to a person the story calls Ms or Mrs, "she" never to a Mr."""
        candidates = []
        if self._last_source and self._last_source[0] < head.i:
            candidates.append(self._last_source[:3])
        if self._last_person and self._last_person[0] < head.i:
            candidates.append((self._last_person[0], self._last_person[1], "named"))
        # claims are built once the whole document was observed, so the last person observed may come
        # after the pronoun: the person who is the main clause's subject in the pronoun's sentence or the
        # one before is a candidate too ("Haddad said ... Marlowe listened for hours. At the end of the
        # hearing she said ...": Marlowe)
        subject = self._subject_before(head)
        if subject is not None:
            candidates.append((subject[0], subject[1], "named"))
        candidates = [c for c in candidates if not self._quoted_apart(c[0], head)]
        kind = PRONOUN_KINDS.get(head.lower_)
        if kind in ("m", "f") and candidates:
            agreeing = [c for c in candidates if self._gender(c[1]) in (None, kind)]
            if not agreeing:
                # "Ana Ruiz met Tomas Kell. Ms Ruiz said ... Later he said ...": the person mentioned last in
                # this sentence or the two before whose title does not say otherwise
                earliest = _start_back(head, 2)
                agreeing = [
                    (start, self.full_name(_bare_name(name)), "named")
                    for start, name in self._people_once()
                    if earliest <= start < head.i
                    and self._gender(name) in (None, kind)
                    and not self._quoted_apart(start, head)
                ][-1:]
            candidates = agreeing
        if not candidates:
            return None, None
        # The most recent of: last singular source, last person mentioned, the recent main subject.
        pos, name, st = max(candidates, key=lambda c: c[0])
        # a person named between them: in a later sentence than the unnamed speaker's, or in the pronoun's own
        # sentence when the speaker is in it too ("A spokesman said Mr Kell had friends in common with Ms
        # Ruiz, who he described as ...")
        after = self.doc[pos].sent.end if self.doc[pos].sent.start != head.sent.start else pos + 1
        if st == "anonymous" and any(
            after <= start < head.i and (kind not in ("m", "f") or self._gender(person) in (None, kind))
            for start, person in self._people_once()
        ):
            # "..., a spokesman said. Party spokesman Tom Vance has branded ... He said": a person named in a
            # sentence after the unnamed speaker's may be the one meant; nobody is chosen (a person the speaker
            # talks about in their own sentence does not count: "A spokeswoman said Ms Kelly ... But she added"; nor
            # does one whose title says the pronoun is not theirs: "Lord Woolf" for a "she")
            return None, None
        return name, st

    def person_described(self, head: Token, *, main_clause: bool = False) -> str | None:
        """The person a description ("The Scot", "the 27-year-old") at ``head`` points back to: the last person
        named as a subject in its sentence before it or the two sentences before ("Everton manager Davide Moyer
        will discipline striker Jon Batty. The Scot ...": Moyer, not Batty); with ``main_clause``, only the
        subject of a main clause ("Yelling said the team would understand if Holt opted out": Yelling, not Holt);
        None when none is."""
        doc = self.doc
        earliest = _start_back(head, 2)
        found = None
        for start, name in self._people_once():
            if not earliest <= start < head.i or self._quoted_apart(start, head):
                continue
            words = len(name.split())
            if any(
                t.dep_ in _SUBJECTS and (not main_clause or _in_main_clause(t))
                for t in doc[start : min(head.i, start + words + 2)]
                if t.pos_ == "PROPN"
            ):
                found = self.full_name(_bare_name(name))
        return found

    def story_person(self) -> str | None:
        """The first person the story names (by full name where it gives one): who an epithet such as "the
        double Olympic champion" may stand for."""
        people = self._people_once()
        return self.full_name(_bare_name(people[0][1])) if people else None

    def resolve(self, head: Token) -> tuple[str | None, SourceType | None]:
        """Name and type a pronoun (or short name) refers to; (None, None) when unknown."""
        low = head.lower_
        kind = PRONOUN_KINDS.get(low)
        if kind in ("m", "f"):
            return self._person_before(head)
        if kind == "p" and low in ("they", "them", "their"):
            group = self._last_group if self._last_group and self._last_group[0] < head.i else None
            mention = self._named_group_before(head.i)
            if mention is not None and (group is None or mention[0] > group[0]) and head.sent.start - mention[0] < 80:
                # "... opposed by the Liberal Democrats. They have said ...": a party named just before
                return mention[1], "named"
            if group is not None:
                return group[1], group[2]
            return None, None
        if low == "it" or _body_description(head):
            body = self._body_before(head)
            return (body, "named") if body else (None, None)
        if head.pos_ == "PROPN" or (head.text[:1].isupper() and head.tag_ in ("NNS", "NNPS")):
            full = self.full_name(head.text)  # "Connors", tagged a plural noun, after "Jimmy Connors"
            return (full if full != head.text else None), None
        return None, None

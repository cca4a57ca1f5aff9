"""What a question asks: its parts (a question asking several things is read part by part) and its kind
(a figure or a time), which the reader's combined score uses."""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexing.text.lexicon import holds_name_word, name_words

__all__ = ["asked_kind", "asked_names", "mentions", "names_a_person", "person_asked", "split_question", "typed_match"]

_NOMINAL = frozenset({"NOUN", "PROPN"})


# "What did A and B (each) say about Z?" -> one question per speaker.
_TWO_SPEAKERS = re.compile(
    r"^(?P<lead>(?:what|how|why)\s+(?:did|do|does|have|has|had|will|would))\s+(?P<a>[^?,]{2,60}?)\s+and\s+(?P<b>[^?,]{2,60}?)"
    r"\s+(?:each\s+|both\s+)?(?P<verb>say|said|think|react|respond|explain|describe|view|see|make\s+of)\b(?P<rest>[^?]*)\??\s*$",
    re.IGNORECASE,
)
# "Where do A, B and C stand on ...?", "What arguments have A, B and C made about ...?": one question per
# speaker of a list of three or more (the parse of such a list is unreliable: an apposition, a stray root).
_SPEAKER_LIST = re.compile(
    r"^(?P<lead>.*?\b(?:did|do|does|have|has|had|will|would|are|were)\s+)(?P<list>[^?]{2,160}?)"
    r"\s+(?P<rest>(?:each\s+|both\s+|all\s+)?(?:say|said|think|react|respond|explain|describe|view|see|make|made"
    r"|stand|rate|reply|argue|defend|feel|regard|assess|judge|answer|interpret)\b[^?]*)\??\s*$",
    re.IGNORECASE,
)
_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
# "..., and what does X plan?" / "... and how did Y react?": a second question joined to the first.
_JOINED = re.compile(
    r"[,;]?\s+and\s+(?=(?:what|who|how|why|when|where|which|does|do|did|is|are|was|were|has|have|will|would)\b)",
    re.IGNORECASE,
)


def split_question(question: str) -> list[str]:
    """The parts of a question that asks several things (the question itself when it asks one).

    "Has X turned it down? What are its ministers saying?" -> two questions; "What has X threatened,
    and what does Y plan?" -> two; "What did the union and the ministry each say about the deal?" ->
    one per speaker.
    """
    text = " ".join(question.split())
    parts = [p.strip() for p in re.split(r"(?<=\?)\s+(?=[A-Z])", text) if p.strip()]
    out: list[str] = []
    for part in parts:
        pieces = _JOINED.split(part)
        if len(pieces) > 1 and all(len(x.split()) >= 3 for x in pieces):
            out.extend(_as_question(x) for x in pieces)
            continue
        listed = _listed_speakers(part)
        if listed:
            out.extend(listed)
            continue
        m = _TWO_SPEAKERS.match(part)
        if m:
            tail = f"{m['verb']}{m['rest']}".strip()
            out.extend(_as_question(f"{m['lead']} {who} {tail}") for who in (m["a"], m["b"]))
            continue
        out.extend(_per_subject(part))
    return out or [question]


def _listed_speakers(question: str) -> list[str]:
    """One question per speaker when the question lists three or more before its verb ("Where do Martin Jol,
    Sir Alex Ferguson and Arsene Wenger stand on ...?"); [] otherwise."""
    m = _SPEAKER_LIST.match(question)
    if m is None or "," not in m["list"]:
        return []
    names = [n.strip() for n in _LIST_SEPARATOR.split(m["list"]) if n.strip()]
    if len(names) < 3 or any(len(n.split()) > 6 for n in names):
        return []
    rest = re.sub(r"^(?:each|both|all)\s+", "", m["rest"].strip(), flags=re.IGNORECASE)
    return [_as_question(f"{m['lead']}{name} {rest}") for name in names]


def _per_subject(question: str) -> list[str]:
    """One question per subject when the question's subject is a coordination of speakers or actors.

    "How have Willie Walsh and Ireland's transport minister addressed the concerns?" -> "How have Willie
    Walsh addressed the concerns?", "How have Ireland's transport minister addressed the concerns?" (the
    grammar of the parts does not matter to the reader). Read from the question's dependency parse: a
    nominal subject with nominal conjuncts joined by "and". A coordination elsewhere ("about pay and
    conditions") is one thing asked about, not several askers, and stays whole.
    """
    from app.compose.answerability import parse_question

    doc = parse_question(question)
    if doc is None:
        return [question]
    for token in doc:
        agent = token.dep_ == "pobj" and token.head.dep_ == "agent"  # "received by doctors and opposition parties"
        if (token.dep_ not in ("nsubj", "nsubjpass") and not agent) or token.pos_ not in _NOMINAL:
            continue
        conjuncts = [c for c in token.conjuncts if c.pos_ in _NOMINAL]
        joined = any(t.dep_ == "cc" and t.lower_ == "and" for c in (token, *conjuncts) for t in c.children)
        if not conjuncts or not joined:
            continue
        span = list(token.subtree)
        start, end = span[0].i, span[-1].i
        head, tail = doc[:start].text_with_ws, doc[end + 1 :].text
        parts = []
        for c in (token, *conjuncts):
            dropped = {t.i for k in c.children if k.dep_ in ("conj", "cc") or k.is_punct for t in k.subtree}
            phrase = " ".join(t.text for t in c.subtree if t.i not in dropped and t.lower_ not in ("each", "both"))
            parts.append(_as_question(f"{head}{phrase} {tail}".replace(" 's", "'s")))
        return parts
    return [question]


def _as_question(text: str) -> str:
    text = text.strip().rstrip("?.! ,;")
    return f"{text[:1].upper()}{text[1:]}?"


# What a question asks for, when its wording says so: a time ("when", "what year"), a duration ("how long", "what
# sentence"), a change ("by how much", "how much did revenue fall", "what pay rise": a sum, a share or a count,
# read as another figure), a sum of money ("how much did it cost", "what fee"), a share ("what proportion"), a
# count ("how many"), another figure ("how big") or a name (below). A candidate then either holds one (+1) or
# not (-1).
_ASKS_FIGURE = re.compile(
    r"\b(?:how\s+(?:many|much)|by\s+how|what\s+(?:(?:weekly|monthly|annual|yearly|daily|total|average|overall|extra"
    r"|final|maximum|minimum|exact|estimated)\s+)?(?:percentage|proportion|share|figure|price|sum|amount|number|fee"
    r"|fine|salary|budget)"
    r"|how\s+(?:big|large|high|low|far|fast)\b)",
    re.IGNORECASE,
)
_ASKS_TIME = re.compile(
    r"^\s*(?:and\s+)?when\b|\bwhat\s+(?:year|date|day|month)\b|\bby\s+when\b|\bhow\s+long\s+ago\b", re.IGNORECASE
)
_ASKS_DURATION = re.compile(
    r"\bhow\s+long\b(?!\s+ago)|\bwhat\s+(?:\w+\s+){0,2}?(?:sentence|term|ban|suspension)\b", re.IGNORECASE
)
_MONEY_NOUNS = (
    r"price|fee|sum|salary|profits?|revenues?|sales|pension|allowance|budget|bonus|fine|damages|cost|payment"
    r"|compensation|loss|losses|value|valuation|wages?|pay|turnover|earnings"
)
_ASKS_MONEY = re.compile(
    r"\bhow\s+much\b.*\b(?:pay|paid|paying|costs?|costing|spend|spent|spending|charged?|charging|earn|earns|earned"
    r"|earning|worth|raised?|invest|invested|investing|claim|claimed|claiming|seek|seeking|sought|offer|offered"
    r"|offering|owe|owed|owes|fined?|compensation|damages|money|cash|funding|funds?|bid|receive|received|award"
    r"|awarded|budget|bill|debts?|profits?|revenue|sales|loss|losses|pension|price|prize)\b"
    rf"|\bwhat\s+(?:(?!about\b)\w+\s+){{0,3}}?(?:{_MONEY_NOUNS})\b(?!-)"
    r"|\bwhat\s+(?:did|does|do|will|would|could|is|was)\s+(?:(?!\babout\b)[^?]){0,60}?\b(?:cost|worth)\b(?!-)",
    re.IGNORECASE,
)
_ASKS_CHANGE = re.compile(
    r"\bby\s+how\s+(?:much|many)\b|\bhow\s+(?:much|far)\b[^?]*\b(?:rise|rose|risen|rising|fall|fell|fallen|falling|grow|grew"
    r"|grown|growing|drop|dropped|dropping|increase[ds]?|increasing|decrease[ds]?|decreasing|climb(?:ed|ing)?|go\s+up"
    r"|went\s+up|gone\s+up|go\s+down|went\s+down|jump(?:ed)?|slump(?:ed)?|shrink|shrank|shrunk|cut)\b"
    r"|\b(?:what|how\s+(?:big|large|much\s+of)\s+an?)\s+(?:\w+\s+){0,2}?(?:pay|wage|salary|price|fare|rent|tax|rate)"
    r"\s+(?:rise|rises|increase|increases|raise|cut|cuts|hike|freeze)\b",
    re.IGNORECASE,
)
_ASKS_SHARE = re.compile(r"\bwhat\s+(?:\w+\s+){0,2}?(?:percentage|proportion|share|fraction|discount)\b", re.IGNORECASE)
_ASKS_COUNT = re.compile(r"\bhow\s+many\b|\bwhat\s+(?:number|crowd|attendance|audience)\b", re.IGNORECASE)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?"
    r"|billions?|trillions?|dozens?|scores?|a\s+handful|several|half"
)
_ORDINALS = (
    r"\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|twentieth"
)
_FIGURE = re.compile(
    r"\d|[£$€%]|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?|thousands?"
    r"|millions?|billions?|trillions?|dozens?|half|third|quarter|doubled?|tripled?|per\s*cent)\b",
    re.IGNORECASE,
)
# a number that is not part of a percentage ("8.1%" is no count of passengers)
_COUNT = re.compile(
    rf"(?<![\d.,])\d[\d,]*(?:\.\d+)?(?!\d|[.,]\d|\s?%|\s*per\s*cent)|\b(?:{_NUMBER_WORDS}|{_ORDINALS}|none|no\s+\w+)\b",
    re.IGNORECASE,
)
# A sum of money; "an undisclosed fee", "unspecified damages" give none (the asked sum is not reported).
_MONEY = re.compile(
    r"[£$€¥]\s?\d|\d(?:[\d,.]*\d)?\s?(?:m|bn|k|p)\b|\b(?:pounds?|dollars?|euros?|pence|yen|pesos|cents?|francs?"
    r"|rupees?|roubles?|rubles?|yuan|renminbi|crowns?|kron[aeo]r?|kroner|rand|zloty|lira|lire|shekels?|dinars?"
    r"|dirhams?|ringgit|baht|guilders?|pesetas?|punts?|millions?|billions?)\b",
    re.IGNORECASE,
)
_SHARE = re.compile(
    r"%|\bper\s*cent|\bpercent|\b(?:half|halved?|third|thirds|quarters?|fifths?|tenths?|majority|minority|doubled?"
    r"|tripled?|one\s+in\s+\w+)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    rf"\b(?:\d[\d.]*|{_NUMBER_WORDS}|a|an|few|couple\s+of|many)[\s-]+(?:more\s+|further\s+)?(?:seconds?|minutes?"
    r"|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?|seasons?|games?|matches?)\b|\blife\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?:1[89]\d\d|20\d\d)s?\b|\b(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|tomorrow|ago"
    r"|weekend|next\s+(?:week|month|year)|last\s+(?:week|month|year)|(?:this|next|last)\s+(?:spring|summer|autumn"
    r"|winter)|weeks?|months?|years?|decades?)\b",
    re.IGNORECASE,
)
# A person, an organisation or a place asked for by name: "Who has taken over from ...?", "What is the name of
# ...?", "Which companies ...?", "In which countries ...?". A judgement asked with "who" ("Who would gain most
# ...?") wants no name.
_ASKS_NAME = re.compile(
    r"^\s*(?:and\s+)?who\b(?!\s+(?:would|could|might|should)\s+(?:gain|benefit|lose|suffer|win)\b)"
    r"|\bwhat\s+(?:is|are|was|were)\s+the\s+(?:real\s+|full\s+)?names?\b"
    r"|\bwhich\s+(?:\w+\s+){0,2}?(?:company|companies|firms?|clubs?|banks?|groups?|players?|teams?|country|countries"
    r"|city|cities|towns?|executives?|directors?|managers?|officials?|ministers?|organisations?|body|bodies|buyers?"
    r"|bidders?|party|parties|airlines?|studios?|channels?|networks?|retailers?|brands?|funds?|investors?|rivals?"
    r"|regions?|pits?|plants?|factory|factories|stores?|clients?|insurers?|states?|nations?|parks?|venues?"
    r"|stadiums?|university|universities|schools?|hospitals?|courts?|\w*makers?)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z’'-]+")
_NOT_NAMES = frozenset(
    {"I", "Mr", "Mrs", "Ms", "Dr", "Sir", "Lord", "He", "She", "It", "They", "We", "The", "But", "And"}
    # a day or a month is no name asked for ("Mr Tellier said on Monday" names nobody new)
    | {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February"}
    | {"March", "April", "June", "July", "August", "September", "October", "November", "December"}
)


def _names_beyond(text: str, question: str) -> bool:
    """Does ``text`` hold a capitalised word the question does not (a name it could be asking for)? A word that
    opens a sentence or a quotation is capitalised anyway and does not count."""
    asked = {re.sub(r"[’']s$", "", w.lower()) for w in re.findall(r"[A-Za-z][\w’'-]*", question)}
    for m in _CAPITALISED.finditer(text):
        before = text[: m.start()].rstrip()
        if not before or before[-1] in ".!?\"“‘'":
            continue
        word = m.group(0)
        if word not in _NOT_NAMES and re.sub(r"[’']s$", "", word.lower()) not in asked:
            return True
    return False


_HOLDS = {"time": _TIME, "duration": _DURATION, "money": _MONEY, "share": _SHARE, "count": _COUNT, "figure": _FIGURE}
_QUESTION_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def asked_kind(question: str) -> str | None:
    """What the question's wording asks for: ``"time"``, ``"duration"``, ``"money"``, ``"share"``, ``"count"``,
    another ``"figure"``, a ``"name"`` (a person, an organisation, a place), or None."""
    if _ASKS_TIME.search(question):
        return "time"
    if _ASKS_DURATION.search(question):
        return "duration"
    if _ASKS_CHANGE.search(question):  # a rise or a fall ("by how much", "what pay rise"): a sum, a share or a count
        return "figure"
    if _ASKS_MONEY.search(question):
        return "money"
    if _ASKS_SHARE.search(question):
        return "share"
    if _ASKS_COUNT.search(question):
        return "count"
    if _ASKS_FIGURE.search(question):
        return "figure"
    if _ASKS_NAME.search(question):
        return "name"
    return None


def typed_match(kind: str | None, text: str, question: str = "") -> int:
    """+1 when ``text`` holds what ``kind`` asks for, -1 when it does not, 0 for a question of no such kind (and
    for a name found: most passages name someone).

    A name is a capitalised word the question does not hold. A figure the question itself gives is not the asked
    one ("How many people do the 529 quangos employ?" is not answered by "the 529 quangos"): the question's
    numbers are left out of ``text`` first.
    """
    if kind is None:
        return 0
    if kind == "name":  # most passages name someone: a name is no sign of the answer, its absence is
        return 0 if _names_beyond(text, question) else -1
    if kind != "time":
        for number in set(_QUESTION_NUMBER.findall(question)):
            text = re.sub(rf"(?<![\d.,]){re.escape(number)}(?!\d)", " ", text)
    if kind == "duration" and _TIME.search(text):
        return 1  # "How long will it take?" - "by early October"
    return 1 if _HOLDS[kind].search(text) else -1


# A person's name as a question writes it: two to four capitalised words (a title first, particles such as
# "de" or "van" inside), "himself"/"herself" or "each" after it allowed: "Ana Ruiz", "Sir Tomas Vell".
_PERSON_NAME = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Sir|Lord|Lady|Dame|Prof)\.?\s+)?[A-Z][\w’'-]+"
    r"(?:\s+(?:de|del|van|von|der|den|da|di|du|le|la|bin|al|[A-Z][\w’'-]+)){1,3}$"
)
_NOT_A_PERSON = frozenset(
    {
        "the",
        "government",
        "ministry",
        "department",
        "office",
        "party",
        "union",
        "council",
        "court",
        "commission",
        "committee",
        "club",
        "group",
        "bank",
        "company",
        "association",
        "federation",
        "board",
        "agency",
        "authority",
        "police",
        "service",
        "university",
        "news",
        "times",
        "post",
        "league",
        "cup",
        "fc",
        "united",
        "city",
    }
)


def person_asked(asked: str) -> str | None:
    """The person's name when the speaker a question asks about (:func:`app.compose.evidence.asked_source`) is
    written as one ("Ana Ruiz", "Dr Tomas Vell himself" -> "Dr Tomas Vell"); None for a role, a group or an
    organisation ("the port's director", "Calder Bay Council", "Lumora's chief executive")."""
    text = re.sub(r"\s+(?:himself|herself|themselves|each|both)$", "", " ".join(asked.split()))
    if not _PERSON_NAME.match(text) or re.search(r"[’']s\b", text):
        return None
    return None if any(word.lower() in _NOT_A_PERSON for word in text.split()) else text


def names_a_person(asked: str) -> bool:
    """True when the speaker a question asks about is written as a person's name (:func:`person_asked`)."""
    return person_asked(asked) is not None


# Names a question gives: two capitalised words or more in a row ("Ana Ruiz", "Harbour Town Ferries", "Tomas van
# Dijk"), not counting the word opening the question; a possessive "'s" is dropped.
_NAME_WORD = r"[A-Z][\w’'-]*"
_NAME_RUN = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:de|del|van|von|der|den|da|di|du|le|la|bin|al)\s+)?{_NAME_WORD})+")
_NOT_NAME_WORDS = frozenset(
    {
        "What",
        "Who",
        "How",
        "Why",
        "When",
        "Where",
        "Which",
        "Did",
        "Does",
        "Do",
        "Is",
        "Are",
        "Was",
        "Were",
        "Has",
        "Have",
        "Had",
        "Will",
        "Would",
        "Can",
        "Could",
        "Should",
        "The",
        "In",
        "On",
        "According",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sir",
        "Lord",
        "Lady",
        "Dame",
        "And",
        "But",
        "I",
    }
)


def asked_names(question: str) -> list[tuple[str, ...]]:
    """The names of two words or more the question gives, each as its words ("How much did Harbour Town Ferries
    pay Ana Ruiz?" -> ("Harbour", "Town", "Ferries"), ("Ana", "Ruiz")): a passage from an article that mentions
    none of a name's words cannot be about it (:func:`mentions`). A one-word name ("Kestrel", "Uganda") is left
    out: news writes it other ways too often ("the Ugandan government")."""
    names = []
    for m in _NAME_RUN.finditer(question):
        words = []
        at = m.start()
        for w in m.group(0).split():
            at = question.index(w, at)
            opening = at == 0 or question[:at].rstrip().endswith(("?", ".", "!", ":", '"', "“"))
            word = re.sub(r"[’']s?$", "", w)
            if not opening and word and word not in _NOT_NAME_WORDS:
                words.append(word)
            at += len(w)
        if len(words) >= 2:
            names.append(tuple(words))
    return names


def mentions(text: str, name: Sequence[str]) -> bool:
    """True when ``text`` holds a word of ``name`` (three letters or more) as a whole word written as the name
    writes it: "Sir Alex Ferguson" is mentioned by "Ferguson", "Athens Games" by "the Athens Olympics", but
    "Halden Leather Company" not by "the company's running costs"."""
    words = name_words(" ".join(name))
    return not words or holds_name_word(text, words)

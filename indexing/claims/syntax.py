"""Dependency-parse helpers of the engine: cue tokens, the source of a cue verb, character runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexing.text.lexicon import RECIPIENT_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "char_span",
    "content_from_head",
    "cue_tokens",
    "find_source",
    "runs",
    "strip_edges",
    "trim",
]

_CLOSE_PUNCT = set(".,;:!?")
# prepositions before a reporting gerund whose speaker is the doer of the governing clause ("by saying")
_GERUND_PREPS = frozenset(["by", "after", "before", "from", "upon", "on", "while", "when", "without", "in", "since"])


def char_span(tokens: list[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """Contiguous runs of tokens (by index) as char spans."""
    out: list[tuple[int, int]] = []
    run: list[Token] = []
    for t in sorted(tokens, key=lambda t: t.i):
        if run and t.i != run[-1].i + 1:
            out.append(char_span(run))
            run = []
        run.append(t)
    if run:
        out.append(char_span(run))
    return out


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace and edge punctuation that is not a quotation mark."""
    while start < end and (text[start].isspace() or text[start] in ",;:-\u2014\u2013"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _CLOSE_PUNCT | {"-", "\u2014", "\u2013"}):
        end -= 1
    return start, end


def cue_tokens(verb: Token) -> list[Token]:
    """The verb with the auxiliaries, negation and adverbs right before it ("has also said"), a particle
    right after it ("pointed out") and a colon that introduces the content ("said:") -- PolNeAR's convention."""
    doc = verb.doc
    block = [verb]
    k = verb.i - 1
    while k >= verb.sent.start:
        t = doc[k]
        if t.head.i == verb.i and t.dep_ in ("aux", "auxpass", "neg", "advmod") and t.tag_ != "WRB":
            block.insert(0, t)
            k -= 1
        else:
            break
    if block[0].lower_ == "to" and verb.dep_ in ("xcomp", "advcl") and verb.head.i < block[0].i:
        # "went on to say", "tried to defend", "has begun to rebut": the governing verb, when it reports
        # nothing itself, joins the cue (PolNeAR); train: 46 of 49 annotated cues after "to" include it
        from .cues import is_cue_verb

        head = verb.head
        between = doc[head.i + 1 : block[0].i]
        if (
            head.pos_ == "VERB"
            and not is_cue_verb(head.lower_)
            and len(between) <= 2
            and all(t.head.i == head.i and t.dep_ in ("prt", "advmod", "neg") for t in between)
        ):
            lead = {t.i: t for t in [*cue_tokens(head), *between] if t.i < block[0].i}
            block = [lead[i] for i in sorted(lead)] + block
    k = verb.i + 1
    if k < len(doc) and doc[k].dep_ == "prt" and doc[k].head.i == verb.i:
        block.append(doc[k])
        k += 1
    # adjuncts PolNeAR's annotators take into the cue when they follow the verb directly (train, share of
    # cues with that adjunct that include it): "said Sunday" (60 %), "said in a statement" (63 %),
    # "fired back", "noted repeatedly"; not "said in an interview" (36 %).
    if verb.pos_ in ("VERB", "AUX"):
        for _ in range(2):
            if k >= len(doc) or doc[k].head.i != verb.i:
                break
            t = doc[k]
            if t.dep_ in ("npadvmod", "advmod", "prep") and t.lower_ in _DAY_WORDS | _CUE_ADVERBS:
                block.append(t)
                k += 1
            elif t.dep_ == "prep" and t.lower_ == "in":
                pobj = next((c for c in t.children if c.dep_ == "pobj"), None)
                if pobj is None or pobj.lower_ != "statement" or any(c.i > pobj.i for c in pobj.children):
                    break  # "in a statement that ..." / "in a statement to reporters": the rest is not cue
                block.extend(doc[t.i : pobj.i + 1])
                k = pobj.i + 1
            else:
                break
    if k < len(doc) and doc[k].text == ":":
        block.append(doc[k])
    return block


_DAY_WORDS = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday", "today", "tonight"]
)
_CUE_ADVERBS = frozenset(["back", "repeatedly", "recently", "then"])


def strip_edges(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _subject_of(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if len(subjects) >= 2 and double_subject_name(subjects[1]) == subjects[0]:
        return subjects[1]  # "Varga's lawyer Gregory Ostrow described ...": the name, not the role
    if len(subjects) >= 2 and {c.dep_ for c in subjects[0].children} & {"cc", "conj"} == {"cc"}:
        # "Veteran MP and former minister Ana Ruiz has said ...", read as two subjects with the "and" left on
        # the first: one person, whose name is the second
        return subjects[1]
    return subjects[0] if subjects else None


def double_subject_name(name: Token) -> Token | None:
    """For a full name the parser made a second subject of its verb right after a role noun subject ("Varga's
    lawyer" + "Gregory Ostrow" described ...), the role's head; else None."""
    if name.dep_ != "nsubj" or name.pos_ != "PROPN" or name.head == name:
        return None
    if not any(c.dep_ in ("compound", "flat") and c.pos_ == "PROPN" and c.i < name.i for c in name.children):
        return None  # a person's full name ("Gregory Ostrow"), not a one-word name of a body or a show
    start = name.left_edge.i
    for c in name.head.children:
        if c.dep_ == "nsubj" and c != name and c.pos_ == "NOUN" and c.right_edge.i == start - 1:
            return c
    return None


def _agent_of(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def find_source(verb: Token) -> tuple[Token | None, str | None]:
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
            # as written ("the harbour master's office"), not the tokens joined by spaces
            text = verb.doc[ante_toks[0].i : ante_toks[-1].i + 1].text.strip(" ,") if ante_toks else None
            return subj, text
        return subj, None
    inverted = _inverted_object(verb)
    if inverted is not None:
        return inverted, None
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        # "Harbor have had a session, and Varnia are thought to be keen": a passive cue's doer is
        # unnamed (its agent, when written, is found above); the subject of the verb it is joined to is not it
        return None, None
    # "..., saying that ..." / "and added ..." / "declined to say": the subject of the governing verb
    cur = verb
    for _ in range(3):
        if cur.dep_ in ("advcl", "conj", "xcomp") and cur.head is not cur:
            was_conj = cur.dep_ == "conj"
            cur = cur.head
            s = _agent_of(cur) or _subject_of(cur)
            if s is not None:
                if was_conj and cur.dep_ == "ccomp" and cur.head is not cur and not _can_speak(s):
                    # "X said the union's demand was 'not affordable' and insisted that ...": the parser put
                    # "insisted" in the reported clause; a demand cannot insist, the reporting speaker does.
                    outer = _subject_of(cur.head)
                    if outer is not None and _can_speak(outer):
                        return outer, None
                return s, None
        else:
            break
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.lower_ in _GERUND_PREPS:
        # "opened the meeting by saying ...", "After saying ..., the striker left", "aside from saying ...":
        # the speaker is the doer of the clause the preposition hangs on
        gov = verb.head.head
        if gov.pos_ in ("ADV", "ADP") and gov.dep_ in ("advmod", "prep") and gov.head is not gov:
            gov = gov.head
        if gov.pos_ in ("VERB", "AUX") and gov is not verb:
            return find_source(gov)
        return None, None
    if verb.dep_ == "acl" and verb.tag_ == "VBG":  # "a statement from X saying ..."
        return None, None
    if verb.tag_ in ("VBD", "VBZ", "VBP") and verb.dep_ in ("ROOT", "ccomp", "parataxis"):
        return _left_subject(verb), None
    return None, None


def _inverted_object(verb: Token) -> Token | None:
    """ "Holt may miss the final, claims his agent.": a reporting verb after a comma, with no subject, whose object
    ends the sentence is said by that object (the parser read the sentence as "Holt ... claims his agent")."""
    if verb.i == verb.sent.start or verb.doc[verb.i - 1].text != "," or verb.tag_ not in ("VBZ", "VBD"):
        return None
    if verb.lower_ in RECIPIENT_VERBS:
        return None  # '"...," Ana Ruiz, told the Courier': whom she told, not who told
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "attr") and c.i > verb.i), None)
    if obj is None or not _can_speak(obj):
        return None
    phrase = list(obj.subtree)
    if any(t.pos_ in ("VERB", "AUX") for t in phrase):
        return None  # "ignored research that highlighted problems, ...": a clause, not a speaker
    return obj if all(t.is_punct or t.is_space for t in verb.doc[phrase[-1].i + 1 : verb.sent.end]) else None


def _can_speak(tok: Token) -> bool:
    from .sources import is_plausible_source

    return is_plausible_source(tok)


def _left_subject(verb: Token) -> Token | None:
    """A finite cue verb the parser left without a subject ("As part of his plea, Marcel Lazar, 44, said ..."
    with the name hung on "plea"): the noun phrase right before it, when it can speak."""
    from .sources import is_plausible_source

    doc = verb.doc
    k = verb.i - 1
    while k >= verb.sent.start and (
        doc[k].text == "," or doc[k].head.i == verb.i and doc[k].dep_ in ("aux", "auxpass", "neg", "advmod")
    ):
        k -= 1
    if k < verb.sent.start or doc[k].pos_ not in ("PROPN", "NOUN", "PRON", "NUM"):
        return None
    cur = doc[k]
    while (
        cur.dep_ in ("appos", "compound", "nummod", "flat")
        and cur.head.i < cur.i
        and cur.head.pos_ in ("PROPN", "NOUN")
    ):
        if is_plausible_source(cur) and not is_plausible_source(cur.head):
            break
        cur = cur.head
    return cur if is_plausible_source(cur) and cur.pos_ != "PRON" or cur.lower_ in ("he", "she", "they") else None


def content_from_head(head: Token, exclude: set[int], text: str) -> list[tuple[int, int]]:
    toks = [t for t in head.subtree if t.i not in exclude]
    return [s for s in (trim(text, a, b) for a, b in runs(toks)) if s[1] > s[0]]

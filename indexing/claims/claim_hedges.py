"""A claim's hedges: the hedge cues of its text, less reported speech's "would" and an obligation's
"should" (not uncertainty), and the belief cues that hedge a claim themselves.

The functions take the engine (``engine._Engine``) as ``eng`` and are reached through its methods of the
same name (with a leading underscore).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from indexing.text.lexicon import PERSON_PRONOUNS, SPEAKER_PRONOUNS

from .cues import _inflect, is_cue_verb
from .hedges import find_hedge_spans
from .sources import is_document, is_plausible_source

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .engine import _Engine


__all__ = ["denied_belief", "hedge_spans", "is_hedge"]


# Cue verbs that report a belief or an estimate rather than an assertion: the claim is hedged.
_BELIEF_CUES = frozenset(
    f"{stem}{ending}"
    for stem, endings in {
        "believe": ("", "s", "d"),
        "think": ("", "s"),
        "thought": ("",),
        "expect": ("", "s", "ed"),
        "estimate": ("", "s", "d"),
        "predict": ("", "s", "ed"),
        "suspect": ("", "s", "ed"),
        "reckon": ("", "s", "ed"),
        "speculate": ("", "s", "d"),
        "hope": ("", "s", "d"),
        "hoping": ("",),
        "believing": ("",),
        "expecting": ("",),
        "fear": ("", "s", "ed", "ing"),
        "predicting": ("",),
        "estimating": ("",),
        "suspecting": ("",),
        "anticipate": ("", "s", "d"),
        "anticipating": ("",),
        "forecast": ("", "s", "ing"),
        # a tentative claim: "a new poll suggests ...", "she suggested the press had a hand in it"
        "suggest": ("", "s", "ed"),
        "suggesting": ("",),
    }.items()
    for ending in endings
)


def _obligation(verb: Token) -> bool:
    """ "should" as an obligation: a person or group must do something ("he should apologise", "handlers should
    have background checks"), a passive ("more care should be taken") or a past duty ("should have come up")."""
    kids = list(verb.children)
    if any(k.dep_ == "auxpass" for k in kids) and verb.tag_ == "VBN":
        return True
    if verb.tag_ == "VBN" and any(k.dep_ == "aux" and k.lower_ == "have" for k in kids):
        return True
    if verb.lower_ == "have" and any(k.dep_ == "dobj" for k in kids):
        return True  # "baggage handlers should have background checks": a requirement
    subj = next((k for k in kids if k.dep_ == "nsubj"), None)
    # "only judges should be able to order detention" is who must have a power, as "should do" is
    able = any(k.dep_ == "acomp" and k.lower_ == "able" for k in kids)
    if subj is None or (verb.lower_ == "be" and not able):
        return False  # "it should be fit", "the move should be approved": how things will likely be
    if able and subj.tag_ in ("NNS", "NNPS"):
        return True  # "judges should be able to": a plural is most often a group of people
    return (
        subj.lower_ in PERSON_PRONOUNS
        or subj.lower_ not in ("it", "this", "that")
        and is_plausible_source(subj)
        and not is_document(subj)
    )


# Past reporting/belief words whose "would" is the future of "will" ("was confident X would ...").
_REPORTED_FUTURE_HEADS = frozenset(
    ["confident", "sure", "certain", "convinced", "adamant", "determined", "clear", "aware", "hopeful", "optimistic"]
)


_CONDITIONAL_MARKS = frozenset(["if", "unless", "otherwise", "provided", "providing"])


# Reporting verbs of a commitment or a plan made public: what follows is what the speaker will do or has arranged
# ("vowed the men would remain in prison", "announced a service which would launch in May"), asserted.
_COMMITMENT_CUES = frozenset(
    ["vowed", "pledged", "promised", "announced", "confirmed", "guaranteed", "undertook", "committed", "agreed"]
)
# third person only: a quoted speaker's "my choice would be Sideways" is their own hypothetical, a hedge
_SPEAKER_POSSESSIVES = frozenset(["his", "her", "its", "their"])


def _speakers_own(subj: Token) -> bool:
    """Is the subject the speaker or the speaker's own side: a pronoun for the speaker ("said it would spend") or
    a possession of it ("said his party would introduce a grant")? An "it" that announces a clause after the verb
    ("it would be rash to ignore their advice") is nobody: what follows is a judgment, hedged."""
    if subj.lower_ == "it" and _extraposed(subj.head):
        return False
    if subj.lower_ in SPEAKER_PRONOUNS:
        return True
    return any(c.dep_ == "poss" and c.lower_ in _SPEAKER_POSSESSIVES for c in subj.children)


# Words for a post at an organisation ("HP boss Carly Vance", "Carly Vance, chief of ... Harlow Pembridge").
_ROLES = (
    r"(?i:chief|boss|head|chairman|chairwoman|chair|president|director|spokesman|spokeswoman|spokesperson|founder"
    r"|executive|manager|owner|ceo)"
)
# An organisation word whose owner is the article's own organisation ("The company's new chief executive ...").
_OWN_ORGANISATION_WORDS = frozenset(
    ["company", "firm", "group", "bank", "airline", "carrier", "retailer", "club", "business", "network", "studio"]
)
_INITIAL_GAP = r"[\w&-]*\s+"


def _lead(text: str) -> str:
    """A story's title and first paragraph (its first sentence when it has no paragraphs): where it names the
    organisation it is about."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if len(blocks) > 2:
        return "\n\n".join(blocks[:2])
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _speakers_organisation(subj: Token, verb: Token) -> bool:
    """Is the subject the organisation the speaker speaks for, so that its "would" is the speaker's own plan
    ("Ms Vance said that HP would be partnering a music channel")? "The company" is, for a speaker with a post ("chief
    executive", "spokesman"). A proper name is when the article gives the speaker
    a post there ("HP boss Carly Vance", "Carly Vance, chief of technology group Harlow Pembridge": an acronym
    stands for a name with its initials), or when the speaker's own words name a post at "the company" and the
    subject is the organisation the story's title or first sentence names ("The company's new chief executive
    Peter Lynd said Dunmore would use ..."). A rival's name ("said Tesmart would lose customers") is not."""
    speaker = next((k for k in verb.children if k.dep_ in ("nsubj", "nsubjpass")), None)
    if speaker is None:
        return False
    if subj.pos_ == "NOUN" and subj.lower_ in _OWN_ORGANISATION_WORDS:
        # "Chief executive Peter Lynd said the company would ...": a post-holder speaking of their own
        # organisation (an analyst's "the company would struggle" stays a hedge)
        return any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children) and any(
            re.fullmatch(_ROLES, t.text) for t in speaker.subtree
        )
    if subj.pos_ != "PROPN":
        return False
    doc = subj.doc
    name = doc[subj.left_edge.i : subj.i + 1].text
    if not name[:1].isupper():
        return False
    text = doc.text
    if any(t.dep_ == "poss" and t.lower_ in _OWN_ORGANISATION_WORDS for t in speaker.subtree):
        return name in _lead(text)
    if speaker.pos_ != "PROPN":  # "the firm's chief executive, Peter Lynd": the name in apposition
        speaker = next((k for k in speaker.children if k.dep_ == "appos" and k.pos_ == "PROPN"), None)
        if speaker is None:
            return False
    org = re.escape(name)
    if re.fullmatch(r"[A-Z]{2,5}", name):
        initials = _INITIAL_GAP.join(name)  # "HP": "H[\w&-]*\s+P"
        org = rf"(?:{org}|{initials}[\w&-]*)"
    surname = re.escape(speaker.text)
    stop = r"[^.;:\"“”]"
    patterns = (
        rf"\b{surname},\s+{stop}{{0,40}}?\b(?:{_ROLES})\b{stop}{{0,40}}?\b{org}\b",  # "Vance, chief of ... HP"
        rf"\b{surname},\s+(?:the\s+)?{org}(?:[’']s)?\s+(?:[\w-]+\s+){{0,2}}?(?:{_ROLES})\b",  # "Vance, HP's chief"
        rf"\b{org}(?:[’']s)?\s+(?:[\w-]+\s+){{0,3}}?(?:{_ROLES})\s+(?:[A-Z][\w’'-]+\s+){{0,2}}{surname}\b",  # "HP boss Carly Vance"
    )
    return any(re.search(pattern, text) for pattern in patterns)


def _extraposed(verb: Token) -> bool:
    """ "it would be wrong to close the pool", "it would be a mistake to sell": "be" with a to- or that-clause."""
    if verb.lower_ != "be":
        return False
    return any(
        t.dep_ in ("xcomp", "ccomp", "relcl", "acl")
        and any(c.dep_ in ("aux", "mark") and c.lower_ in ("to", "that") for c in t.children)
        for t in verb.subtree
        if t.i > verb.i
    )


# "I would say / think / look at X as ...": a speaker softening an opinion of their own.
_OPINION_VERBS = frozenset(
    ["say", "think", "argue", "suggest", "imagine", "guess", "expect", "look", "describe", "call", "consider", "see"]
)


def _reported_would(would: Token) -> bool:
    """Is this "would" the future of "will" in reported speech ("said it would spend", "pledged that ... would")?

    Yes when the verb it helps hangs (through clauses, relative clauses and conjuncts) under a reporting or belief
    verb in the past ("said", "insisted", "told", "pledged", "was confident") and says what the speaker will do (its
    subject a pronoun for the speaker: "said it would spend $3.3bn", "insisted they would hold ministers to
    account"), or sits in a question the speaker would not answer ("did not say when the move would take place");
    with no "if"/"unless" condition and no "would have done" (a counterfactual). Under a commitment or a plan made
    public ("vowed", "pledged", "announced") it is the future whoever its subject is. A consequence the speaker
    predicts of something else stays a hedge ("said the library cuts would fall hardest on families", "the Bank said
    inflation would rise to 2%"), and so does a speaker's softened opinion of their own ('"I would look at the rally
    as a one-day event," said Ken Mayland', "we would argue")."""
    verb = would.head
    if would.dep_ != "aux" or verb is would:
        return False
    kids = list(verb.children)
    if any(k.dep_ == "neg" for k in kids) and is_cue_verb(verb.lower_):
        return True  # "would not say what proportion ...": a refusal to tell, not a hedge
    if verb.lower_ in _OPINION_VERBS and any(k.dep_ == "nsubj" and k.lower_ in ("i", "we") for k in kids):
        return False
    if any(k.dep_ == "aux" and k.lower_ in ("have", "'ve") and k.i > would.i for k in kids) and verb.tag_ == "VBN":
        return False  # "would have been present": counterfactual
    if any(
        k.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONAL_MARKS for m in k.children) for k in kids
    ):
        return False  # "would rise if rates stay"
    cur = verb
    for _ in range(8):
        if cur.dep_ == "ROOT" or cur.head is cur:
            return False
        dep = cur.dep_
        cur = cur.head
        if dep in (
            "ccomp",
            "xcomp",
            "conj",
            "relcl",
            "acl",
            "advcl",
            "appos",
            "dobj",
            "pobj",
            "prep",
            "pcomp",
            "attr",
            "nsubj",
            "acomp",
            "parataxis",
        ):
            past = (
                cur.tag_ in ("VBD", "VBN", "VBG")
                or cur.tag_ == "VB"
                and any(k.dep_ == "aux" and k.lower_ in ("did", "had", "would", "could") for k in cur.children)
            )
            if past and (is_cue_verb(cur.lower_) or cur.lower_ in _BELIEF_CUES):
                if any(k.dep_ == "neg" for k in cur.children):
                    return True  # "did not say when the move would take place": a question left open, no claim
                if cur.lower_ in _COMMITMENT_CUES:
                    return True
                subj = next((k for k in kids if k.dep_ in ("nsubj", "nsubjpass")), None)
                # "said it would spend ...", "his party would", "Ms Vance said that HP would ..."
                return subj is not None and (_speakers_own(subj) or _speakers_organisation(subj, cur))
            if cur.lower_ in _REPORTED_FUTURE_HEADS and cur.head.tag_ in ("VBD", "VBN"):
                return True  # "was confident Mr Davis would set out the position"
        else:
            return False
    return False


# Verbs that answer a worry ("calm fears that", "dismissed concerns that"): what follows is not held as likely.
_DISMISSING = frozenset(
    [
        "calm",
        "calmed",
        "calming",
        "allay",
        "allayed",
        "allaying",
        "ease",
        "eased",
        "easing",
        "dispel",
        "dispelled",
        "dispelling",
        "quell",
        "quelled",
        "quelling",
        "dismiss",
        "dismissed",
        "dismissing",
    ]
)


def _person_subject(verb: Token) -> bool:
    """Is the verb's subject a person: a personal pronoun or a proper name ("Mr Clarke", "she")?"""
    return any(
        c.dep_ == "nsubj" and (c.lower_ in PERSON_PRONOUNS or c.pos_ == "PROPN") and not is_document(c)
        for c in verb.children
    )


# Verbs whose wh-clause is a question put, not a claim: "Tell me what you would cut", "asked how it could work".
_QUESTION_HEADS = frozenset().union(*(_inflect(v) for v in ("tell", "ask", "wonder", "explain", "decide"))) | {
    "know",
    "knows",
    "knowing",
    "knew",
}


def _in_question(tok: Token) -> bool:
    """Is the word inside an embedded question ("to see whether it is possible", "asked whether X could win",
    "Tell me what you would cut instead")? A question asserts nothing, so nothing is hedged."""
    cur = tok
    for _ in range(8):
        if any(c.dep_ == "mark" and c.lower_ == "whether" for c in cur.children):
            return True
        if (
            cur.dep_ == "ccomp"
            and cur.head.lower_ in _QUESTION_HEADS
            and any(c.tag_ in ("WP", "WRB", "WDT") and c.i < cur.i for c in cur.children)
        ):
            return True
        if cur.head is cur:
            return False
        cur = cur.head
    return False


def _concessive(verb: Token) -> bool:
    """ "They may be the underdogs, but we will ...": "may" granting a point the next clause answers."""
    return any(c.dep_ == "cc" and c.lower_ in ("but", "yet") for c in verb.children) and any(
        c.dep_ == "conj" and c.i > verb.i for c in verb.children
    )


def _intention(tok: Token) -> bool:
    """ "The firm had initially hoped to market a drug", "the qualities he hopes to convey": a plan told as past or
    as a description, not a belief that something will happen ("Sony hopes to put chips in fridges" and
    "organisers are hoping she will run" stay hedges)."""
    if tok.lower_ not in ("hope", "hopes", "hoped") or not any(c.dep_ == "xcomp" for c in tok.children):
        return False
    return tok.dep_ == "relcl" or any(c.dep_ == "aux" and c.lower_ == "had" for c in tok.children)


def _denied_doubt(tok: Token) -> bool:
    """ "Nobody should doubt that ...", "I do not doubt that ...": a doubt denied is a certainty."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    return any(
        c.dep_ == "neg" or (c.dep_ == "nsubj" and c.lower_ in ("nobody", "none", "noone")) for c in verb.children
    )


def denied_belief(verb: Token) -> bool:
    """ "did not suggest this", "he does not believe it was ...": the verb is negated and its subject is not the
    speaker's own "I" / "we" ("I don't believe it will happen" stays a hedge). Only "suggest" and "believe":
    "did not think there would be difficulties" and "do not fear a major impact" still weigh a chance."""
    if not verb.lower_.startswith(("suggest", "believe")):
        return False
    negated = any(c.dep_ == "neg" for c in verb.children)
    own = any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in verb.children)
    return negated and not own


def _negated_belief(eng: _Engine, word: str, tok: Token) -> bool:
    """A suggestion or a belief denied, or a possibility ruled out: "the answer did not suggest this", "he does not
    believe it was a full summary", "It's just not possible". A speaker's own "I don't think" stays a hedge."""
    if word.startswith("suggest") or word in ("believe", "believes"):
        return denied_belief(tok)
    if word == "possible":
        before = [t.lower_ for t in eng.doc[max(0, tok.i - 2) : tok.i]]
        return "not" in before or "n't" in before
    return False


def hedge_spans(eng: _Engine, start: int, end: int) -> list[tuple[int, int]]:
    """Hedge cues in ``text[start:end]`` (``hedges.find_hedge_spans``), less reported speech's "would": the
    future of "will" under a past reporting or belief verb ("said it would spend $3.3bn", "insisted they
    would hold ministers to account", "an agreement that would bring an end to ..."), which asserts no
    less surely. A conditional ("would have been present if he fired") and the writer's own hypothetical
    ("Such a move would align with ...") stay hedges."""
    spans = find_hedge_spans(eng.text, start, end)
    if not spans:
        return spans
    out = []
    text = eng.text
    for a, b in spans:
        word = text[a:b].lower()
        k = bisect_left(eng._tok_starts, a)
        tok = eng.doc[k] if k < len(eng.doc) and eng._tok_starts[k] == a else None
        if tok is not None and not eng._is_hedge(word, tok):
            continue
        out.append((a, b))
    return out


def is_hedge(eng: _Engine, word: str, tok: Token) -> bool:
    """Is this hedge-pattern word lowering certainty here? Not: reported speech's "would" and "would like";
    a modal in a "whether" question; "could not" (ability: "they could not yet assess the cost"); an
    obligation ("baggage handlers should have checks", "he should apologise", "care should be taken",
    "they should have come up with an offer"; "It should empower the Fed" stays a hedge); "potential" and "hope(s)"
    as nouns ("growing below its potential", "election hopes"); "as soon as possible", "made possible"."""
    verb = tok.head
    if _in_question(tok):
        return False  # "to see whether it is possible to ...", "asked whether X could win": a question, no claim
    if word in ("would", "could", "may", "might", "should"):
        if word == "would" and (
            _reported_would(tok)
            or verb.lower_ in ("like", "love", "prefer", "rather")
            or any(c.lower_ == "never" for c in verb.children)
        ):
            return False  # ("I would never attack him": a promise, not a doubt)
        if tok.dep_ == "aux" and any(m.dep_ == "mark" and m.lower_ == "whether" for m in verb.children):
            return False  # "press Labour over whether objectives could be met": a question, not a hedge
        if word == "could" and any(c.dep_ == "neg" for c in verb.children):
            return False
        if word == "should" and tok.dep_ == "aux" and _obligation(verb):
            return False
        if word == "may" and tok.dep_ == "aux" and _concessive(verb):
            return False
    if word in ("potential", "hope", "hopes") and tok.pos_ == "NOUN":
        # "below its potential", "Labour's election hopes", "Hopes are high": nouns, no hedge; but "the potential
        # for miscarriages of justice" is a possibility
        return word == "potential" and any(c.dep_ == "prep" and c.lower_ == "for" for c in tok.children)
    if word in ("hope", "hopes", "hoped") and _intention(tok):
        return False
    if word.startswith("speculation") and not (
        tok.i + 1 < len(eng.doc) and eng.doc[tok.i + 1].lower_ in ("that", "about", "over", "whether", "of")
    ):
        return False  # "reports of job cuts were 'speculation'", "the board has noted press speculation on this"
    if _negated_belief(eng, word, tok):
        return False
    if word.startswith("doubt") and _denied_doubt(tok):
        return False
    if word.startswith("indicat") and tok.pos_ == "VERB" and _person_subject(tok):
        return False  # "Mr Clarke had indicated he was not planning to ...": a person telling, as "said"
    if word.startswith(("concern", "fear", "worr")) and tok.dep_ == "dobj" and tok.head.lower_ in _DISMISSING:
        return False  # "insurers sought to calm fears that ...": the worry is answered, not held
    if word.startswith("seem") and any(c.lower_ in ("than", "what") for c in tok.children if c.i < tok.i):
        return False  # "lower than they seem", "what seems like a long list": a comparison, not a hedge
    if (
        word == "possible"
        and tok.i >= 1
        and (eng.doc[tok.i - 1].lower_ in ("all", "every", "everything", "make", "makes", "made", "making"))
    ):
        return False  # "made possible", "the experiences it makes possible", "all possible energy storage"
    # "as soon as possible", "where possible"
    return not (
        word == "possible" and tok.i >= 2 and eng.doc[tok.i - 1].lower_ in ("as", "where", "if", "wherever", "whenever")
    )

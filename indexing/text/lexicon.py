"""The project's English vocabulary in one place: stop words, pronouns, reporting verbs, hedge adverbs,
irregular verb forms, anonymous-source nouns, and the text normalisers that comparisons use.

Every layer (``indexing``, ``app``, ``eval``) reads its word lists from here. Where two uses need
different lists, each list has its own name and says what it is for; they are not merged, because
the difference changes what the caller decides (a pronoun set that includes "this" makes
"this" an unnamed speaker, one without it does not).

Stop words: spaCy's ``STOP_WORDS`` (326 words) is not used. Both lists here are much narrower on
purpose: :data:`SUPPORT_STOP_WORDS` is the NLTK English list plus a few tokens (its overlap scores were
calibrated with it), and :data:`MATCH_STOP_WORDS` keeps words like "first", "only" or "other"
as content, which spaCy would drop, so an answer's key words would stop counting.
"""

from __future__ import annotations

import html
import re
import unicodedata
from types import MappingProxyType

__all__ = [
    "ADVERB_HEDGES",
    "ANONYMOUS_HEAD_WORDS",
    "ANONYMOUS_SOURCE_NOUNS",
    "ANSWER_HEDGE_CUES",
    "ANSWER_REPORTING_CUES",
    "HEARSAY_NOUNS",
    "IRREGULAR_VERB_FORMS",
    "MATCH_STOP_WORDS",
    "NAMED_SPEAKER_VERBS",
    "PERSON_PRONOUNS",
    "PRONOUNS_WITH_POSSESSIVES",
    "PRONOUN_KINDS",
    "PRONOUN_SOURCES",
    "PRONOUN_SOURCES_WITH_DEMONSTRATIVES",
    "QUESTION_SAY_VERBS",
    "RECIPIENT_VERBS",
    "REFERRING_WORDS",
    "REPORTING_WORDS",
    "SPEAKER_LINE_VERBS",
    "SPEAKER_PRONOUNS",
    "SUPPORT_STOP_WORDS",
    "alphanumeric",
    "ascii_words",
    "decode_entities",
    "holds_name_word",
    "name_words",
    "normalise",
    "word_form",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- stop words ---------------------------------------------------------------------------------

# The NLTK English stop words plus "--", quotes, "also", "there's", "it's": what ``app.guard.support`` drops
# before it counts shared content words (SUPPORT_THRESHOLD was calibrated with exactly this list).
SUPPORT_STOP_WORDS = _words(
    """" ' -- a about above after again against all also am an and any are as at be because been before being below
    between both but by can did do does doing don down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it it's its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own s same she should so some such t than that the
    their theirs them themselves then there there's these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves"""
)

# Function words and "say/says/said": what the eval's matching (``eval.matching.content_words``) and
# name matching ignore. Narrower than SUPPORT_STOP_WORDS: "only", "other", "same" stay content.
MATCH_STOP_WORDS = _words(
    """a about after also an and are as at be been before being but by can did do does for from had has have he her
    here him his how i if in into is it its just more most no not of on or our over said say says shall she so such
    than that the their them then there these they this those to us very was we were what when where which who whom
    why will with you your"""
)

# --- pronouns -----------------------------------------------------------------------------------

# Pronoun -> its kind for coreference: m(asculine), f(eminine), p(lural), n(euter), 1st/2nd person, rel(ative).
PRONOUN_KINDS: MappingProxyType[str, str] = MappingProxyType(
    {
        "he": "m",
        "him": "m",
        "his": "m",
        "she": "f",
        "her": "f",
        "hers": "f",
        "they": "p",
        "them": "p",
        "their": "p",
        "it": "n",
        "its": "n",
        "we": "p",
        "i": "1",
        "you": "2",
        "who": "rel",
        "which": "rel",
        "that": "rel",
    }
)
# Subject pronouns that stand for people: a content clause after them is something a person said or thinks.
PERSON_PRONOUNS = _words("i we you he she they")
# Subject pronouns that may be a speaker to resolve ("it" included: an organisation speaks).
SPEAKER_PRONOUNS = _words("it they he she we i")
# A claim's source written as a pronoun: the guard writes the resolved speaker instead.
PRONOUN_SOURCES = _words("he she they it we i him her them")
# PRONOUN_SOURCES plus "this" and "that": sources the extractive composer never writes as a name.
PRONOUN_SOURCES_WITH_DEMONSTRATIVES = PRONOUN_SOURCES | {"this", "that"}
# Personal pronouns with their possessives: a source written so names nobody (the eval's judge).
PRONOUNS_WITH_POSSESSIVES = _words("he she they him her them his hers their it we i")
# Words that refer back to something said earlier (pronouns, possessives, demonstratives): a question
# made of them is a follow-up, not a new subject.
REFERRING_WORDS = _words("he she they him her them his hers their it its we i you this that these those")

# --- reporting verbs ----------------------------------------------------------------------------

# What is going round with nobody named behind it: "there are rumours that ...", "amid reports that ...". With a
# that-clause and no owner (no "X's", "by X") they credit the clause to unnamed people. "Speculation that ..."
# is the writer's hedge, not a source (the BBC marks labels read it so).
HEARSAY_NOUNS = _words("rumour rumours rumor rumors reports")

# Verbs whose direct object is the person addressed, not what was said ("told reporters").
RECIPIENT_VERBS = _words(
    """tell tells told telling ask asks asked asking inform informs informed remind reminded advise advised advises
    notify notified assure assured reassured"""
)
# Words an answer adds around a claim to keep its attribution; support scoring does not count them as content.
REPORTING_WORDS = _words(
    """according add added adds announce announced argue argued believe believed believes claim claimed claims confirm
    confirmed denied deny describe described emphasised emphasize emphasized explain explained insist insisted note
    noted notes remarked remarks report reported reportedly reports said say says state stated states suggest
    suggested suggests tell told warn warned write writes wrote"""
)
# Regular-expression alternations of reporting verbs, each for one reader (use inside ``(?:...)``):
# what a question asks a speaker to have said ("what did X say / think / promise"; app.compose.evidence)
QUESTION_SAY_VERBS = (
    "say|says|said|tell|told|think|thinks|argue|argued|warn|warned|claim|claimed|describe|described|react|reacted|"
    "respond|responded|answer|answered|admit|admitted|announce|announced|justify|explain|explained|suggest|suggested|"
    "estimate|estimated|predict|predicted|expect|expects|believe|believes|want|wants|demand|demanded|insist|insisted|"
    "promise|promised|reveal|revealed|confirm|confirmed|deny|denied|defend|defended|apologi[sz]e|comment|commented|"
    "feel|add|added|note|noted|call|called|urge|urged|accuse|accused|blame|blamed|criticise|criticize|welcome|welcomed"
)
# the verb after a speaker who opens an answer sentence ("Maria Okafor said"; any "-ed" verb too; app.retrieve.condense)
SPEAKER_LINE_VERBS = (
    r"(?:said|says|say|stated|states|told|tells|added|adds|noted|notes|argued|argues|warned|warns|insisted|insists|"
    r"claimed|claims|emphasized|emphasised|explained|denied|confirmed|announced|reported|wrote|suggested|"
    r"believes|expects|estimated|cautioned|acknowledged|admitted|predicted|[a-z]+ed)"
)
# any reporting cue in an answer sentence, verbs and phrases ("according to", "'s view"; eval.matching)
ANSWER_REPORTING_CUES = (
    r"said|says|say|saying|told|tells|tell|stated|states|according to|claimed|claims|argued|argues|"
    r"warned|warns|noted|notes|insisted|insists|denied|denies|emphasi[sz]ed|stressed|added|adds|reported|"
    r"reports|announced|announces|explained|explains|believes|believed|predicted|predicts|estimated|"
    r"acknowledged|confirmed|confirms|admitted|wrote|writes|described|called|accused|alleged|urged|"
    r"maintained|contended|countered|conceded|revealed|disclosed|indicated|suggested|"
    r"in the (?:view|words) of|'s view|has learned|puts the (?:number|figure)|remarks?|statement"
)
# the verbs that make "Name said" a named attribution in an answer (eval.matching)
NAMED_SPEAKER_VERBS = (
    r"said|says|told|stated|claimed|argued|warned|noted|insisted|denied|emphasi[sz]ed|"
    r"stressed|added|announced|explained|confirmed|admitted|wrote|believes|predicted"
)
# Inflections that the regular rules ("-s", "-ed", "-ing") do not produce, by lemma.
IRREGULAR_VERB_FORMS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "say": ("said", "says", "saying"),
        "tell": ("told", "tells", "telling"),
        "write": ("wrote", "written", "writes", "writing"),
        "think": ("thought", "thinks", "thinking"),
        "feel": ("felt", "feels", "feeling"),
        "know": ("knew", "known", "knows", "knowing"),
        "find": ("found", "finds", "finding"),
        "show": ("showed", "shown", "shows", "showing"),
        "hear": ("heard", "hears", "hearing"),
        "read": ("read", "reads", "reading"),
        "learn": ("learned", "learnt", "learns", "learning"),
        "seek": ("sought", "seeks", "seeking"),
        "understand": ("understood", "understands", "understanding"),
        "admit": ("admitted", "admits", "admitting"),
        "quip": ("quipped", "quips", "quipping"),
        "plan": ("planned", "plans", "planning"),
        "shrug": ("shrugged", "shrugs", "shrugging"),
        "rebut": ("rebutted", "rebuts", "rebutting"),
        "label": ("labeled", "labelled", "labels", "labeling", "labelling"),
        "favor": ("favored", "favors", "favoring"),
        "signal": ("signaled", "signalled", "signals", "signaling", "signalling"),
    }
)

# --- hedges and anonymous sources ---------------------------------------------------------------

# Adverbs (and "reported") that hedge a whole sentence when the journalist writes them.
ADVERB_HEDGES = _words("reportedly allegedly apparently possibly probably likely reported purportedly supposedly")
# A regular-expression alternation of hedge cues an evaluator looks for in an answer sentence, wider than
# the engine's (``indexing.claims.hedges``) because it reads text it did not parse (eval.matching).
ANSWER_HEDGE_CUES = (
    r"may|might|could|would|suggests?|suggested|suggesting|appears?|appeared|seems?|seemed|indicates?|"
    r"indicated|reportedly|allegedly|possibly|possible|likely|unlikely|probably|perhaps|potential|potentially|"
    r"apparently|presumably|expected to|believed to|thought to|said to|understood to|estimated|predictions?|"
    r"forecasts?|speculat\w*|rumou?r\w*|unconfirmed|claims?"
)
# Nouns that describe an unnamed source, singular and plural as written: the guard looks for one of
# them in a sentence that restates an anonymous claim ("a ministry source", "analysts").
ANONYMOUS_SOURCE_NOUNS = _words(
    """source sources official officials analyst analysts expert experts critic critics people insider insiders
    observer observers person diplomat diplomats spokesperson aide aides understood"""
)
# The eval's list of the same, in stemmed form (``eval.matching.words`` strips the plural "s"), and wider:
# an evaluator accepts any unnamed person described by role ("a resident", "one economist").
ANONYMOUS_HEAD_WORDS = _words(
    """source official expert analyst critic people person insider diplomat aide observer economist resident witness
    employee worker staff spokesperson spokesman spokeswoman investigator executive manager member officer researcher
    scientist lawyer colleague friend neighbour neighbor report understood"""
)

# --- normalisers --------------------------------------------------------------------------------

_QUOTE_TRANSLATION = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "\u00a0": " "})


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """HTML character references written out in a text ("communiqu&#233;", "&pound;5") as the characters; only
    well-formed ones (with their ";"): "AT&T" and "R&D" stay as they are."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text) if "&" in text else text


def normalise(text: str) -> str:
    """Entities decoded, NFKC, straight quotes, lower case, single spaces: the form that text comparisons use."""
    text = unicodedata.normalize("NFKC", decode_entities(text)).translate(_QUOTE_TRANSLATION)
    return re.sub(r"\s+", " ", text).strip().lower()


def word_form(text: str) -> str:
    """Lower-case words (apostrophes kept, straight) separated by single spaces; other punctuation is a space.

    ``f" {word_form(a)} " in f" {word_form(b)} "`` asks whether ``a``'s words occur in ``b`` as whole words.
    """
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s']+", " ", text.lower())).strip()


def ascii_words(text: str) -> str:
    """The letters-and-digits words of :func:`normalise`'s form, joined by single spaces (a lookup key)."""
    return " ".join(re.findall(r"[a-z0-9]+", normalise(text)))


def alphanumeric(text: str) -> str:
    """Lower-case ASCII letters, digits and spaces only (everything else is a space); ends stripped."""
    return re.sub(r"[^a-z0-9 ]+", " ", text.lower()).strip()


def name_words(name: str) -> list[str]:
    """The words of a name that can identify it in a text: three letters or more, a hyphenated word's parts
    each on their own ("Barclays-Wells": either)."""
    return [part for word in name.split() for part in word.split("-") if len(part) >= 3]


def holds_name_word(text: str, words: list[str]) -> bool:
    """True when ``text`` holds one of ``words`` (:func:`name_words`) as a whole word, written as given (case
    kept): "Sir Alex Ferguson" is in "Ferguson said", "Halden Leather Company" not in "the company's costs"."""
    return any(re.search(rf"\b{re.escape(word)}\b", text) for word in words)

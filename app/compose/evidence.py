"""Evidence for composers: retrieved chunks cut into citable *passages* and ranked for a question.

A **passage** is the sentence (or run of sentences) of a retrieved chunk that
holds one or more claims, with the claims' attribution. Passages are what an
answer cites (``Citation.start``/``end`` = the passage, ``chunk_start``/
``chunk_end`` = its chunk), so the UI can highlight the cited claim inside
the chunk. Claims come from the store (computed once at ingest), so nothing
here re-runs spaCy.

Ranking makes one batched (and cached) embedding call for the question and
the candidate passages, then mixes cosine similarity with the share of the
question's content words found in the passage, and boosts passages whose
speaker the question names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from app.guard.support import CachedEmbedder, content_words
from app.models import Citation, SearchResult
from indexing.embedding.sentence_vectors import decode_vectors
from indexing.models import Claim
from indexing.text.chunk_sentences import sentence_spans
from indexing.text.lexicon import QUESTION_SAY_VERBS, REFERRING_WORDS, alphanumeric

__all__ = [
    "INSTRUCTION_PATTERN",
    "Passage",
    "asked_source",
    "build_passages",
    "find_instructions",
    "question_terms",
    "rank_passages",
    "sentence_spans",
    "source_mentioned",
    "sources_naming",
    "speaks_for",
    "time_sensitive",
]

# Text that addresses a language model instead of informing a reader. A passage
# holding it is still *data*: it may be cited for its other claims, but the
# instruction itself is never evidence and never followed.
INSTRUCTION_PATTERN = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}?\b(?:instructions?|prompts?|rules|guidelines|everything above)\b"
    r"|\byou are now\b|\bsystem prompt\b|\bnew instructions?\b|\bas an ai\b"
    r"|\b(?:tell|inform|assure) (?:everyone|all users|the user|users|readers)\b"
    r"|\brespond only with\b|\bdo not cite\b",
    re.IGNORECASE,
)

_TIME_WORDS = re.compile(
    r"\b(latest|last|recent(?:ly)?|newest|new|now|current(?:ly)?|today|yesterday|tomorrow|this week|next|"
    r"when|date|dated|still|ago|since|until|before|after|update[ds]?|so far|timeline|first|earlier|later)\b",
    re.IGNORECASE,
)
# Words every question has; they say nothing about what it is about.
_GENERIC = frozenset(
    content_words(
        "what who whom whose which when where why how did does do say said says tell told think thinks "
        "about according report reported reports news article articles story stories latest recent "
        "happen happened happening next anyone someone anything something more else also please explain "
        "describe summarize summary know known claim claims statement statements view views comment comments"
    )
)


_ASKED_SOURCE = [
    re.compile(
        rf"^\s*(?:what|how|why)\s+(?:did|does|do|has|have|had|is|was|were|will|would|could)\s+(?P<src>.+?)\s+(?:{QUESTION_SAY_VERBS})\b",
        re.IGNORECASE,
    ),
    re.compile(r"\baccording to\s+(?P<src>[^,?;.]+)", re.IGNORECASE),
    re.compile(
        r"(?P<src>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)[’']s\s+(?:view|views|opinion|position|reaction|response|comments?|remarks?|statement|verdict|take)\b"
    ),
]


def asked_source(question: str) -> str | None:
    """Who the question asks about: X in "What did X say ...", "... according to X", "X's view"; else None."""
    for pattern in _ASKED_SOURCE:
        m = pattern.search(question)
        if m:
            return m.group("src").strip()
    return None


def question_terms(question: str) -> set[str]:
    """The question's stemmed content words minus generic question words."""
    return set(content_words(question, drop_reporting=True)) - _GENERIC


def time_sensitive(question: str) -> bool:
    """True when the question asks about time ("latest", "when", "recent", "last week"...)."""
    return bool(_TIME_WORDS.search(question))


def find_instructions(text: str) -> str | None:
    """The first instruction-like phrase in ``text`` ("Ignore previous instructions"), or None."""
    m = INSTRUCTION_PATTERN.search(text)
    return m.group(0) if m else None


@dataclass
class Passage:
    """A citable sentence (run) of a retrieved chunk, with the claims inside it."""

    result: SearchResult
    start: int
    end: int
    text: str
    claims: list[Claim]
    injection: str | None = None
    similarity: float = 0.0
    overlap: float = 0.0
    relevance: float = 0.0
    vector: np.ndarray | None = field(default=None, repr=False)
    # The answer reader's P(this passage gives what is asked), for the candidates it read (app.read.reader).
    reading: float | None = None

    @property
    def article_id(self) -> str:
        return self.result.article_id

    @property
    def outlet(self) -> str | None:
        return self.result.outlet

    @property
    def published_at(self) -> date | None:
        return self.result.published_at

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.result.article_id, self.start, self.end)

    def dateline(self) -> str:
        """``"(Harbor Gazette, 2026-09-14)"``, or the part of it that is known, or ``""``."""
        parts = [p for p in (self.outlet, self.published_at.isoformat() if self.published_at else None) if p]
        return f"({', '.join(parts)})" if parts else ""

    def citation(self, number: int) -> Citation:
        r = self.result
        return Citation(
            id=number,
            chunk_id=r.chunk_id,
            article_id=r.article_id,
            title=r.title,
            outlet=r.outlet,
            published_at=r.published_at,
            url=r.url,
            source_path=r.source_path,
            text=self.text,
            start=self.start,
            end=self.end,
            score=round(float(self.relevance), 4),
            chunk_start=r.start,
            chunk_end=r.end,
        )

    def evidence_text(self) -> str:
        """The passage as evidence: instruction-like sentences removed (they are never evidence)."""
        if not self.injection:
            return self.text
        kept = [self.text[s:e] for s, e in sentence_spans(self.text) if not find_instructions(self.text[s:e])]
        return " ".join(kept)


def _claim_local_span(claim: Claim, result: SearchResult, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The sentences holding the claim (content, plus source and cue when they share those sentences), chunk-local."""
    n = len(result.text)
    if claim.start is not None and claim.end is not None:
        s, e = claim.start - result.start, claim.end - result.start
    else:
        found = result.text.find(claim.text)
        if found < 0:
            return None
        s, e = found, found + len(claim.text)
    s, e = max(0, s), min(n, e)
    if e <= s:
        return None
    ps = max((a for a, _ in spans if a <= s), default=0)
    pe = min((b for _, b in spans if b >= e), default=n)
    # Source and cue count only inside the content's own sentences: a source in
    # the next sentence is more often the engine's mistake than a real pattern.
    return ps, pe


def build_passages(results: Sequence[SearchResult]) -> list[Passage]:
    """Cut retrieved chunks into passages (one per claim sentence), dropping duplicates across chunks."""
    from indexing.claims import find_hedges

    passages: dict[tuple[str, int, int], Passage] = {}
    seen_chunks: set[str] = set()
    for result in results:
        if result.chunk_id in seen_chunks:
            continue
        seen_chunks.add(result.chunk_id)
        spans = sentence_spans(result.text)
        located: list[tuple[int, int, Claim]] = []
        for claim in result.claims:
            local = _claim_local_span(claim, result, spans)
            if local is not None:
                located.append((*local, claim))
        if not located:
            # No stored claims (an old store, or an engine that found none): each
            # sentence is the journalist's own statement, hedges found here.
            for s, e in spans:
                text = result.text[s:e]
                located.append((s, e, Claim(text=text, hedges=find_hedges(text))))
        for ps, pe, claim in located:
            key = (result.article_id, result.start + ps, result.start + pe)
            if key in passages:
                if claim not in passages[key].claims:
                    passages[key].claims.append(claim)
                continue
            text = result.text[ps:pe]
            passages[key] = Passage(
                result=result,
                start=key[1],
                end=key[2],
                text=text,
                claims=[claim],
                injection=find_instructions(text),
            )
    return list(passages.values())


# Capitalised words before a surname that are not a first name ("Mr Ruiz", "President Ruiz").
_NOT_FIRST_NAMES = frozenset(
    re.findall(
        r"\w+",
        "mr mrs ms miss dr sir lady lord dame prof professor president minister secretary chancellor senator "
        "mayor governor judge captain general chief what did does has have how why when where who and",
    )
)


def namesake(question: str, claim: Claim) -> bool:
    """True when ``question`` names another person with the claim's speaker's surname: "What did Tomas Ruiz
    say?" is not asking about Ana Ruiz, though both are "Ruiz"."""
    for name in (claim.speaker, claim.source):
        words = re.findall(r"[A-Z][\w'’-]*", (name or "").split(",")[0])
        if len(words) < 2:
            continue
        given_names, last = {w.lower() for w in words[:-1]} - _NOT_FIRST_NAMES, words[-1]
        if not given_names:
            continue  # "Mr Howard", "Finance Minister Ruiz": no given name to tell a namesake by
        for m in re.finditer(rf"\b([A-Z][\w'’-]*)\s+{re.escape(last)}\b", question):
            given = m.group(1).lower()
            if given not in given_names and given not in _NOT_FIRST_NAMES:
                return True
    return False


def source_mentioned(question: str, claim: Claim) -> bool:
    """True when the question names the claim's speaker (full name, surname, or the source as written), and
    not another person of the same surname (:func:`namesake`)."""
    if namesake(question, claim):
        return False
    q = f" {alphanumeric(question)} "
    for name in (claim.speaker, claim.source):
        if not name:
            continue
        n = alphanumeric(name.split(",")[0])
        if not n or n in REFERRING_WORDS:
            continue
        if f" {n} " in q:
            return True
        words = [w for w in n.split() if len(w) > 2 and w not in {"the", "and", "of"}]
        # Surname or a distinctive word of an organisation ("ministry", "Okafor").
        if (
            words
            and f" {words[-1]} " in q
            and words[-1] not in {"officials", "source", "sources", "analysts", "experts"}
        ):
            return True
    return False


# Words news uses for one role ("the operator's finance chief" is "Nordsund's finance director").
_ROLE_SYNONYMS = {
    "chief": "head",
    "boss": "head",
    "director": "head",
    "head": "head",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
}


def _roles(words: Iterable[str]) -> list[str]:
    """``words`` (stems, in order) with each role written one way ("boss", "chief" -> "head")."""
    return [_ROLE_SYNONYMS.get(w, w) for w in words]


def sources_naming(name: str, claims: Sequence[Claim]) -> list[str]:
    """The sources of ``claims`` (whitespace made single) that hold ``name`` whole, ignoring case: how a chunk
    writes a speaker ("Harbour Town managing director Karin Bradley", "Maria Okafor, the port authority's director"
    for "Karin Bradley", "Maria Okafor")."""
    key = " ".join(name.split()).lower()
    if not key:
        return []
    return [source for c in claims if key in (source := " ".join((c.source or "").split())).lower()]


def _descriptions(claim: Claim, others: Sequence[Claim]) -> str:
    """How ``others`` (the claims of the claim's chunk) write the claim's speaker: their sources that hold the
    speaker's whole name ("Harbour Town managing director Karin Bradley" for a later "Bradley"), and the
    sources of the claims the engine resolved to the same speaker ("the port's top official" for a later
    "Okafor said")."""
    name = claim.speaker or ""
    rest = [o for o in others if o is not claim]
    same = [o.source or "" for o in rest if name and o.speaker == name and o.source]
    if len(name.split()) < 2:
        return " ".join(same)
    return " ".join([*sources_naming(name, rest), *same])


def speaks_for(asked: str, claim: Claim, context: str = "", others: Sequence[Claim] = ()) -> bool:
    """True when ``claim``'s source is who the question asks about ("the port authority" in "Maria Okafor, the port authority's director").

    The asked phrase's head (before a preposition, after a possessor: "Lumora's
    *chief executive*", "*a trade official* in Astor") must be wholly in the
    source as written (apposition included), its resolved speaker, or how the
    chunk's other claims (``others``) write that speaker ("Harbour Town managing
    director Karin Bradley" for a later "Bradley said"); a name is found by its
    surname.
    """
    if not claim.attributed:
        return False
    head = re.split(r"\s+(?:in|of|at|from|for|with|on|within|close to)\s+", asked.strip(), maxsplit=1)[0]
    *owner, head = re.split(r"[’'](?:s\b)?\s+", head)  # "Ferris's lawyer", "Ferris' lawyer"
    words = list(dict.fromkeys(_roles(w for w in content_words(head) if w not in _RANK_WORDS)))
    have = set(_roles(content_words(f"{claim.source or ''} {claim.speaker or ''} {_descriptions(claim, others)}")))
    if not words or not have:
        return False
    seen = have | set(content_words(context))
    # "Lumora's chief executive": Lumora (its last word: "Jonah Ferris's" is Ferris's) must be the source's or
    # the passage's (``context``), not Valrail's.
    owner_words = content_words(owner[-1]) if owner else []
    if owner_words and owner_words[-1] not in seen:
        return False
    if namesake(asked, claim):
        return False  # "Tomas Ruiz" is not Ana Ruiz
    if set(words) <= have:
        return True
    surname = content_words(asked.split()[-1])
    if asked.split()[-1][:1].isupper() and surname and surname[-1] in have:
        return True
    # A named person holding the asked role: "Britain's Davis Cup captain" is "captain Owen Tarrant" in an
    # article about the Davis Cup (the role's noun in the source, its other words in the passage).
    *modifiers, noun = words
    return (
        _is_person(claim) and _has_word(have, noun) and bool(modifiers) and all(_has_word(seen, w) for w in modifiers)
    )


# Words that rank a role without naming it: "the regulator's top accountant" is its chief accountant.
_RANK_WORDS = frozenset({"one", "former", "top", "senior", "lead", "leading", "new", "current"})


def _has_word(words: set[str], word: str) -> bool:
    """``word`` (a stem) is in ``words``, or a stem of six letters or more shares its first six with one there
    ("financ" / "financi": "finance chief" and "chief financial officer")."""
    if word in words:
        return True
    return len(word) >= 6 and any(len(w) >= 6 and w[:6] == word[:6] for w in words)


def _is_person(claim: Claim) -> bool:
    """The claim's speaker is a named person: a resolved name of two words or more, each capitalised."""
    words = (claim.speaker or "").split()
    return len(words) >= 2 and all(w[:1].isupper() for w in words)


def _stored_vector(
    passage: Passage, dimension: int, blocks: dict[str, tuple[list[tuple[int, int]], np.ndarray] | None]
) -> np.ndarray | None:
    """The passage's vector from its chunk's stored sentence vectors: the normalised mean of the rows of the
    chunk sentences it covers; None when the chunk has none, they do not match its sentences, or one of them
    was not reached by the model (a zero row). ``blocks`` caches each chunk's decoded rows."""
    r = passage.result
    if not r.sentence_vectors:
        return None
    if r.chunk_id not in blocks:
        rows = decode_vectors(r.sentence_vectors, dimension)
        spans = sentence_spans(r.text)
        blocks[r.chunk_id] = (spans, rows) if rows is not None and len(rows) == len(spans) else None
    block = blocks[r.chunk_id]
    if block is None:
        return None
    spans, rows = block
    lo, hi = passage.start - r.start, passage.end - r.start
    picked = rows[[k for k, (a, b) in enumerate(spans) if a < hi and lo < b]]
    if not len(picked) or not np.all(np.any(picked, axis=1)):
        return None
    v = picked.mean(axis=0)
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


def rank_passages(
    question: str,
    passages: list[Passage],
    embedder: CachedEmbedder,
    *,
    max_embedded: int = 16,
) -> list[Passage]:
    """Score passages for ``question`` (similarity, overlap, relevance) and return them best first.

    A passage whose chunk came with sentence vectors stored at ingest (:mod:`indexing.embedding.sentence_vectors`)
    takes the mean of its sentences' vectors: every such passage is scored, and only the question is embedded.
    Of the others (a store written without them), only the ``max_embedded`` lexically most promising passages
    and every passage of the best-retrieved chunk are embedded (one cached call); the rest keep relevance 0.
    """
    if not passages:
        return []
    asked = asked_source(question)
    # Who is asked about is matched by the boost below; the rest says what about.
    terms = question_terms(question) - (set(content_words(asked)) if asked else set())
    terms = terms or question_terms(question)
    for p in passages:
        # The passage's own words and its speakers (the title is shared by every passage of an article).
        speakers = " ".join(f"{c.speaker or ''} {c.source or ''}" for c in p.claims)
        words = set(content_words(f"{p.text} {speakers}"))
        p.overlap = len(terms & words) / len(terms) if terms else 0.0
    qv = embedder.embed([question])[0]
    blocks: dict[str, tuple[list[tuple[int, int]], np.ndarray] | None] = {}
    stored = [(p, _stored_vector(p, len(qv), blocks)) for p in passages]
    # The rest: pre-select by lexical overlap, then by retrieval rank (chunk order).
    rest = [p for p, v in stored if v is None]
    rest.sort(key=lambda p: (-p.overlap, p.result.rank))
    chosen = rest[:max_embedded]
    top = min(p.result.rank for p in passages)
    chosen += [p for p in rest[max_embedded:] if p.result.rank == top]
    fresh = list(embedder.embed([p.text for p in chosen])) if chosen else []
    scored = [(p, v) for p, v in stored if v is not None] + list(zip(chosen, fresh, strict=True))
    for p, v in scored:
        p.vector = v
        p.similarity = float(np.dot(qv, v))
        boost = (
            0.3
            if any(
                source_mentioned(question, c)
                or (asked and speaks_for(asked, c, f"{p.result.title} {p.result.text}", p.result.claims))
                for c in p.claims
                if c.attributed
            )
            else 0.0
        )
        p.relevance = 0.6 * p.similarity + 0.4 * p.overlap + boost
    return sorted(passages, key=lambda p: -p.relevance)

"""A stored claim as one answer sentence that keeps its speaker (:func:`render_claim`).

- the article sentence names the source itself: that sentence word for word, a pronoun or surname source
  written as the full resolved name (``He added ...`` becomes ``Tomas Reyes added ...``);
- otherwise the speaker first: ``Maria Okafor added: "We want our people back at work"``,
  ``According to a source within the transport ministry, ...``;
- the journalist's own voice: ``Harbor Gazette reported that ...``, or the bare sentence when the outlet is unknown.

Direct quotes stay verbatim inside quotation marks; the marks are added by the composer.
"""

from __future__ import annotations

import re

from app.compose.evidence import Passage, sentence_spans
from app.compose.marks import quote_open
from app.compose.wording import has_source, in_sentence, lower_first, lowerable
from app.guard.support import content_words
from indexing.models import Claim
from indexing.text.lexicon import ADVERB_HEDGES, PRONOUN_SOURCES_WITH_DEMONSTRATIVES, alphanumeric

__all__ = ["join_quote_paragraphs", "render_claim"]


_NOUN_CUES = frozenset(
    [
        "remarks",
        "remark",
        "comments",
        "comment",
        "statement",
        "statements",
        "view",
        "views",
        "words",
        "according",
        "opinion",
    ]
)
_QUOTE_CHARS = "\"'“”‘’"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _points_back(written: str) -> bool:
    """A source written as a pronoun or a short definite description ("the company", "The Scot", "the
    27-year-old"): words that point back to a speaker the article named before. ``written`` is alphanumeric."""
    words = written.split()
    return written in PRONOUN_SOURCES_WITH_DEMONSTRATIVES or (1 < len(words) <= 3 and words[0] == "the")


def _speaker(claim: Claim) -> str | None:
    """The name to write: the source as written (with apposition) unless it points back (a pronoun, "the company")
    to a resolved name, or is shorter than it."""
    source, speaker = (claim.source or "").strip(), (claim.speaker or "").strip()
    written = alphanumeric(source)
    if source and written not in PRONOUN_SOURCES_WITH_DEMONSTRATIVES and not (speaker and _points_back(written)):
        if speaker and alphanumeric(speaker) not in alphanumeric(source):
            # "Putin" with speaker "Vladimir Putin": the full name reads better.
            return speaker if alphanumeric(source) in alphanumeric(speaker) else source
        return source
    return speaker or None


def _cue_verb(cue: str | None) -> str | None:
    """The reporting verb to write after the speaker, or None for the 'According to X,' form."""
    if not cue:
        return None
    c = cue.strip().lower().rstrip(":,;").rstrip()  # a cue span may hold its colon ("insisting:")
    if not c:
        return None
    last = c.split()[-1]
    if c.startswith("according") or last in _NOUN_CUES:
        return None
    if last in {"told", "tell", "tells"}:
        return {"told": "said", "tell": "say", "tells": "says"}[last]
    if last.endswith("ing"):  # "speaking", "saying" are not finite verbs
        return "said"
    return c


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,40}\s*\([^)]{1,40}\)\s*[-–—]+\s*")


def _strip_dateline(text: str) -> str:
    """``'CALDER BAY (Meridian Wire) - Scientists ...'`` -> ``'Scientists ...'``."""
    return _DATELINE.sub("", text)


def _said_by(speaker: str, cue: str) -> str:
    """'Maria Okafor, the port authority's director' + 'said' -> 'Maria Okafor, the port authority's director, said'."""
    return f"{_cap(speaker)}{',' if ',' in speaker else ''} {cue}"


def _strip_end(text: str) -> str:
    """Drop trailing , ; : and a full stop just inside a closing quote ('weeks."' -> 'weeks"'): the sentence adds its own."""
    text = text.rstrip().rstrip(",;:").rstrip()
    return re.sub(r"[.,;:]+([\"'”’])$", r"\1", text)


_OPEN_QUOTES = "\"“‘'"
_CLOSE_QUOTES = "\"”’'"
_PARAGRAPH = re.compile(r"\s*\n\s*\n\s*")


def _unquote(text: str) -> str | None:
    """The words of a fully quoted text as one quotation, else None.

    ``'"In the near future..."'`` -> ``In the near future...``. A quote running
    over paragraphs (news convention: the paragraph ends without a closing mark
    and the next one reopens it) is joined into one, and the content spans of a
    split quote (``'"A," ... "B."'``) are joined with an elision:
    ``A ... B``. The guard's quote check accepts ``...`` as an elision.
    """
    inners = []
    for part in text.strip().split(" ... "):
        # a quote's paragraphs printed on one line ('"A. "B."') are one quotation
        paragraphs = [x for x in _PARAGRAPH.split(_join_inline_reopenings(part.strip())) if x]
        if not paragraphs or paragraphs[0][0] not in _OPEN_QUOTES:
            return None
        pieces = []
        for i, paragraph in enumerate(paragraphs):
            if paragraph[0] in _OPEN_QUOTES:
                paragraph = paragraph[1:]
            elif i:
                return None  # a paragraph that does not reopen the quote is not part of it
            pieces.append(paragraph.strip())
        inner = " ".join(pieces).rstrip().rstrip(",;:").rstrip()
        if inner[-1:] in _CLOSE_QUOTES:
            inner = inner[:-1]
        inner = _strip_end(inner).rstrip().rstrip(",;:").rstrip()
        if not inner or any(q in inner for q in '"“”'):
            return None
        inners.append(inner)
    return " ... ".join(inners).rstrip(".") if inners else None


def join_quote_paragraphs(text: str) -> str:
    """A quote running over paragraphs as one: the reopening mark of each continued paragraph dropped.

    ``'... on it.\\n\\n"I want ...'`` inside an open quotation -> ``'... on it. I want ...'``,
    so the answer has balanced quotation marks.
    """
    paragraphs = _PARAGRAPH.split(text)
    out = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        if quote_open(" ".join(out)) and paragraph[:1] in '"“':
            out.append(paragraph[1:])
        else:
            out.append(paragraph)
    return _join_inline_reopenings(" ".join(p for p in out if p))


def _join_inline_reopenings(text: str) -> str:
    """``'"A. "B."'`` -> ``'"A. B."'``: the paragraphs of a quote printed on one line (BBC News style), each
    reopening with a straight mark while the quotation is still open, joined as one quotation."""
    if text.count('"') < 3:
        return text
    out = []
    inside = False
    for i, ch in enumerate(text):
        if ch == '"':
            if inside and text[i - 2 : i] in (". ", "? ", "! ") and text[i + 1 : i + 2].isalnum():
                continue  # the next paragraph's reopening mark
            inside = not inside
        out.append(ch)
    return "".join(out)


def _names_source_in(passage: Passage, claim: Claim) -> bool:
    """True when the passage itself names the source (not by a pronoun)."""
    source = (claim.source or "").strip()
    return bool(source) and alphanumeric(source) not in PRONOUN_SOURCES_WITH_DEMONSTRATIVES and source in passage.text


_CONJUNCTION_START = re.compile(r"^(?:but|and|or|so|yet|however|nor)\b", re.IGNORECASE)


def _close_quote(text: str) -> str:
    """Close a quotation the passage leaves open (it runs on past the passage), so marks stay balanced."""
    if not quote_open(text):
        return text
    return f"{text}”" if text.count("“") > text.count("”") else f'{text}"'


def _source_named_in_full(claim: Claim, passage: Passage, text: str) -> str | None:
    """The passage with its source written as the resolved speaker, or None.

    A pronoun ("He added ..." -> "Vladimir Putin added ..."), a definite description the
    engine resolved ("the company warned ..." -> "Kestrel Mining warned ...") or a short
    back-reference ("Brandt added ..." -> "Captain Ilse Brandt added ...") becomes the full name.
    """
    speaker, source = (claim.speaker or "").strip(), (claim.source or "").strip()
    if not speaker:
        return None
    offset = passage.text.find(text)
    if len(claim.source_spans) == 1 and offset >= 0:
        start = claim.source_spans[0].start - passage.start - offset
        end = claim.source_spans[0].end - passage.start - offset
    elif source and text.count(source) == 1 and not re.search(rf"\w{re.escape(source)}|{re.escape(source)}\w", text):
        start = text.index(source)
        end = start + len(source)
    else:
        return None
    if not (0 <= start < end <= len(text)):
        return None
    written = alphanumeric(text[start:end])
    if _described_at_length(text[start:end], speaker):
        # "The double Olympic champion said ..." -> "The double Olympic champion Kerry Holt said ..."
        return f"{text[:end]} {speaker}{text[end:]}"
    if not _points_back(written) and not (written != alphanumeric(speaker) and written in alphanumeric(speaker)):
        return None
    name = speaker if start else _cap(speaker)
    return f"{text[:start]}{name}{text[end:]}"


def _described_at_length(written: str, speaker: str) -> bool:
    """A definite description of four to seven words, without a comma or the speaker's surname ("the
    Commonwealth and European silver medallist"): kept, with the resolved name after it."""
    words = written.split()
    return (
        4 <= len(words) <= 7
        and words[0].lower() == "the"
        and "," not in written
        and bool(speaker.split())
        and alphanumeric(speaker.split()[-1]) not in alphanumeric(written).split()
    )


def _pieces_of(claim: Claim) -> list[tuple[int, int]]:
    """Character offsets of everything the claim covers: its content, source, cue and content pieces."""
    spans = [(claim.start, claim.end)] if claim.start is not None and claim.end is not None else []
    return spans + [(x.start, x.end) for x in (*claim.source_spans, *claim.cue_spans, *claim.content_spans)]


def _claims_sentences(claim: Claim, passage: Passage) -> str:
    """The sentences of the passage that hold the claim (its content or its source), as written.

    A passage may run over sentences that report someone else ("..., privacy
    advocates warned. 'This is ...,' said Camille Roux"): given whole, the other
    speaker's sentence would go out under this claim's name and marks.
    """
    local = [(a - passage.start, b - passage.start) for a, b in _pieces_of(claim)]
    if not local or any(a < 0 or b > len(passage.text) for a, b in local):
        return passage.text
    kept = [(s, e) for s, e in sentence_spans(passage.text) if any(a < e and s < b for a, b in local)]
    if not kept:
        return passage.text
    return passage.text[kept[0][0] : kept[-1][1]]


_TRAILING_LINK = re.compile(
    r"(?:[\s,;:\u2013\u2014-]+|\b(?:although|though|but|and|while|whereas|as|however|yet|so|which|who)\b)+$",
    re.IGNORECASE,
)
# A cut that ends on a word needing what follows it ("after", "of", "that") leaves the clause unfinished.
_DANGLING_END = re.compile(
    r"\b(?:after|before|because|since|until|unless|if|when|whether|than|that|of|to|for|by|with|from|in|on|at|"
    r"about|over|amid|despite|following|into|the|a|an)$",
    re.IGNORECASE,
)
_DANGLING_START = re.compile(r"^(?:after|before|following|amid|despite|by|of|over)\b", re.IGNORECASE)
_LEADING_LINK = re.compile(
    r"^(?:[\s,;:\u2013\u2014-]+|\b(?:although|though|but|and|while|whereas|however|yet|so)\b)+", re.IGNORECASE
)


def _piece_claim(claim: Claim, piece: str) -> Claim:
    """For the journalist's own sentences, the claim with only the hedges written in ``piece``.

    "The firm may sell a stake. When it was set up, it offered cheaper tickets.": the writer's "may"
    hedges the first sentence only. A speaker's claim keeps its hedges on every sentence (a hedge in
    the cue, "reportedly said", qualifies the whole quotation).
    """
    if has_source(claim) or not claim.hedges:
        return claim
    own = [h for h in claim.hedges if re.search(rf"(?<![\w-]){re.escape(h)}(?![\w-])", piece, re.IGNORECASE)]
    return claim if own == claim.hedges else claim.model_copy(update={"hedges": own})


def _bare_quotation(text: str) -> bool:
    """The text is a quotation and nothing else ('"The picture will look exactly the same."')."""
    body = text.strip()
    return len(body) > 2 and body[0] in '"\u201c' and not re.search(r"[\"\u201d]\s*,?\s+\w", body[1:-1])


def _own_clause(claim: Claim, passage: Passage, text: str) -> str:
    """``text`` without another speaker's attribution in the same sentence, when it is a clause before or after.

    "The researchers believe the enzymes could be used in recycling, although she cautioned that such uses
    were 'a decade away'": said whole under either claim, the sentence carries the other speaker's words
    under this one's marks (and twice in one answer). The researchers' claim keeps "The researchers believe
    ... recycling"; hers, "she cautioned that ...". Interleaved attributions, or a cut inside a quotation,
    leave the text whole.
    """
    offset = passage.text.find(text)
    if offset < 0:
        return text
    base = passage.start + offset
    mine = [(a - base, b - base) for a, b in _pieces_of(claim)]
    if not mine or any(a < 0 or b > len(text) for a, b in mine):
        return text
    lo, hi = min(a for a, _ in mine), max(b for _, b in mine)
    who = alphanumeric(_speaker(claim) or claim.source or "")
    before, after = 0, len(text)
    for other in passage.claims:
        if other is claim or not other.attributed or alphanumeric(_speaker(other) or other.source or "") == who:
            continue
        theirs = [(a - base, b - base) for a, b in _pieces_of(other)]
        theirs = [(a, b) for a, b in theirs if b > 0 and a < len(text)]
        if not theirs:
            continue
        o_lo, o_hi = min(a for a, _ in theirs), max(b for _, b in theirs)
        if o_lo >= hi:
            after = min(after, o_lo)
        elif o_hi <= lo:
            before = max(before, o_hi)
        else:
            return text  # interleaved: no clean clause to cut
    if (before, after) == (0, len(text)):
        return text
    cut = text[before:after]
    if any(quote_open(part) for part in (text[:before], text[:after])):
        return text  # a cut inside a quotation would unbalance it
    cut = _LEADING_LINK.sub("", _TRAILING_LINK.sub("", cut))
    if len(content_words(cut)) < 4 or _DANGLING_END.search(cut) or _DANGLING_START.match(cut):
        # "... has defended the courts after" / "after criticism of the surface by Brandt": each claim is part of
        # the other's clause, so neither stands alone
        return text
    first = cut.split(maxsplit=1)[0] if cut.split() else ""
    # a pronoun source stays as written, for _source_named_in_full to find and replace with the name
    return _cap(cut) if before and alphanumeric(first) not in PRONOUN_SOURCES_WITH_DEMONSTRATIVES else cut


def render_claim(claim: Claim, passage: Passage) -> str:
    """The answer sentence (without marks, citations or full stop) that keeps ``claim``'s attribution.

    When the article sentence names the source itself, it is given word for word:
    rewriting it ("X said that <content>") breaks whenever the content is not a
    clause ("urged Congress to act", "wants its plot to be used"). Otherwise the
    speaker is put in: a pronoun source replaced by the name it points back to,
    or the claim restated with its speaker first.
    """
    speaker = _speaker(claim) if claim.attributed and has_source(claim) else None
    # a later sentence of a speaker's quotation (no cue, no source mention of its own) never names its speaker
    carried_on = claim.attributed and claim.cue is None and claim.quote == "direct" and not claim.source_spans
    verbatim = claim.attributed and not carried_on and _names_source_in(passage, claim)
    own = _claims_sentences(claim, passage) if verbatim else passage.text
    if speaker is not None:
        own = _own_clause(claim, passage, own)
    text = join_quote_paragraphs(_strip_dateline(own.strip()))
    if verbatim:
        text = _source_named_in_full(claim, passage, text) or text
        return _close_quote(_strip_end(text).rstrip("."))
    if speaker is None:
        # The journalist's own voice (or a source nobody can name): the sentence as written,
        # credited to the outlet when it is known (the citation says which article).
        body = _close_quote(_strip_end(text).rstrip("."))
        outlet = passage.outlet
        if _bare_quotation(body):
            # someone's words the article does not credit (or that the engine could not): never shown as the
            # outlet's own statement, nor as a bare quotation the reader would take for the answer's voice
            return f"{outlet or 'The article'} quotes an unnamed speaker: {body}"
        if not outlet:
            return body
        if lowerable(body, passage.result.text) and not _CONJUNCTION_START.match(body):
            return f"{outlet} reported that {lower_first(body, passage.result.text)}"
        return f"{outlet} reported: {body}"
    replaced = _source_named_in_full(claim, passage, text)
    if replaced is not None:
        return _close_quote(_strip_end(replaced).rstrip("."))
    content = _strip_dateline(claim.text.strip())
    cue = _cue_verb(claim.cue)
    anonymous = claim.source_type == "anonymous"
    if claim.quote == "direct":
        inner = _unquote(content)
        if inner is None and carried_on and content[:1].isupper():
            # a later sentence of the speaker's quotation, with no cue of its own ('"A. B."': B): all quoted
            inner = _strip_end(content.strip('"\u201c\u201d ')).rstrip(".")
        if inner is None or not inner[:1].isupper():
            # A partial quote ("... their focus on 'ensuring ...'") of a speaker the sentence does not name.
            partial = _strip_end(join_quote_paragraphs(content)).rstrip(".").rstrip()
            return f"{_said_by(speaker, cue or 'said')} {_strip_end(partial)}"
        quoted = f'"{inner}"'
        if anonymous or cue is None:
            return f"According to {in_sentence(speaker)}, {quoted}"
        return f"{_said_by(speaker, cue)}: {quoted}"
    body = _strip_end(content).rstrip(".")
    body = lower_first(re.sub(r"^that\s+", "", body), passage.result.text)
    if anonymous or cue is None:
        sentence = f"According to {in_sentence(speaker)}, {body}"
    else:
        sentence = f"{_said_by(speaker, cue)} that {body}"
    missing = [h for h in claim.hedges if h.lower() not in sentence.lower()]
    if missing:
        adverbs = [h for h in missing if h.lower() in ADVERB_HEDGES]
        if adverbs and cue and not anonymous:
            sentence = f"{_said_by(speaker, adverbs[0].lower() + ' ' + cue)} that {body}"
    return sentence


def _source_inside_content(claim: Claim) -> bool:
    """A source found inside its own quotation ("they" in "... they will concede ...") is a parsing accident."""
    return any(c.start <= s.start and s.end <= c.end for s in claim.source_spans for c in claim.content_spans)


def _pieces(text: str) -> list[str]:
    """The sentences of a rendered claim, never cutting inside a quotation (it may run over sentences)."""
    pieces: list[str] = []
    pending = ""
    for s, e in sentence_spans(text):
        pending = f"{pending} {text[s:e]}".strip()
        if not quote_open(pending):
            pieces.append(pending)
            pending = ""
    if pending:
        pieces.append(pending)
    return [_strip_end(" ".join(p.split())).rstrip(".") for p in pieces]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _same_speaker(a: Claim, b: Claim) -> bool:
    if not a.attributed and not b.attributed:
        return True
    na, nb = alphanumeric(_speaker(a) or ""), alphanumeric(_speaker(b) or "")
    if not na or not nb:
        return False
    return na == nb or na.split()[-1] == nb.split()[-1]

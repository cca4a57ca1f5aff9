"""Quotation attributions: quotations joined to the cue that introduces them, quotes that come
before their speaker, transcript turns ("NAME: ...") and colon-introduced quotes.

The functions take the engine (``engine._Engine``: the parsed document, its quotations and speaker
resolver) as ``eng`` and are reached through its methods of the same name (with a leading underscore).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from .cues import is_cue_verb
from .record import Attribution, _quoted_as_saying
from .sources import source_tokens
from .syntax import cue_tokens, runs, strip_edges, trim

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .engine import _Engine

__all__ = ["attach_quotes", "colon", "cue_sentence_rest", "line_name", "quote_first", "speaker_line", "turn"]


_OPENING_QUOTES = frozenset(['"', "\u201c", "``"])


# a paragraph that continues a quoted transcript turn, and what ends the turn: a speaker line or a stage direction
_NEXT_PARA = re.compile(r"\n\s*[\"\u201c](?=\S)")


_TURN_BREAK = re.compile(r"\(|[A-Z][A-Za-z.'\u2019-]*(?: [A-Z][A-Za-z.'\u2019-]*){0,3}:")


_CLAUSE_DEPS = frozenset(["advcl", "mark", "ccomp", "conj", "cc", "nsubj", "nsubjpass", "relcl", "xcomp", "acl"])


_GAP_DEPS = ("dobj", "dative", "prep", "npadvmod", "advmod", "agent", "punct")


def speaker_line(eng: _Engine, tok: Token) -> bool:
    """ "NAME: ..." opening a line of a transcript: one to four names, nothing else, right after a line
    break (an opening quotation mark may come first: '"HOLT: Let me start ...')."""
    return eng._line_name(tok) is not None


def line_name(eng: _Engine, tok: Token) -> list[Token] | None:
    """The name tokens between the start of ``tok``'s line (after an opening quotation mark) and ``tok``,
    when they are one to four names and nothing else."""
    line_start = eng.text.rfind("\n", 0, tok.idx) + 1
    k = tok.i
    while k > 0 and eng.doc[k - 1].idx >= line_start and tok.i - k <= 5:
        k -= 1
    before = [t for t in eng.doc[k : tok.i] if not t.is_space]
    if not before or before[0].idx != line_start:
        return None
    if before[0].text in _OPENING_QUOTES:
        before = before[1:]
    if not 1 <= len(before) <= 4 or not all(t.pos_ == "PROPN" or t.text.isupper() for t in before):
        return None
    return before


def turn(eng: _Engine, start: int, quoted: bool) -> list[tuple[int, int]]:
    """A transcript speaker's turn from ``start``: the rest of the paragraph and, when the turn opened with a
    quotation mark, the next paragraphs that reopen one, up to the next "NAME:" line or bracketed stage
    direction ('"(CROSSTALK.)')."""
    text = eng.text
    pieces = []
    while True:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        a, b = start, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in '"\u201d'):
            b -= 1
        if b > a:
            pieces.append((a, b))
        if not quoted:
            break
        m = _NEXT_PARA.match(text, end)
        if m is None or _TURN_BREAK.match(text, m.end()):
            break
        start = m.end()
    return pieces


def colon(eng: _Engine, tok: Token) -> Attribution | None:
    """ "Name: text" (transcripts, headlines): a short name opening its line or sentence is the source; on a
    transcript's speaker line the content is the speaker's whole turn."""
    line = eng._line_name(tok)
    if line is not None:
        head = min(line, key=lambda t: sum(1 for _ in t.ancestors))
        quoted = eng.text[line[0].idx - 1 : line[0].idx] in _OPENING_QUOTES
        content = eng._turn(tok.idx + 1, quoted)
        return (
            Attribution(cue=[tok], source=line, source_head=head, content=content, layout=True, verbatim=quoted)
            if content
            else None
        )
    sent = tok.sent
    before = [t for t in eng.doc[sent.start : tok.i] if not t.is_space]
    if not before or len(before) > 6 or not any(t.pos_ == "PROPN" or t.ent_type_ for t in before):
        return None
    after = [t for t in eng.doc[tok.i + 1 : sent.end] if not t.is_space]
    if not after:
        return None
    src = strip_edges(before)
    if not src:
        return None
    head = min(src, key=lambda t: sum(1 for _ in t.ancestors))
    content = [s for s in (trim(eng.text, a, b) for a, b in runs(after)) if s[1] > s[0]]
    attr = Attribution(cue=[tok], source=src, source_head=head, content=content)
    eng._attach_quotes(attr)
    return attr if attr.content else None


def attach_quotes(eng: _Engine, attr: Attribution) -> None:
    """Extend content to whole quotations, pull in an adjacent quote, and its continuations."""
    text = eng.text
    # The parser runs sentences over paragraph breaks ('... pay."\n\n"We have ...'): content read from the
    # parse stays in the cue's paragraph; a quotation running on (multi-paragraph quote) is re-added below.
    para_start = text.rfind("\n", 0, attr.cue_start) + 1
    para_end = text.find("\n", attr.cue_start)
    para_end = len(text) if para_end < 0 else para_end
    clipped = [trim(text, max(a, para_start), min(b, para_end)) for a, b in attr.content]
    attr.content = [(a, b) for a, b in clipped if b > a]
    pieces = []
    for a, b in attr.content:
        for qs, qe in eng.quotes.overlapping(a, b):
            a, b = min(a, qs), max(b, qe)
        pieces.append((a, b))
    block = attr.cue + attr.source
    bstart = min(t.idx for t in block)
    bend = max(t.idx + len(t.text) for t in block)
    if not pieces:
        # 'X said: "..."' / 'X told reporters, "..."': a quotation right after the cue (within the sentence)
        verb = attr.cue[-1]
        allowed = {t.i for c in verb.children if c.dep_ in _GAP_DEPS and c.i > verb.i for t in c.subtree}
        j = bend
        for t in verb.doc[verb.i + 1 : min(len(verb.doc), verb.i + 25)]:
            q = eng.quotes.starting_at(t.idx)
            if q:
                pieces.append(q)
                break
            if t.text in (".", "!", "?"):
                break  # 'he said. "B."': B continues the quotation before the cue, if any (below)
            if not (t.i in allowed or t.text in (",", ":") or t.is_space):
                break
        # '"...," X said.': a quotation right before the source/cue block
        if not pieces:
            j = bstart - 1
            while j >= 0 and (text[j].isspace() or text[j] in ","):
                j -= 1
            q = eng.quotes.containing(j) if j >= 0 else None
            # same paragraph only: '..."\n\nThe ministry did not comment.' does not own the quote before it
            # a quotation closed by a full stop is a sentence of its own, with its own speaker ('... fees
            # alone." Mr Olek agreed and said ...'); one that hands over to its cue ends in a comma, ? or !
            if q and q[1] == j + 1 and "\n" not in text[q[1] : bstart] and text[q[1] - 2 : q[1] - 1] != ".":
                pieces.append(q)
    elif all(a >= bend for a, _ in pieces):
        # '"A," he said. "B."' where the parse gave "said" only B: a quotation ending in a comma right before
        # the block is the cue's own (quote-first), B its continuation
        j = bstart - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        q = eng.quotes.containing(j) if j >= 0 else None
        if q and q[1] == j + 1 and text[j - 1 : j] == "," and "\n" not in text[q[1] : bstart]:
            pieces.insert(0, q)
    if not pieces:
        attr.content = []
        return
    # the quotation continues after "he said": '"A," he said. "B."'
    last_end = max(e for _, e in pieces)
    if last_end <= bstart:
        # after the cue's own adjuncts, if any ('," Judge Ona Reis said in her ruling. "B."')
        k = eng._cue_sentence_rest(attr, bend)
        while k < len(text) and text[k] in " ,.;:\u00a0":
            k += 1
        q = eng.quotes.starting_at(k)
        # but not a quotation that has its own speaker after it ('..., economists said. "B," said Ines Kohl'),
        # nor words quoted inside the next sentence ('... the report warned.' after '. "Dubious" assumptions
        # could ...'): a continuation is a sentence of its own, closed by its full stop, ? or !
        if q and text[q[0] : q[1]].rstrip("\"'\u201d\u2019 ")[-1:] in (".", "!", "?", "\u2026"):
            pieces.append(q)
    pieces = sorted(set(pieces))
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        if merged and (a <= merged[-1][1] or not text[merged[-1][1] : a].strip()):
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    attr.content = [p for p in merged if not (p[0] < bend and bstart < p[1])] or merged


def cue_sentence_rest(eng: _Engine, attr: Attribution, bend: int) -> int:
    """End of the adjuncts that follow a quote-first cue up to its full stop ('," Judge Ona Reis said in her
    ruling.', '," he told Reuters on Monday.'): the character offset after them, or ``bend`` when something
    other than the cue verb's own phrases comes first."""
    verb = attr.cue[-1]
    own = {t.i for t in verb.subtree}
    end = bend
    for t in eng.doc[verb.i + 1 : min(len(eng.doc), verb.i + 16)]:
        if t.idx < bend:
            continue
        if t.text in (".", "!", "?"):
            return end
        if (
            t.i not in own
            or t.is_space
            or eng.quotes.containing(t.idx)
            or t.pos_ in ("VERB", "AUX")
            or t.dep_ in _CLAUSE_DEPS
        ):
            return bend  # another clause comes first ('said, before the mayor spoke. "B."')
        end = t.idx + len(t.text)
    return bend


def quote_first(eng: _Engine) -> list[Attribution]:
    """'"...," Gene Sperling, an adviser, said.' and '"...," said Sperling.' read from the text, because the
    parser often folds the source into the quoted clause."""
    doc, text = eng.doc, eng.text
    out: list[Attribution] = []
    for qs, qe in eng.quotes.spans:
        inner = text[qs:qe].rstrip("\"'\u201d\u2019")
        if not inner or inner[-1] not in ",?!\u2014-":
            continue
        start_tok = bisect_left(eng._tok_starts, qe)
        if start_tok >= len(doc):
            continue
        # the tokens up to the end of the sentence (or the next quotation)
        window = []
        for t in doc[start_tok : min(len(doc), start_tok + 30)]:
            if t.is_space or (t.text in ".;!?" and t.i > start_tok) or eng.quotes.starting_at(t.idx):
                break
            window.append(t)
        cue_at = next((k for k, t in enumerate(window) if t.tag_.startswith("VB") and is_cue_verb(t.lower_)), None)
        if cue_at is None:
            continue
        verb = window[cue_at]
        cue = cue_tokens(verb)
        cue = [t for t in cue if t.i >= window[0].i]
        before = [t for t in window[:cue_at] if t not in cue]
        after = window[cue_at + 1 :]
        src = [t for t in before if not (t.is_punct and t.text in ",\u2014-")] or []
        if src:
            src = strip_edges(before)
        elif after:
            # "said Sperling, an adviser" -- stop at a clause the source does not own ("when asked")
            src = []
            for t in after:
                if src and (t.tag_ in ("WRB", "VBG") or t.lower_ in ("when", "after", "before", "while", "during")):
                    break
                src.append(t)
            src = strip_edges(src)
        said_by = _quoted_as_saying(verb)
        if said_by is not None:
            src = source_tokens(said_by)  # '"...," the paper quoted an insider as saying': the insider speaks
        if not src or len(src) > 25 or any(t.pos_ == "VERB" and t.dep_ not in ("relcl", "acl", "amod") for t in src):
            continue
        head = min(src, key=lambda t: sum(1 for _ in t.ancestors))
        attr = Attribution(cue=cue, source=src, source_head=head, content=[(qs, qe)])
        eng._attach_quotes(attr)
        out.append(attr)
    return out

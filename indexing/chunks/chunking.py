"""Chunking: runs of whole sentences that fit the embedder, never cutting a quote or a claim.

The promises (tested in ``tests/test_chunking.py``):

- every chunk's text is exactly ``body[start:end]``; chunks are in order, do not
  overlap, and only whitespace lies between them, so no text is ever lost;
- ``header + chunk text`` (see :func:`embedding_text`) never exceeds the
  embedder's ``max_tokens`` word pieces, counted by the real tokenizer
  (MiniLM silently truncates past 256, which would drop text from the vector);
- a quotation, straight or curly, one sentence or several paragraphs long, is
  never cut in two unless it alone exceeds the limit;
- a claim's content, cue and source stay in one chunk when they fit together;
- a claim belongs to the chunk containing its content start.

Only a single sentence (or quote) longer than the limit is split inside, at a
clause boundary when there is one, else between words.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indexing.models import Article, Chunk, Claim

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["chunk_article", "embedding_header", "embedding_text", "sentence_spans"]

CountTokens = Callable[[Sequence[str]], list[int]]

# A title longer than this is cut for the header: the header exists to give a
# mid-article chunk its topic, a few words do that; more would eat chunk room.
_HEADER_MAX_CHARS = 120
_HEADER_SEP = " — "

_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»"
_STRAIGHT = '"'
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_CLAUSE_END = re.compile(r"[,;:)\]]$|^[—–-]{1,2}$")


def embedding_header(title: str) -> str:
    """The short prefix the embedder and BM25 see before each chunk: ``"Title — "``."""
    title = " ".join(title.split())
    if not title:
        return ""
    if len(title) > _HEADER_MAX_CHARS:
        title = title[:_HEADER_MAX_CHARS].rsplit(" ", 1)[0]
    return title + _HEADER_SEP


def embedding_text(title: str, text: str) -> str:
    """What is embedded (and indexed by BM25) for a chunk: its header then its text."""
    return embedding_header(title) + text


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    tokens: int


def sentence_spans(body: str, doc: Doc | None) -> list[tuple[int, int]]:
    """Sentence spans of ``body``, trimmed of whitespace and also cut at line breaks.

    spaCy's small model sometimes runs a sentence across a paragraph break (a
    headline-like line without a full stop); a paragraph is always a boundary.
    """
    if doc is not None:
        raw = [(s.start_char, s.end_char) for s in doc.sents]
    else:  # no parse: fall back to paragraphs
        raw = [(0, len(body))]
    spans: list[tuple[int, int]] = []
    for start, end in raw:
        pos = start
        for match in _PARAGRAPH.finditer(body, start, end):
            spans.extend(_trim(body, pos, match.start()))
            pos = match.end()
        spans.extend(_trim(body, pos, end))
    return spans


def _trim(body: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return [(start, end)] if end > start else []


class _QuoteState:
    """Whether a character offset lies inside a quotation.

    Straight quotes toggle; curly quotes open and close. News style continues a
    quote across paragraphs by opening each new paragraph with a quote mark and
    closing only the last: a paragraph that starts with a quote mark while a
    quote is open continues it. A quote left open at a paragraph end whose next
    paragraph does not start with a quote mark was never closed (a typo), and is
    closed there so one stray mark cannot glue the rest of an article together.
    """

    def __init__(self, body: str) -> None:
        self._changes: list[int] = []  # offsets where the state flips, starting closed
        self._states: list[bool] = []
        inside = False
        paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", body)]
        for index, (p_start, p_end) in enumerate(paragraphs):
            pos = p_start
            while pos < p_end and body[pos].isspace():
                pos += 1
            if inside and pos < p_end and body[pos] in _STRAIGHT + _OPEN_QUOTES:
                pos += 1  # continuation mark of a multi-paragraph quote
            for offset in range(pos, p_end):
                char = body[offset]
                if char == _STRAIGHT:
                    self._flip(offset, not inside)
                    inside = not inside
                elif char in _OPEN_QUOTES and not inside:
                    self._flip(offset, True)
                    inside = True
                elif char in _CLOSE_QUOTES and inside:
                    self._flip(offset + 1, False)
                    inside = False
            if inside:
                nxt = paragraphs[index + 1][0] if index + 1 < len(paragraphs) else None
                continues = False
                if nxt is not None:
                    text = body[nxt : nxt + 8].lstrip()
                    continues = bool(text) and text[0] in _STRAIGHT + _OPEN_QUOTES
                if not continues:
                    self._flip(p_end, False)
                    inside = False

    def _flip(self, offset: int, state: bool) -> None:
        self._changes.append(offset)
        self._states.append(state)

    def inside(self, offset: int) -> bool:
        """True when the character at ``offset`` (or the gap before it) is inside a quote."""
        index = bisect.bisect_right(self._changes, offset) - 1
        return self._states[index] if index >= 0 else False


def _claim_extents(claims: Sequence[Claim]) -> list[tuple[int, int]]:
    extents = []
    for claim in claims:
        offsets = [o for o in (claim.start, claim.end) if o is not None]
        for span in (*claim.source_spans, *claim.cue_spans, *claim.content_spans):
            offsets.extend((span.start, span.end))
        if offsets:
            extents.append((min(offsets), max(offsets)))
    return extents


def _split_long(body: str, piece: _Piece, limit: int, count: CountTokens) -> list[_Piece]:
    """Split one over-long sentence between words, preferring clause ends; nothing dropped."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", body[piece.start : piece.end])]
    words = [(piece.start + s, piece.start + e) for s, e in words]
    counts = count([body[s:e] for s, e in words])
    pieces: list[_Piece] = []
    run: list[int] = []  # indexes into words
    run_tokens = 0
    for index, tokens in enumerate(counts):
        if run and run_tokens + tokens > limit:
            # cut at the last clause end in the second half of the run, else here
            cut = len(run)
            for back in range(len(run) - 1, len(run) // 2, -1):
                s, e = words[run[back - 1]]
                if _CLAUSE_END.search(body[s:e]):
                    cut = back
                    break
            head, run = run[:cut], run[cut:]
            pieces.append(_Piece(words[head[0]][0], words[head[-1]][1], sum(counts[i] for i in head)))
            run_tokens = sum(counts[i] for i in run)
        if tokens > limit:
            # a single "word" longer than the limit (a URL, a table row): cut by characters
            s, e = words[index]
            step = max(1, (e - s) * limit // (tokens + 1))
            for at in range(s, e, step):
                pieces.append(_Piece(at, min(e, at + step), min(limit, tokens)))
            continue
        run.append(index)
        run_tokens += tokens
    if run:
        pieces.append(_Piece(words[run[0]][0], words[run[-1]][1], run_tokens))
    return pieces


def _group(pieces: list[_Piece], joined: list[bool]) -> list[list[_Piece]]:
    """Runs of pieces; ``joined[i]`` glues piece i to piece i+1."""
    groups: list[list[_Piece]] = []
    for index, piece in enumerate(pieces):
        if index and joined[index - 1]:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def _units(
    body: str,
    pieces: list[_Piece],
    hard: list[bool],
    soft: list[bool],
    limit: int,
    count: CountTokens,
) -> list[list[_Piece]]:
    """Indivisible runs of sentences: quotes (hard) and claims (soft) kept whole when they fit."""
    units: list[list[_Piece]] = []
    position = {id(p): i for i, p in enumerate(pieces)}
    for unit in _group(pieces, [h or s for h, s in zip(hard, soft, strict=True)]):
        if sum(p.tokens for p in unit) <= limit:
            units.append(unit)
            continue
        # too big with its claims glued on: keep only the quotes whole
        sub_joined = [hard[position[id(p)]] for p in unit[:-1]]
        for quote in _group(unit, sub_joined):
            if sum(p.tokens for p in quote) <= limit:
                units.append(quote)
                continue
            # a single quote longer than the limit: sentence by sentence, words if need be
            for piece in quote:
                if piece.tokens <= limit:
                    units.append([piece])
                else:
                    units.extend([p] for p in _split_long(body, piece, limit, count))
    return units


def _pack(units: list[list[_Piece]], target: int, limit: int) -> list[list[_Piece]]:
    chunks: list[list[_Piece]] = []
    current: list[_Piece] = []
    current_tokens = 0
    for unit in units:
        tokens = sum(p.tokens for p in unit)
        fits_target = current_tokens + tokens <= target
        # a small chunk may grow past the target (up to the limit) rather than
        # leave a fragment behind
        small = current_tokens < target // 2 and current_tokens + tokens <= limit
        if current and not (fits_target or small):
            chunks.append(current)
            current, current_tokens = [], 0
        current = current + unit
        current_tokens += tokens
    if current:
        last_tokens = current_tokens
        if chunks and last_tokens < target // 4 and sum(p.tokens for p in chunks[-1]) + last_tokens <= limit:
            chunks[-1] = chunks[-1] + current
        else:
            chunks.append(current)
    return chunks


def chunk_article(
    article: Article,
    doc: Doc | None,
    claims: Sequence[Claim],
    *,
    count_tokens_batch: CountTokens,
    max_tokens: int,
    target_tokens: int,
) -> list[Chunk]:
    """Cut ``article.body`` into chunks (see the module docstring for the guarantees).

    ``doc`` is the spaCy parse of ``article.body``; ``claims`` its claims (body
    offsets); ``count_tokens_batch`` counts word pieces as the embedder does;
    ``max_tokens`` is the hard limit including the title header,
    ``target_tokens`` the size aimed at.
    """
    body = article.body
    if doc is not None and doc.text != body:
        raise ValueError("the spaCy doc was not parsed from this article's body")
    header = embedding_header(article.title)
    spans = sentence_spans(body, doc)
    if not spans:
        return []
    counts = count_tokens_batch([header] + [body[s:e] for s, e in spans])
    header_tokens = counts[0]
    limit = max(8, max_tokens - header_tokens - 2)  # 2: slack for joins the sum may under-count
    target = max(8, min(limit, target_tokens - header_tokens))
    pieces = [_Piece(s, e, t) for (s, e), t in zip(spans, counts[1:], strict=True)]

    quotes = _QuoteState(body)
    extents = _claim_extents(claims)
    hard, soft = [], []
    for left, right in itertools.pairwise(pieces):
        hard.append(quotes.inside(right.start))
        # a claim whose pieces lie on both sides of this boundary
        soft.append(any(lo < right.start and hi > left.end for lo, hi in extents))

    runs = _pack(_units(body, pieces, hard, soft, limit, count_tokens_batch), target, limit)
    packed = _enforce_limit(body, header, runs, max_tokens, count_tokens_batch)

    starts = [run[0].start for run, _ in packed]
    by_chunk: list[list[Claim]] = [[] for _ in packed]
    for claim in claims:
        if claim.start is None:
            continue
        index = max(0, bisect.bisect_right(starts, claim.start) - 1)
        by_chunk[index].append(claim)

    chunks = []
    for index, (run, tokens) in enumerate(packed):
        start, end = run[0].start, run[-1].end
        chunks.append(
            Chunk(
                id=f"{article.id}:{index}",
                article_id=article.id,
                index=index,
                text=body[start:end],
                start=start,
                end=end,
                claims=by_chunk[index],
                token_count=tokens,
            )
        )
    return chunks


def _enforce_limit(
    body: str,
    header: str,
    packed: list[list[_Piece]],
    max_tokens: int,
    count: CountTokens,
) -> list[tuple[list[_Piece], int]]:
    """Re-count every chunk with the real tokenizer; split any that exceeds the limit.

    Sentence counts add up to the chunk's count for a WordPiece tokenizer almost
    always; this pass makes "almost" into "always".
    """
    work = list(packed)
    done: list[tuple[list[_Piece], int]] = []
    for _ in range(8):
        totals = count([header + body[run[0].start : run[-1].end] for run in work])
        again: list[list[_Piece]] = []
        result: list[tuple[list[_Piece], int]] = []
        for run, total in zip(work, totals, strict=True):
            if total <= max_tokens:
                result.append((run, total))
            elif len(run) > 1:
                half = len(run) // 2
                again.extend([run[:half], run[half:]])
            else:
                over = total - max_tokens
                smaller = max(4, run[0].tokens - over - 4)
                again.extend([p] for p in _split_long(body, run[0], smaller, count))
        if not again:
            done = result
            break
        # keep document order: merge the accepted and the re-split runs by start offset
        work = sorted([r for r, _ in result] + again, key=lambda r: r[0].start)
    else:  # pragma: no cover - eight halvings always reach single words
        raise RuntimeError("could not fit a chunk into the embedder's limit")
    return sorted(done, key=lambda item: item[0][0].start)

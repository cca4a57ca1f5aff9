"""Chunking invariants on invented text, checked with the real tokenizer and spaCy."""

from __future__ import annotations

import random
import re

import pytest

from indexing.chunks.chunking import chunk_article, embedding_header, embedding_text
from indexing.models import Article, Claim, Span

SUBJECTS = [
    "The harbour board",
    "Mayor Ilse Varga",
    "A union spokesman",
    "The ministry",
    "Residents of Calder Bay",
    "Dr Amal Petrosyan",
]
VERBS = ["approved", "questioned", "delayed", "welcomed", "criticised", "announced"]
OBJECTS = [
    "the new budget for the eastern docks",
    "a plan to widen the river channel before winter",
    "the contract with the ferry operator",
    "an inquiry into the collapsed warehouse roof",
    "the proposal to close the night market early",
]
TAILS = [
    "on Tuesday",
    "after a long debate",
    "despite strong objections from traders",
    "in a brief statement",
    "",
]


def _sentence(rng: random.Random) -> str:
    tail = rng.choice(TAILS)
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{' ' + tail if tail else ''}."


def _article(rng: random.Random, paragraphs: int) -> str:
    """Paragraphs of plain sentences, straight and curly quotes, some running over several sentences."""
    out = []
    for _ in range(paragraphs):
        kind = rng.random()
        sentences = [_sentence(rng) for _ in range(rng.randint(1, 4))]
        if kind < 0.25:
            quoted = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
            sentences.insert(rng.randint(0, len(sentences)), f'"{quoted}" {rng.choice(SUBJECTS)} said.')
        elif kind < 0.4:
            quoted = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
            sentences.append(f"“{quoted}” she told reporters.")
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def _quote_spans(body: str) -> list[tuple[int, int]]:
    """Quotations in invented text: "..." and “...” (no nesting, no apostrophes)."""
    spans = [(m.start(), m.end()) for m in re.finditer(r'"[^"]*"', body)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"“[^”]*”", body)]
    return spans


def _check_invariants(article: Article, chunks, embedder, max_tokens: int) -> None:
    body = article.body
    assert chunks, "a non-empty article gives at least one chunk"
    position = 0
    for index, chunk in enumerate(chunks):
        assert chunk.index == index and chunk.id == f"{article.id}:{index}"
        assert chunk.text == body[chunk.start : chunk.end]
        assert body[position : chunk.start].strip() == "", "only whitespace may lie between chunks"
        position = chunk.end
    assert body[position:].strip() == ""
    texts = [embedding_text(article.title, c.text) for c in chunks]
    real = embedder.count_tokens_batch(texts)
    assert max(real) <= max_tokens, f"a chunk has {max(real)} word pieces, over {max_tokens}"
    assert [c.token_count for c in chunks] == real


@pytest.fixture
def chunker(embedder):
    def run(article: Article, doc, claims=(), *, max_tokens: int | None = None, target: int = 200):
        return chunk_article(
            article,
            doc,
            list(claims),
            count_tokens_batch=embedder.count_tokens_batch,
            max_tokens=max_tokens or embedder.max_tokens,
            target_tokens=target,
        )

    return run


@pytest.mark.parametrize("seed", range(6))
def test_random_articles_keep_every_character_fit_the_limit_and_keep_quotes_whole(seed, nlp, embedder, chunker):
    rng = random.Random(seed)
    body = _article(rng, paragraphs=rng.randint(4, 14))
    article = Article(id=f"a{seed}", title="Calder Bay council meets on the docks budget", body=body)
    target = rng.choice([60, 120, 200])
    chunks = chunker(article, nlp(body), target=target)
    _check_invariants(article, chunks, embedder, embedder.max_tokens)
    for start, end in _quote_spans(body):
        inside = [c for c in chunks if c.start < end and start < c.end]
        assert len(inside) == 1, f"quote {body[start:end][:40]!r} is cut across {len(inside)} chunks"
    if len(chunks) > 1:
        # aiming at the target: chunks are not tiny fragments on average
        assert sum(c.token_count for c in chunks) / len(chunks) > target / 3


def test_multi_paragraph_quote_stays_in_one_chunk(nlp, embedder, chunker):
    body = (
        "The strike entered its second week on Monday.\n\n"
        '"We will not go back until the night shifts are paid properly. Nobody should work for less.\n\n'
        '"The port makes record profits. The workers see none of it," the union leader said.\n\n'
        "The port authority declined to comment. Ships waited outside the harbour."
    )
    article = Article(id="q", title="Strike", body=body)
    chunks = chunker(article, nlp(body), target=40)
    quote_start = body.index('"We will')
    quote_end = body.index('it,"') + 4
    holding = [c for c in chunks if c.start <= quote_start < c.end]
    assert len(holding) == 1 and holding[0].end >= quote_end, [c.text for c in chunks]
    assert len(chunks) >= 2, "the small target still splits the article outside the quote"


def test_unclosed_quote_does_not_glue_the_rest_of_the_article(nlp, embedder, chunker):
    body = 'He said "this never closes. ' + " ".join(_sentence(random.Random(1)) for _ in range(3)) + "\n\n"
    body += "\n\n".join(" ".join(_sentence(random.Random(i)) for _ in range(3)) for i in range(2, 8))
    article = Article(id="u", title="", body=body)
    chunks = chunker(article, nlp(body), target=40)
    _check_invariants(article, chunks, embedder, embedder.max_tokens)
    assert len(chunks) >= 4


def test_a_claim_is_not_cut_off_its_source(nlp, embedder, chunker):
    first = "The ministry, according to a senior official who asked not to be named,"
    body = (
        "Traffic was light in the city on Sunday. "
        + " ".join(_sentence(random.Random(3)) for _ in range(3))
        + f" {first} has already drafted the law. It will be tabled in March and passed before summer. "
        + " ".join(_sentence(random.Random(4)) for _ in range(4))
    )
    source_start = body.index("a senior official")
    content_start = body.index("It will be tabled")
    claim = Claim(
        text="It will be tabled in March and passed before summer.",
        start=content_start,
        end=content_start + 52,
        source="a senior official",
        source_type="anonymous",
        cue="according to",
        source_spans=[Span(start=source_start, end=source_start + 17)],
        content_spans=[Span(start=content_start, end=content_start + 52)],
    )
    article = Article(id="c", title="Law", body=body)
    for target in (30, 40, 50, 60):
        chunks = chunker(article, nlp(body), [claim], target=target)
        _check_invariants(article, chunks, embedder, embedder.max_tokens)
        holding = [c for c in chunks if claim in c.claims]
        assert len(holding) == 1, "a claim is assigned to exactly one chunk"
        assert holding[0].start <= source_start and content_start + 52 <= holding[0].end, f"target {target}"


def test_claims_are_assigned_to_the_chunk_holding_their_content_start(nlp, embedder, chunker):
    rng = random.Random(7)
    body = "\n\n".join(" ".join(_sentence(rng) for _ in range(3)) for _ in range(8))
    doc = nlp(body)
    claims = [Claim(text=s.text, start=s.start_char, end=s.end_char) for s in doc.sents]
    article = Article(id="s", title="", body=body)
    chunks = chunker(article, doc, claims, target=50)
    assert sum(len(c.claims) for c in chunks) == len(claims)
    for chunk in chunks:
        for claim in chunk.claims:
            assert chunk.start <= claim.start < chunk.end


def test_a_sentence_longer_than_the_limit_is_split_between_words_without_loss(nlp, embedder, chunker):
    clauses = [
        f"the {w} committee, which met for {n} hours on the {w} report"
        for n, w in enumerate(["budget", "harbour", "ferry", "school", "road", "market"] * 6)
    ]
    body = "Officials said that " + ", and ".join(clauses) + ", had reached no decision."
    article = Article(id="long", title="A very long sentence about committees", body=body)
    max_tokens = 80
    chunks = chunker(article, nlp(body), max_tokens=max_tokens, target=60)
    assert len(chunks) > 1
    _check_invariants(article, chunks, embedder, max_tokens)
    # every word survives, in order
    assert " ".join(c.text for c in chunks).split() == body.split()


def test_a_quote_longer_than_the_limit_is_split_only_because_it_must(nlp, embedder, chunker):
    inner = " ".join(_sentence(random.Random(9)) for _ in range(25))
    body = f'Before. "{inner}" she said. After this, nothing.'
    article = Article(id="big", title="", body=body)
    chunks = chunker(article, nlp(body), target=200)
    _check_invariants(article, chunks, embedder, embedder.max_tokens)
    assert len(chunks) > 1


def test_header_is_short_and_counted(embedder, nlp, chunker):
    title = "A " + "very " * 60 + "long headline"
    header = embedding_header(title)
    assert header.endswith(" — ") and len(header) <= 125
    assert embedding_header("") == ""
    body = " ".join(_sentence(random.Random(5)) for _ in range(40))
    article = Article(id="h", title=title, body=body)
    chunks = chunker(article, nlp(body))
    _check_invariants(article, chunks, embedder, embedder.max_tokens)


def test_doc_of_another_text_is_refused(nlp, chunker):
    article = Article(id="x", title="", body="One sentence here.")
    with pytest.raises(ValueError):
        chunker(article, nlp("A different sentence."))


def test_whitespace_only_body_gives_no_chunks(chunker, nlp):
    article = Article(id="w", title="T", body="   \n\n  ")
    assert chunker(article, nlp(article.body)) == []

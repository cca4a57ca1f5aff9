"""Invented articles for the store, pipeline, retrieval and CLI tests, and store checks.

Every article here is written for these tests (no real news text). Each has a
distinctive topic word so retrieval tests can name the article they expect.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from app.settings import Settings
from indexing.models import Article

__all__ = ["ARTICLES", "article", "assert_clean_store", "many_articles", "write_corpus"]


def article(
    id: str,
    title: str,
    body: str,
    outlet: str | None = "Harbor Gazette",
    published_at: date | None = date(2026, 3, 2),
) -> Article:
    return Article(id=id, title=title, body=body, outlet=outlet, published_at=published_at, author="Test Desk")


ARTICLES: list[Article] = [
    article(
        "gazette/ferry-fares",
        "Tollbridge ferry fares to rise in spring",
        "Fares on the Tollbridge ferry will rise by twelve percent in April, the harbour board said on Monday.\n\n"
        '"We held prices for three years, but fuel has doubled," Mayor Ilse Varga told reporters. '
        '"Nobody likes paying more. The alternative is fewer crossings."\n\n'
        "Commuters may face further increases next year, according to a source at the operator. "
        "The board will publish the new timetable next week.",
        "Harbor Gazette",
        date(2026, 3, 2),
    ),
    article(
        "ledger/skarvik-glacier",
        "Skarvik glacier retreats faster than forecast",
        "The Skarvik glacier lost forty metres of ice over the summer, researchers at the Brennmark institute said. "
        "Dr Amal Petrosyan, who led the survey, said the retreat was the fastest since records began.\n\n"
        "Officials suggested the meltwater could threaten the valley road by 2030. "
        "Some farmers reportedly plan to move their herds to higher pastures.",
        "The Northern Ledger",
        date(2026, 4, 10),
    ),
    article(
        "wire/chess-final",
        "Teenager wins the Meridian chess open",
        "A sixteen-year-old from Calder Bay won the Meridian chess open on Sunday, beating the defending champion in a tense final. "
        '"I did not expect to get past the first round," she said after the match.\n\n'
        "The organisers said next year's tournament would move to a larger hall.",
        "Meridian Wire",
        date(2026, 5, 20),
    ),
    article(
        "gazette/bakery-strike",
        "Bakery workers strike over night shifts",
        "Workers at the Eastdock bakery walked out on Friday in a dispute over night-shift pay. "
        "The union said the action would continue until the company made a better offer.\n\n"
        "The company said it was disappointed and that bread deliveries might be delayed.",
        "Harbor Gazette",
        date(2026, 6, 1),
    ),
    article(
        "ledger/ferry-timetable",
        "New winter timetable for the Tollbridge ferry",
        "The Tollbridge ferry will run only four crossings a day in winter, the operator announced. "
        "Passengers complained that the early crossing had been cut.\n\n"
        "Analysts said the operator was likely to restore the crossing if demand recovered.",
        "The Northern Ledger",
        date(2026, 7, 15),
    ),
    article(
        "wire/volcano-observatory",
        "Volcano observatory reopens after repairs",
        "The Hekkla volcano observatory reopened on Thursday after two years of repairs to its seismic sensors. "
        "Staff said the new instruments would give earlier warnings of eruptions.",
        "Meridian Wire",
        None,
    ),
]


def many_articles(count: int, *, words: int = 220, salt: str = "") -> list[Article]:
    """``count`` invented articles of about ``words`` words each (for kill-and-rerun tests)."""
    topics = [
        "harbour",
        "glacier",
        "ferry",
        "market",
        "bridge",
        "school",
        "orchard",
        "library",
        "stadium",
        "museum",
    ]
    verbs = ["approved", "questioned", "delayed", "welcomed", "criticised", "announced", "reviewed"]
    out = []
    for n in range(count):
        topic = topics[n % len(topics)]
        sentences = []
        while sum(len(s.split()) for s in sentences) < words:
            i = len(sentences)
            sentences.append(
                f"The {topic} council {verbs[(n + i) % len(verbs)]} plan number {n * 100 + i} for the district {salt}on day {i}."
            )
            if i % 5 == 4:
                sentences[-1] += "\n\n"
        body = " ".join(sentences).replace("\n\n ", "\n\n").strip()
        out.append(
            article(
                f"bulk/{n:04d}",
                f"Council {topic} plan {n}",
                body,
                "Bulk Times",
                date(2026, 1, 1 + n % 28),
            )
        )
    return out


def write_corpus(folder: Path, articles: list[Article]) -> Path:
    """Write ``articles`` as Markdown files with front matter (what the loaders read)."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in articles:
        path = folder / (item.id.replace("/", "__") + ".md")
        meta = {
            "id": item.id,
            "title": item.title,
            "outlet": item.outlet,
            "author": item.author,
            "published_at": item.published_at.isoformat() if item.published_at else None,
        }
        front = "\n".join(f"{k}: {v}" for k, v in meta.items() if v is not None)
        path.write_text(f"---\n{front}\n---\n{item.body}\n", encoding="utf-8")
    return folder


def assert_clean_store(settings: Settings, expected: dict[str, str] | None = None) -> dict[str, int]:
    """Check the store holds each article's chunks exactly once, all of the article's current version.

    ``expected`` maps article id -> content hash when the caller knows what must
    be there. Returns ``{article_id: chunk count}``.
    """
    from indexing.store.chroma import open_store

    store = open_store(settings)
    try:
        records = store._articles.get(include=["metadatas", "documents"])
        chunks = store._chunks.get(include=["metadatas", "documents"])
    finally:
        store.close()
    states = Counter(m.get("state") for m in records["metadatas"])
    assert set(states) <= {"complete"}, f"half-written records left: {states}"
    hashes = {i: m["content_hash"] for i, m in zip(records["ids"], records["metadatas"], strict=True)}
    bodies = dict(zip(records["ids"], records["documents"], strict=True))
    if expected is not None:
        assert hashes == expected
    assert len(chunks["ids"]) == len(set(chunks["ids"])), "duplicate chunk ids"
    per_article: dict[str, list[int]] = {}
    for cid, meta, text in zip(chunks["ids"], chunks["metadatas"], chunks["documents"], strict=True):
        aid = meta["article_id"]
        assert aid in hashes, f"chunk {cid} has no article record"
        assert meta["content_hash"] == hashes[aid], f"chunk {cid} is from another version of {aid}"
        assert text == bodies[aid][meta["start"] : meta["end"]], f"chunk {cid} text is not its span"
        assert cid == f"{aid}:{meta['index']}"
        json.loads(meta.get("claims", "[]"))
        per_article.setdefault(aid, []).append(meta["index"])
    for aid, meta in zip(records["ids"], records["metadatas"], strict=True):
        indexes = sorted(per_article.get(aid, []))
        assert indexes == list(range(meta["chunks"])), f"{aid}: chunks {indexes}, record says {meta['chunks']}"
    return {aid: len(v) for aid, v in per_article.items()}

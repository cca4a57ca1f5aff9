"""Helpers for the API, server and UI tests: a tiny in-memory stand-in for ``NewsQA``.

``FakeNewsQA`` has the facade's methods and returns the real typed models; it
exists so the UI and API could be built before the store and chain landed and
so UI-only checks (rendering, escaping) need no models. The API and browser
tests run on the real ``NewsQA``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from indexing.errors import BadInputError
from indexing.models import Answer, Article, Citation, Claim, SearchResponse, SearchResult


class FakeReport(BaseModel):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[dict[str, str]] = Field(default_factory=list)


class FakeNewsQA:
    """Word-overlap search over paragraphs; answers quote the best paragraph with a made-up attribution."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self.articles: dict[str, Article] = {a.id: a for a in articles}

    @classmethod
    def from_folder(cls, folder: Path) -> FakeNewsQA:
        from indexing.loaders import discover, load_source

        sources, _ = discover([folder])
        items = [item for s in sources for item in load_source(s, root=folder)]
        return cls(a for a in items if isinstance(a, Article))

    # --- writes ---
    def ingest(self, sources: Iterable[Article], *, outlet: str | None = None, progress: bool = False) -> FakeReport:
        report = FakeReport()
        for article in sources:
            old = self.articles.get(article.id)
            if old is None:
                report.added += 1
            elif old.content_hash == article.content_hash:
                report.unchanged += 1
            else:
                report.updated += 1
            self.articles[article.id] = article
        return report

    def delete_article(self, article_id: str) -> bool:
        return self.articles.pop(article_id, None) is not None

    # --- reads ---
    def get_article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def list_articles(self, *, offset: int = 0, limit: int = 50, outlet: str | None = None, query: str | None = None) -> dict[str, Any]:
        rows = [a for a in self.articles.values() if not outlet or a.outlet == outlet]
        rows.sort(key=lambda a: (str(a.published_at or ""), a.id), reverse=True)
        page = rows[offset : offset + limit]
        return {"total": len(rows), "articles": [a.model_dump(mode="json") | {"chars": len(a.body)} for a in page]}

    def stats(self) -> dict[str, Any]:
        outlets: dict[str, int] = {}
        for a in self.articles.values():
            outlets[a.outlet or "(none)"] = outlets.get(a.outlet or "(none)", 0) + 1
        days = sorted(str(a.published_at) for a in self.articles.values() if a.published_at)
        return {
            "articles": len(self.articles),
            "chunks": sum(a.body.count("\n\n") + 1 for a in self.articles.values()),
            "outlets": outlets,
            "first_published": days[0] if days else None,
            "last_published": days[-1] if days else None,
        }

    @staticmethod
    def filters(outlets: Sequence[str] | None = None, since: Any = None, until: Any = None) -> dict[str, Any]:
        return {"outlets": outlets, "since": since, "until": until}

    def search(self, query: str, *, k: int = 10, outlets: Sequence[str] | None = None, since: Any = None, until: Any = None) -> SearchResponse:
        if not query.strip():
            raise BadInputError("the query is empty")
        words = set(re.findall(r"\w+", query.lower()))
        scored = []
        for article in self.articles.values():
            if outlets and article.outlet not in outlets:
                continue
            for m in re.finditer(r"[^\n]+", article.body):
                overlap = len(words & set(re.findall(r"\w+", m.group(0).lower())))
                if overlap:
                    scored.append((overlap, article, m.start(), m.end()))
        scored.sort(key=lambda s: -s[0])
        results = [
            SearchResult(
                rank=i + 1, chunk_id=f"{a.id}:{s}", article_id=a.id, title=a.title, outlet=a.outlet,
                published_at=a.published_at, url=a.url, text=a.body[s:e], start=s, end=e, score=float(score),
                claims=[_claim(a.body[s:e], s)],
            )
            for i, (score, a, s, e) in enumerate(scored[:k])
        ]
        return SearchResponse(query=query, results=results)

    def ask(self, question: str, *, history: Sequence[Any] | None = None, **filters: Any) -> Answer:
        if not question.strip():
            raise BadInputError("the question is empty")
        results = self.search(question, k=2, **filters).results
        if not results:
            return Answer(question=question, answer="The corpus does not say.", refused=True)
        citations, claims, sentences = [], [], []
        for n, r in enumerate(results, 1):
            citations.append(Citation(id=n, chunk_id=r.chunk_id, article_id=r.article_id, title=r.title, outlet=r.outlet,
                                      published_at=r.published_at, url=r.url, text=r.text, start=r.start, end=r.end,
                                      score=r.score, chunk_start=r.start, chunk_end=r.end))
            claim = r.claims[0].model_copy(update={"citations": [n]})
            claims.append(claim)
            marks = (" [hedged]" if claim.hedges else "") + (" [anonymous source]" if claim.source_type == "anonymous" else "")
            who = claim.display_source or r.outlet
            sentences.append(f'According to {who}, "{claim.text[:160]}"{marks} [{n}].')
        return Answer(question=question, answer=" ".join(sentences), claims=claims, citations=citations)

    async def astream(self, question: str, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        answer = self.ask(question, **kwargs)
        yield {"type": "status", "text": "Searching the corpus…"}
        for word in re.findall(r"\S+\s*", answer.answer):
            await asyncio.sleep(0.005)
            yield {"type": "token", "text": word}
        yield {"type": "answer", "answer": answer}

    def close(self) -> None:
        pass


def _claim(text: str, offset: int) -> Claim:
    from indexing.attribution import analyze

    claims = analyze(text)
    best = next((c for c in claims if c.source_type != "unattributed"), None) or (claims[0] if claims else None)
    if best is None:
        return Claim(text=text, start=offset, end=offset + len(text))
    shift = {"start": (best.start or 0) + offset, "end": (best.end or len(text)) + offset}
    return best.model_copy(update=shift | {"source_spans": [], "cue_spans": [], "content_spans": []})


# --- the real system over the sample corpus, once per session ------------------------------------
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def sample_qa(tmp_path_factory: pytest.TempPathFactory, embedder: Any, sample_corpus: Path):
    """The real ``NewsQA`` (MiniLM, embedded Chroma, BM25) with ``corpus/sample`` ingested once.

    Shared by the API and browser tests: tests add and delete only articles of their own.
    """
    from app import NewsQA
    from indexing.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("sample-store") / "home")
    qa = NewsQA(settings, embedder=embedder)
    report = qa.ingest([sample_corpus])
    assert report.ok and report.added >= 24, report.summary()
    yield qa
    qa.close()


def sample_article_ids(sample_corpus: Path) -> list[str]:
    """Ids of the sample corpus as written in its files' front matter."""
    ids = []
    for path in sorted(sample_corpus.rglob("*.md")):
        match = re.search(r"^id:\s*(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
        if match:
            ids.append(match.group(1))
    return ids

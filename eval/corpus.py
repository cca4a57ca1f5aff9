"""The dataset's corpus as a lookup table, for answers that cite an article without giving its text.

Some tools cite by URL, file name or title only (OpenAI ``url_citation`` / ``file_citation``
annotations, LangChain's ``sources`` string, a "Sources:" list at the end of the answer). When the
answers file gives no passage text for such a citation, the suite reads the article from the
dataset's corpus: the citation's text becomes the whole article body (``whole_article``), and the
support measure reads the three-sentence window of it closest to the answer sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from eval.matching import content_words
from eval.notation import normalise_url
from indexing.models import Article
from indexing.text.lexicon import ascii_words

__all__ = ["CorpusIndex", "best_window"]

WINDOW_SENTENCES = 3


def _key(text: str) -> str:
    return ascii_words(text)


class CorpusIndex:
    """Articles by URL, file path, file name, title and id."""

    def __init__(self, articles: Iterable[Article] | None = None, root: Path | None = None) -> None:
        self.root = root
        self._loaded = articles is not None
        self._index(list(articles or []))

    def _index(self, articles: list[Article]) -> None:
        self.articles = articles
        self.by_url: dict[str, Article] = {}
        self.by_title: dict[str, Article] = {}
        self.by_id: dict[str, Article] = {}
        self.by_name: dict[str, list[Article]] = {}
        for article in self.articles:
            if article.url:
                self.by_url.setdefault(normalise_url(article.url), article)
            if article.title:
                self.by_title.setdefault(_key(article.title), article)
            self.by_id.setdefault(article.id, article)
            if article.source_path:
                self.by_name.setdefault(PurePosixPath(article.source_path.replace("\\", "/")).name, []).append(article)

    @classmethod
    def load(cls, folder: Path) -> CorpusIndex:
        """The articles of ``folder``, read when the first citation needs one."""
        return cls(None, folder)

    def _ensure(self) -> None:
        if not self._loaded and self.root is not None:
            from indexing.ingest.loaders import load_all

            self._loaded = True
            self._index([a for a in load_all([self.root]) if isinstance(a, Article)])

    def find(
        self,
        *,
        url: str | None = None,
        source_path: str | None = None,
        title: str | None = None,
        article_id: str | None = None,
    ) -> Article | None:
        """The article a citation names, or None when nothing (or more than one file) matches."""
        self._ensure()
        if url and normalise_url(url) in self.by_url:
            return self.by_url[normalise_url(url)]
        if article_id and article_id in self.by_id:
            return self.by_id[article_id]
        if source_path:
            path = source_path.replace("\\", "/").lstrip("./")
            named = self.by_name.get(PurePosixPath(path).name, [])
            exact = [a for a in named if (a.source_path or "").replace("\\", "/").endswith(path)]
            if len(exact) == 1:
                return exact[0]
            if len(named) == 1 and "/" not in path:
                return named[0]
        if title:
            key = _key(title)
            if key in self.by_title:
                return self.by_title[key]
            # A listed source often adds the outlet or date to the title ("Title - Harbor Gazette, 2026-10-20").
            padded = f" {key} "
            found = [a for t, a in self.by_title.items() if len(t.split()) >= 3 and f" {t} " in padded]
            if len(found) == 1:
                return found[0]
        return None


_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“'‘(]?[A-Z0-9])|\n\s*\n")


def best_window(sentence: str, body: str, size: int = WINDOW_SENTENCES) -> str:
    """The run of ``size`` consecutive sentences of ``body`` sharing the most content words with ``sentence``."""
    parts = [p.strip() for p in _SENTENCE_END.split(body) if p and p.strip()]
    if len(parts) <= size:
        return body
    wanted = set(content_words(sentence))
    best, best_score = parts[:size], -1
    for i in range(len(parts)):
        window = parts[i : i + size]
        score = len(wanted & set(content_words(" ".join(window))))
        if score > best_score:
            best, best_score = window, score
    return " ".join(best)

"""Fixtures shared by the API, server and UI tests: the real ``NewsQA`` over ``corpus/sample``, ingested once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def sample_qa(tmp_path_factory: pytest.TempPathFactory, embedder: Any, sample_corpus: Path):
    """The real ``NewsQA`` (MiniLM, embedded Chroma, BM25) with ``corpus/sample`` ingested once.

    Shared by the API and browser tests: tests add and delete only articles of their own.
    """
    from app import NewsQA
    from app.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("sample-store") / "home")
    qa = NewsQA(settings, embedder=embedder)
    report = qa.ingest([sample_corpus])
    assert report.ok and report.added >= 24, report.summary()
    yield qa
    qa.close()

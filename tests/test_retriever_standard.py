"""LangChain's own standard tests for retrievers (``langchain-tests``), run on ``NewsRetriever``.

Every LangChain retriever integration runs these: the number of results set in the constructor and per call
(``k``), and that ``invoke`` / ``ainvoke`` return ``Document`` objects. Here the retriever searches a real store
(real MiniLM, embedded Chroma) holding the bundled sample corpus.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("langchain_tests")

from langchain_tests.integration_tests import RetrieversIntegrationTests

from app.retrieve.retrieval import NewsRetriever
from app.settings import Settings
from tests.conftest import SAMPLE_CORPUS


class TestNewsRetrieverStandard(RetrieversIntegrationTests):
    _qa: Any = None

    @pytest.fixture(autouse=True, scope="class")
    def _sample_store(self, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
        from app.service import NewsQA

        qa = NewsQA(Settings(home=tmp_path_factory.mktemp("standard-retriever")))
        report = qa.ingest([str(SAMPLE_CORPUS)])
        assert not report.failed and report.added > 3
        request.cls._qa = qa
        yield
        qa.close()

    @property
    def retriever_constructor(self) -> type[NewsRetriever]:
        return NewsRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"searcher": type(self)._qa.searcher, "k": 4}

    @property
    def retriever_query_example(self) -> str:
        return "What did the port authority say about the strike deal?"

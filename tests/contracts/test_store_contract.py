"""The store contract (``store_contract.StoreContract``) on Chroma: embedded, and a real `chroma run` server."""

from __future__ import annotations

import pytest

from app.settings import Settings
from indexing.store.chroma import open_store
from tests.chroma_server import chroma_url, unique_collection  # noqa: F401 - fixture
from tests.contracts.store_contract import StoreContract


class TestEmbeddedStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        opened = open_store(Settings(home=tmp_path / "home"))
        yield opened
        opened.close()


@pytest.mark.server
class TestServerStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path, chroma_url):  # noqa: F811 - the fixture imported above
        opened = open_store(Settings(home=tmp_path / "home", chroma_url=chroma_url, collection=unique_collection()))
        yield opened
        opened.close()

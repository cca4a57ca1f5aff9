"""Shared fixtures. Every test points NEWSQA_HOME at a temp dir; real models are loaded once per session.

Area-specific fixtures live beside their tests (``tests/<area>_fixtures.py``) and are
imported by the test modules that need them, so this file stays small.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
warnings.filterwarnings("ignore", category=DeprecationWarning)

from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NEWSQA_SHARED_DATA", ROOT.parent / "shared" / "data"))
SAMPLE_CORPUS = ROOT / "corpus" / "sample"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's NEWSQA_* settings or writes their store."""
    for key in list(os.environ):
        if key.startswith("NEWSQA_") and key not in ("NEWSQA_SHARED_DATA", "NEWSQA_TEST_CHROMA_URL"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path / "newsqa-home"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "newsqa-home")


@pytest.fixture(scope="session")
def embedder():
    """The real packaged all-MiniLM-L6-v2 on the default backend (ONNX Runtime), loaded once."""
    from indexing.embedding.embedder import load_embedder

    return load_embedder(Settings())


@pytest.fixture(scope="session")
def nlp():
    """The real packaged en_core_web_sm pipeline, loaded once."""
    from indexing.text.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_corpus() -> Path:
    if not any(SAMPLE_CORPUS.rglob("*.*")):
        pytest.skip("sample corpus not written yet")
    return SAMPLE_CORPUS

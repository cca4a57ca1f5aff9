"""newsqa's indexing layer: load articles, read their attributions, chunk, embed, store.

Imports nothing from ``app`` or ``eval``.
"""

from .errors import (
    BadInputError,
    ConfigurationError,
    GenerationError,
    IngestionError,
    NewsQAError,
    RetrievalError,
    StoreError,
    StoreLockedError,
)
from .models import (
    Answer,
    Article,
    Chunk,
    Citation,
    Claim,
    SearchResponse,
    SearchResult,
    Span,
)
from .settings import IndexSettings

__all__ = [
    "Answer",
    "Article",
    "BadInputError",
    "Chunk",
    "Citation",
    "Claim",
    "ConfigurationError",
    "GenerationError",
    "IndexSettings",
    "IngestionError",
    "NewsQAError",
    "RetrievalError",
    "SearchResponse",
    "SearchResult",
    "Span",
    "StoreError",
    "StoreLockedError",
]

"""newsqa's indexing layer: load articles, read their attributions, chunk, embed, store.

Imports nothing from ``app`` or ``eval``.
"""

from indexing.errors import (
    BadInputError,
    ConfigurationError,
    GenerationError,
    IngestionError,
    NewsQAError,
    RetrievalError,
    StoreError,
    StoreLockedError,
)
from indexing.models import (
    Article,
    Chunk,
    Claim,
    Span,
)
from indexing.settings import IndexSettings

__all__ = [
    "Article",
    "BadInputError",
    "Chunk",
    "Claim",
    "ConfigurationError",
    "GenerationError",
    "IndexSettings",
    "IngestionError",
    "NewsQAError",
    "RetrievalError",
    "Span",
    "StoreError",
    "StoreLockedError",
]

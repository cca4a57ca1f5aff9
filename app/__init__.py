"""newsqa's application layer: retrieval, answer chain, guard, and the surfaces (``app.surfaces``: CLI, HTTP API, UI).

``from app import NewsQA`` is the Python API.
"""

from indexing.errors import NewsQAError
from indexing.models import Answer, Article, Chunk, Citation, Claim, SearchResponse, SearchResult
from indexing.settings import Settings

from .service import NewsQA

__all__ = [
    "Answer",
    "Article",
    "Chunk",
    "Citation",
    "Claim",
    "NewsQA",
    "NewsQAError",
    "SearchResponse",
    "SearchResult",
    "Settings",
]

"""newsqa's application layer: retrieval, answer chain, guard, and the surfaces (CLI, API, UI).

``from app import NewsQA`` is the Python API.
"""

from app.settings import Settings
from indexing.errors import NewsQAError
from indexing.models import Answer, Article, Chunk, Citation, Claim, SearchResponse, SearchResult

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

"""newsqa's application layer: retrieval, answer chain, guard, and the surfaces (``app.surfaces``: CLI, HTTP API, UI).

``from app import NewsQA`` is the Python API.
"""

from app.models import Answer, Citation, SearchResponse, SearchResult
from app.service import NewsQA
from app.settings import Settings
from indexing.errors import NewsQAError
from indexing.models import Article, Chunk, Claim

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

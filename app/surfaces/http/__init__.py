"""The HTTP API: ``create_app(settings, qa)`` builds the FastAPI app serving ``/api/v1``.

Routes (JSON contract in ``../shared/docs/DESIGN.md``; OpenAPI at ``/docs``):

    POST   /api/v1/search            SearchRequest  -> SearchResponse
    POST   /api/v1/ask               AskRequest     -> Answer
    POST   /api/v1/ask/stream        AskRequest     -> server-sent events status/token/answer/error
    POST   /api/v1/articles          JSON | JSONL | multipart files -> IngestReport      (write)
    GET    /api/v1/articles          ?offset&limit&outlet&q&since&until -> ArticlePage
    GET    /api/v1/articles/{id}     -> Article
    DELETE /api/v1/articles/{id}     -> {"id", "deleted"}                            (write)
    GET    /api/v1/health            -> {"status": "ok", ...}
    GET    /api/v1/stats             -> corpus counts

Every error is ``{"error": {"type", "message"}}`` with the status the error class
carries (``NewsQAError.status_code``); bad input never yields a 500. With
``settings.api_key`` set, writes need the key (``Authorization: Bearer KEY`` or
``X-API-Key: KEY``), and reads too when ``settings.api_key_reads``. Bodies larger
than ``settings.max_request_bytes`` answer 413. Model inference runs in the
threadpool; writes are serialised by one lock so two uploads never interleave.

Modules: :mod:`.application` (``create_app``, the meta routes), :mod:`.answers` (search, ask, stream),
:mod:`.articles` (ingest, list, get, delete), :mod:`.models` (bodies), :mod:`.auth` (the API key),
:mod:`.limits` (body size), :mod:`.errors` (the error body and handlers).
"""

from app.surfaces.http.application import API_PREFIX, create_app
from app.surfaces.http.models import AskRequest, ChatTurn, SearchRequest

__all__ = ["API_PREFIX", "AskRequest", "ChatTurn", "SearchRequest", "create_app"]

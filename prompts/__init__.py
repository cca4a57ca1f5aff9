"""Prompt templates as text files; ``load_prompt(name)`` reads one."""

from __future__ import annotations

from importlib.resources import files

__all__ = ["load_prompt"]


def load_prompt(name: str) -> str:
    """The text of ``prompts/<name>.txt``."""
    return files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")

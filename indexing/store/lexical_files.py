"""The saved copy of a lexical index: one folder per store identity, written a generation at a time.

A generation folder holds ``index.npz`` (the postings and per-chunk arrays),
``state.json`` (format, store identity, terms, outlets, chunk ids, applied
changes) and ``words.json`` (the word counts for typo correction). It is
written under a temporary name and renamed, then the ``current`` pointer is
replaced: a reader never sees half a generation.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FORMAT", "index_dir", "read_generation", "write_generation"]

FORMAT = 3  # bump when the on-disk layout changes


def index_dir(root: Path, identity: str) -> Path:
    """The folder under ``root`` that holds the saved index of the store ``identity`` (in this format)."""
    return root / hashlib.sha1(f"{FORMAT}:{identity}".encode()).hexdigest()[:16]


def write_generation(base: Path, arrays: dict[str, np.ndarray], state: dict[str, Any], words: Counter[str]) -> None:
    """Write a generation folder under ``base``, point ``current`` at it and remove older ones. Raises ``OSError``."""
    base.mkdir(parents=True, exist_ok=True)
    name = f"g{time.time_ns()}-{os.getpid()}-{threading.get_ident()}"
    tmp = base / f".tmp-{name}"
    tmp.mkdir()
    np.savez(tmp / "index.npz", **arrays)  # type: ignore[arg-type]  # numpy types the keywords as allow_pickle
    (tmp / "state.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    (tmp / "words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, base / name)
    pointer = base / f".current-{name}"
    pointer.write_text(name)
    os.replace(pointer, base / "current")
    for old in base.iterdir():
        if old.is_dir() and old.name != name and not old.name.startswith(".tmp-"):
            shutil.rmtree(old, ignore_errors=True)


def read_generation(base: Path, identity: str) -> tuple[dict[str, np.ndarray], dict[str, Any], Counter[str]] | None:
    """The current generation under ``base``: ``(arrays, state, words)``, or None when it is of another format or
    store. Raises ``OSError``, ``ValueError`` or ``KeyError`` when it cannot be read."""
    folder = base / (base / "current").read_text().strip()
    state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    if state.get("format") != FORMAT or state.get("identity") != identity:
        return None
    with np.load(folder / "index.npz") as arrays:
        loaded = {key: arrays[key] for key in arrays.files}
    words = Counter(json.loads((folder / "words.json").read_text(encoding="utf-8")))
    return loaded, state, words

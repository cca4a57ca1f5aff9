"""tools/check_shared_text.py finds a verbatim run of publishers' text, and nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from check_shared_text import verbatim_runs

# invented text standing in for a shared article
ARTICLE = (
    "The harbour board met on Tuesday evening and voted to close the old north pier "
    "for repairs that could last until the end of next summer, a spokesperson said."
)


def test_a_copied_run_is_found_and_a_paraphrase_is_not(tmp_path) -> None:
    shared = tmp_path / "shared"
    (shared / "news").mkdir(parents=True)
    (shared / "news" / "001.txt").write_text(ARTICLE, encoding="utf-8")
    copied = "Notes: the harbour board met on Tuesday evening and voted to close the old north pier, it said."
    paraphrase = "On Tuesday the board of the harbour decided that the north pier would shut for repairs."
    hits = verbatim_runs({"copied.py": copied, "paraphrase.py": paraphrase}, shared)
    assert set(hits) == {"copied.py"}
    assert ("news/001.txt", "the harbour board met on tuesday evening and voted to close the") in hits["copied.py"]
    assert all(src == "news/001.txt" for src, _ in hits["copied.py"])

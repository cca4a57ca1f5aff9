"""The analyst questions over BBC News (``../shared/data/questions``), read by path, split by article.

Each question is answered by sentences of one BBC article (or, for a near miss,
is *near* one); the split is a stable hash of that article's path, so no
article is on two sides:

- ``train`` (about 65 %): the reader learns from these;
- ``calibrate`` (about 15 %): thresholds are chosen on these;
- ``heldout`` (about 20 %): measured, never tuned on.

Gold evidence comes as character offsets into the BBC file
(``open(path, encoding="utf-8", errors="replace").read()``); :func:`gold_spans`
turns them into offsets of the article body newsqa stores (the file less its
title line). Nothing here copies article text anywhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["Question", "gold_overlap", "load_chain_set", "load_questions", "split_of"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "data" / "questions"
DEFAULT_BBC = ROOT.parent / "shared" / "data" / "bbc"
SPLITS = (("train", 0.65), ("calibrate", 0.80), ("heldout", 1.01))


def split_of(article: str) -> str:
    """``train`` / ``calibrate`` / ``heldout`` for a BBC article path ("business/004.txt")."""
    h = int(hashlib.sha1(article.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return next(name for name, upper in SPLITS if h < upper)


@dataclass
class Question:
    id: str
    kind: str  # named / anonymous / hedged / unattributed / multi / unanswerable
    question: str
    article: str  # the answering (or near) article, "business/004.txt"
    asks_for: str
    speaker_reference: str
    # gold evidence: (article path, body start, body end), one per claim
    gold: list[tuple[str, int, int]] = field(default_factory=list)
    # or, where a set gives no offsets, a phrase each answering passage holds (its claims' "key")
    keys: list[str] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    @property
    def split(self) -> str:
        return split_of(self.article)


@lru_cache(maxsize=4096)
def _body_shift(path: Path) -> int:
    """Where the body starts in a BBC file: after the title line and the blank line."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    _title, sep, rest = raw.partition("\n")
    body = rest.lstrip("\n")
    return len(raw) - len(rest) + (len(rest) - len(body)) if sep else 0


def load_questions(folder: Path = DEFAULT_QUESTIONS, bbc: Path = DEFAULT_BBC) -> list[Question]:
    """Every question of ``folder``'s ``bbc_*.jsonl`` files (an empty list when the folder is absent)."""
    out: list[Question] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("bbc_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            claims = row.get("claims") or []
            article = claims[0]["article"] if claims else row.get("near_article") or ""
            gold = []
            for c in claims:
                shift = _body_shift(bbc / c["article"]) if (bbc / c["article"]).exists() else 0
                gold.append((c["article"], max(0, c["start"] - shift), max(0, c["end"] - shift)))
            out.append(
                Question(
                    id=row["id"],
                    kind=row["kind"],
                    question=row["question"],
                    article=article,
                    asks_for=row.get("asks_for", "other"),
                    speaker_reference=row.get("speaker_reference", "none"),
                    gold=gold,
                )
            )
    return out


def gold_overlap(question: Question, article_path: str | None, start: int, end: int) -> int:
    """Which gold claim (index) a body span of ``article_path`` gives, or -1.

    A span gives a claim when they share at least half of the shorter of the two
    (a one-sentence passage inside a two-sentence gold span counts).
    """
    if not article_path:
        return -1
    for i, (art, gs, ge) in enumerate(question.gold):
        if not article_path.endswith(art):
            continue
        shared = min(end, ge) - max(start, gs)
        if shared > 0 and shared >= 0.5 * min(end - start, ge - gs):
            return i
    return -1


def load_chain_set(path: Path) -> list[Question]:
    """The cases of one of the project's own chain question sets (``tests/fixtures/chain/*.json``).

    Their evidence offsets are already offsets into the article body; a set that gives none
    names each expected claim by a ``key`` phrase instead. A case with neither is a near miss
    when ``answerable`` is false, and skipped otherwise.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[Question] = []
    for case in data.get("cases", []):
        evidence = [e for e in case.get("evidence") or [] if "start" in e and "end" in e]
        answerable = bool(case.get("answerable", True))
        keys = [c["key"] for c in case.get("expected_claims") or [] if c.get("key")] if not evidence else []
        if answerable and not evidence and not keys:
            continue
        tags = case.get("tags") or []
        kind = (
            "unanswerable"
            if not answerable
            else next((t for t in tags if t in ("named", "anonymous", "hedged", "unattributed", "multi")), "named")
        )
        out.append(
            Question(
                id=f"{path.stem}:{case['id']}",
                kind=kind,
                question=case["question"],
                article=evidence[0]["path"] if evidence else f"{path.stem}:{case['id']}",
                asks_for="other",
                speaker_reference="none",
                gold=[(e["path"], int(e["start"]), int(e["end"])) for e in evidence],
                keys=keys,
            )
        )
    return out

"""The seed article against its reference reading (skips when the shared data is absent)."""

from __future__ import annotations

import json
from pathlib import Path

from indexing.claims import analyze
from indexing.models import Claim


def _best(claims: list[Claim], start: int, end: int) -> Claim | None:
    def overlap(c: Claim) -> int:
        return max(0, min(end, c.end or 0) - max(start, c.start or 0))

    best = max(claims, key=overlap, default=None)
    return best if best is not None and overlap(best) > 0 else None


def _same_source(ref: str | None, claim: Claim) -> bool:
    if ref is None:
        return claim.source is None
    names = {n.lower() for n in (claim.source, claim.speaker) if n}
    return ref.lower() in names


def test_seed_reference_claims_are_found(shared_data: Path) -> None:
    seed = shared_data / "seed"
    text = (seed / "seed_article.txt").read_text(encoding="utf-8")
    reference = json.loads((seed / "seed_claims.json").read_text(encoding="utf-8"))["claims"]
    claims = analyze(text)
    misses = []
    for ref in reference:
        claim = _best(claims, ref["start"], ref["end"])
        ok = (
            claim is not None
            and _same_source(ref["source"], claim)
            and claim.source_type == ref["source_type"]
            and claim.hedges == ref["hedges"]
            and claim.quote == ref["quote"]
        )
        if not ok:
            misses.append((ref["text"][:40], claim and (claim.source, claim.source_type, claim.hedges, claim.quote)))
    assert not misses, misses


def test_seed_pronouns_resolve_to_putin(shared_data: Path) -> None:
    text = (shared_data / "seed" / "seed_article.txt").read_text(encoding="utf-8")
    he = [c for c in analyze(text) if c.source and c.source.lower() == "he"]
    assert he and all(c.speaker == "Vladimir Putin" for c in he)

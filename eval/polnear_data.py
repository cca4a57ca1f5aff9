"""PolNeAR's files: the split's articles with their annotation files (``article_pairs``), the attributions of a
brat ``.ann`` file (``load_ann``), and the engine's claims in the same form (``claims_to_attributions``)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from indexing.errors import BadInputError
from indexing.models import Claim

__all__ = ["ROLES", "GoldAttribution", "Pieces", "Role", "article_pairs", "claims_to_attributions", "load_ann"]

Pieces = tuple[tuple[int, int], ...]
ROLES = ("Source", "Cue", "Content")
Role = Literal["Source", "Cue", "Content"]
_T_LINE = re.compile(r"^(T\d+)\t(\w+) ([\d ;]+)\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")


class GoldAttribution(BaseModel):
    """One attribution: each role as its character pieces (absent roles are None)."""

    Source: Pieces | None = None
    Cue: Pieces | None = None
    Content: Pieces | None = None

    def role(self, name: str) -> Pieces | None:
        return getattr(self, name)


def _pieces(spec: str) -> Pieces:
    return tuple(tuple(int(x) for x in part.split()) for part in spec.split(";"))  # type: ignore[misc]


def load_ann(path: Path) -> list[GoldAttribution]:
    """Attributions (``E`` lines) of one brat ``.ann`` file. Span text may run over several lines; only offsets are read."""
    spans: dict[str, tuple[str, Pieces]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _T_LINE.match(line)
        if m:
            spans[m.group(1)] = (m.group(2), _pieces(m.group(3)))
            continue
        m = _E_LINE.match(line)
        if m:
            args = dict(a.split(":", 1) for a in m.group(2).split() if ":" in a)
            events.append(args)
    out = []
    for args in events:
        roles: dict[str, Pieces] = {}
        for role in ROLES:
            ref = args.get(role)
            if ref and ref in spans:
                roles[role] = spans[ref][1]
        if roles:
            out.append(GoldAttribution(**roles))
    return out


def claims_to_attributions(claims: Iterable[Claim]) -> list[GoldAttribution]:
    """The engine's attributed claims as attributions (unattributed sentences are not predictions)."""
    out = []
    for c in claims:
        if not (c.source_spans or c.cue_spans):
            continue

        def pcs(spans: Sequence) -> Pieces | None:
            return tuple((s.start, s.end) for s in spans) or None

        out.append(GoldAttribution(Source=pcs(c.source_spans), Cue=pcs(c.cue_spans), Content=pcs(c.content_spans)))
    return out


def article_pairs(directory: Path) -> list[tuple[Path, list[Path]]]:
    """Each article of a PolNeAR split (``text/*.txt``) with its annotators' files (``attributions/*.ann``)."""
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise BadInputError(f"{directory} must hold PolNeAR's text/ and attributions/ folders")
    by_base: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted(ann_dir.glob("*.ann")):
        by_base[ann.stem.rsplit("_", 1)[0]].append(ann)
    pairs = []
    for txt in sorted(text_dir.glob("*.txt")):
        anns = by_base.get(txt.stem)
        if anns:
            pairs.append((txt, anns))
    if not pairs:
        raise BadInputError(f"no article in {text_dir} has an annotation file in {ann_dir}")
    return pairs

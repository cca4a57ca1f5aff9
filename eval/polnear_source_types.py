"""Named-vs-anonymous accuracy of the attribution engine on hand-labelled PolNeAR source spans
(``python -m eval.polnear DIR --source-types``)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from indexing.models import Claim
from indexing.settings import AttributionSettings

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["DEFAULT_SOURCE_LABELS", "SourceTypeReport", "score_source_types"]


class SourceTypeReport(BaseModel):
    """Named-vs-anonymous accuracy of the engine on hand-labelled PolNeAR source spans."""

    labelled: int = 0
    correct: int = 0
    accuracy: float = 0.0
    confusion: dict[str, int] = Field(default_factory=dict, description="'gold->predicted' counts.")
    errors: list[dict[str, object]] = Field(default_factory=list, description="File, spans, gold, predicted.")


DEFAULT_SOURCE_LABELS = Path(__file__).resolve().parent / "data" / "polnear_source_types.jsonl"


def score_source_types(
    directory: Path, labels: Path = DEFAULT_SOURCE_LABELS, settings: AttributionSettings | None = None
) -> SourceTypeReport:
    """Accuracy of ``source_type`` on labelled spans (``labels``: JSONL of text path, spans, label);
    ``settings``: the taggers the engine runs (None: the default settings).

    The engine's own claim supplies the type when it found this source; otherwise
    the mention is classified in context (pronouns resolved from the text before it).
    """
    from indexing.claims import analyze_doc
    from indexing.claims.engine import classify_mention
    from indexing.text.nlp import load_nlp

    directory = Path(directory)
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    nlp = load_nlp()
    report = SourceTypeReport()
    confusion: dict[str, int] = defaultdict(int)
    cache: dict[str, tuple[Doc, list[Claim]]] = {}
    for row in rows:
        path = directory / row["text"]
        if row["text"] not in cache:
            doc = nlp(path.read_text(encoding="utf-8"))
            cache[row["text"]] = (doc, analyze_doc(doc, settings))
        doc, claims = cache[row["text"]]
        start, end = row["spans"][0][0], row["spans"][-1][1]
        predicted: str | None = None
        for claim in claims:
            if claim.source_spans and any(sp.start < end and start < sp.end for sp in claim.source_spans):
                # a claim the engine gives to the writer (an unnamed group's intention, "fans are planning to ...")
                # keeps its source span for PolNeAR: the mention itself is then classified below
                predicted = claim.source_type if claim.source_type != "unattributed" else None
                break
        if predicted is None:
            predicted = classify_mention(doc, start, end)
        report.labelled += 1
        confusion[f"{row['label']}->{predicted}"] += 1
        if predicted == row["label"]:
            report.correct += 1
        else:
            report.errors.append(
                {"text": row["text"], "spans": row["spans"], "gold": row["label"], "predicted": predicted}
            )
    report.accuracy = round(report.correct / report.labelled, 4) if report.labelled else 0.0
    report.confusion = dict(sorted(confusion.items()))
    return report

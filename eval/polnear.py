"""Score the attribution engine against PolNeAR's human annotation (brat standoff).

Scoring follows ``../shared/docs/POLNEAR_EVAL.md`` so figures compare with
citron on PARC 3.0 and with PolNeAR's inter-annotator agreement:

- **exact**: a predicted Source/Cue/Content span matches a gold span of the
  same role with exactly the same character pieces (a discontinuous span is
  one span made of all its pieces); each gold span matches at most once.
- **overlap** (token overlap): the article is split into whitespace tokens; a
  token belongs to a span when their characters overlap. P = predicted tokens
  of a role that belong to a gold span of that role / predicted tokens of the
  role; R = gold tokens that belong to a predicted span / gold tokens. Tokens
  are counted once per role per article (PolNeAR labels are univocal).
- **attribution** (whole): a predicted attribution matches a gold one
  (one-to-one, greedy in text order) when its cue and content match and its
  source matches or both lack one; exact = same pieces, overlap = share a token.
- Micro-averaged over the split. An article with several annotators' files is
  scored against each file and its counts averaged, so every article counts once.

Predicted attributions are the engine's attributed claims (a source or a cue);
unattributed sentences are not predictions.

    python -m eval.polnear ../shared/data/polnear/dev [--json] [--out FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from indexing.errors import BadInputError
from indexing.models import Claim
from indexing.settings import AttributionSettings, IndexSettings

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "GoldAttribution",
    "PolnearReport",
    "RoleScore",
    "SourceTypeReport",
    "load_ann",
    "render_text",
    "score_article",
    "score_polnear",
    "score_source_types",
]

Pieces = tuple[tuple[int, int], ...]
ROLES = ("Source", "Cue", "Content")
Role = Literal["Source", "Cue", "Content"]
_T_LINE = re.compile(r"^(T\d+)\t(\w+) ([\d ;]+)\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
_TOKEN = re.compile(r"\S+")


class GoldAttribution(BaseModel):
    """One attribution: each role as its character pieces (absent roles are None)."""

    Source: Pieces | None = None
    Cue: Pieces | None = None
    Content: Pieces | None = None

    def role(self, name: str) -> Pieces | None:
        return getattr(self, name)


class RoleScore(BaseModel):
    """Precision/recall/F1 for one role (or whole attributions) under one matching rule."""

    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    predicted: float = Field(0.0, description="Predicted spans (exact) or tokens (overlap).")
    gold: float = Field(0.0, description="Gold spans (exact) or tokens (overlap).")
    matched_predicted: float = Field(0.0, description="Predicted units matching gold.")
    matched_gold: float = Field(0.0, description="Gold units matched by a prediction.")


class PolnearReport(BaseModel):
    """Scores of the engine on a PolNeAR split."""

    directory: str
    engine: str = Field(
        "",
        description="What read the articles: 'rules + span tagger + transformer tagger', 'rules + span tagger', 'rules' (NEWSQA_ATTRIBUTION) or 'custom analyzer'.",
    )
    articles: int = 0
    annotation_files: int = 0
    gold_attributions: float = Field(default=0.0, description="Gold attributions (averaged over annotators).")
    predicted_attributions: int = 0
    scores: dict[str, dict[str, RoleScore]] = Field(
        default_factory=dict, description="{Source|Cue|Content|Attribution: {exact|overlap: RoleScore}}"
    )
    sentences: int = 0
    seconds_parse: float = 0.0
    seconds_analysis: float = 0.0


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


# --- counting ---------------------------------------------------------------------------
Counts = dict[str, dict[str, list[float]]]  # key -> matching -> [pred, gold, matched_pred, matched_gold]


def _zero() -> Counts:
    return {k: {"exact": [0.0] * 4, "overlap": [0.0] * 4} for k in (*ROLES, "Attribution")}


def _token_sets(tokens: list[tuple[int, int]], spans: Iterable[Pieces]) -> set[int]:
    """Indices of whitespace tokens overlapping any piece of ``spans``."""
    from bisect import bisect_left, bisect_right

    ends = [e for _, e in tokens]
    starts = [s for s, _ in tokens]
    out: set[int] = set()
    for pieces in spans:
        for a, b in pieces:
            lo = bisect_right(ends, a)  # first token ending after a
            hi = bisect_left(starts, b)  # tokens starting before b
            out.update(range(lo, hi))
    return out


def _overlaps(tokens: list[tuple[int, int]], p: Pieces | None, g: Pieces | None) -> bool:
    if p is None or g is None:
        return p is None and g is None
    return bool(_token_sets(tokens, [p]) & _token_sets(tokens, [g]))


def score_article(text: str, predicted: list[GoldAttribution], gold: list[GoldAttribution]) -> Counts:
    """Counts for one article against one annotator's file."""
    counts = _zero()
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    for role in ROLES:
        pred_spans = [a.role(role) for a in predicted if a.role(role)]
        gold_spans = [a.role(role) for a in gold if a.role(role)]
        # exact: multiset intersection
        remaining: dict[Pieces, int] = defaultdict(int)
        for g in gold_spans:
            remaining[g] += 1  # type: ignore[index]
        matched = 0
        for p in pred_spans:
            if remaining.get(p, 0) > 0:  # type: ignore[arg-type]
                remaining[p] -= 1  # type: ignore[index]
                matched += 1
        counts[role]["exact"] = [len(pred_spans), len(gold_spans), matched, matched]
        ptok = _token_sets(tokens, pred_spans)  # type: ignore[arg-type]
        gtok = _token_sets(tokens, gold_spans)  # type: ignore[arg-type]
        both = len(ptok & gtok)
        counts[role]["overlap"] = [len(ptok), len(gtok), both, both]
    for matching in ("exact", "overlap"):
        if matching == "exact":

            def same(p: Pieces | None, g: Pieces | None) -> bool:
                return p == g
        else:

            def same(p: Pieces | None, g: Pieces | None) -> bool:
                return _overlaps(tokens, p, g)

        used: set[int] = set()
        hits = 0
        for pa in predicted:
            for k, ga in enumerate(gold):
                if k in used:
                    continue
                if same(pa.Cue, ga.Cue) and same(pa.Content, ga.Content) and same(pa.Source, ga.Source):
                    used.add(k)
                    hits += 1
                    break
        counts["Attribution"][matching] = [len(predicted), len(gold), hits, hits]
    return counts


def _add(total: Counts, part: Counts, weight: float) -> None:
    for key, by_match in part.items():
        for matching, vals in by_match.items():
            acc = total[key][matching]
            for i, v in enumerate(vals):
                acc[i] += v * weight


def _finish(counts: Counts) -> dict[str, dict[str, RoleScore]]:
    out: dict[str, dict[str, RoleScore]] = {}
    for key, by_match in counts.items():
        out[key] = {}
        for matching, (pred, gold, mp, mg) in by_match.items():
            p = mp / pred if pred else 0.0
            r = mg / gold if gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            out[key][matching] = RoleScore(
                precision=round(p, 4),
                recall=round(r, 4),
                f1=round(f, 4),
                predicted=round(pred, 2),
                gold=round(gold, 2),
                matched_predicted=round(mp, 2),
                matched_gold=round(mg, 2),
            )
    return out


def _pairs(directory: Path) -> list[tuple[Path, list[Path]]]:
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


def score_polnear(
    directory: Path,
    *,
    progress: bool = False,
    limit: int | None = None,
    analyzer: Callable[[object], list[Claim]] | None = None,
    settings: AttributionSettings | None = None,
) -> PolnearReport:
    """Run the attribution engine over ``directory`` (PolNeAR ``text/`` + ``attributions/``) and score it.

    ``analyzer`` (default ``indexing.attribution.analyze_doc`` with ``settings``, the taggers to run; None: the
    default settings) takes a spaCy Doc.
    """
    from indexing.attribution import analyze_doc
    from indexing.attribution.tagger import DEFAULT_SETTINGS, load_lm_tagger, load_tagger
    from indexing.nlp import load_nlp

    directory = Path(directory)
    pairs = _pairs(directory)[: limit or None]
    settings = settings or DEFAULT_SETTINGS
    custom = analyzer is not None and analyzer is not analyze_doc
    analyzer = analyzer if custom else functools.partial(analyze_doc, settings=settings)
    nlp = load_nlp()
    texts = [p.read_text(encoding="utf-8") for p, _ in pairs]

    if custom:
        engine = "custom analyzer"
    elif load_tagger(settings) is None:
        engine = "rules"
    else:
        engine = "rules + span tagger" + (" + transformer tagger" if load_lm_tagger(settings) is not None else "")
    report = PolnearReport(directory=str(directory), engine=engine, articles=len(pairs))
    total = _zero()
    t_parse = t_analysis = 0.0
    iterator: Iterable = zip(pairs, texts)
    if progress:
        from tqdm import tqdm

        iterator = tqdm(iterator, total=len(pairs), desc="polnear", unit="article", file=sys.stderr)
    for (txt_path, anns), text in iterator:
        t0 = time.perf_counter()
        doc = nlp(text)
        t1 = time.perf_counter()
        claims = analyzer(doc)  # type: ignore[misc]
        t2 = time.perf_counter()
        t_parse += t1 - t0
        t_analysis += t2 - t1
        report.sentences += sum(1 for _ in doc.sents)
        predicted = claims_to_attributions(claims)
        report.predicted_attributions += len(predicted)
        weight = 1.0 / len(anns)
        for ann in anns:
            gold = load_ann(ann)
            report.annotation_files += 1
            report.gold_attributions += len(gold) * weight
            _add(total, score_article(text, predicted, gold), weight)
    report.scores = _finish(total)
    report.gold_attributions = round(report.gold_attributions, 2)
    report.seconds_parse = round(t_parse, 2)
    report.seconds_analysis = round(t_analysis, 2)
    return report


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
    from indexing.attribution import analyze_doc
    from indexing.attribution.engine import classify_mention
    from indexing.nlp import load_nlp

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


def render_text(report: PolnearReport) -> str:
    """A plain-text table of the report."""
    lines = [
        (
            f"PolNeAR scoring of {report.directory} ({report.engine or 'engine'}): {report.articles} articles, "
            f"{report.annotation_files} annotation files, "
            f"{report.gold_attributions:g} gold / {report.predicted_attributions} predicted attributions"
        ),
        f"{'role':<12}{'match':<9}{'P':>7}{'R':>7}{'F1':>7}{'pred':>10}{'gold':>10}",
    ]
    for key in (*ROLES, "Attribution"):
        for matching in ("exact", "overlap"):
            s = report.scores.get(key, {}).get(matching)
            if s is None:
                continue
            lines.append(
                f"{key:<12}{matching:<9}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.predicted:>10g}{s.gold:>10g}"
            )
    rate_a = report.sentences / report.seconds_analysis if report.seconds_analysis else 0.0
    rate_all = report.sentences / (report.seconds_analysis + report.seconds_parse) if report.seconds_parse else 0.0
    lines.append(
        f"{report.sentences} sentences; analysis alone {rate_a:,.0f} sentences/s, with spaCy parse {rate_all:,.0f} sentences/s"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.polnear", description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--out", type=Path, help="also write the JSON report to this file")
    parser.add_argument("--limit", type=int, help="score only the first N articles")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument(
        "--source-types", action="store_true", help="score named/anonymous on the labelled spans instead"
    )
    args = parser.parse_args(argv)
    try:
        if args.source_types:
            st = score_source_types(args.directory, settings=IndexSettings().attribution_settings)
            print(
                st.model_dump_json(indent=2)
                if args.json
                else f"source_type accuracy {st.accuracy:.3f} ({st.correct}/{st.labelled}); confusion {st.confusion}"
            )
            return 0
        report = score_polnear(
            args.directory,
            progress=args.progress,
            limit=args.limit,
            settings=IndexSettings().attribution_settings,
        )
    except BadInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    payload = report.model_dump_json(indent=2)
    if args.out:
        args.out.write_text(payload + "\n", encoding="utf-8")
    print(payload if args.json else render_text(report))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

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

Here: the run over a split (``score_polnear``), its report and the command. Its
parts: ``eval.polnear_data`` (the split's files, brat ``.ann``),
``eval.polnear_scoring`` (the counting above) and ``eval.polnear_source_types``
(named-vs-anonymous accuracy, ``--source-types``).

    python -m eval.polnear ../shared/data/polnear/dev [--json] [--out FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from eval.polnear_data import ROLES, GoldAttribution, article_pairs, claims_to_attributions, load_ann
from eval.polnear_scoring import RoleScore, add_counts, finish_counts, score_article, zero_counts
from eval.polnear_source_types import SourceTypeReport, score_source_types
from indexing.errors import BadInputError
from indexing.models import Claim
from indexing.settings import AttributionSettings, IndexSettings

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


def score_polnear(
    directory: Path,
    *,
    progress: bool = False,
    limit: int | None = None,
    analyzer: Callable[[object], list[Claim]] | None = None,
    settings: AttributionSettings | None = None,
) -> PolnearReport:
    """Run the attribution engine over ``directory`` (PolNeAR ``text/`` + ``attributions/``) and score it.

    ``analyzer`` (default ``indexing.claims.analyze_doc`` with ``settings``, the taggers to run; None: the
    default settings) takes a spaCy Doc.
    """
    from indexing.claims import analyze_doc
    from indexing.claims.tagger import DEFAULT_SETTINGS, load_lm_tagger, load_tagger
    from indexing.text.nlp import load_nlp

    directory = Path(directory)
    pairs = article_pairs(directory)[: limit or None]
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
    total = zero_counts()
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
            add_counts(total, score_article(text, predicted, gold), weight)
    report.scores = finish_counts(total)
    report.gold_attributions = round(report.gold_attributions, 2)
    report.seconds_parse = round(t_parse, 2)
    report.seconds_analysis = round(t_analysis, 2)
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

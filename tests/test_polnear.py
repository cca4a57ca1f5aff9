"""PolNeAR scoring on tiny invented brat fixtures: exact vs token overlap, discontinuous spans, annotators averaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.polnear import GoldAttribution, load_ann, render_text, score_article, score_polnear
from indexing.errors import BadInputError
from indexing.models import Claim, Span

TEXT = 'Ana Ruiz said the mill will close. "It is over," she added, "for good."'
#       0123456789...
ANN = (
    "T1\tSource 0 8\tAna Ruiz\n"
    "T2\tCue 9 13\tsaid\n"
    "T3\tContent 14 33\tthe mill will close\n"
    "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
    "T4\tSource 49 52\tshe\n"
    "T5\tCue 53 58\tadded\n"
    'T6\tContent 35 48;60 71\t"It is over," "for good."\n'
    "E2\tAttribution:T5 Source:T4 Cue:T5 Content:T6\n"
)


def gold_pieces(a: int, b: int) -> tuple[tuple[int, int], ...]:
    return ((a, b),)


def test_load_ann_reads_roles_and_discontinuous_spans(tmp_path: Path) -> None:
    path = tmp_path / "a_x1.ann"
    path.write_text(ANN + "#1\tAnnotatorNotes T1\ta note\n", encoding="utf-8")
    gold = load_ann(path)
    assert len(gold) == 2
    assert gold[1].Content == ((35, 48), (60, 71))
    assert gold[0].Source == ((0, 8),)


def test_perfect_prediction_scores_one(tmp_path: Path) -> None:
    path = tmp_path / "a_x1.ann"
    path.write_text(ANN, encoding="utf-8")
    gold = load_ann(path)
    counts = score_article(TEXT, gold, gold)
    for role in ("Source", "Cue", "Content", "Attribution"):
        for matching in ("exact", "overlap"):
            pred, g, mp, mg = counts[role][matching]
            assert pred == g == mp == mg > 0


def test_exact_vs_overlap() -> None:
    gold = [GoldAttribution(Source=gold_pieces(0, 8), Cue=gold_pieces(9, 13), Content=gold_pieces(14, 33))]
    # content misses "the": not exact, but 3 of 4 gold tokens overlap and every predicted token is inside gold
    pred = [GoldAttribution(Source=gold_pieces(0, 8), Cue=gold_pieces(9, 13), Content=gold_pieces(18, 33))]
    counts = score_article(TEXT, pred, gold)
    assert counts["Content"]["exact"] == [1, 1, 0, 0]
    assert counts["Content"]["overlap"] == [3, 4, 3, 3]
    assert counts["Attribution"]["exact"][2] == 0
    assert counts["Attribution"]["overlap"][2] == 1


def test_discontinuous_content_must_match_every_piece_exactly() -> None:
    gold = [GoldAttribution(Cue=gold_pieces(53, 58), Content=((35, 48), (60, 71)))]
    half = [GoldAttribution(Cue=gold_pieces(53, 58), Content=((35, 48),))]
    assert score_article(TEXT, half, gold)["Content"]["exact"][2] == 0
    assert score_article(TEXT, gold, gold)["Content"]["exact"][2] == 1


def _write_split(root: Path, anns: dict[str, str]) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "art.txt").write_text(TEXT, encoding="utf-8")
    for name, body in anns.items():
        (root / "attributions" / f"art_{name}.ann").write_text(body, encoding="utf-8")
    return root


def _fixed_analyzer(doc: object) -> list[Claim]:
    """Predicts exactly E1 of ANN, whatever the text."""
    return [
        Claim(
            text="the mill will close",
            start=14,
            end=33,
            source="Ana Ruiz",
            source_type="named",
            cue="said",
            quote="indirect",
            source_spans=[Span(start=0, end=8)],
            cue_spans=[Span(start=9, end=13)],
            content_spans=[Span(start=14, end=33)],
        ),
        Claim(text="unattributed", start=35, end=48),  # not a prediction
    ]


def test_several_annotators_are_averaged(tmp_path: Path) -> None:
    only_first = "\n".join(ANN.splitlines()[:4]) + "\n"
    root = _write_split(tmp_path / "split", {"aaaa": ANN, "bbbb": only_first})
    report = score_polnear(root, analyzer=_fixed_analyzer)
    assert report.articles == 1 and report.annotation_files == 2
    assert report.predicted_attributions == 1
    cue = report.scores["Cue"]["exact"]
    # annotator a: 1 of 2 gold cues found; annotator b: 1 of 1 -> averaged gold 1.5, matched 1
    assert cue.gold == 1.5 and cue.matched_gold == 1.0
    assert cue.recall == pytest.approx(1 / 1.5, abs=1e-4)
    assert cue.precision == 1.0
    assert "Cue" in render_text(report)


def test_missing_folders_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadInputError):
        score_polnear(tmp_path)


def test_real_engine_on_the_fixture(tmp_path: Path) -> None:
    root = _write_split(tmp_path / "split", {"aaaa": ANN})
    report = score_polnear(root)
    assert report.scores["Source"]["overlap"].recall > 0.5
    assert report.scores["Cue"]["exact"].f1 == 1.0


def test_dev_split_reaches_a_floor(shared_data: Path) -> None:
    """A regression floor on a few PolNeAR dev articles (the full figures are in docs/attribution.md)."""
    report = score_polnear(shared_data / "polnear" / "dev", limit=5)
    assert report.scores["Source"]["overlap"].f1 > 0.5
    assert report.scores["Content"]["overlap"].f1 > 0.5


def test_report_says_which_engine_read_the_articles(tmp_path: Path, monkeypatch) -> None:
    from indexing.claims import tagger
    from indexing.settings import IndexSettings

    root = _write_split(tmp_path / "split", {"aaaa": ANN})
    assert score_polnear(root, analyzer=_fixed_analyzer).engine == "custom analyzer"
    default = score_polnear(root)
    assert default.engine == "rules + span tagger" and "(rules + span tagger)" in render_text(default)
    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "rules")
    tagger.load_tagger.cache_clear()
    try:
        assert score_polnear(root, settings=IndexSettings().attribution_settings).engine == "rules"
    finally:
        monkeypatch.delenv("NEWSQA_ATTRIBUTION")
        tagger.load_tagger.cache_clear()

"""The suite must catch bad answers: each kind of damage is flagged by its metric, the correct answer by none.

Answers go in through the `--answers` JSONL path of `newsqa eval`, exactly as another system's would.
The dataset and its passages are invented (tests/fixtures/eval/).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_fixtures import BAD, DATASET, FARM_PASSAGE, GOOD

from app.surfaces.cli import main


def _run(
    tmp_path: Path, answers: dict[str, dict], capsys: pytest.CaptureFixture[str], name: str = "answers"
) -> tuple[int, dict]:
    path = tmp_path / f"{name}.jsonl"
    path.write_text(
        "".join(json.dumps({"id": case_id, **row}) + "\n" for case_id, row in answers.items()), encoding="utf-8"
    )
    out = tmp_path / f"{name}.json"
    code = main(["eval", str(DATASET), "--answers", str(path), "--out", str(out), "--no-progress"])
    capsys.readouterr()
    return code, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def good_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("good")
    path = tmp / "good.jsonl"
    path.write_text("".join(json.dumps({"id": k, **v}) + "\n" for k, v in GOOD.items()), encoding="utf-8")
    out = tmp / "good.json"
    assert main(["eval", str(DATASET), "--answers", str(path), "--out", str(out), "--no-progress"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_correct_answers_are_not_flagged(good_report: dict) -> None:
    failures = [(c["id"], f["metric"], f["message"]) for c in good_report["cases"] for f in c["failures"]]
    assert failures == []
    assert all(c["status"] == "pass" for c in good_report["cases"])
    metrics = {name: m["value"] for name, m in good_report["metrics"].items()}
    for name in (
        "citation_validity",
        "citation_recall",
        "citation_precision",
        "attribution_kept",
        "hedge_kept",
        "hedge_marked",
        "anonymous_marked_recall",
        "anonymous_marked_precision",
        "quote_fidelity",
        "unanswerable_refused",
        "refusal_accuracy",
        "case_pass_rate",
    ):
        assert metrics[name] == 1.0, name
    for name in (
        "attribution_laundering",
        "misattribution",
        "named_as_anonymous",
        "anonymous_as_named",
        "hedge_stripping",
        "false_refusals",
        "error_rate",
    ):
        assert metrics[name] == 0.0, name


@pytest.mark.parametrize(("variant", "case_id", "damaged", "metric"), BAD, ids=[b[0] for b in BAD])
def test_each_damage_is_flagged_by_its_metric(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    good_report: dict,
    variant: str,
    case_id: str,
    damaged: dict,
    metric: str,
) -> None:
    answers = {**GOOD, case_id: damaged}
    _, report = _run(tmp_path, answers, capsys)
    case = next(c for c in report["cases"] if c["id"] == case_id)
    assert case["status"] == "fail", variant
    assert metric in {f["metric"] for f in case["failures"]}, case["failures"]
    # The metric moved the wrong way against the correct answers, and no other case was touched.
    good, bad = good_report["metrics"][metric]["value"], report["metrics"][metric]["value"]
    assert bad != good
    assert (bad < good) == report["metrics"][metric]["higher_is_better"]
    others = [c for c in report["cases"] if c["id"] != case_id]
    assert all(c["status"] == "pass" for c in others)


def test_a_failing_sentence_is_shown_beside_its_cited_passage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, variant, damaged, _ = next(b for b in BAD if b[0] == "cites the wrong passage")
    _, report = _run(tmp_path, {**GOOD, variant: damaged}, capsys)
    case = next(c for c in report["cases"] if c["id"] == variant)
    failure = next(f for f in case["failures"] if f["metric"] == "citation_recall")
    assert "Harlow bridge may stay closed" in failure["sentence"]
    assert failure["citations"] == [1]
    assert case["citations"][0]["text"] == FARM_PASSAGE

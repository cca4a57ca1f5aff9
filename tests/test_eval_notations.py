"""Other systems' answers are judged by what they say, in the notation and export shape they come in.

Seven sets of correct answers (tests/fixtures/eval/foreign/, see tests/eval_foreign.py) go in through
`newsqa eval --answers`, as an evaluator would pass them; each must pass, and each planted fault must be
flagged by the metric named for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_foreign import (
    FAULTS,
    FOREIGN,
    FOREIGN_DATASET,
    SYSTEMS,
    apply_fault,
    load_records,
    write_records,
)

from app.surfaces.cli import main


def _eval(tmp_path: Path, answers: Path, *extra: str, name: str = "report") -> dict:
    out = tmp_path / f"{name}.json"
    code = main(["eval", str(FOREIGN_DATASET), "--answers", str(answers), "--out", str(out), "--no-progress", *extra])
    assert code == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _questions() -> dict[str, str]:
    dataset = json.loads(FOREIGN_DATASET.read_text(encoding="utf-8"))
    return {c["question"]: c["id"] for c in dataset["cases"]}


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_correct_answers_in_another_tools_notation_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], system: str
) -> None:
    report = _eval(tmp_path, FOREIGN / SYSTEMS[system])
    capsys.readouterr()
    failures = [
        (c["id"], f["metric"], f["message"]) for c in report["cases"] for f in c["failures"] if f["severity"] == "fail"
    ]
    assert failures == []
    assert [c["status"] for c in report["cases"]] == ["pass"] * 7
    metrics = {name: m["value"] for name, m in report["metrics"].items()}
    # Every mark was seen, in that tool's own notation.
    assert (
        metrics["anonymous_marked_recall"] == 1.0
        and metrics["hedge_marked"] == 1.0
        and metrics["attribution_kept"] == 1.0
    )
    assert metrics["unanswerable_refused"] == 1.0 and metrics["citation_recall"] == 1.0
    # Six right answers (+1) and one refusal of the unanswerable question (0).
    assert metrics["crag_score"] == pytest.approx(6 / 7, abs=1e-3)
    assert report["notation"] == "generic"


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_each_planted_fault_is_flagged_by_its_metric(tmp_path: Path, capsys: pytest.CaptureFixture[str], fault) -> None:
    records = apply_fault(fault, load_records(fault.system), _questions())
    report = _eval(tmp_path, write_records(tmp_path / SYSTEMS[fault.system], records))
    capsys.readouterr()
    case = next(c for c in report["cases"] if c["id"] == fault.case)
    assert case["status"] == "fail"
    assert fault.metric in {f["metric"] for f in case["failures"] if f["severity"] == "fail"}, case["failures"]
    assert all(c["status"] == "pass" for c in report["cases"] if c["id"] != fault.case)
    # The fault makes the answer wrong, or at least no longer right, in the headline score.
    assert case["crag"] <= 0 or fault.metric in ("anonymous_marked_recall", "hedge_marked")


def test_the_faults_cover_every_kind_in_four_notations_or_more() -> None:
    kinds = [
        "attribution stripped",
        "invented quote",
        "wrong citation",
        "out-of-range citation",
        "anonymous made named",
        "hedge stripped",
        "unanswerable answered",
    ]
    for kind in kinds:
        assert len({f.system for f in FAULTS if f.kind == kind}) >= 4, kind


def test_read_as_newsqa_notation_the_foreign_marks_are_missed_and_the_report_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = FOREIGN / SYSTEMS["langchain"]
    strict = _eval(tmp_path, answers, "--notation", "newsqa", name="strict")
    text = capsys.readouterr().out
    assert strict["notation"] == "newsqa" and "Notation read: newsqa" in text
    assert strict["metrics"]["anonymous_marked_recall"]["value"] == 0.0
    assert strict["metrics"]["hedge_marked"]["value"] == 0.0
    # The hedge words themselves are kept in both readings: only the *marks* depend on the notation.
    assert strict["metrics"]["hedge_kept"]["value"] == 1.0


def test_a_notation_file_states_a_systems_own_convention(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in (FOREIGN / SYSTEMS["lenticular"]).read_text(encoding="utf-8").splitlines()]
    for row in rows:  # a tool that cites with {{n}} and flags with ⚠ and 👤
        row["answer"] = (
            row["answer"]
            .replace("【", " {{")
            .replace("】", "}}")
            .replace(" (anon.)", " 👤")
            .replace("_might_", "might ⚠")
            .replace("_should_", "should ⚠")
            .replace("_appears_", "appears ⚠")
            .replace("_would_", "would ⚠")
            .replace(" (reportedly)", " ⚠")
        )
    answers = tmp_path / "custom.jsonl"
    answers.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    notation = tmp_path / "acme.json"
    notation.write_text(
        json.dumps(
            {
                "name": "acme",
                "base": "generic",
                "citations": [r"\{\{(\d+)\}\}"],
                "hedge_marks": ["⚠"],
                "anonymous_marks": ["👤"],
            }
        ),
        encoding="utf-8",
    )
    without = _eval(tmp_path, answers, name="without")
    assert without["metrics"]["citation_validity"]["total"] == 0  # {{1}} is nothing to the generic reader
    assert without["metrics"]["anonymous_marked_recall"]["value"] == 0.0  # nor is 👤
    report = _eval(tmp_path, answers, "--notation", str(notation))
    capsys.readouterr()
    assert report["notation"] == "acme" and "acme.json" in report["marks_notation"]
    assert [c["status"] for c in report["cases"]] == ["pass"] * 7


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"citations": ["[unclosed"]}', "bad regular expression"),
        ('{"citations": ["\\\\d+"]}', "needs a group"),
        ('{"hedges": ["x"]}', "unknown key(s) hedges"),
        ('{"base": "acme"}', "'base' must be generic or newsqa"),
    ],
)
def test_a_bad_notation_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    notation = tmp_path / "bad.json"
    notation.write_text(content, encoding="utf-8")
    assert (
        main(
            [
                "eval",
                str(FOREIGN_DATASET),
                "--answers",
                str(FOREIGN / SYSTEMS["footnotes"]),
                "--notation",
                str(notation),
                "--no-progress",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "bad.json" in err and message in err and "Traceback" not in err
    assert (
        main(["eval", str(FOREIGN_DATASET), "--answers", str(FOREIGN / SYSTEMS["footnotes"]), "--notation", "acme"])
        == 1
    )
    assert "neither generic nor newsqa nor a file" in capsys.readouterr().err


def test_a_citation_without_text_is_read_from_the_corpus_or_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = FOREIGN / SYSTEMS["openai"]  # url_citation annotations carry no passage text
    report = _eval(tmp_path, answers)
    assert any("read from the corpus" in note for note in report["notes"])
    cited = next(c for c in report["cases"] if c["id"] == "bridge-cause")["citations"][0]
    assert "cracking might be linked to corrosion" in cited["text"]
    # Without the corpus the support cannot be judged, and the failure says why.
    dataset = json.loads(FOREIGN_DATASET.read_text(encoding="utf-8"))
    dataset["corpus"] = None
    blind = tmp_path / "no-corpus.json"
    blind.write_text(json.dumps(dataset), encoding="utf-8")
    out = tmp_path / "blind.json"
    assert main(["eval", str(blind), "--answers", str(answers), "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    case = next(c for c in json.loads(out.read_text())["cases"] if c["id"] == "bridge-cause")
    assert case["status"] == "fail"
    assert any("have no text" in f["message"] for f in case["failures"] if f["metric"] == "citation_recall")

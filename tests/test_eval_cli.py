"""`newsqa eval` as an evaluator meets it: schema, gates and exit codes, bad input, diff, polnear, outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_fixtures import BAD, DATASET, GOOD

from app.surfaces.cli import main
from eval.datasets import dataset_json_schema, load_dataset
from eval.runner import bundled_dataset

ROOT = Path(__file__).resolve().parent.parent


def _answers(tmp_path: Path, rows: dict[str, dict], name: str = "answers") -> Path:
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps({"id": k, **v}) + "\n" for k, v in rows.items()), encoding="utf-8")
    return path


def _eval(*args: str) -> int:
    return main(["eval", *args, "--no-progress"])


def test_the_exported_schema_is_up_to_date() -> None:
    exported = json.loads((ROOT / "eval" / "schema" / "dataset.schema.json").read_text(encoding="utf-8"))
    assert exported == dataset_json_schema(), "run: python -m eval.datasets > eval/schema/dataset.schema.json"


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "EvalDataset"
    assert "ExpectedClaim" in schema["$defs"] and "speaker" in schema["$defs"]["ExpectedClaim"]["properties"]


def test_no_dataset_means_the_bundled_set() -> None:
    path = bundled_dataset()
    assert path.name == "sample_eval.json"
    assert len(load_dataset(path).cases) >= 60


def test_gates_pass_and_fail_with_exit_codes_naming_the_metrics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _answers(tmp_path, GOOD, "good")
    assert (
        _eval(
            str(DATASET),
            "--answers",
            str(good),
            "--fail-under",
            "attribution_kept=0.95",
            "--fail-under",
            "attribution_laundering=0.0",
        )
        == 0
    )
    capsys.readouterr()
    laundered = next(b for b in BAD if b[3] == "attribution_laundering")
    bad = _answers(tmp_path, {**GOOD, laundered[1]: laundered[2]}, "bad")
    code = _eval(
        str(DATASET),
        "--answers",
        str(bad),
        "--fail-under",
        "attribution_kept=0.95",
        "--fail-under",
        "attribution_laundering=0.0",
        "--fail-under",
        "quote_fidelity>=0.9",
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "attribution_kept" in err and "attribution_laundering" in err and "quote_fidelity" not in err


def test_a_gate_on_an_unmeasured_metric_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # These answers carry no ranked passages, so retrieval cannot be measured.
    assert _eval(str(DATASET), "--answers", str(_answers(tmp_path, GOOD)), "--fail-under", "hits_at_10=0.5") == 1
    assert "hits_at_10 was not measured" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("gate", "message"),
    [
        ("kept=0.9", "unknown metric 'kept'"),
        ("attribution_kept", "expects metric=value"),
        ("attribution_kept=95", "between 0 and 1"),
    ],
)
def test_bad_gates_are_rejected_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], gate: str, message: str
) -> None:
    assert _eval(str(DATASET), "--answers", str(tmp_path / "never-read.jsonl"), "--fail-under", gate) == 1
    assert message in capsys.readouterr().err


def test_json_flag_prints_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _eval(str(DATASET), "--answers", str(_answers(tmp_path, GOOD)), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cases"] == 5 and out["passed"] == 5
    assert out["metrics"]["attribution_kept"] == 1.0 and out["metrics"]["hits_at_10"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "quote-named", "answer": "x"}\n{"id": oops}\n', "answers.jsonl:2: not valid JSON"),
        ('{"id": "a", "answer": "x"}\n{"id": "a", "answer": "y"}\n', "answers.jsonl:2: answer id 'a' appears twice"),
        ('{"answer": "x"}\n', "answers.jsonl:1: invalid answer at id"),
    ],
)
def test_bad_answer_files_are_named_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(content, encoding="utf-8")
    assert _eval(str(DATASET), "--answers", str(path)) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_answer_is_a_failed_case_not_a_failed_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = {k: v for k, v in GOOD.items() if k != "named-hedged"}
    out = tmp_path / "report.json"
    assert _eval(str(DATASET), "--answers", str(_answers(tmp_path, rows)), "--out", str(out)) == 0
    cases = {c["id"]: c for c in json.loads(out.read_text())["cases"]}
    assert cases["named-hedged"]["status"] == "error" and "no answer" in cases["named-hedged"]["error"]
    assert all(c["status"] == "pass" for k, c in cases.items() if k != "named-hedged")


def test_a_dataset_without_corpus_needs_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = json.loads(DATASET.read_text())
    dataset["corpus"] = None
    path = tmp_path / "no-corpus.json"
    path.write_text(json.dumps(dataset))
    assert _eval(str(path)) == 1
    assert "pass --corpus DIR" in capsys.readouterr().err


def test_markdown_and_html_outputs_are_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    md, html = tmp_path / "out" / "summary.md", tmp_path / "out" / "report.html"
    assert (
        _eval(str(DATASET), "--answers", str(_answers(tmp_path, GOOD)), "--markdown", str(md), "--report", str(html))
        == 0
    )
    assert "| Attribution kept | 1.000 | 3/3 |" in md.read_text()
    assert html.read_text().startswith("<!doctype html>")


def test_diff_shows_what_got_worse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "a.json", tmp_path / "b.json"
    _eval(str(DATASET), "--answers", str(_answers(tmp_path, GOOD, "g")), "--out", str(good))
    variant = next(b for b in BAD if b[3] == "hedge_stripping")
    _eval(str(DATASET), "--answers", str(_answers(tmp_path, {**GOOD, variant[1]: variant[2]}, "b")), "--out", str(bad))
    capsys.readouterr()
    assert main(["eval", "diff", str(good), str(bad)]) == 0
    text = capsys.readouterr().out
    assert "Hedge stripping" in text and "worse" in text
    assert f"{variant[1]}: pass -> fail" in text and "now failing: hedge_stripping" in text
    assert main(["eval", "diff", str(good), str(bad), "--json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert {c["id"] for c in diff["cases"]} == {variant[1]}
    assert next(m for m in diff["metrics"] if m["name"] == "hedge_stripping")["change"] == "worse"


def test_diff_needs_two_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "diff", str(tmp_path / "a.json")]) == 1
    assert "usage: newsqa eval diff A.json B.json" in capsys.readouterr().err
    (tmp_path / "x.json").write_text("{}")
    assert main(["eval", "diff", str(tmp_path / "x.json"), str(tmp_path / "x.json")]) == 1
    assert "not an eval report" in capsys.readouterr().err


def test_polnear_scores_a_folder_and_names_a_missing_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "polnear", str(tmp_path / "nowhere")]) == 1
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = "Maria Okafor said the port would reopen on Friday."
    (tmp_path / "text" / "a.txt").write_text(text)
    (tmp_path / "attributions" / "a_annotator.ann").write_text(
        "T1\tSource 0 12\tMaria Okafor\nT2\tCue 13 17\tsaid\nT3\tContent 18 50\tthe port would reopen on Friday\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
    )
    out = tmp_path / "polnear.json"
    assert main(["eval", "polnear", str(tmp_path), "--json", "--out", str(out), "--no-progress"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["articles"] == 1 and json.loads(out.read_text())["articles"] == 1


def test_the_summary_json_carries_the_headline_and_the_notation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _eval(str(DATASET), "--answers", str(_answers(tmp_path, GOOD)), "--json", "--notation", "newsqa") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["crag_score"] == 0.8 and out["refusal_accuracy"] == 1.0 and out["notation"] == "newsqa"


def test_crag_gates_take_negative_floors_and_aliases_name_metrics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = str(_answers(tmp_path, GOOD))
    assert (
        _eval(
            str(DATASET),
            "--answers",
            good,
            "--fail-under",
            "crag_score=-0.5",
            "--fail-under",
            "hedge_marked_recall=1.0",
            "--fail-under",
            "hedge_marked_precision=1.0",
        )
        == 0
    )
    assert _eval(str(DATASET), "--answers", good, "--fail-under", "crag_score=0.9") == 1
    assert "crag_score = 0.800, gate crag_score >= 0.9" in capsys.readouterr().err
    assert _eval(str(DATASET), "--answers", good, "--fail-under", "crag_score=-1.5") == 1
    assert "between -1 and 1" in capsys.readouterr().err
    assert _eval(str(DATASET), "--answers", good, "--fail-under", "hedge_marked=-0.5") == 1
    assert "between 0 and 1" in capsys.readouterr().err

"""`newsqa eval DATASET` runs the real newsqa (ingest into a temporary store, ask every case) and scores it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_fixtures import DATASET

from app.settings import Settings
from app.surfaces.cli import main
from eval.answers import read_answers
from eval.datasets import load_dataset
from eval.runner import run_newsqa
from indexing.errors import RetrievalError


@pytest.fixture(scope="module")
def newsqa_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("run")
    paths = {
        "json": out / "report.json",
        "answers": out / "answers.jsonl",
        "html": out / "report.html",
        "home": out / "home",
    }
    code = main(
        [
            "eval",
            str(DATASET),
            "--out",
            str(paths["json"]),
            "--save-answers",
            str(paths["answers"]),
            "--report",
            str(paths["html"]),
            "--no-progress",
        ]
    )
    assert code == 0
    return paths


def test_newsqa_answers_every_case_from_a_temporary_store(newsqa_run: dict[str, Path]) -> None:
    report = json.loads(newsqa_run["json"].read_text())
    assert report["system"] == "newsqa" and report["settings"]["store"] == "temporary"
    assert [c["status"] for c in report["cases"]].count("error") == 0
    assert any("ingested 2 article(s)" in note for note in report["notes"])
    by_id = {c["id"]: c for c in report["cases"]}
    assert by_id["unanswerable"]["refused"] is True
    assert all(c["latency_ms"] > 0 for c in report["cases"])
    # Gold evidence is given for the answerable cases, so retrieval is measured on them.
    assert report["metrics"]["hits_at_10"]["total"] == 4 and report["metrics"]["hits_at_10"]["value"] >= 0.75
    assert report["metrics"]["attribution_kept"]["total"] >= 1


def test_saved_answers_rescore_to_the_same_metrics(
    newsqa_run: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert set(read_answers(newsqa_run["answers"])) == {c.id for c in load_dataset(DATASET).cases}
    again = tmp_path / "again.json"
    assert (
        main(["eval", str(DATASET), "--answers", str(newsqa_run["answers"]), "--out", str(again), "--no-progress"]) == 0
    )
    first = json.loads(newsqa_run["json"].read_text())["metrics"]
    second = json.loads(again.read_text())["metrics"]
    assert {k: v["value"] for k, v in first.items()} == {k: v["value"] for k, v in second.items()}


class _FlakySystem:
    """A stand-in for NewsQA whose search breaks on one question."""

    def __init__(self, real_answer_text: str) -> None:
        self.text = real_answer_text

    def ask(self, question: str, **_: object):
        from app.models import Answer

        if "bridge" in question:
            raise RetrievalError("the lexical index is unreadable")
        return Answer(question=question, answer=self.text, refused=True)

    def search(self, query: str, **_: object):
        from app.models import SearchResponse

        return SearchResponse(query=query, results=[])


def test_a_failing_case_is_recorded_and_the_run_goes_on() -> None:
    dataset = load_dataset(DATASET)
    answers = run_newsqa(dataset, Settings(), corpus=None, qa=_FlakySystem("Nothing found."))
    assert answers["named-hedged"].error == "the lexical index is unreadable"
    assert all(a.error is None for k, a in answers.items() if k != "named-hedged")

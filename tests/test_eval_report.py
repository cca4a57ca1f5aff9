"""The reports an evaluator reads: self-contained, escaped HTML; Markdown; text summary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from eval_fixtures import BAD, BRIDGE_PASSAGE, DATASET, GOOD

from app.surfaces.cli import main
from eval.report import render_html, render_markdown, render_text
from eval.results import METRICS, load_report, parse_gate

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report whose question, answer and passage all carry markup, with one damaged answer."""
    tmp = tmp_path_factory.mktemp("hostile")
    dataset = json.loads(DATASET.read_text())
    dataset["corpus"] = str(DATASET.parent / "corpus")
    dataset["cases"][2]["question"] += " " + HOSTILE
    (tmp / "dataset.json").write_text(json.dumps(dataset))
    wrong = next(b for b in BAD if b[0] == "cites the wrong passage")
    rows = {
        **GOOD,
        wrong[1]: {
            "answer": wrong[2]["answer"] + " " + HOSTILE,
            "citations": [{"id": 1, "text": HOSTILE + " " + wrong[2]["citations"][0]["text"]}],
        },
    }
    (tmp / "answers.jsonl").write_text("".join(json.dumps({"id": k, **v}) + "\n" for k, v in rows.items()))
    out = tmp / "report.json"
    assert (
        main(
            [
                "eval",
                str(tmp / "dataset.json"),
                "--answers",
                str(tmp / "answers.jsonl"),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    return out


def test_html_is_self_contained_and_escapes_every_text(hostile_report: Path) -> None:
    page = render_html(load_report(hostile_report))
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    # No external assets: nothing fetched from anywhere.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)|@import|url\(|<link""", page, re.IGNORECASE)


def test_html_draws_every_metric_and_shows_a_failure_beside_its_passage(hostile_report: Path) -> None:
    report = load_report(hostile_report)
    page = render_html(report, [parse_gate("citation_recall=0.9")])
    assert page.count("<svg") >= len(METRICS)
    assert "gate citation_recall &gt;= 0.9" in page
    failing = page[page.index('id="case-named-hedged"') :]
    failing = failing[: failing.index("</tr>")]
    assert 'class="fail"' in page and "answer sentence" in failing and "cited passage" in failing
    assert "Harlow bridge may stay closed" in failing and "reportedly began selling cattle" in failing


def test_markdown_and_text_summaries_name_the_failures(hostile_report: Path) -> None:
    report = load_report(hostile_report)
    md = render_markdown(report, [parse_gate("citation_recall=0.99")])
    assert "| Citation recall |" in md and "FAIL (>= 0.99)" in md
    assert "### `named-hedged`" in md and "**citation_recall**" in md
    text = render_text(report)
    assert "5 cases, 4 passed, 1 failed, 0 errors" in text
    assert BRIDGE_PASSAGE not in text  # the summary stays short


def test_the_crag_score_heads_every_report_beside_refusal_accuracy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Four right answers (+1), one refused unanswerable question (0), and one answered unanswerable question (-1).
    answered = next(b for b in BAD if b[3] == "unanswerable_refused")
    dataset = json.loads(DATASET.read_text())
    dataset["corpus"] = str(DATASET.parent / "corpus")
    extra = {**dataset["cases"][-1], "id": "unanswerable-2"}
    dataset["cases"].append(extra)
    (tmp_path / "dataset.json").write_text(json.dumps(dataset))
    rows = {**GOOD, "unanswerable-2": answered[2]}
    (tmp_path / "answers.jsonl").write_text("".join(json.dumps({"id": k, **v}) + "\n" for k, v in rows.items()))
    out = tmp_path / "report.json"
    assert (
        main(
            [
                "eval",
                str(tmp_path / "dataset.json"),
                "--answers",
                str(tmp_path / "answers.jsonl"),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    report = load_report(out)
    assert {c.id: c.crag for c in report.cases} == {
        "quote-named": 1,
        "anonymous-hedged": 1,
        "named-hedged": 1,
        "unattributed-hedged": 1,
        "unanswerable": 0,
        "unanswerable-2": -1,
    }
    assert report.value("crag_score") == pytest.approx(3 / 6, abs=1e-3)
    assert "CRAG score +0.500 (4 right, 1 refused or missed, 1 wrong) · refusal accuracy 0.833" in text
    page = render_html(report)
    assert "+0.500</b>CRAG score (4 right, 1 refused or missed, 1 wrong)" in page and "refusal accuracy" in page
    assert "**CRAG score +0.500" in render_markdown(report)
    # The bar spans [-1, 1]: +0.5 fills three quarters of it.
    bar = page[page.index('aria-label="CRAG score ↑ +0.500"') :]
    assert 'width="112.5"' in bar[: bar.index("</svg>")]

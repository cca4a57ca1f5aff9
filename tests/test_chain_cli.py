"""`newsqa ask` over a real store (real MiniLM, real Chroma, real attribution engine) of a tiny invented corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.service import NewsQA
from app.settings import Settings
from app.surfaces.cli import main

CORPUS = Path(__file__).parent / "fixtures" / "chain" / "corpus"


@pytest.fixture(scope="module")
def home(tmp_path_factory, embedder) -> Path:
    home = tmp_path_factory.mktemp("ask-home")
    qa = NewsQA(Settings(home=home), embedder=embedder)
    try:
        report = qa.ingest([CORPUS])
        assert report.added == 3
    finally:
        qa.close()
    return home


@pytest.fixture
def cli(home, monkeypatch):
    monkeypatch.setenv("NEWSQA_HOME", str(home))

    def run(*argv: str) -> int:
        return main(list(argv))

    return run


def test_ask_json_is_the_answer_contract(cli, capsys) -> None:
    assert cli("ask", "What did Oona Halvorsen say about the tram depot fire?", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"question", "answer", "refused", "claims", "citations", "guard"}
    assert not data["refused"] and "Halvorsen" in data["answer"]
    ids = {c["id"] for c in data["citations"]}
    assert all(set(c["citations"]) <= ids for c in data["claims"])
    assert all(c["source_path"].endswith(".md") for c in data["citations"])


def test_ask_human_output_lists_numbered_sources_and_legend(cli, capsys) -> None:
    assert cli("ask", "What did the fire brigade say caused the Eastgate tram depot fire?") == 0
    out = capsys.readouterr().out
    assert "Sources:" in out and "[1] " in out and "Norvik Courier, 2026-03-02" in out
    assert "[hedged] = " in out and "[anonymous source] = " in out  # the fire-brigade source's "may"


def test_refusal_is_explained_with_closest_articles(cli, capsys) -> None:
    assert cli("ask", "What did the ambassador say about fishing quotas in Antarctica?") == 0
    out = capsys.readouterr().out
    assert "does not answer this question" in out and "Closest articles:" in out


def test_history_file_makes_a_conversation_and_keeps_filters(cli, capsys, tmp_path) -> None:
    history = tmp_path / "chat.json"
    assert (
        cli("ask", "What did Oona Halvorsen say about the fire?", "--history", str(history), "--outlet", "Baltic Daily")
        == 0
    )
    capsys.readouterr()
    assert cli("ask", "What did she say about buses?", "--history", str(history), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["standalone_question"] == "What did Oona Halvorsen say about buses?"
    assert {c["outlet"] for c in data["citations"]} == {"Baltic Daily"}
    turns = json.loads(history.read_text())
    assert [t["role"] for t in turns] == ["user", "assistant", "user", "assistant"]
    assert turns[2]["filters"]["outlets"] == ["Baltic Daily"]


def test_bad_input_is_one_line_not_a_traceback(cli, capsys, tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert cli("ask", "anything", "--history", str(broken)) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsqa: error:") and "not valid JSON" in err and "Traceback" not in err
    assert cli("ask", "   ") == 1
    assert "question is empty" in capsys.readouterr().err
    assert cli("ask", "x", "--since", "yesterday") == 1
    assert "ISO date" in capsys.readouterr().err

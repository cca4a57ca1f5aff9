"""`newsqa ingest` and `newsqa search` as a user runs them: output, exit codes, kill-and-rerun, lock, server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from app.models import SearchResponse
from app.settings import Settings
from app.surfaces.cli import main
from tests.chroma_server import chroma_url, free_port, unique_collection  # noqa: F401 - fixture
from tests.store_fixtures import ARTICLES, assert_clean_store, many_articles, write_corpus
from tests.test_pipeline import hold_lock

ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys; from app.surfaces.cli import main; sys.exit(main())"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "news", ARTICLES)


def test_ingest_then_search_as_json_and_as_text(corpus, capsys, settings):
    code, out, err = run(capsys, "ingest", str(corpus), "--no-progress")
    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith(f"added {len(ARTICLES)}, updated 0, unchanged 0, failed 0")

    code, out, _ = run(capsys, "ingest", str(corpus), "--no-progress")
    assert code == 0 and f"unchanged {len(ARTICLES)}" in out

    code, out, _ = run(capsys, "ingest", str(corpus), "--no-progress", "--reprocess")
    assert code == 0 and out.strip().splitlines()[-1].startswith(f"added 0, updated {len(ARTICLES)}, unchanged 0")

    code, out, _ = run(capsys, "search", "Skarvik glacier retreat", "--k", "3", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"query", "results"}
    response = SearchResponse.model_validate(data)
    assert response.model_dump(mode="json") == data, "exactly the contract, nothing more"
    assert response.results[0].article_id == "ledger/skarvik-glacier" and len(response.results) == 3
    assert set(data["results"][0]) >= {
        "rank",
        "chunk_id",
        "article_id",
        "title",
        "outlet",
        "published_at",
        "source_path",
        "text",
        "start",
        "end",
        "score",
        "claims",
    }

    code, out, _ = run(capsys, "search", "what did the mayor say about ferry fares", "--k", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(" 1. Tollbridge ferry fares to rise in spring  [Harbor Gazette, 2026-03-02]  score ")
    assert any(line.strip().startswith("speakers:") and "Ilse Varga" in line for line in lines)


def test_search_filters_on_the_command_line(corpus, capsys, settings):
    assert run(capsys, "ingest", str(corpus), "--no-progress")[0] == 0
    code, out, _ = run(capsys, "search", "Tollbridge ferry", "--outlet", "The Northern Ledger", "--json")
    assert code == 0 and {r["outlet"] for r in json.loads(out)["results"]} == {"The Northern Ledger"}
    code, out, _ = run(
        capsys,
        "search",
        "ferry",
        "--outlet",
        "Harbor Gazette",
        "--outlet",
        "Meridian Wire",
        "--json",
    )
    assert {r["outlet"] for r in json.loads(out)["results"]} <= {"Harbor Gazette", "Meridian Wire"}
    code, out, _ = run(
        capsys,
        "search",
        "ferry glacier chess",
        "--since",
        "2026-04-01",
        "--until",
        "2026-05-31",
        "--json",
    )
    days = [r["published_at"] for r in json.loads(out)["results"]]
    assert days and all("2026-04-01" <= d <= "2026-05-31" for d in days)
    code, out, err = run(capsys, "search", "ferry", "--since", "last tuesday")
    assert code == 1 and out == "" and err.count("\n") == 1 and "since" in err
    code, out, _ = run(capsys, "search", "ferry", "--outlet", "Nobody", "--json")
    assert code == 0 and json.loads(out)["results"] == []


def test_failures_are_listed_one_line_each_and_exit_1(tmp_path, capsys, settings):
    folder = write_corpus(tmp_path / "mixed", ARTICLES[:1])
    (folder / "broken.json").write_text("[{")
    code, out, _ = run(capsys, "ingest", str(folder), str(tmp_path / "nope.txt"), "--no-progress")
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("failed: ") for line in lines[:2])
    assert lines[2].startswith("added 1, updated 0, unchanged 0, failed 2")


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["ingest"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["search", "x", "--k", "many"])
    assert caught.value.code == 2


def test_a_bad_setting_is_one_line_naming_the_variable(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path))
    monkeypatch.setenv("NEWSQA_TOP_K", "0")
    code, _, err = run(capsys, "search", "port strike")
    assert code == 1 and err.startswith(
        "newsqa: error: bad setting: NEWSQA_TOP_K='0': Input should be greater than or equal to 1"
    )
    assert "internal error" not in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("NEWSQA_TOP_K", "8")
    monkeypatch.setenv("NEWSQA_EMBED_BACKEND", "tensorflow")
    code, _, err = run(capsys, "search", "port strike")
    assert code == 1 and err.startswith("newsqa: error: bad setting: NEWSQA_EMBED_BACKEND='tensorflow'")
    assert len(err.strip().splitlines()) == 1


def test_progress_bar_goes_to_stderr_when_forced(tmp_path, capsys, settings):
    folder = write_corpus(tmp_path / "two", ARTICLES[:2])
    code, out, err = run(capsys, "ingest", str(folder), "--progress")
    assert code == 0 and "ingest" in err and "2/2" in err and "ingest" not in out


@pytest.mark.slow
def test_kill_mid_run_then_rerun_leaves_a_clean_store(tmp_path, capsys, monkeypatch):
    articles = many_articles(300, words=110)  # enough that the kill lands mid-run on a fast machine
    folder = write_corpus(tmp_path / "bulk", articles)
    home = tmp_path / "killed-home"
    env = {**os.environ, "NEWSQA_HOME": str(home), "TOKENIZERS_PARALLELISM": "false"}
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "-v", "ingest", str(folder), "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 600
        for line in process.stderr:
            if "stored" in line or time.monotonic() > deadline:
                break
        time.sleep(0.5)  # into the second batch
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    monkeypatch.setenv("NEWSQA_HOME", str(home))
    code, out, _ = run(capsys, "ingest", str(folder), "--no-progress")
    assert code == 0, out
    summary = out.strip().splitlines()[-1]
    added = int(summary.split("added ")[1].split(",")[0])
    unchanged = int(summary.split("unchanged ")[1].split(",")[0])
    assert unchanged >= 64 and added > 0 and added + unchanged == len(articles), summary
    counts = assert_clean_store(Settings(home=home), {a.id: a.content_hash for a in articles})
    assert len(counts) == len(articles)
    code, out, _ = run(capsys, "ingest", str(folder), "--no-progress")
    assert f"unchanged {len(articles)}" in out


def test_an_unreachable_chroma_server_is_one_line_and_exit_1(corpus, capsys):
    url = f"http://127.0.0.1:{free_port()}"
    code, out, err = run(capsys, "--chroma-url", url, "ingest", str(corpus), "--no-progress")
    assert code == 1 and out == ""
    assert err.startswith(f"newsqa: error: cannot reach the Chroma server at {url}") and err.count("\n") == 1
    code, _, err = run(capsys, "--chroma-url", url, "search", "ferry")
    assert code == 1 and "cannot reach the Chroma server" in err and err.count("\n") == 1


@pytest.mark.server
def test_ingest_and_search_through_a_chroma_server(corpus, capsys, monkeypatch, chroma_url):  # noqa: F811
    monkeypatch.setenv("NEWSQA_COLLECTION", unique_collection())
    code, out, _ = run(capsys, "--chroma-url", chroma_url, "ingest", str(corpus), "--no-progress")
    assert code == 0 and out.strip().startswith(f"added {len(ARTICLES)}")
    code, out, _ = run(capsys, "--chroma-url", chroma_url, "search", "Hekkla volcano", "--k", "1", "--json")
    assert json.loads(out)["results"][0]["article_id"] == "wire/volcano-observatory"


def test_a_second_writer_stops_naming_the_owner(corpus, capsys, settings):
    holder = hold_lock(settings.home)
    try:
        code, out, err = run(capsys, "ingest", str(corpus), "--no-progress")
    finally:
        holder.kill()
        holder.wait()
    assert code == 1 and out == ""
    assert f"pid {holder.pid}" in err and "newsqa serve" in err and err.count("\n") == 1


class FakeNewsqaServer(BaseHTTPRequestHandler):
    """Stands in for `newsqa serve`: records POST /api/v1/articles and answers an IngestReport."""

    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeNewsqaServer.received.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        reply = json.dumps({"added": len(body["articles"]), "updated": 0, "unchanged": 0, "failed": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args) -> None:
        pass


def test_a_second_writer_sends_its_articles_to_the_serving_owner(corpus, capsys, settings, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNewsqaServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("NEWSQA_API_KEY", "sekret")
    FakeNewsqaServer.received.clear()
    holder = hold_lock(settings.home, url)
    try:
        code, out, err = run(capsys, "ingest", str(corpus), "--no-progress", "--outlet", "Fallback")
    finally:
        holder.kill()
        holder.wait()
        server.shutdown()
    assert code == 0, err
    assert f"added {len(ARTICLES)}" in out and url in err
    (request,) = FakeNewsqaServer.received
    assert request["path"].startswith("/api/v1/articles") and request["auth"] == "Bearer sekret"
    assert {a["id"] for a in request["body"]["articles"]} == {a.id for a in ARTICLES}
    assert not settings.chroma_dir.exists(), "the second writer never opened the store"


def test_global_flags_work_after_the_command_too(tmp_path):
    from app.surfaces.cli import build_parser

    parser = build_parser()
    # `newsqa ask -v ...` and `newsqa -v ask ...` mean the same; neither resets the other
    assert parser.parse_args(["ask", "Who closed the bridge?", "-v"]).verbose is True
    assert parser.parse_args(["-v", "ask", "Who closed the bridge?"]).verbose is True
    assert parser.parse_args(["ask", "Who closed the bridge?"]).verbose is False
    assert parser.parse_args(["search", "bridge", "--home", "elsewhere"]).home == "elsewhere"
    assert parser.parse_args(["--home", "first", "search", "bridge"]).home == "first"
    # and the flag takes effect: the details are logged on stderr
    folder = write_corpus(tmp_path / "two", ARTICLES[:2])
    env = {**os.environ, "NEWSQA_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", CLI, "ingest", str(folder), "--no-progress", "-v"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "INFO" in done.stderr


def test_reprocess_while_a_server_owns_the_store_is_refused_with_the_way_out(corpus, capsys, settings):
    holder = hold_lock(settings.home, "http://127.0.0.1:7999")
    try:
        code, out, err = run(capsys, "ingest", str(corpus), "--no-progress", "--reprocess")
    finally:
        holder.kill()
    assert code == 2 and not out
    assert "--reprocess" in err and "newsqa serve" in err and "stop it" in err

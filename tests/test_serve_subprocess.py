"""`newsqa serve` as a real process on loopback: UI, API, docs, the writer lock, and `newsqa ingest` forwarding."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.settings import Settings
from indexing.store.lock import WriterLock

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ui"
KEY = "serve-test-key"
STARTUP_SECONDS = 300  # cold start loads torch, MiniLM and Gradio on a shared 2-core machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update(
        NEWSQA_HOME=str(home),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        ANONYMIZED_TELEMETRY="False",
        TOKENIZERS_PARALLELISM="false",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _newsqa(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("newsqa")  # the installed entry point, as users run it
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "import sys; from app.surfaces.cli import main; sys.exit(main())", *args]


def _run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """One ``newsqa`` command against ``home``, as a user runs it, to completion."""
    return subprocess.run(
        _newsqa(*args), cwd=ROOT, env=_env(home, **env), capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    home = tmp_path_factory.mktemp("serve") / "home"
    port = _free_port()
    log = (home.parent / "server.log").open("w")
    proc = subprocess.Popen(
        _newsqa("serve", "--host", "127.0.0.1", "--port", str(port)),
        cwd=ROOT,
        env=_env(home, NEWSQA_API_KEY=KEY),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if proc.poll() is not None:
            pytest.fail(
                f"newsqa serve exited with {proc.returncode}:\n{(home.parent / 'server.log').read_text()[-3000:]}"
            )
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("newsqa serve did not answer /api/v1/health in time")
        time.sleep(0.5)
    yield url, home, proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()


def test_one_process_serves_ui_api_and_docs(server) -> None:
    url, _, _ = server
    page = httpx.get(f"{url}/", timeout=30)
    assert page.status_code == 200 and "gradio" in page.text.lower()
    assert httpx.get(f"{url}/docs", timeout=10).status_code == 200
    assert "/api/v1/ask" in httpx.get(f"{url}/openapi.json", timeout=10).json()["paths"]
    assert httpx.get(f"{url}/api/v1/stats", timeout=30).json()["articles"] == 0


def test_a_second_server_on_the_same_store_stops_with_a_clear_message(server) -> None:
    _, home, proc = server
    second = _run(home, "serve", "--port", str(_free_port()))
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    message = second.stderr.strip().splitlines()[-1]
    assert message.startswith("newsqa: error:") and str(proc.pid) in message and "newsqa serve" in message


def test_ingest_while_serving_goes_through_the_api(server) -> None:
    url, home, _ = server
    article = FIXTURES / "lowmere-ferry.md"
    refused = _run(home, "ingest", "--no-progress", str(article))
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1 and "NEWSQA_API_KEY" in output and "Traceback" not in output

    sent = _run(home, "ingest", "--no-progress", str(article), NEWSQA_API_KEY=KEY)
    assert sent.returncode == 0, sent.stderr
    assert "sending the articles to it" in sent.stderr and "added 1" in (sent.stdout + sent.stderr)

    # The server wrote it and serves it at once, without a restart.
    got = httpx.get(f"{url}/api/v1/articles/ui-fixtures/lowmere-ferry", timeout=30)
    assert got.status_code == 200 and got.json()["outlet"] == "The Lowmere Lantern"
    answer = httpx.post(
        f"{url}/api/v1/ask",
        json={"question": "What did Ines Tamm say about the ferry crossings?"},
        timeout=120,
    ).json()
    assert answer["citations"] and answer["citations"][0]["article_id"] == "ui-fixtures/lowmere-ferry"


def test_ask_and_search_while_serving_go_through_the_api(server, tmp_path) -> None:
    _, home, _ = server
    _run(home, "ingest", "--no-progress", str(FIXTURES / "lowmere-ferry.md"), NEWSQA_API_KEY=KEY)
    history = tmp_path / "chat.json"
    asked = _run(
        home, "-v", "ask", "What did Ines Tamm say about the ferry crossings?", "--json", "--history", str(history)
    )
    assert asked.returncode == 0, asked.stderr
    assert "asking through" in asked.stderr and "serving http://127.0.0.1" in asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["citations"] and answer["citations"][0]["article_id"] == "ui-fixtures/lowmere-ferry"
    # the conversation file is kept as without a server: a follow-up is read against it
    follow = _run(home, "ask", "And what did the operator say?", "--json", "--history", str(history))
    assert follow.returncode == 0, follow.stderr
    assert json.loads(follow.stdout)["standalone_question"].startswith(
        "What did the operator say about the ferry crossings"
    )
    found = _run(home, "search", "ferry crossings", "--k", "2", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["results"][0]["article_id"] == "ui-fixtures/lowmere-ferry"


def test_shutdown_releases_the_store(server) -> None:
    _, home, proc = server
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0
    lock = WriterLock(Settings(home=home))
    lock.acquire()  # would raise StoreOwnedError if the server had kept it
    lock.release()

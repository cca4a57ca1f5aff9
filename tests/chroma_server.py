"""A real `chroma run` server for the client-server tests.

``chroma_url`` (session fixture): ``NEWSQA_TEST_CHROMA_URL`` when CI started one
(``.ci/start-chroma.sh``), else a server this session starts itself. Tests skip,
saying why, only when the ``chroma`` command is missing. ``ChromaServer`` is
also used directly by tests that must stop and restart a server.

Each test gets its own collection name (``unique_collection``) so tests sharing
one server never see each other's data.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["ChromaServer", "chroma_url", "free_port", "unique_collection"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unique_collection(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class ChromaServer:
    """``chroma run --path DATA --host 127.0.0.1 --port PORT`` in the background."""

    def __init__(self, data: Path, port: int | None = None) -> None:
        self.data = data
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("chroma") is not None

    def start(self, timeout: float = 90.0) -> ChromaServer:
        command = shutil.which("chroma")
        if command is None:
            pytest.skip("the `chroma` command is missing: cannot start a Chroma server")
        self.data.mkdir(parents=True, exist_ok=True)
        log = open(self.data.parent / f"chroma-{self.port}.log", "ab")  # noqa: SIM115 - lives as long as the server
        self._process = subprocess.Popen(
            [
                command,
                "run",
                "--path",
                str(self.data),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self._process.returncode}; see {log.name}")
            if self.alive():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"no heartbeat from {self.url} after {timeout:.0f} s")

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=20)
        self._process = None


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a running Chroma server (CI's, or one started for this session)."""
    given = os.environ.get("NEWSQA_TEST_CHROMA_URL")
    if given:
        yield given.rstrip("/")
        return
    if not ChromaServer.available():
        pytest.skip("the `chroma` command is missing and NEWSQA_TEST_CHROMA_URL is not set")
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data").start()
    try:
        yield server.url
    finally:
        server.stop()

"""Wall time of one ``newsqa ask`` as a user runs it, three ways, in one run.

- ``torch-first``: the command with torch imported before it starts, which is what a
  cold ask paid when spaCy's thinc imported torch (the baseline);
- ``cold``: the command as shipped (spaCy imported with torch hidden from thinc);
- ``served``: the same command while a ``newsqa serve`` owns the store, so it goes
  through the server's HTTP API.

    python bench/cli_cold.py [--runs 5] [--corpus corpus/sample]

Each figure is the median of ``--runs`` processes; the store is a temporary one
holding ``--corpus``. Results: ``bench/results/cli_cold.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "What did the port authority say about the strike deal?"
CLI = "import sys; from app.surfaces.cli import main; sys.exit(main())"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update(
        NEWSQA_HOME=str(home), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False"
    )
    return env


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} ... failed: {done.stderr[-500:]}")
    return elapsed


def _median(command: list[str], env: dict[str, str], runs: int) -> float:
    _timed(command, env)  # one warm-up: file caches, the ONNX model file built once per machine
    return statistics.median(_timed(command, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", default=str(ROOT / "corpus" / "sample"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = _env(home)
        subprocess.run(
            [sys.executable, "-c", CLI, "ingest", "--no-progress", args.corpus],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        ask = [sys.executable, "-c", CLI, "ask", QUESTION]
        torch_first = [sys.executable, "-c", "import torch; " + CLI, "ask", QUESTION]
        figures = {"torch-first": _median(torch_first, env, args.runs), "cold": _median(ask, env, args.runs)}
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-c", CLI, "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("newsqa serve did not start") from None
                    time.sleep(0.5)
            figures["served"] = _median(ask, env, args.runs)
        finally:
            server.terminate()
            server.wait(timeout=60)
    result = {
        "question": QUESTION,
        "runs": args.runs,
        "seconds_median": {k: round(v, 3) for k, v in figures.items()},
        "ratio_cold_to_torch_first": round(figures["cold"] / figures["torch-first"], 3),
        "ratio_served_to_torch_first": round(figures["served"] / figures["torch-first"], 3),
    }
    out = ROOT / "bench" / "results" / "cli_cold.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Load benchmark: many concurrent clients asking `POST /api/v1/ask` on loopback, for a bounded time and count.

    python bench/load.py                                  # start `newsqa serve` on a temp store with corpus/sample
    python bench/load.py --home .newsqa                   # ... on an existing store (ingests corpus/sample if empty)
    python bench/load.py --url http://127.0.0.1:7860      # against a running server (loopback only)
    python bench/load.py --clients 8 --duration 30 --max-requests 2000 --json
    python bench/load.py --home /tmp/bbc-home --dataset eval/data/bbc_dev.json --clients 32

Reports requests per second, latency p50 / p95 / p99 / max and errors. The
target (issue 5): zero errors and p95 under 4x p50 at 8 concurrent clients.
Only 127.0.0.1 / localhost / ::1 URLs are accepted: this is not a tool for
loading other people's servers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "sample"
SAMPLE_EVAL = ROOT / "eval" / "data" / "sample_eval.json"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
FALLBACK_QUESTIONS = [
    "What did Maria Okafor say about the strike?",
    "What did Tomas Reyes say about the deal?",
    "Why did the Kessler bridge close?",
    "What caused the Ashford Ridge wildfire?",
    "How many customers were affected by the Lumora data leak?",
    "What did the Bank of Valmora decide about rates?",
]


@dataclass
class Result:
    clients: int
    duration_s: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    p95_over_p50: float
    target_met: bool
    error_samples: list[str] = field(default_factory=list)


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def _questions(dataset: Path = SAMPLE_EVAL) -> list[str]:
    try:
        data = json.loads(dataset.read_text(encoding="utf-8"))
        cases = data["cases"] if isinstance(data, dict) else data
        found = [c["question"] for c in cases if not c.get("history")]
        return found or FALLBACK_QUESTIONS
    except (OSError, ValueError, KeyError, TypeError):
        return FALLBACK_QUESTIONS


async def run_load(
    url: str,
    *,
    clients: int,
    duration: float,
    max_requests: int,
    questions: list[str],
    api_key: str | None,
    warm: bool = True,
) -> Result:
    """``clients`` workers post questions until ``duration`` seconds pass or ``max_requests`` were sent.

    With ``warm``, every question is asked once first (not counted): the chain caches the
    embeddings of claims it has seen, so the first answer to a question costs several times
    a warm one, and a run shorter than one pass over the questions would measure the cache.
    """
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits, headers=headers) as http:
        warm_up = list(questions if warm else questions[:2])
        started = time.perf_counter()

        async def warm_worker() -> None:
            while warm_up:
                (await http.post("/api/v1/ask", json={"question": warm_up.pop()})).raise_for_status()

        await asyncio.gather(*(warm_worker() for _ in range(clients)))
        print(
            f"warm-up: {len(questions) if warm else 2} questions in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        start = time.perf_counter()
        deadline = start + duration

        async def worker(worker_id: int) -> None:
            nonlocal issued
            while time.perf_counter() < deadline and issued < max_requests:
                question = questions[(issued + worker_id) % len(questions)]
                issued += 1
                sent = time.perf_counter()
                try:
                    response = await http.post("/api/v1/ask", json={"question": question})
                    elapsed = time.perf_counter() - sent
                    if response.status_code == 200 and "answer" in response.json():
                        latencies.append(elapsed)
                    else:
                        errors.append(f"{response.status_code}: {response.text[:160]}")
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")

        await asyncio.gather(*(worker(i) for i in range(clients)))
        wall = time.perf_counter() - start
    ordered = sorted(latencies)
    p50, p95 = _percentile(ordered, 0.50), _percentile(ordered, 0.95)
    total = len(latencies) + len(errors)
    return Result(
        clients=clients,
        duration_s=round(wall, 2),
        requests=total,
        errors=len(errors),
        rps=round(total / wall, 2) if wall else 0.0,
        p50_ms=round(p50 * 1000, 1),
        p95_ms=round(p95 * 1000, 1),
        p99_ms=round(_percentile(ordered, 0.99) * 1000, 1),
        max_ms=round((ordered[-1] if ordered else float("nan")) * 1000, 1),
        p95_over_p50=round(p95 / p50, 2) if ordered and p50 else float("nan"),
        target_met=not errors and bool(ordered) and p95 < 4 * p50,
        error_samples=errors[:5],
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(home: Path, api_key: str | None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update(
        NEWSQA_HOME=str(home),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    if api_key:
        env["NEWSQA_API_KEY"] = api_key
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from app.surfaces.cli import main; sys.exit(main())",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"newsqa serve exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("newsqa serve did not start within 300 s")


def _ensure_corpus(url: str, api_key: str | None) -> None:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    if httpx.get(f"{url}/api/v1/stats", headers=headers, timeout=60).json().get("articles"):
        return
    files = [
        ("files", (p.name, p.read_bytes()))
        for p in sorted(SAMPLE.rglob("*"))
        if p.is_file() and p.suffix in {".md", ".json", ".xml"}
    ]
    print(f"ingesting {len(files)} sample files through the API…", file=sys.stderr)
    report = httpx.post(f"{url}/api/v1/articles", files=files, headers=headers, timeout=900).json()
    print(f"  added {report.get('added')}, failed {len(report.get('failed', []))}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument(
        "--home",
        type=Path,
        help="store for the started server (default: a temp dir with corpus/sample)",
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (bounded to 600)")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=2000,
        help="stop after this many requests (bounded to 100000)",
    )
    parser.add_argument("--api-key", default=os.environ.get("NEWSQA_API_KEY"))
    parser.add_argument("--cold", action="store_true", help="skip the warm-up pass over every question")
    parser.add_argument(
        "--dataset",
        type=Path,
        default=SAMPLE_EVAL,
        help="eval dataset whose questions the clients ask (default: the bundled sample set; "
        "eval/data/bbc_dev.json for a BBC store)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256:
        parser.error("--clients must be between 1 and 256")
    duration = min(max(args.duration, 1.0), 600.0)
    max_requests = min(max(args.max_requests, 1), 100_000)

    proc = None
    temp = None
    try:
        if args.url:
            host = urlparse(args.url).hostname or ""
            if host not in LOOPBACK:
                parser.error(f"only loopback URLs are allowed (127.0.0.1, localhost, ::1), not {host!r}")
            url = args.url.rstrip("/")
        else:
            home = args.home
            if home is None:
                temp = tempfile.TemporaryDirectory(prefix="newsqa-load-")
                home = Path(temp.name) / "home"
            proc, url = _start_server(home, args.api_key)
        _ensure_corpus(url, args.api_key)
        result = asyncio.run(
            run_load(
                url,
                clients=args.clients,
                duration=duration,
                max_requests=max_requests,
                questions=_questions(args.dataset),
                api_key=args.api_key,
                warm=not args.cold,
            )
        )
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if temp is not None:
            temp.cleanup()

    if args.json:
        print(json.dumps(asdict(result), indent=2))
    else:
        print(
            f"{result.clients} clients, {result.duration_s} s: {result.requests} requests, {result.errors} errors, "
            f"{result.rps} req/s; latency p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, p99 {result.p99_ms} ms, "
            f"max {result.max_ms} ms; p95/p50 {result.p95_over_p50} -> target {'met' if result.target_met else 'NOT met'}"
        )
        for sample in result.error_samples:
            print(f"  error: {sample}")
    return 0 if result.target_met else 1


if __name__ == "__main__":
    sys.exit(main())

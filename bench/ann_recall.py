"""How much of the exact nearest-neighbour answer the store's vector index returns, at Chroma's default
``ef_search`` and at the store's (``indexing.store.connection.HNSW_EF_SEARCH``).

    NEWSQA_HOME=/tmp/bbc newsqa ingest ../shared/data/bbc
    python bench/ann_recall.py --home /tmp/bbc [--questions ../shared/data/questions] [--json FILE]

For each analyst question (skipped cleanly when ``../shared/data/questions`` is absent) the question is
embedded as search embeds it, and the 10 chunks the HNSW index returns are compared with the exact 10 nearest
(cosine over every stored vector): ``top1`` is the share of questions whose exact nearest chunk comes first,
``recall_at_10`` the mean overlap of the two top 10s, ``query_ms`` the mean time of one index query. Each
``ef_search`` is measured on its own copy of the store's Chroma folder (Chroma reads the setting when it loads
the index), in this process, one after the other; the ratio of query times is the cost of the wider search.
Embedding the questions opens the store as newsqa does, which raises its own ``ef_search`` if it was lower.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np

CHROMA_DEFAULT_EF = 100


def _questions(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    return out


def measure(chroma_dir: Path, collection: str, queries: np.ndarray, ef: int) -> dict:
    """top1, recall@10 and query time of the index at ``ef_search = ef``, on a copy of ``chroma_dir``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "chroma"
        shutil.copytree(chroma_dir, copy)
        client = chromadb.PersistentClient(path=str(copy), settings=ChromaSettings(anonymized_telemetry=False))
        chunks = client.get_collection(collection)
        chunks.modify(configuration={"hnsw": {"ef_search": ef}})
        stored = chunks.get(include=["embeddings"])
        ids = stored["ids"]
        matrix = np.asarray(stored["embeddings"], dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        top1 = recall = 0.0
        seconds = 0.0
        for q in queries:
            exact = [ids[i] for i in np.argsort(-(matrix @ q))[:10]]
            start = time.perf_counter()
            got = chunks.query(query_embeddings=[q], n_results=10, include=[])["ids"][0]
            seconds += time.perf_counter() - start
            top1 += got[0] == exact[0]
            recall += len(set(got) & set(exact)) / 10
        n = len(queries)
        return {
            "ef_search": ef,
            "top1": round(top1 / n, 3),
            "recall_at_10": round(recall / n, 4),
            "query_ms": round(seconds / n * 1000, 2),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "data" / "questions")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    questions = _questions(args.questions) if args.questions.is_dir() else []
    if not questions:
        print(f"skipped: no questions in {args.questions}")
        return 0

    from app.service import NewsQA
    from app.settings import Settings
    from indexing.store.connection import HNSW_EF_SEARCH

    settings = Settings(home=args.home)
    qa = NewsQA(settings)  # the question vectors as search makes them (the store's own embedder)
    queries = np.asarray([np.ravel(qa.searcher.embed_query(q)) for q in questions], dtype=np.float32)
    qa.close()
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    rows = [
        measure(settings.chroma_dir, settings.collection, queries, ef) for ef in (CHROMA_DEFAULT_EF, HNSW_EF_SEARCH)
    ]
    report = {
        "questions": len(questions),
        "runs": rows,
        "query_time_ratio": round(rows[1]["query_ms"] / rows[0]["query_ms"], 2),
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

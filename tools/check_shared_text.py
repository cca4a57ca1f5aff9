"""Find runs of 12 words that a project file repeats verbatim from ../shared/data (publishers' text).

    python tools/check_shared_text.py                 # every file git tracks, against ../shared/data
    python tools/check_shared_text.py --shared DIR --root DIR

Same words and run length as the shared ``copycheck`` hook (lower-cased
``[a-z0-9]+`` words, 12 in a row, ``.txt`` files of the shared data). The hook
compares 32-bit CRCs of the runs, so with about two million reference runs a
file of a few thousand words matches some run by accident; this script compares
the runs themselves and prints only real repeats (file, the shared file, the
words). Exit code 1 when there is one, 0 otherwise (also when the data is absent).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import zlib
from collections import defaultdict
from pathlib import Path

N = 12
ROOT = Path(__file__).resolve().parent.parent


def runs(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [" ".join(words[i : i + N]) for i in range(len(words) - N + 1)]


def verbatim_runs(files: dict[str, str], shared: Path) -> dict[str, list[tuple[str, str]]]:
    """``{project file: [(shared file, run), ...]}`` for every run found word for word in ``shared``."""
    wanted = {zlib.crc32(r.encode()) for text in files.values() for r in runs(text)}
    found: dict[str, set[str]] = defaultdict(set)  # run -> shared files holding it
    for path in sorted(shared.rglob("*.txt")):
        if "seed_claims" in path.name:
            continue
        for r in runs(path.read_text(encoding="utf-8", errors="replace")):
            if zlib.crc32(r.encode()) in wanted:  # cheap filter first; the run itself decides
                found[r].add(str(path.relative_to(shared)))
    hits: dict[str, list[tuple[str, str]]] = {}
    for name, text in files.items():
        repeated = sorted({(src, r) for r in runs(text) if r in found for src in found[r]})
        if repeated:
            hits[name] = repeated
    return hits


def tracked_files(root: Path) -> dict[str, str]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    files = {}
    for name in listed:
        path = root / name
        if path.is_file() and path.stat().st_size <= 5_000_000:
            try:
                files[name] = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (a git checkout)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"shared data not found: {args.shared} (nothing to compare)")
        return 0
    hits = verbatim_runs(tracked_files(args.root), args.shared)
    for name, repeated in sorted(hits.items()):
        print(f"{name}: {len(repeated)} verbatim runs")
        for src, r in repeated[:5]:
            print(f"    {src}: {r}")
    if not hits:
        print("no verbatim 12-word runs from the shared data")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())

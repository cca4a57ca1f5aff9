"""The attribution engine's claims on a slice of BBC News, and what changed between two versions of the engine.

    python bench/claims_slice.py dump OUT.json [--every 6] [--offset 0] [--bbc ../shared/data/bbc]
    python bench/claims_slice.py compare BEFORE.json AFTER.json

``dump`` writes, for every ``--every``-th article from ``--offset`` (sorted paths), each claim's path, offsets,
source type, source, cue, speaker and hedges (offsets and the engine's words, no article text); run it once with
each version of the engine (a ``git worktree`` of the other commit, ``PYTHONPATH`` pointing at it). ``compare``
prints the claims that changed (by path, offsets and cue) with their type and speaker before and after, for
reading by hand against the articles, and their count. Skips cleanly when the BBC folder is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BBC = ROOT.parent / "shared" / "data" / "bbc"


def dump(bbc: Path, out: Path, every: int, offset: int) -> int:
    from indexing.claims import analyze

    paths = sorted(bbc.glob("*/*.txt"))[offset::every]
    if not paths:
        print(f"skipped: no articles in {bbc}")
        return 0
    rows = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = str(path.relative_to(bbc))
        for c in analyze(text):
            rows.append([rel, c.start, c.end, c.source_type, c.source, c.cue, c.speaker, c.hedges])
    out.write_text(json.dumps(rows), encoding="utf-8")
    print(f"{len(rows)} claims of {len(paths)} articles -> {out}")
    return 0


def compare(before: Path, after: Path) -> int:
    old = {(r[0], r[1], r[2], r[5]): r for r in json.loads(before.read_text(encoding="utf-8"))}
    new = {(r[0], r[1], r[2], r[5]): r for r in json.loads(after.read_text(encoding="utf-8"))}
    changed = [(old.get(k), r) for k, r in new.items() if old.get(k) != r]
    gone = [r for k, r in old.items() if k not in new]
    for was, now in changed:
        then = (was[3], was[6]) if was else None
        print(
            f"{now[0]} {now[1]}-{now[2]} | {(now[4] or '')[:50]} | {now[5]} | before {then} | after {(now[3], now[6])}"
        )
    for was in gone:
        print(
            f"{was[0]} {was[1]}-{was[2]} | {(was[4] or '')[:50]} | {was[5]} | before {(was[3], was[6])} | after: none"
        )
    print(f"{len(changed)} claims new or changed, {len(gone)} gone ({len(old)} before, {len(new)} after)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="write the claims of a slice of BBC articles")
    d.add_argument("out", type=Path)
    d.add_argument("--bbc", type=Path, default=DEFAULT_BBC)
    d.add_argument("--every", type=int, default=6)
    d.add_argument("--offset", type=int, default=0)
    c = sub.add_parser("compare", help="the claims that differ between two dumps")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        if args.every < 1 or args.offset < 0:
            parser.error("--every must be 1 or more and --offset 0 or more")
        return dump(args.bbc, args.out, args.every, args.offset)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())

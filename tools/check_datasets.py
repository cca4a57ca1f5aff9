"""Check (and help write) newsqa eval datasets: evidence offsets, keys, tag counts.

    python tools/check_datasets.py check eval/data/sample_eval.json
    python tools/check_datasets.py check eval/data/bbc_dev.json --root ../shared/data/bbc
    python tools/check_datasets.py fill eval/data/sample_eval.json      # start/end from each passage
    python tools/check_datasets.py show eval/data/bbc_dev.json bbc-business-ad-sales --root ../shared/data/bbc
    python tools/check_datasets.py locate business/001.txt "a short search string" --root ../shared/data/bbc

Article bodies are read the way the loader reads them (``indexing/loaders``): for
``.md``/``.txt`` the text after the front matter (or after a title line followed by
a blank line), leading blank lines dropped, trailing whitespace dropped, newlines as
``\\n``; for ``.json`` the ``body`` field; for an RSS feed the entry's description.
Datasets over corpora we may not copy (BBC) store offsets only: ``locate`` prints
the offsets of a search string so that the string itself never enters the dataset.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval.datasets import SAMPLE_TAG_MINIMUMS, EvalDataset, Evidence, load_dataset

# --- reading bodies ---------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8, falling back to cp1252 (one BBC file has a Latin-1 byte), newlines as \\n."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def clean_body(text: str) -> str:
    """Leading blank lines and trailing whitespace dropped; nothing else (offsets stay put)."""
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """(metadata, rest) of a text whose first line is '---'; ({}, text) otherwise."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    meta: dict[str, str] = {}
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            return meta, "\n".join(lines[index + 1 :])
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    raise ValueError("front matter is never closed by a '---' line")


def text_article(text: str) -> tuple[dict[str, str], str]:
    """(metadata, body) of a .md/.txt article: front matter, else 'title line + blank line'."""
    meta, rest = split_front_matter(text)
    if meta.get("title"):
        return meta, clean_body(rest)
    rest = clean_body(rest)
    first, newline, after = rest.partition("\n")
    if newline and not after.partition("\n")[0].strip():
        meta["title"] = first.strip()
        return meta, clean_body(after)
    return meta, rest


def feed_entries(path: Path) -> list[dict[str, str]]:
    """The items of an RSS feed as {id, title, body}: body is the item's full-text description."""
    import feedparser

    parsed = feedparser.parse(path.read_bytes())
    return [
        {
            "id": entry.get("id", ""),
            "title": entry.get("title", ""),
            "body": clean_body(entry.get("description", "")),
        }
        for entry in parsed.entries
    ]


def read_bodies(path: Path) -> list[str]:
    """Every article body in one corpus file (a feed holds several)."""
    if path.suffix == ".json":
        return [clean_body(json.loads(path.read_text(encoding="utf-8"))["body"])]
    if path.suffix in (".xml", ".rss", ".atom"):
        return [entry["body"] for entry in feed_entries(path)]
    return [text_article(decode(path.read_bytes()))[1]]


def evidence_body(corpus_root: Path, evidence: Evidence) -> str:
    """The body the evidence points into; in a feed, the entry that holds the passage."""
    if not evidence.path:
        raise ValueError("evidence without a path cannot be checked offline")
    bodies = read_bodies(corpus_root / evidence.path)
    if len(bodies) == 1:
        return bodies[0]
    holding = [body for body in bodies if evidence.passage and evidence.passage in body]
    if len(holding) != 1:
        raise ValueError(f"{evidence.path}: cannot tell which feed entry holds the passage")
    return holding[0]


# --- checks --------------------------------------------------------------------------------


def dataset_corpus(dataset_path: Path, dataset: EvalDataset, root: Path | None) -> Path:
    if root is not None:
        return root
    if dataset.corpus is None:
        raise SystemExit(f"{dataset_path}: the dataset names no corpus; pass --root")
    return (dataset_path.parent / dataset.corpus).resolve()


def _all_evidence(dataset: EvalDataset) -> list[tuple[str, Evidence]]:
    out: list[tuple[str, Evidence]] = []
    for case in dataset.cases:
        out.extend((case.id, ev) for ev in case.evidence)
        out.extend((case.id, claim.evidence) for claim in case.expected_claims if claim.evidence)
    return out


def problems(dataset_path: Path, root: Path | None = None) -> list[str]:
    """Everything wrong with a dataset's evidence and keys (an empty list when it is sound)."""
    dataset = load_dataset(dataset_path)
    corpus = dataset_corpus(dataset_path, dataset, root)
    found: list[str] = []
    for case_id, ev in _all_evidence(dataset):
        where = f"{case_id}: {ev.path}"
        if not ev.path or not (corpus / ev.path).is_file():
            found.append(f"{where}: no such article file")
            continue
        try:
            body = evidence_body(corpus, ev)
        except ValueError as exc:
            found.append(f"{case_id}: {exc}")
            continue
        if ev.start is None or ev.end is None:
            found.append(f"{where}: evidence has no offsets")
        elif ev.end > len(body):
            found.append(f"{where}: offsets {ev.start}:{ev.end} run past the body ({len(body)} chars)")
        elif ev.passage is not None and body[ev.start : ev.end] != ev.passage:
            found.append(f"{where}: body[{ev.start}:{ev.end}] is not the passage")
    for case in dataset.cases:
        for claim in case.expected_claims:
            ev = claim.evidence or (case.evidence[0] if case.evidence else None)
            if ev is None or not ev.path or not (corpus / ev.path).is_file():
                continue
            try:
                body = evidence_body(corpus, ev)
            except ValueError:
                continue
            if claim.key not in body:
                found.append(f"{case.id}: key {claim.key!r} is not in {ev.path}")
    return found


def tag_counts(dataset: EvalDataset) -> Counter[str]:
    return Counter(tag for case in dataset.cases for tag in case.tags)


# --- commands ------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.dataset)
    dataset = load_dataset(path)
    found = problems(path, args.root)
    for line in found:
        print("PROBLEM", line)
    counts = tag_counts(dataset)
    if dataset.name == "newsqa-sample":
        for tag, need in SAMPLE_TAG_MINIMUMS.items():
            if counts[tag] < need:
                found.append(f"only {counts[tag]} cases tagged {tag!r} (the bundled set promises {need})")
                print("PROBLEM", found[-1])
    answerable = sum(case.answerable for case in dataset.cases)
    print(f"{path}: {len(dataset.cases)} cases ({answerable} answerable), {len(found)} problems")
    print("tags:", ", ".join(f"{tag}={n}" for tag, n in sorted(counts.items())))
    return 1 if found else 0


def cmd_fill(args: argparse.Namespace) -> int:
    """Set start/end of every evidence that has a passage (first occurrence in its body)."""
    path = Path(args.dataset)
    raw = json.loads(path.read_text(encoding="utf-8"))
    dataset = load_dataset(path)
    corpus = dataset_corpus(path, dataset, args.root)
    failures = 0

    def fill(ev: dict) -> None:
        nonlocal failures
        if not ev.get("passage"):
            return
        body = evidence_body(corpus, Evidence.model_validate(ev))
        start = body.find(ev["passage"])
        if start < 0:
            print(f"NOT FOUND in {ev['path']}: {ev['passage'][:70]!r}")
            failures += 1
            return
        if body.find(ev["passage"], start + 1) >= 0:
            print(f"WARNING passage occurs twice in {ev['path']}; using the first: {ev['passage'][:50]!r}")
        ev["start"], ev["end"] = start, start + len(ev["passage"])

    for case in raw["cases"]:
        for ev in case.get("evidence", []):
            fill(ev)
        for claim in case.get("expected_claims", []):
            if claim.get("evidence"):
                fill(claim["evidence"])
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path}: offsets filled, {failures} passages not found")
    return 1 if failures else 0


def cmd_show(args: argparse.Namespace) -> int:
    path = Path(args.dataset)
    dataset = load_dataset(path)
    corpus = dataset_corpus(path, dataset, args.root)
    wanted = set(args.case_ids)
    for case in dataset.cases:
        if wanted and case.id not in wanted:
            continue
        print(f"== {case.id} [{', '.join(case.tags)}] answerable={case.answerable}\n   Q: {case.question}")
        for ev in case.evidence:
            body = evidence_body(corpus, ev)
            print(f"   {ev.path} {ev.start}:{ev.end}\n   > {body[ev.start : ev.end]}")
        for claim in case.expected_claims:
            print(
                f"   claim: {claim.key!r} source={claim.source!r} ({claim.source_type}) quote={claim.quote} hedges={claim.hedges}"
            )
    return 0


def cmd_locate(args: argparse.Namespace) -> int:
    """Offsets of a search string (to the end of its sentence with --sentence) in one body."""
    root = args.root or Path(".")
    body = read_bodies(root / args.path)[0]
    start = body.find(args.text)
    if start < 0:
        print(f"not found in {args.path}")
        return 1
    end = start + len(args.text)
    if args.sentence:
        stops = [
            i
            for i in (
                body.find(". ", end - 1),
                body.find(".\n", end - 1),
                body.find('." ', end - 1),
            )
            if i >= 0
        ]
        end = min(stops) + (2 if body[min(stops) + 1] == '"' else 1) if stops else len(body)
    print(json.dumps({"path": args.path, "start": start, "end": end}))
    if args.echo:
        print(body[start:end], file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in (("check", cmd_check), ("fill", cmd_fill), ("show", cmd_show)):
        p = sub.add_parser(name)
        p.add_argument("dataset")
        if name == "show":
            p.add_argument("case_ids", nargs="*")
        p.add_argument("--root", type=Path, default=None, help="corpus root (default: the dataset's 'corpus')")
        p.set_defaults(func=func)
    p = sub.add_parser("locate")
    p.add_argument("path", help="article path relative to --root")
    p.add_argument("text", help="a short search string in the body")
    p.add_argument("--root", type=Path, default=None)
    p.add_argument("--sentence", action="store_true", help="extend the span to the end of the sentence")
    p.add_argument(
        "--echo",
        action="store_true",
        help="print the span to stderr (never paste it into a dataset)",
    )
    p.set_defaults(func=cmd_locate)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())

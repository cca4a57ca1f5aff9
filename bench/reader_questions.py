"""The answer chain on the analyst questions over BBC News, scored against their gold evidence offsets.

    python bench/reader_questions.py --home BBC_STORE [--split heldout] [--json FILE] [-v]

BBC_STORE holds all of ``../shared/data/bbc`` (``NEWSQA_HOME=BBC_STORE newsqa ingest
../shared/data/bbc``). Questions: ``../shared/data/questions`` (skipped cleanly when
absent), by split of :mod:`training.questions` (``train``, ``calibrate``, ``heldout`` or
``all``; the reader is trained on ``train``, its thresholds chosen on ``calibrate``;
``heldout`` is never tuned on). Every question goes through ``NewsQA.ask`` as a user's does.

Figures (the issue's table):

- ``hits_at_4``: a gold evidence span overlaps one of the 4 best search results;
- ``fact_in_answer``: answerable, answered, and a citation overlaps the gold evidence;
- ``fact_in_first_two``: of those, a citation of the answer's first two sentences does;
- ``sentences_per_answer``: mean sentences of the answers given;
- ``unanswerable_refused`` / ``false_refusals``: refusal rates of near misses / answerable questions;
- ``multi_claim_coverage``: share of a multi-claim question's gold claims cited (mean over those questions);
- ``speaker_kept`` / ``hedge_marked`` / ``anonymous_marked``: of the gold claims given, the
  answer sentences citing it name the gold speaker's surname / carry ``[hedged]`` /
  carry ``[anonymous source]`` (each over the gold claims of that kind; an evidence sentence
  holding two claims is said as two answer sentences citing it, so all of them are read);
- ``crag``: mean of +1 (fact given), 0 (refused), -1 (answered without the fact, or a near miss answered);
- ``ask_ms_p50`` / ``ask_ms_p95``: wall time per question in this process (first ask of each question).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.questions import (
    DEFAULT_BBC,
    DEFAULT_QUESTIONS,
    Question,
    gold_overlap,
    load_chain_set,
    load_questions,
)


def _citation_path(answer, number: int) -> tuple[str | None, int, int]:
    for c in answer.citations:
        if c.id == number:
            return c.source_path, c.start, c.end
    return None, -1, -1


def score(q: Question, answer, hits4: bool, ms: float, sources: list[dict]) -> dict:
    from app.compose.marks import answer_sentences

    row = {
        "id": q.id,
        "kind": q.kind,
        "answerable": q.answerable,
        "refused": bool(answer.refused),
        "hits4": hits4,
        "ms": ms,
    }
    if answer.refused:
        row.update(given=[], sentences=0, fact=False, first_two=False)
        return row
    sentences = answer_sentences(answer.answer)
    given: dict[int, int] = {}  # gold claim -> first answer sentence citing it
    citing: dict[int, list[int]] = {}  # gold claim -> every answer sentence citing it
    for i, sentence in enumerate(sentences):
        for n in sentence.citations:
            path, start, end = _citation_path(answer, n)
            g = gold_overlap(q, path, start, end)
            if g >= 0:
                given.setdefault(g, i)
                citing.setdefault(g, []).append(i)
    row.update(
        sentences=len(sentences), given=sorted(given), fact=bool(given), first_two=any(i < 2 for i in given.values())
    )
    marks = {}
    for g in given:
        # an evidence sentence holding two claims is said as two sentences, each citing it: "Official data
        # put bad debt at $190bn [1]. Most observers believe the figure is higher [anonymous source] [1]."
        text = " ".join(sentences[i].text for i in citing[g])
        gold = sources[g] if g < len(sources) else {}
        surname = (gold.get("source") or "").split()[-1:] or [""]
        # only what was found, never the sentence: its words are the publisher's
        marks[g] = {
            "hedged": "[hedged]" in text,
            "anonymous": "[anonymous source]" in text,
            "names_speaker": bool(surname[0]) and surname[0].lower() in text.lower(),
        }
    row["marks"] = marks
    return row


def summarise(rows: list[dict], questions: dict[str, Question], sources: dict[str, list[dict]]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    facts = [r for r in answerable if r["fact"]]
    given = [r for r in rows if not r["refused"]]
    multi = [r for r in answerable if questions[r["id"]].kind == "multi"]
    kept = hedged = anon = 0
    n_named = n_hedged = n_anon = 0
    for r in facts:
        for g in r["given"]:
            if g >= len(sources[r["id"]]):
                continue  # a set whose evidence list and claim list differ in length
            gold = sources[r["id"]][g]
            mark = r["marks"].get(g) or r["marks"][str(g)]
            if gold["source_type"] == "named" and gold.get("source"):
                n_named += 1
                kept += mark["names_speaker"]
            if gold.get("hedged"):
                n_hedged += 1
                hedged += mark["hedged"]
            if gold["source_type"] == "anonymous":
                n_anon += 1
                anon += mark["anonymous"]
    crag = [
        (1 if r["fact"] else (0 if r["refused"] else -1)) if r["answerable"] else (0 if r["refused"] else -1)
        for r in rows
    ]
    ms = sorted(r["ms"] for r in rows)

    def rate(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hits_at_4": rate(sum(r["hits4"] for r in answerable), len(answerable)),
        "fact_in_answer": rate(len(facts), len(answerable)),
        "fact_in_first_two": rate(sum(r["first_two"] for r in facts), len(facts)),
        "sentences_per_answer": round(statistics.mean(r["sentences"] for r in given), 2) if given else None,
        "unanswerable_refused": rate(sum(r["refused"] for r in unanswerable), len(unanswerable)),
        "false_refusals": rate(sum(r["refused"] for r in answerable), len(answerable)),
        "multi_claim_coverage": round(statistics.mean(len(r["given"]) / len(questions[r["id"]].gold) for r in multi), 3)
        if multi
        else None,
        "speaker_kept": rate(kept, n_named),
        "hedge_marked": rate(hedged, n_hedged),
        "anonymous_marked": rate(anon, n_anon),
        "crag": round(statistics.mean(crag), 3) if crag else None,
        "ask_ms_p50": round(ms[len(ms) // 2], 1) if ms else None,
        "ask_ms_p95": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 1) if ms else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True, help="a newsqa store holding the BBC corpus")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--bbc", type=Path, default=DEFAULT_BBC)
    parser.add_argument("--split", default="heldout", choices=("train", "calibrate", "heldout", "all"))
    parser.add_argument(
        "--chain-set",
        type=Path,
        help="instead, one of the project's BBC chain sets with evidence offsets (blind3_bbc.json)",
    )
    parser.add_argument("--json", type=Path, help="write the figures and every question's row")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each question and answer")
    args = parser.parse_args(argv)
    raw: dict[str, list[dict]] = {}
    if args.chain_set:
        questions = load_chain_set(args.chain_set)
        for case in json.loads(args.chain_set.read_text(encoding="utf-8"))["cases"]:
            raw[f"{args.chain_set.stem}:{case['id']}"] = case.get("expected_claims") or []
        args.split = args.chain_set.stem
    else:
        questions = [
            q for q in load_questions(args.questions, args.bbc) if args.split == "all" or q.split == args.split
        ]
        for path in sorted(args.questions.glob("bbc_*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    raw[row["id"]] = row.get("claims") or []
    if not questions:
        print(f"skipped: no questions in {args.chain_set or args.questions}")
        return 0

    from app.service import NewsQA
    from app.settings import Settings

    qa = NewsQA(Settings(home=args.home))
    rows = []
    try:
        qa.ask("warm-up: what happened?")  # load the models before timing
        for q in questions:
            results = qa.search(q.question, k=4).results
            hits4 = any(gold_overlap(q, r.source_path, r.start, r.end) >= 0 for r in results)
            start = time.perf_counter()
            answer = qa.ask(q.question)
            ms = (time.perf_counter() - start) * 1000
            row = score(q, answer, hits4, ms, raw.get(q.id, []))
            rows.append(row)
            if args.verbose:
                verdict = "REFUSED" if row["refused"] else ("FACT" if row["fact"] else "MISS")
                print(f"[{q.id} {q.kind} {verdict}] {q.question}\n    {answer.answer[:400]}\n")
    finally:
        qa.close()
    figures = summarise(rows, {q.id: q for q in questions}, raw)
    print(json.dumps({"split": args.split, **figures}, indent=2))
    if args.json:
        args.json.write_text(
            json.dumps({"split": args.split, "figures": figures, "rows": rows}, indent=1, default=str) + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

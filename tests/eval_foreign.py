"""Correct answers in seven other tools' notations and export shapes (tests/fixtures/eval/foreign/), and the
faults planted in them, each with the metric that must flag it.

The answers were written by hand over corpus/sample for seven cases of the bundled set
(tests/fixtures/eval/foreign/dataset.json copies them), in seven notations:

- footnotes.jsonl         Markdown footnotes [^n] with notes; `references` [{title, url, content}];
                          "(anonymous source)", "who were not named", "(hedged: "would")", "(unconfirmed)"
- langchain.json          LangChain RetrievalQA dumps (query / result / source_documents), no inline citations,
                          no case ids (matched by question); "unnamed", "(unconfirmed)", *might*
- llamaindex.jsonl        LlamaIndex CitationQueryEngine responses ("Source N:" nodes); Markdown lists,
                          **Anonymous source:** labels, **[hedge: would]**, **(hedged)**
- openai_responses.json   OpenAI Responses API dumps: url_citation annotations over [site](url) links and no
                          passage text (the article is read from the corpus); "[unnamed]", "[unverified]"
- superscripts.jsonl      superscript citations (¹) and a "Sources:" list of titles, no citation entries;
                          marks as symbol footnotes († hedged, ‡ not named)
- lenticular.jsonl        【n】 citations; "(anon.)", "(reportedly)", _might_
- labels.jsonl            Markdown records of bold labels (**Claim:** / **Source:** / **Hedge:** lines);
                          `sources` [{title, url, snippet}]; "(anonymous)", "(not named)", Hedge: "might"

A fault is a list of (old, new) text replacements in one case's record (its JSON text, so a
replacement may touch the answer or its sources); OpenAI annotation offsets are moved with the text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FOREIGN = Path(__file__).parent / "fixtures" / "eval" / "foreign"
FOREIGN_DATASET = FOREIGN / "dataset.json"
SYSTEMS = {
    "footnotes": "footnotes.jsonl",
    "langchain": "langchain.json",
    "llamaindex": "llamaindex.jsonl",
    "openai": "openai_responses.json",
    "superscripts": "superscripts.jsonl",
    "lenticular": "lenticular.jsonl",
    "labels": "labels.jsonl",
}


@dataclass(frozen=True)
class Fault:
    system: str
    case: str
    kind: str
    metric: str
    edits: tuple[tuple[str, str], ...]
    everywhere: bool = False  # replace every occurrence (else the old text must occur once in the record)

    @property
    def name(self) -> str:
        return f"{self.system}: {self.kind}"


def _f(system: str, case: str, kind: str, metric: str, *edits: tuple[str, str], everywhere: bool = False) -> Fault:
    return Fault(system, case, kind, metric, tuple(edits), everywhere)


REYES = "Tomas Reyes, the union's general secretary, said"
NAMED_AS_ANONYMOUS = ("named made anonymous", "named_as_anonymous")
DESIGNED = "The Kessler Bridge was designed by city engineer Farid Nasser"

FAULTS: list[Fault] = [
    # --- Markdown footnotes ---
    _f(
        "footnotes",
        "bridge-cause",
        "attribution stripped",
        "attribution_laundering",
        (
            "Officials in the city's transport department, who were not named, said privately that the cracking",
            "The cracking",
        ),
    ),
    _f(
        "footnotes",
        "port-reyes-why",
        "invented quote",
        "quote_fidelity",
        ('the moment we mentioned night-shift pay."[^1]', 'as soon as we raised pensions."[^1]'),
    ),
    _f(
        "footnotes",
        "bridge-reopen",
        "wrong citation",
        "citation_recall",
        ("until at least April.[^1]", "until at least April.[^2]"),
    ),
    _f(
        "footnotes",
        "bridge-reopen",
        "out-of-range citation",
        "citation_validity",
        ("until at least April.[^1]", "until at least April.[^7]"),
    ),
    _f(
        "footnotes",
        "bridge-cause",
        "anonymous made named",
        "anonymous_as_named",
        ("Officials in the city's transport department, who were not named, said", "City engineer Farid Nasser said"),
    ),
    _f(
        "footnotes",
        "bridge-cause",
        "hedge stripped",
        "hedge_stripping",
        (
            "might be linked to corrosion of the steel reinforcement (unconfirmed)",
            "is linked to corrosion of the steel reinforcement",
        ),
    ),
    _f(
        "footnotes",
        "no-bridge-designer",
        "unanswerable answered",
        "unanswerable_refused",
        (
            "I don't know: the articles say when the Kessler Bridge opened, but not who designed it.",
            DESIGNED
            + '.[^1]\n\n[^1]: "Kessler Bridge shut after inspectors find cracks in support pier", Harbor Gazette.',
        ),
    ),
    _f("footnotes", "sorvenia-first-trip", "anonymous mark dropped", "anonymous_marked_recall", (" (unnamed),", ",")),
    _f("footnotes", "bridge-reopen", "hedge mark dropped", "hedge_marked", (' (hedged: "should")', "")),
    _f("footnotes", "port-reyes-why", *NAMED_AS_ANONYMOUS, (REYES, "An unnamed union official said")),
    # --- LangChain RetrievalQA ---
    _f(
        "langchain",
        "bridge-cause",
        "attribution stripped",
        "attribution_laundering",
        ("Unnamed officials in the city's transport department said privately that the cracking", "The cracking"),
    ),
    _f(
        "langchain",
        "port-reyes-why",
        "invented quote",
        "quote_fidelity",
        ('the moment we mentioned night-shift pay." Reyes', 'as soon as we raised pensions." Reyes'),
    ),
    _f(
        "langchain",
        "bridge-reopen",
        "wrong citation",
        "citation_recall",
        (
            "The Kessler Bridge will remain closed to private cars until at least April, the city said on Monday, a week after cracks in a support pier forced the crossing's sudden closure.",
            "Mayor Ines Marlowe said the safety of residents came before any inconvenience.",
        ),
    ),
    _f(
        "langchain",
        "bridge-cause",
        "anonymous made named",
        "anonymous_as_named",
        ("Unnamed officials in the city's transport department said", "City engineer Farid Nasser said"),
    ),
    _f(
        "langchain",
        "bridge-cause",
        "hedge stripped",
        "hedge_stripping",
        ("the cracking *might* be linked", "the cracking is linked"),
    ),
    _f(
        "langchain",
        "no-bridge-designer",
        "unanswerable answered",
        "unanswerable_refused",
        ("I don't know.", DESIGNED + "."),
    ),
    _f(
        "langchain",
        "sorvenia-first-trip",
        "anonymous mark dropped",
        "anonymous_marked_recall",
        ("According to an unnamed senior Civic Alliance official", "According to a senior Civic Alliance official"),
    ),
    _f("langchain", "bridge-reopen", "hedge mark dropped", "hedge_marked", ("*should* be able", "should be able")),
    _f("langchain", "port-reyes-why", *NAMED_AS_ANONYMOUS, (REYES, "An unnamed union official said")),
    # --- LlamaIndex CitationQueryEngine ---
    _f(
        "llamaindex",
        "bridge-cause",
        "attribution stripped",
        "attribution_laundering",
        (
            "- **Anonymous source:** officials in the city's transport department said privately that the cracking",
            "- The cracking",
        ),
    ),
    _f(
        "llamaindex",
        "port-reyes-why",
        "invented quote",
        "quote_fidelity",
        ('the moment we mentioned night-shift pay" [1]', 'as soon as we raised pensions" [1]'),
    ),
    _f(
        "llamaindex",
        "bridge-reopen",
        "wrong citation",
        "citation_recall",
        ("until at least April [1]", "until at least April [2]"),
    ),
    _f(
        "llamaindex",
        "bridge-reopen",
        "out-of-range citation",
        "citation_validity",
        ("until at least April [1]", "until at least April [5]"),
    ),
    _f(
        "llamaindex",
        "bridge-cause",
        "anonymous made named",
        "anonymous_as_named",
        ("**Anonymous source:** officials in the city's transport department said", "City engineer Farid Nasser said"),
    ),
    _f(
        "llamaindex",
        "bridge-cause",
        "hedge stripped",
        "hedge_stripping",
        (
            "might be linked to corrosion of the steel reinforcement **(unconfirmed)**",
            "is linked to corrosion of the steel reinforcement",
        ),
    ),
    _f(
        "llamaindex",
        "no-bridge-designer",
        "unanswerable answered",
        "unanswerable_refused",
        ("The provided documents do not mention who designed the Kessler Bridge.", DESIGNED + " [1]."),
    ),
    _f(
        "llamaindex",
        "sorvenia-first-trip",
        "anonymous mark dropped",
        "anonymous_marked_recall",
        ("**Anonymous source:** according to", "According to"),
    ),
    _f("llamaindex", "bridge-reopen", "hedge mark dropped", "hedge_marked", (" **(hedged)** [2]", " [2]")),
    _f("llamaindex", "port-reyes-why", *NAMED_AS_ANONYMOUS, (REYES, "An unnamed union official said")),
    # --- OpenAI Responses API ---
    _f(
        "openai",
        "bridge-cause",
        "attribution stripped",
        "attribution_laundering",
        ("Officials in the city's transport department [unnamed] said privately that the cracking", "The cracking"),
    ),
    _f(
        "openai",
        "port-reyes-why",
        "invented quote",
        "quote_fidelity",
        ("the moment we mentioned night-shift pay", "as soon as we raised pensions"),
    ),
    _f(
        "openai",
        "sorvenia-first-trip",
        "wrong citation",
        "citation_recall",
        (
            "https://meridianwire.example/stories/2026/10/25/sorvenia-coalition-deal",
            "https://meridianwire.example/stories/2026/11/04/lumora-leak-size",
        ),
        everywhere=True,
    ),  # the link in the text and the annotation's url
    _f(
        "openai",
        "sorvenia-first-trip",
        "out-of-range citation",
        "citation_validity",
        (
            "in late November",
            "in late November ([meridianwire.example](https://meridianwire.example/stories/2026/12/01/varro-astor-visit))",
        ),
    ),
    _f(
        "openai",
        "bridge-cause",
        "anonymous made named",
        "anonymous_as_named",
        ("Officials in the city's transport department [unnamed] said", "City engineer Farid Nasser said"),
    ),
    _f(
        "openai",
        "bridge-cause",
        "hedge stripped",
        "hedge_stripping",
        (
            "might be linked to corrosion of the steel reinforcement [unverified]",
            "is linked to corrosion of the steel reinforcement",
        ),
    ),
    _f(
        "openai",
        "no-bridge-designer",
        "unanswerable answered",
        "unanswerable_refused",
        ("No relevant information was found about who designed the Kessler Bridge.", DESIGNED + "."),
    ),
    _f(
        "openai",
        "sorvenia-first-trip",
        "anonymous mark dropped",
        "anonymous_marked_recall",
        ("official [unnamed],", "official,"),
    ),
    _f("openai", "bridge-reopen", "hedge mark dropped", "hedge_marked", ("mid-December [unverified]", "mid-December")),
    _f("openai", "port-reyes-why", *NAMED_AS_ANONYMOUS, (REYES, "An unnamed union official said")),
    # --- superscripts and a list of titles ---
    _f(
        "superscripts",
        "bridge-cause",
        "attribution stripped",
        "attribution_laundering",
        ("Officials in the city's transport department‡ said privately that the cracking", "The cracking"),
    ),
    _f(
        "superscripts",
        "port-reyes-why",
        "invented quote",
        "quote_fidelity",
        ("the moment we mentioned night-shift pay", "as soon as we raised pensions"),
    ),
    _f(
        "superscripts",
        "bridge-reopen",
        "wrong citation",
        "citation_recall",
        (
            "¹ Kessler Bridge to stay shut to cars until spring, city says",
            "¹ Kessler Bridge shut after inspectors find cracks in support pier",
        ),
    ),
    _f(
        "superscripts",
        "bridge-reopen",
        "out-of-range citation",
        "citation_validity",
        ("until at least April.¹", "until at least April.⁴"),
    ),
    _f(
        "superscripts",
        "bridge-cause",
        "anonymous made named",
        "anonymous_as_named",
        ("Officials in the city's transport department‡ said", "City engineer Farid Nasser said"),
    ),
    _f(
        "superscripts",
        "bridge-cause",
        "hedge stripped",
        "hedge_stripping",
        (
            "might be linked to corrosion of the steel reinforcement.†¹",
            "is linked to corrosion of the steel reinforcement.¹",
        ),
    ),
    _f(
        "superscripts",
        "no-bridge-designer",
        "unanswerable answered",
        "unanswerable_refused",
        (
            "There is no information about who designed the Kessler Bridge in these articles.",
            DESIGNED
            + ".¹\n\nSources:\n¹ Kessler Bridge shut after inspectors find cracks in support pier — Harbor Gazette, 20 October 2026",
        ),
    ),
    _f(
        "superscripts",
        "sorvenia-first-trip",
        "anonymous mark dropped",
        "anonymous_marked_recall",
        ("official,‡ Varro's", "official, Varro's"),
    ),
    _f("superscripts", "bridge-reopen", "hedge mark dropped", "hedge_marked", ("mid-December.†¹", "mid-December.¹")),
    _f("superscripts", "port-reyes-why", *NAMED_AS_ANONYMOUS, (REYES, "An unnamed union official said")),
    # --- lenticular brackets ---
    _f(
        "lenticular",
        "bridge-cause",
        "attribution stripped",
        "attribution_laundering",
        ("Officials in the city's transport department (anon.) said privately that the cracking", "The cracking"),
    ),
    _f(
        "lenticular",
        "port-reyes-why",
        "invented quote",
        "quote_fidelity",
        ('the moment we mentioned night-shift pay"【1】', 'as soon as we raised pensions"【1】'),
    ),
    _f(
        "lenticular",
        "bridge-reopen",
        "wrong citation",
        "citation_recall",
        ("until at least April【1】", "until at least April【2】"),
    ),
    _f(
        "lenticular",
        "bridge-reopen",
        "out-of-range citation",
        "citation_validity",
        ("until at least April【1】", "until at least April【9】"),
    ),
    _f(
        "lenticular",
        "bridge-cause",
        "anonymous made named",
        "anonymous_as_named",
        ("Officials in the city's transport department (anon.) said", "City engineer Farid Nasser said"),
    ),
    _f(
        "lenticular",
        "bridge-cause",
        "hedge stripped",
        "hedge_stripping",
        ("the cracking _might_ be linked", "the cracking is linked"),
    ),
    _f(
        "lenticular",
        "no-bridge-designer",
        "unanswerable answered",
        "unanswerable_refused",
        ("The provided articles do not say who designed the Kessler Bridge.", DESIGNED + "【1】."),
    ),
    _f(
        "lenticular",
        "sorvenia-first-trip",
        "anonymous mark dropped",
        "anonymous_marked_recall",
        ("official (anon.),", "official,"),
    ),
    _f("lenticular", "bridge-reopen", "hedge mark dropped", "hedge_marked", ("_should_ be able", "should be able")),
    _f("lenticular", "port-reyes-why", *NAMED_AS_ANONYMOUS, (REYES, "An unnamed union official said")),
    # --- bold-label records ---
    _f(
        "labels",
        "bridge-cause",
        "attribution stripped",
        "attribution_laundering",
        ("\n  **Source:** officials in the city's transport department (not named)", ""),
    ),
    _f(
        "labels",
        "port-reyes-why",
        "invented quote",
        "quote_fidelity",
        ('the moment we mentioned night-shift pay." [1]', 'as soon as we raised pensions." [1]'),
    ),
    _f(
        "labels",
        "bridge-reopen",
        "wrong citation",
        "citation_recall",
        ("until at least April. [1]", "until at least April. [2]"),
    ),
    _f(
        "labels",
        "bridge-reopen",
        "out-of-range citation",
        "citation_validity",
        ("until at least April. [1]", "until at least April. [4]"),
    ),
    _f(
        "labels",
        "bridge-cause",
        "anonymous made named",
        "anonymous_as_named",
        ("officials in the city's transport department (not named)", "city engineer Farid Nasser"),
    ),
    _f(
        "labels",
        "bridge-cause",
        "hedge stripped",
        "hedge_stripping",
        ("The cracking might be linked", "The cracking is linked"),
        ('\n  **Hedge:** "might"', ""),
    ),
    _f(
        "labels",
        "no-bridge-designer",
        "unanswerable answered",
        "unanswerable_refused",
        (
            "**Answer:** Not found in the provided sources.",
            "- **Claim:** " + DESIGNED + ". [1]\n  **Source:** the city",
        ),
    ),
    _f(
        "labels",
        "sorvenia-first-trip",
        "anonymous mark dropped",
        "anonymous_marked_recall",
        ("official (anonymous)", "official"),
    ),
    _f("labels", "bridge-reopen", "hedge mark dropped", "hedge_marked", ('\n  **Hedge:** "should"', "")),
    _f(
        "labels",
        "port-reyes-why",
        *NAMED_AS_ANONYMOUS,
        ("**Source:** Tomas Reyes, the union's general secretary", "**Source:** an unnamed union official"),
    ),
]


def load_records(system: str) -> list[dict[str, Any]]:
    path = FOREIGN / SYSTEMS[system]
    text = path.read_text(encoding="utf-8")
    return (
        json.loads(text) if path.suffix == ".json" else [json.loads(line) for line in text.splitlines() if line.strip()]
    )


def write_records(path: Path, records: list[dict[str, Any]]) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _case_of(record: dict[str, Any], questions: dict[str, str]) -> str:
    return record.get("case_id") or record.get("id") or questions[record["query"]]


def _move_annotations(record: dict[str, Any], before: dict[str, Any], edits: tuple[tuple[str, str], ...]) -> None:
    """OpenAI annotations point into the text by offset: find each annotated span again in the edited text."""
    for item_after, item_before in zip(record.get("output", []), before.get("output", []), strict=True):
        for part_after, part_before in zip(
            item_after.get("content") or [], item_before.get("content") or [], strict=True
        ):
            old_text, new_text = part_before.get("text", ""), part_after.get("text", "")
            searched_from = 0
            for annotation, original in zip(
                part_after.get("annotations", []), part_before.get("annotations", []), strict=True
            ):
                span = old_text[original["start_index"] : original["end_index"]]
                for old, new in edits:
                    span = span.replace(old, new)
                at = new_text.find(span, searched_from)
                assert at >= 0, f"annotated span {span!r} lost by the edit"
                annotation["start_index"], annotation["end_index"] = at, at + len(span)
                searched_from = at + len(span)


def apply_fault(fault: Fault, records: list[dict[str, Any]], questions: dict[str, str]) -> list[dict[str, Any]]:
    """The records with ``fault``'s replacements made in its case's record (each must change something)."""
    out = []
    for record in records:
        if _case_of(record, questions) != fault.case:
            out.append(record)
            continue
        dumped = json.dumps(record, ensure_ascii=False)
        for old, new in fault.edits:
            old_json, new_json = json.dumps(old, ensure_ascii=False)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1]
            count = dumped.count(old_json)
            assert count == 1 or (fault.everywhere and count > 1), (
                f"{fault.name}: {old!r} occurs {count} times in the {fault.case} record"
            )
            dumped = dumped.replace(old_json, new_json)
        changed = json.loads(dumped)
        if "output" in changed:
            _move_annotations(changed, record, fault.edits)
        out.append(changed)
    return out

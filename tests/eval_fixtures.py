"""Invented answers for the eval suite's tests: one correct answer per case of tests/fixtures/eval/dataset.json,
and damaged variants, each with the metric that must flag it. Answers use the app.compose.marks notation."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
DATASET = FIXTURES / "dataset.json"

QUOTE_PASSAGE = '"We are asking every household to cut its use by a fifth until the rains return," said Petra Haldane, the board\'s chief engineer.'
ANON_PASSAGE = "A source within the board said emergency pipelines from the northern lakes could be approved as early as next month."
BRIDGE_PASSAGE = "Omar Castellanos, the city's transport director, said the bridge may stay closed until spring while replacement parts are made abroad."
FARM_PASSAGE = "Farmers in the valley reportedly began selling cattle early because of the drought. The board will publish new figures on Monday."


def _cite(text: str, n: int = 1) -> list[dict]:
    return [{"id": n, "text": text}]


GOOD = {
    "quote-named": {
        "answer": 'Petra Haldane, the board\'s chief engineer, said: "We are asking every household to cut its use by a fifth until the rains return" [1].',
        "citations": _cite(QUOTE_PASSAGE),
    },
    "anonymous-hedged": {
        "answer": "According to a source within the board, emergency pipelines from the northern lakes could be approved as early as next month [hedged] [anonymous source] [1].",
        "citations": _cite(ANON_PASSAGE),
    },
    "named-hedged": {
        "answer": "Omar Castellanos, the city's transport director, said the Harlow bridge may stay closed until spring [hedged] [1].",
        "citations": _cite(BRIDGE_PASSAGE),
    },
    "unattributed-hedged": {
        "answer": "Farmers in the valley reportedly began selling cattle early because of the drought [hedged] [1].",
        "citations": _cite(FARM_PASSAGE),
    },
    "unanswerable": {"answer": "None of the articles mentions a football stadium.", "refused": True, "citations": []},
}

# (variant, case, damaged answer, metric that must flag it)
BAD = [
    (
        "strips the attribution",
        "named-hedged",
        {"answer": "The Harlow bridge may stay closed until spring [hedged] [1].", "citations": _cite(BRIDGE_PASSAGE)},
        "attribution_laundering",
    ),
    (
        "strips an anonymous attribution",
        "anonymous-hedged",
        {
            "answer": "Emergency pipelines from the northern lakes could be approved as early as next month [hedged] [1].",
            "citations": _cite(ANON_PASSAGE),
        },
        "attribution_laundering",
    ),
    (
        "drops the hedge",
        "named-hedged",
        {
            "answer": "Omar Castellanos, the city's transport director, said the Harlow bridge will stay closed until spring [1].",
            "citations": _cite(BRIDGE_PASSAGE),
        },
        "hedge_stripping",
    ),
    (
        "drops an anonymous claim's hedge",
        "anonymous-hedged",
        {
            "answer": "According to a source within the board, emergency pipelines from the northern lakes will be approved next month [anonymous source] [1].",
            "citations": _cite(ANON_PASSAGE),
        },
        "hedge_stripping",
    ),
    (
        "keeps the hedge word but not the mark",
        "unattributed-hedged",
        {
            "answer": "Farmers in the valley reportedly began selling cattle early because of the drought [1].",
            "citations": _cite(FARM_PASSAGE),
        },
        "hedge_marked",
    ),
    (
        "presents the anonymous source as named",
        "anonymous-hedged",
        {
            "answer": "Petra Haldane said emergency pipelines from the northern lakes could be approved as early as next month [hedged] [1].",
            "citations": _cite(ANON_PASSAGE),
        },
        "anonymous_as_named",
    ),
    (
        "presents the named source as anonymous",
        "quote-named",
        {
            "answer": 'A source within the board said: "We are asking every household to cut its use by a fifth until the rains return" [anonymous source] [1].',
            "citations": _cite(QUOTE_PASSAGE),
        },
        "named_as_anonymous",
    ),
    (
        "credits the claim to someone else",
        "named-hedged",
        {
            "answer": "Petra Haldane said the Harlow bridge may stay closed until spring [hedged] [1].",
            "citations": _cite(BRIDGE_PASSAGE),
        },
        "misattribution",
    ),
    (
        "cites the wrong passage",
        "named-hedged",
        {"answer": GOOD["named-hedged"]["answer"], "citations": _cite(FARM_PASSAGE)},
        "citation_recall",
    ),
    (
        "cites a passage that does not exist",
        "named-hedged",
        {
            "answer": "Omar Castellanos, the city's transport director, said the Harlow bridge may stay closed until spring [hedged] [3].",
            "citations": _cite(BRIDGE_PASSAGE),
        },
        "citation_validity",
    ),
    (
        "adds a citation that is not needed",
        "named-hedged",
        {
            "answer": "Omar Castellanos, the city's transport director, said the Harlow bridge may stay closed until spring [hedged] [1][2].",
            "citations": _cite(BRIDGE_PASSAGE) + _cite(FARM_PASSAGE, 2),
        },
        "citation_precision",
    ),
    (
        "invents a quote",
        "quote-named",
        {
            "answer": 'Petra Haldane, the board\'s chief engineer, said: "Every household must halve its water use at once" [1].',
            "citations": _cite(QUOTE_PASSAGE),
        },
        "quote_fidelity",
    ),
    (
        "alters a quote",
        "quote-named",
        {
            "answer": 'Petra Haldane, the board\'s chief engineer, said: "We are asking every household to cut its use by a third until the rains return" [1].',
            "citations": _cite(QUOTE_PASSAGE),
        },
        "quote_fidelity",
    ),
    (
        "answers an unanswerable question",
        "unanswerable",
        {
            "answer": "The mayor said the new football stadium would open next spring [1].",
            "citations": _cite(BRIDGE_PASSAGE),
        },
        "unanswerable_refused",
    ),
    (
        "refuses an answerable question",
        "named-hedged",
        {
            "answer": "I could not find anything about the Harlow bridge in the articles.",
            "refused": True,
            "citations": [],
        },
        "false_refusals",
    ),
    (
        "marks an unhedged claim as hedged",
        "quote-named",
        {"answer": GOOD["quote-named"]["answer"].replace(" [1].", " [hedged] [1]."), "citations": _cite(QUOTE_PASSAGE)},
        "hedge_mark_precision",
    ),
]

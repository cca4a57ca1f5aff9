"""How the eval suite reads answer text: sentences, citations, quotations, sources, hedges, evidence hits."""

from __future__ import annotations

import pytest

from eval.answers import RetrievedPassage, SystemAnswer
from eval.datasets import Evidence
from eval.matching import (
    find_quotations,
    key_coverage,
    load_marks,
    mentions_anonymous_source,
    mentions_named_source,
    named_attribution_present,
    quote_in_passage,
    split_sentences,
)
from eval.refusals import looks_like_refusal
from eval.retrieval_metrics import evidence_hit


def test_sentences_keep_their_citations_and_marks_with_them() -> None:
    text = (
        'Petra Haldane said "we will cope." A source said pipelines could come [hedged] [anonymous source] [2]. '
        "Mr. Castellanos, the U.S.-trained engineer, agreed [1][3].\n- Farmers reportedly sold cattle. [4]"
    )
    sentences = split_sentences(text, load_marks().strip)
    assert [s.citations for s in sentences] == [[], [2], [1, 3], [4]]
    assert sentences[1].clean == "A source said pipelines could come."
    assert sentences[2].text.startswith("Mr. Castellanos")
    assert sentences[3].clean == "Farmers reportedly sold cattle."


def test_a_quotation_spanning_sentences_is_not_split() -> None:
    sentences = split_sentences('Okafor said: "We offered more. They refused," and left [1]. Then talks ended [2].')
    assert [s.citations for s in sentences] == [[1], [2]]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('She called it "a fair offer" and "final".', ["a fair offer", "final"]),
        ("He said: “The port will reopen.”", ["The port will reopen."]),
        ("The director's view, 'we are not moving an inch', was clear.", ["we are not moving an inch"]),
        ("The workers' union and the port's owners met.", []),
    ],
)
def test_quotations_are_found_in_straight_curly_and_single_quotes(answer: str, expected: list[str]) -> None:
    assert find_quotations(answer) == expected


@pytest.mark.parametrize(
    ("quote", "ok"),
    [
        ("we are asking every household to cut its use", True),
        ("We are asking every household ... until the rains return", True),
        ("asking [each] household", True),  # a bracket stands for a few words (editorial convention)
        ("We are asking [people] to cut its use", True),
        ("We are [going to ask] the rains return", False),  # but not for half a sentence
        ("asking every household [by tomorrow] until the rains return", False),
        ("we are asking every home to cut its use", False),
        ("cut its use by a third", False),
    ],
)
def test_quote_fidelity_is_word_for_word(quote: str, ok: bool) -> None:
    passage = '"We are asking every household to cut its use by a fifth until the rains return," said Petra Haldane.'
    assert quote_in_passage(quote, passage) is ok


def test_a_named_source_is_recognised_by_full_name_or_surname_but_not_by_a_generic_word() -> None:
    assert mentions_named_source("Okafor denied it.", "Maria Okafor, the port authority's director")
    assert mentions_named_source("The Calder dockworkers' union said so.", "the Calder Dockworkers' Union")
    assert not mentions_named_source("The union said so.", "the Calder Dockworkers' Union")
    assert not mentions_named_source("He said so.", "he")


def test_an_anonymous_source_is_recognised_by_its_head_noun() -> None:
    assert mentions_anonymous_source("Sources said the port may reopen.", "a source within the ministry")
    assert mentions_anonymous_source("People familiar with the talks said so.", "people familiar with the matter")
    assert not mentions_anonymous_source("Maria Okafor said the port may reopen.", "a source within the ministry")


def test_named_attribution_is_told_apart_from_anonymous() -> None:
    assert named_attribution_present("Maria Okafor said the port would reopen.")
    assert named_attribution_present("According to Maria Okafor, the port would reopen.")
    assert not named_attribution_present("The port will reopen, officials said.")
    assert not named_attribution_present("According to officials, it will reopen.")


def test_key_coverage_tolerates_small_rewording() -> None:
    assert key_coverage("They will cut use by one fifth.", "cut its use by a fifth") >= 0.67
    assert key_coverage("The bridge is closed.", "emergency pipelines from the northern lakes") == 0.0


def test_refusals_are_recognised_from_wording_when_not_flagged() -> None:
    assert looks_like_refusal("")
    assert looks_like_refusal("The indexed news does not answer this question.")
    assert looks_like_refusal("I couldn't find anything about that in the articles.")
    assert not looks_like_refusal("Maria Okafor said the offer does not change [1].")
    assert SystemAnswer(id="x", answer="Anything.", refused=True).is_refusal


GOLD = Evidence(path="valley-post/a.md", start=100, end=200, passage=None)


@pytest.mark.parametrize(
    ("passage", "hit"),
    [
        (RetrievedPassage(source_path="/abs/corpus/valley-post/a.md", start=0, end=300), True),  # contains
        (RetrievedPassage(source_path="corpus/valley-post/a.md", start=140, end=400), True),  # 60 % overlap
        (RetrievedPassage(source_path="corpus/valley-post/a.md", start=160, end=400), False),  # 40 % overlap
        (RetrievedPassage(source_path="corpus/valley-post/b.md", start=0, end=300), False),  # other article
        (RetrievedPassage(article_id="valley-post/a", start=0, end=300), True),  # id derived from the path
    ],
)
def test_a_retrieved_passage_hits_when_it_covers_half_the_gold_span(passage: RetrievedPassage, hit: bool) -> None:
    assert evidence_hit(GOLD, passage) is hit


def test_gold_text_settles_offsets_shared_by_articles_of_one_feed() -> None:
    gold = Evidence(path="wire/feed.xml", start=0, end=40, passage="The ferry will run from April to Selmouth.")
    right = RetrievedPassage(
        source_path="wire/feed.xml", start=0, end=90, text="Intro. The ferry will run from April to Selmouth. More."
    )
    other = RetrievedPassage(
        source_path="wire/feed.xml", start=0, end=90, text="A different story in the same feed about bees."
    )
    assert evidence_hit(gold, right) and not evidence_hit(gold, other)


# --- notations: citations and marks as other tools write them ----------------------------------------

from eval.answers import CitedPassage
from eval.notation import load_notation, read_answer

KESSLER = "Kessler Bridge shut after inspectors find cracks in support pier"
KESSLER_URL = "https://harborgazette.example/2026/10/20/kessler-bridge-closed"
CITED = [
    CitedPassage(id=1, text="one", title=KESSLER, url=KESSLER_URL),
    CitedPassage(id=2, text="two", title="Kessler Bridge to stay shut to cars until spring, city says"),
    CitedPassage(id=3, text="three"),
]


def _read(text: str, notation: str = "generic") -> list[tuple[list[int], bool, bool]]:
    parsed = read_answer(text, load_notation(notation), CITED)
    return [(s.citations, s.hedge_mark, s.anonymous_mark) for s in parsed.sentences]


@pytest.mark.parametrize(
    ("answer", "cites"),
    [
        ("Nasser said so [1].", [1]),
        ("Nasser said so [1, 2].", [1, 2]),
        ("Nasser said so [1][3].", [1, 3]),
        ("Nasser said so.[^2]\n\n[^2]: Harbor Gazette, 27 October 2026.", [2]),
        ("Nasser said so (1).", [1]),
        ("Nasser said so (Source 2).", [2]),
        ("Nasser said so 【3】.", [3]),
        ("Nasser said so [1](https://harborgazette.example/a).", [1]),
        ("Nasser said so.¹ The city agreed.²", [1]),
        ("Nasser said so<sup>3</sup>.", [3]),
        ("The fire covered 40 km² of forest.¹", [1]),  # a unit is no citation
        (f"Nasser said so ([harborgazette.example]({KESSLER_URL}?utm_source=openai)).", [1]),
        (f"Nasser said so ({KESSLER}).", [1]),
        (
            "Nasser said so.¹\n\nSources:\n¹ Kessler Bridge to stay shut to cars until spring, city says — Harbor Gazette",
            [2],
        ),
    ],
)
def test_citations_are_read_in_every_common_notation(answer: str, cites: list[int]) -> None:
    assert _read(answer)[0][0] == cites


def test_a_citation_pointing_nowhere_is_kept_as_broken() -> None:
    parsed = read_answer("Nasser said so [7]. See https://example.com/elsewhere.", load_notation("generic"), CITED)
    assert parsed.sentences[0].citations == [7]
    assert parsed.sentences[1].broken == ["https://example.com/elsewhere"]


def test_numbers_that_are_not_citations_stay_text() -> None:
    sentences = read_answer(
        "The plan has two steps: (1) inspect the pier and (2) close the bridge [1].", load_notation("generic"), CITED
    ).sentences
    assert sentences[0].citations == [1] and "(1) inspect" in sentences[0].clean


@pytest.mark.parametrize(
    ("answer", "hedge", "anonymous"),
    [
        ("An unnamed source said the port could reopen [1].", False, True),
        ("A person who asked not to be named said the port could reopen [1].", False, True),
        ("An expert, who is not named, said the port could reopen [1].", False, True),
        ("Officials said anonymously that the port could reopen [1].", False, True),
        ("Officials said the port could reopen (anonymous source) [1].", False, True),
        ("Officials [unnamed] said the port could reopen [1].", False, True),
        ("Officials (anon.) said the port could reopen [1].", False, True),
        ("**Anonymous source:** the port could reopen [1].", False, True),
        ("Officials said the port could reopen.[^a] [1]\n\n[^a]: The officials are not named.", False, True),
        ("Officials said the port could reopen (hedged: 'could') [1].", True, False),
        ('Officials said the port could reopen (hedged: "could") [1].', True, False),
        ("Officials said the port could reopen (unconfirmed) [1].", True, False),
        ("Officials said the port (reportedly) could reopen [1].", True, False),
        ("Officials said the port *could* reopen [1].", True, False),
        ("Officials said the port __could__ reopen [1].", True, False),
        ("Officials said the port could reopen, which has not been independently verified [1].", True, False),
        ("Officials said the port could reopen [hedged] [anonymous source] [1].", True, True),
        ("Officials said the port could reopen (hedged; anonymous source) [1].", True, True),
        # Hedge words written plainly are *kept*, not *marked*; other parentheses are no marks.
        ("Officials said the port could reportedly reopen [1].", False, False),
        ("Officials said the port could reopen (Harbor Gazette, 2026-09-14) [1].", False, False),
        ("Officials (at the ministry) said the port could reopen [1].", False, False),
    ],
)
def test_marks_are_read_in_words_brackets_footnotes_and_emphasis(answer: str, hedge: bool, anonymous: bool) -> None:
    [(cites, found_hedge, found_anonymous)] = _read(answer)
    assert (found_hedge, found_anonymous) == (hedge, anonymous)
    assert cites == [1]


def test_the_newsqa_notation_reads_only_newsqa_marks() -> None:
    assert _read("Officials said the port could reopen [hedged] [anonymous source] [1].", "newsqa") == [
        ([1], True, True)
    ]
    assert _read("An unnamed source said the port could reopen (unconfirmed) [1].", "newsqa") == [([1], False, False)]
    assert _read("Officials said so.[^1]", "newsqa")[0][0] == []


def test_marks_and_citations_are_removed_from_the_text_that_is_judged() -> None:
    parsed = read_answer(
        "- **Anonymous source:** the port _could_ reopen (hedged: 'could') [1].\n- Nasser said \"weeks\" (unconfirmed).²\n\n"
        "Sources:\n1. Harbor Gazette\n2. Kessler Bridge to stay shut to cars until spring, city says",
        load_notation("generic"),
        CITED,
    )
    assert [s.clean for s in parsed.sentences] == ["Anonymous source: the port could reopen.", 'Nasser said "weeks".']
    assert find_quotations(parsed.sentences[0].quote_text) == []  # "(hedged: 'could')" is no quotation
    assert [s.citations for s in parsed.sentences] == [[1], [2]]


def test_label_lines_describe_the_claim_beside_them() -> None:
    answer = (
        "- **Claim:** The cracking might be linked to corrosion [1].\n"
        "  **Source:** officials in the city's transport department (not named)\n"
        '  **Hedge:** "might"\n'
        "- **Source:** the city\n"
        "  **Claim:** The bridge will stay closed until at least April [2].\n"
        "  **Hedge:** none"
    )
    sentences = read_answer(answer, load_notation("generic"), CITED).sentences
    assert [s.clean for s in sentences] == [
        "The cracking might be linked to corrosion.",
        "The bridge will stay closed until at least April.",
    ]
    assert [(s.citations, s.hedge_mark, s.anonymous_mark) for s in sentences] == [
        ([1], True, True),
        ([2], False, False),
    ]
    assert (
        sentences[0].judged
        == "According to officials in the city's transport department, The cracking might be linked to corrosion."
    )
    assert sentences[1].judged.startswith("According to the city, ")

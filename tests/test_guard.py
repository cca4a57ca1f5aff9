"""The attribution guard: each kind of bad sentence is caught and repaired or dropped, and the JSON says so."""

from __future__ import annotations

import pytest
from chain_fixtures import FakeSearcher

from app.compose.base import Draft, DraftSentence
from app.compose.evidence import build_passages
from app.compose.marks import answer_sentences, has_anonymous_mark, has_hedge_mark
from app.guard.guard import AttributionGuard, names_source, quotations
from app.guard.support import SupportScorer
from indexing.models import Claim


@pytest.fixture(scope="module")
def setup(embedder):
    searcher = FakeSearcher(embedder)
    results = [r for r in searcher.search("ferry strike", k=4) if r.article_id == "ferry-1"]
    passages = build_passages(results)
    # Passage order for the draft: [1] Brandt quote, [2] mediator (anonymous, hedged), [3] analysts' estimate.
    by_text = {p.text: p for p in passages}
    ordered = [
        next(p for t, p in by_text.items() if "We will not sail" in t),
        next(p for t, p in by_text.items() if "mediator" in t),
        next(p for t, p in by_text.items() if "2 million crowns" in t),
    ]
    return AttributionGuard(SupportScorer(embedder)), ordered


def check(setup, *sentences: str):
    guard, passages = setup
    draft = Draft(
        question="q",
        standalone_question="q",
        passages=passages,
        sentences=[DraftSentence(text=s, citations=[]) for s in sentences],
        composer="llm:test",
    )
    return guard.check(draft, retrieved=passages)


def findings(answer, check_name):
    return [f for f in answer.guard.findings if f.check == check_name]


def test_a_good_sentence_passes_every_check(setup) -> None:
    good = 'Captain Ilse Brandt, the union\'s spokesperson, said: "We will not sail until the rota is fixed" [1].'
    answer = check(setup, good)
    assert answer.answer == good
    assert answer.guard.violations == [] and answer.guard.sentences_out == 1
    assert {f.check for f in answer.guard.findings} >= {"citation_exists", "quote_fidelity", "support", "attribution"}


def test_stripped_attribution_is_restored(setup) -> None:
    answer = check(setup, "The government may appoint a mediator this week [hedged] [anonymous source] [2].")
    assert answer.answer.startswith("According to a source within the transport ministry, the government may appoint")
    f = findings(answer, "attribution")[0]
    assert not f.ok and f.action == "repaired" and "According to" in f.detail


def test_dropped_hedge_gets_the_mark(setup) -> None:
    answer = check(
        setup,
        "A source within the transport ministry said the government will appoint a mediator this week [anonymous source] [2].",
    )
    assert has_hedge_mark(answer.answer)
    f = findings(answer, "hedge")[0]
    assert (f.ok, f.action) == (False, "repaired") and "was dropped" in f.detail


def test_missing_anonymous_mark_is_added(setup) -> None:
    answer = check(
        setup, "Analysts estimated the strike could cost the island economy about 2 million crowns a day [hedged] [3]."
    )
    assert has_anonymous_mark(answer.answer)
    assert findings(answer, "anonymous_mark")[0].action == "repaired"


def test_invented_quote_is_dropped(setup) -> None:
    answer = check(
        setup,
        'Captain Ilse Brandt said: "We will not sail until the rota is fixed" [1].',
        'Brandt also said: "The operator is lying to every passenger on this island" [1].',
    )
    assert "lying" not in answer.answer and answer.guard.sentences_in == 2 and answer.guard.sentences_out == 1
    f = next(f for f in findings(answer, "quote_fidelity") if not f.ok)
    assert f.sentence == 1 and f.action == "dropped"


def test_misquote_is_replaced_by_the_passage_words(setup) -> None:
    answer = check(setup, 'Captain Ilse Brandt said: "We will never sail until the rota is fixed" [1].')
    assert (
        '"We will not sail until the rota is fixed."' in answer.answer
        or '"We will not sail until the rota is fixed"' in answer.answer
    )
    assert findings(answer, "quote_fidelity")[0].action == "repaired"


def test_a_quote_with_an_editorial_insertion_or_ellipsis_passes(setup) -> None:
    for quote in ("We will not sail until [it] is fixed", "We will not sail ... is fixed"):
        answer = check(setup, f'Captain Ilse Brandt said: "{quote}" [1].')
        assert answer.guard.sentences_out == 1 and f'"{quote}"' in answer.answer
        assert [f.ok for f in findings(answer, "quote_fidelity")] == [True]


def test_a_reordered_quote_is_not_accepted(setup) -> None:
    answer = check(setup, 'Captain Ilse Brandt said: "the rota is fixed ... We will not sail" [1].')
    assert [(f.ok, f.action) for f in findings(answer, "quote_fidelity")] in (
        [(False, "repaired")],
        [(False, "dropped")],
    )
    assert "the rota is fixed ... We will not sail" not in answer.answer


def test_citation_to_a_missing_passage_is_repointed(setup) -> None:
    answer = check(setup, "Captain Ilse Brandt said the crews will not sail until the rota is fixed [9].")
    assert answer.answer.endswith("[1].") and "[9]" not in answer.answer
    f = findings(answer, "citation_exists")[0]
    assert (f.ok, f.action) == (False, "repaired") and "[9]" in f.detail.replace("[9]", "[9]")
    assert answer.citations[0].text.startswith("Captain Ilse Brandt")


def test_wrong_citation_is_repointed_to_the_supporting_passage(setup) -> None:
    answer = check(
        setup,
        "According to a source within the transport ministry, the government may appoint a mediator this week [hedged] [anonymous source] [3].",
    )
    assert "mediator" in answer.citations[0].text
    assert findings(answer, "support")[0].action == "repaired"


def test_unsupported_sentence_and_filler_are_dropped(setup) -> None:
    answer = check(
        setup,
        "Here is what I found.",
        "The ferry operator went bankrupt on Monday [1].",
        'Captain Ilse Brandt said: "We will not sail until the rota is fixed" [1].',
    )
    assert "bankrupt" not in answer.answer and "Here is" not in answer.answer
    assert [f.action for f in findings(answer, "support") if not f.ok] == ["dropped"] or any(
        f.action == "dropped" for f in answer.guard.findings if f.sentence in (0, 1)
    )
    assert answer.guard.sentences_out == 1


def test_everything_dropped_becomes_a_refusal(setup) -> None:
    answer = check(setup, "The moon is made of cheese [7].")
    assert answer.refused and not answer.citations and answer.closest


def test_citations_are_renumbered_in_order_and_resolve(setup) -> None:
    answer = check(
        setup,
        "According to analysts, the strike could cost the island economy about 2 million crowns a day [hedged] [anonymous source] [3].",
        'Captain Ilse Brandt said: "We will not sail until the rota is fixed" [1].',
    )
    assert [s.citations for s in answer_sentences(answer.answer)] == [[1], [2]]
    assert [c.id for c in answer.citations] == [1, 2]
    assert all(set(c.citations) <= {1, 2} for c in answer.claims)


def test_names_source_and_quotations() -> None:
    claim = Claim(text="x", source="he", speaker="Vladimir Putin", source_type="named")
    assert names_source("Putin stated that weapons will come [1].", claim)
    assert not names_source("Russia stated that weapons will come [1].", claim)
    anon = Claim(text="x", source="A source within the Valmora Ministry of Transport", source_type="anonymous")
    assert names_source("According to a ministry source, protection comes first [1].", anon)
    assert quotations('He said "one two three" and ‘four five’ [1].') == ["one two three", "four five"]


def test_a_possessive_names_its_owner() -> None:
    claim = Claim(
        text="regulators will ask for a second trial",
        source="Lind",
        speaker="Halvard Lind",
        source_type="named",
        cue="view",
        quote="indirect",
    )
    assert names_source("Lind's view is that regulators will ask for a second trial [1].", claim)
    assert names_source("Halvard Lind’s view is that regulators will ask for a second trial [1].", claim)
    assert not names_source("The view is that regulators will ask for a second trial [1].", claim)


def test_a_source_written_with_a_possessive_is_named_by_the_sentence_as_written() -> None:
    # the guard had put "According to the site's controllers, " before a sentence that already said so
    claim = Claim(text="x", source="the site's controllers", source_type="anonymous", cue="said")
    assert names_source("In a message on Sunday, the site's controllers said it would close [1].", claim)
    assert not names_source("In a message on Sunday, the site said it would close [1].", claim)

"""Speaker preference and extractive rendering: how a chosen claim is written.

Rendering is checked on the project's own sample corpus (``corpus/sample``) with
claims written the way the attribution engine stores them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chain_fixtures import FakeSearcher

from app.compose.base import ComposeRequest
from app.compose.evidence import (
    Passage,
    asked_source,
    build_passages,
    rank_passages,
    speaks_for,
)
from app.compose.extractive import (
    ExtractiveComposer,
    join_quote_paragraphs,
    render_claim,
)
from app.compose.marks import has_anonymous_mark, has_hedge_mark
from app.compose.wording import hedges_outside_quotes, lower_after_comma
from app.guard.guard import AttributionGuard, quotations
from app.guard.support import SupportScorer, as_cached
from app.models import SearchResult
from indexing.models import Claim, Span

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def searcher(embedder):
    return FakeSearcher(embedder)


def ranked(question: str, searcher: FakeSearcher, k: int = 4) -> tuple[list[Passage], list[SearchResult]]:
    results = searcher.search(question, k=k)
    return rank_passages(question, build_passages(results), as_cached(searcher.embedder)), results


def test_asked_source_matches_the_apposition_and_the_owner() -> None:
    okafor = Claim(
        text="x", source="Maria Okafor, the port authority's director", source_type="named", speaker="Maria Okafor"
    )
    assert asked_source("What did the port authority say about the strike deal?") == "the port authority"
    assert speaks_for("the port authority", okafor)
    strand = Claim(text="x", source="Valrail's chief executive, Mona Strand", source_type="named")
    aalto = Claim(text="x", source="Chief executive Sven Aalto", source_type="named")
    assert not speaks_for("Lumora's chief executive", strand, "Valrail raises fares")
    assert speaks_for("Lumora's chief executive", aalto, "Lumora confirms leak of customer data")


def _sample_passage(
    path: str, sentence_start: str, sentence_end: str, claims: list[Claim], outlet: str = "Harbor Gazette"
) -> Passage:
    """A passage of a real sample-corpus article (front matter skipped), with claims as the engine stores them."""
    raw = (ROOT / "corpus" / "sample" / path).read_text(encoding="utf-8")
    body = raw.split("---", 2)[2].strip()
    start = body.index(sentence_start)
    end = body.index(sentence_end, start) + len(sentence_end)
    result = SearchResult(
        rank=1,
        chunk_id=f"{path}:0",
        article_id=path,
        title="Port strike ends with tentative deal on night-shift pay",
        outlet=outlet,
        text=body,
        start=0,
        end=len(body),
        score=1.0,
        claims=claims,
    )
    return Passage(result=result, start=start, end=end, text=body[start:end], claims=claims)


def test_port_authority_question_uses_the_port_authority_claim(embedder) -> None:
    path = "harbor-gazette/2026-09-21-port-strike-deal.md"
    raw = (ROOT / "corpus" / "sample" / path).read_text(encoding="utf-8").split("---", 2)[2].strip()
    okafor = Claim(
        text="the agreement was affordable only because the government had agreed to defer a planned increase in the authority's lease payments",
        source="Maria Okafor, the port authority's director",
        speaker="Maria Okafor",
        source_type="named",
        cue="said",
        quote="indirect",
    )
    okafor.start = raw.index(okafor.text)
    okafor.end = okafor.start + len(okafor.text)
    journalist = Claim(text="The strike was the longest at the port since it was founded as a public authority in 1961")
    journalist.start = raw.index(journalist.text)
    journalist.end = journalist.start + len(journalist.text)
    result = SearchResult(
        rank=1,
        chunk_id="deal:0",
        article_id="deal",
        title="Port strike ends with tentative deal on night-shift pay",
        outlet="Harbor Gazette",
        text=raw,
        start=0,
        end=len(raw),
        score=1.0,
        claims=[okafor, journalist],
    )
    question = "What did the port authority say about the strike deal?"
    passages = rank_passages(question, build_passages([result]), as_cached(embedder))
    request = ComposeRequest(question=question, standalone_question=question, passages=passages)
    draft = ExtractiveComposer().compose(request)
    assert draft.sentences and all(s.claim is okafor for s in draft.sentences)
    assert draft.sentences[0].text.startswith(
        "Maria Okafor, the port authority's director, said the agreement was affordable"
    )


def _reyes_passage() -> tuple[Claim, Passage]:
    path = "harbor-gazette/2026-09-21-port-strike-deal.md"
    body = (ROOT / "corpus" / "sample" / path).read_text(encoding="utf-8").split("---", 2)[2].strip()
    first = body.index('"This is not everything')
    first_end = body.index('proud of,"') + len('proud of,"')
    second = body.index('"The night crews')
    second_end = body.index('picket line."') + len('picket line."')
    content = f"{body[first:first_end]} ... {body[second:second_end]}"
    claim = Claim(
        text=content,
        source="he",
        speaker="Tomas Reyes",
        source_type="named",
        cue="said",
        quote="direct",
        content_spans=[Span(start=first, end=first_end), Span(start=second, end=second_end)],
    )
    return claim, _sample_passage(path, '"This is not everything', 'picket line."', [claim])


def test_multi_paragraph_quote_renders_as_one_balanced_quotation() -> None:
    claim, passage = _reyes_passage()
    text = render_claim(claim, passage)
    assert text.startswith(
        'Tomas Reyes said: "This is not everything we fought for, but it is a deal our members can be proud of ... The night crews'
    )
    assert text.count('"') == 2 and text.endswith('picket line"')
    assert "  " not in text and ',"' not in text and "\n" not in text
    # The guard accepts it: every piece of the quotation is in the passage, the elision marked.
    draft_sentence = f"{text} [1]."
    assert quotations(draft_sentence) and '"I want' not in draft_sentence


def test_multi_paragraph_quote_is_one_answer_sentence_through_the_guard(embedder) -> None:
    _claim, passage = _reyes_passage()
    question = "What did Tomas Reyes say about the deal?"
    passage.vector = as_cached(embedder).embed([passage.text])[0]
    passage.similarity, passage.relevance = 0.8, 0.8
    draft = ExtractiveComposer().compose(
        ComposeRequest(question=question, standalone_question=question, passages=[passage])
    )
    answer = AttributionGuard(SupportScorer(embedder)).check(draft, retrieved=[passage])
    assert not answer.refused
    assert answer.answer.count('"') % 2 == 0 and "According to Tomas Reyes, They" not in answer.answer
    assert not any(f.action == "dropped" for f in answer.guard.findings), answer.guard.findings


def test_join_quote_paragraphs_drops_only_the_reopening_mark() -> None:
    text = 'He said: "The crews have a number.\n\n"I want to thank every family."\n\n"Next" is a word.'
    assert (
        join_quote_paragraphs(text)
        == 'He said: "The crews have a number. I want to thank every family." "Next" is a word.'
    )


def test_according_to_lower_cases_only_common_words() -> None:
    context = "They carried this strike. Maria Okafor said it. I want to thank them."
    assert lower_after_comma("They carried this strike", context) == "they carried this strike"
    assert lower_after_comma("I want to thank every family", context) == "I want to thank every family"
    assert lower_after_comma("Maria Okafor said it", context) == "Maria Okafor said it"
    assert lower_after_comma('"They carried this strike"', context) == '"They carried this strike"'


def test_a_claim_credited_to_nobody_is_the_journalists_voice_with_its_hedge(embedder) -> None:
    path = "harbor-gazette/2026-09-21-port-strike-deal.md"
    sentence = "Union members are expected to vote on the agreement on September 28."
    # How the engine read it: "are expected" as a cue with no source.
    sourceless = Claim(
        text="to vote on the agreement on September 28",
        source=None,
        source_type="anonymous",
        cue="are expected",
        quote="indirect",
    )
    passage = _sample_passage(path, sentence, sentence, [sourceless])
    passage.vector = as_cached(embedder).embed([passage.text])[0]
    passage.similarity, passage.relevance = 0.8, 0.8
    question = "When will union members vote on the port deal?"
    draft = ExtractiveComposer().compose(
        ComposeRequest(question=question, standalone_question=question, passages=[passage])
    )
    answer = AttributionGuard(SupportScorer(embedder)).check(draft, retrieved=[passage])
    assert answer.answer.startswith("Harbor Gazette reported that union members are expected to vote")
    assert has_hedge_mark(answer.answer) and not has_anonymous_mark(answer.answer)
    assert "According to the source" not in answer.answer


def test_writer_hedges_outside_quotations_only() -> None:
    assert hedges_outside_quotes("Investigators are believed to be examining the skylight.") == ["are believed to"]
    assert hedges_outside_quotes('He said: "Nobody asked what a turbine field would do."') == []


def _one_article(text: str, title: str, claims: list[Claim] | None = None, article_id: str = "poll") -> SearchResult:
    return SearchResult(
        rank=1,
        chunk_id=f"{article_id}:0",
        article_id=article_id,
        title=title,
        outlet="Harbor Gazette",
        text=text,
        start=0,
        end=len(text),
        score=1.0,
        claims=claims or [],
    )


def test_question_terms_are_looked_up_as_the_lexical_index_cuts_them(embedder) -> None:
    from app.compose.answerability import _absent_from, answerability

    # bm25s keeps runs of two or more word characters: "3,000m" is "000m", a lone "m" is never a token
    vocabulary = {"000m", "000", "runner", "ferri", "race"}
    assert not _absent_from("m", vocabulary) and not _absent_from("3,000", vocabulary)
    assert _absent_from("zeppelin", vocabulary)
    result = _one_article("The runner won the 3,000m ferry race on Sunday.", "Runner wins ferry race")
    question = "Why did the runner win the 3,000m ferry race?"
    passages = rank_passages(question, build_passages([result]), as_cached(embedder))
    assert answerability(question, passages, [result], vocabulary=vocabulary) == answerability(
        question, passages, [result]
    )

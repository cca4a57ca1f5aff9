"""A quotation that follows a speaker's attribution with no cue of its own stays that speaker's words, from
the attribution engine through to the answer sentence (invented article)."""

from __future__ import annotations

from app.compose.evidence import Passage
from app.compose.extractive import render_claim
from app.models import SearchResult
from indexing.claims import analyze

BODY = (
    "The island ferry operator will raise fares by 12 percent in March, the company said on Monday.\n\n"
    "Ana Lindqvist, who chairs the island residents' association, said the rise would push young families "
    'off the island. "We will lose the school if this goes ahead. Nobody on the council has answered our letters."\n\n'
    "The operator said fuel costs had doubled since 2024."
)


def test_a_cue_less_quotation_after_an_attribution_is_that_speakers() -> None:
    claims = [c for c in analyze(BODY) if "school" in c.text or "letters" in c.text]
    assert claims, [(c.source, c.text) for c in analyze(BODY)]
    for claim in claims:
        assert claim.source == "Ana Lindqvist", (claim.source, claim.cue, claim.text)
        assert claim.source_type == "named"
        assert claim.quote == "direct"
        assert claim.cue is None  # nothing in the text reports it: the claim is carried on, not invented


def test_a_verb_inside_the_continued_quotation_is_not_a_new_speaker() -> None:
    # "Nobody on the council has answered our letters" is Ana Lindqvist's sentence, not a claim by "Nobody"
    sources = {c.source for c in analyze(BODY) if c.attributed}
    assert not any(s and s.lower().startswith("nobody") for s in sources)


def test_the_continuation_does_not_cross_another_sentence() -> None:
    text = (
        "Ana Lindqvist said the rise would push young families off the island. The ferry leaves at noon. "
        '"We will lose the school if this goes ahead."'
    )
    quoted = [c for c in analyze(text) if "school" in c.text]
    assert quoted and not quoted[0].attributed


def test_words_quoted_inside_the_next_sentence_are_not_a_continuation() -> None:
    # '"Dubious" assumptions ... the report warned': a scare-quoted word opening a sentence with its own cue
    text = (
        "The rise in costs stems from mistakes in the research used by the planners, according to findings "
        'published by the Harbor Institute. "Dubious" assumptions about ridership could drive the cost up by '
        "another 30m pounds by 2030, the report warned."
    )
    according = next(c for c in analyze(text) if c.cue == "according to")
    assert "Dubious" not in according.text and all(p.end <= text.index('"Dubious"') for p in according.content_spans)
    warned = next(c for c in analyze(text) if c.cue == "warned")
    assert warned.source == "the report" and "Dubious" in warned.text


def test_a_quotation_after_a_sentence_about_the_last_speaker_is_theirs() -> None:
    """'X said ... She is now raising money ... "If we get the money, ..."': the quotation has no cue, and
    the sentence before it is about the person last quoted, so the words are hers, not the journalist's."""
    text = (
        "Ana Lindqvist, who runs the ferry charity, said the boats were old.\n\n"
        'She is now raising money for two new vessels. "If we get the money, the island will have a ferry every hour."'
    )
    (quoted,) = [c for c in analyze(text) if "every hour" in c.text]
    assert quoted.source == "Ana Lindqvist" and quoted.quote == "direct" and quoted.cue is None
    # a sentence about something else in between: the quotation stays nobody's
    text = (
        "Ana Lindqvist, who runs the ferry charity, said the boats were old.\n\n"
        'The charity has 2,400 members. "If we get the money, the island will have a ferry every hour."'
    )
    (quoted,) = [c for c in analyze(text) if "every hour" in c.text]
    assert not quoted.attributed


def test_a_speaker_inside_a_quotation_is_not_carried_on() -> None:
    text = '"I said no to the plan," the mayor told the meeting. "I said it twice."'
    for claim in analyze(text):
        assert claim.source != "I"


def test_the_answer_quotes_a_later_sentence_of_the_quotation_with_its_speaker() -> None:
    claim = next(c for c in analyze(BODY) if "letters" in c.text)
    result = SearchResult(
        rank=1,
        chunk_id="ferry:0",
        article_id="ferry",
        title="Ferry fares to rise",
        outlet="Harbor Gazette",
        text=BODY,
        start=0,
        end=len(BODY),
        score=1.0,
    )
    start = BODY.index("Ana Lindqvist")
    passage = Passage(result=result, start=start, end=len(BODY), text=BODY[start:], claims=[claim])
    sentence = render_claim(claim, passage)
    assert "Ana Lindqvist" in sentence
    assert '"Nobody on the council has answered our letters' in sentence  # quoted, not turned into indirect speech
    assert "said Nobody" not in sentence


def test_a_quote_printed_on_one_line_is_one_balanced_quotation_in_the_answer() -> None:
    body = (
        '"I pick the races I really want to do. "I love the crowds and the course. '
        '"It is also the 25th edition this year," said runner Mia Kallio.'
    )
    claim = next(c for c in analyze(body) if c.attributed)
    assert claim.source == "runner Mia Kallio"
    result = SearchResult(
        rank=1,
        chunk_id="run:0",
        article_id="run",
        title="Kallio picks the marathon",
        outlet="Harbor Gazette",
        text=body,
        start=0,
        end=len(body),
        score=1.0,
    )
    passage = Passage(result=result, start=0, end=len(body), text=body, claims=[claim])
    sentence = render_claim(claim, passage)
    assert sentence.count('"') == 2, sentence
    assert "I pick the races I really want to do. I love the crowds and the course." in sentence
    assert "Mia Kallio" in sentence

"""The shared vocabulary, quote matcher and answer-sentence splitter that the guard, composers and eval use."""

from __future__ import annotations

import pytest

from app.compose.marks import answer_sentences
from app.guard.guard import names_source
from eval.matching import split_sentences
from indexing.models import Claim
from indexing.text.answer_sentences import sentence_spans
from indexing.text.lexicon import (
    PRONOUN_SOURCES,
    PRONOUN_SOURCES_WITH_DEMONSTRATIVES,
    PRONOUNS_WITH_POSSESSIVES,
    REFERRING_WORDS,
    alphanumeric,
    ascii_words,
    normalise,
    word_form,
)
from indexing.text.quote_match import quote_in_passage


def test_the_pronoun_sets_nest_as_documented() -> None:
    assert PRONOUN_SOURCES < PRONOUN_SOURCES_WITH_DEMONSTRATIVES
    assert PRONOUN_SOURCES_WITH_DEMONSTRATIVES - PRONOUN_SOURCES == {"this", "that"}
    assert PRONOUNS_WITH_POSSESSIVES - PRONOUN_SOURCES == {"his", "hers", "their"}
    assert PRONOUNS_WITH_POSSESSIVES < REFERRING_WORDS


def test_the_normalisers() -> None:
    assert normalise("  “Don’t”\u00a0GO  ") == '"don\'t" go'
    assert word_form("Okafor’s union—(the “ILA”)") == "okafor's union the ila"
    assert alphanumeric("Okafor's union, 2026!") == "okafor s union  2026"
    assert ascii_words("Okafor’s union, 2026!") == "okafor s union 2026"


def test_a_pronoun_source_is_named_by_its_speaker_not_by_the_pronoun() -> None:
    claim = Claim(text="x y z", source="he", speaker="Tomas Reyes", cue="said", source_type="named")
    assert names_source("Reyes said the talks failed [1].", claim)
    assert not names_source("He said the talks failed [1].", claim)


@pytest.mark.parametrize(
    ("quote", "ok"),
    [
        ("the talks [...] failed", True),  # a bracketed ellipsis is an omission of any length
        ("the talks … failed", True),
        ("the talks with [it] have failed", True),  # an insertion stands for up to 3 words
        ("failed have talks the", False),  # word order counts
    ],
)
def test_the_shared_quote_matcher(quote: str, ok: bool) -> None:
    passage = "The union said the talks with the port authority have failed after six weeks."
    assert quote_in_passage(quote, passage) is ok


def test_composers_and_eval_split_an_answer_alike() -> None:
    answer = (
        '- Maria Okafor said: "We offered more. They refused," and left [1].\n'
        "- Talks ended, e.g. on pay [2]. Officials may return [hedged] [anonymous source] [3].\n"
    )
    spans = sentence_spans(answer)
    composer = answer_sentences(answer)
    judge = split_sentences(answer)
    assert [(s.start, s.end) for s in composer] == [(s.start, s.end) for s in judge] == spans
    assert [s.text for s in composer] == [answer[a:b] for a, b in spans]
    assert [s.citations for s in composer] == [[1], [2], [3]] == [s.citations for s in judge]
    assert composer[2].marks == ["hedged", "anonymous source"]


def test_html_character_references_are_decoded_only_when_well_formed() -> None:
    from indexing.text.lexicon import decode_entities

    assert decode_entities("a communiqu&#233; worth &pound;5m") == "a communiqué worth £5m"
    assert decode_entities("AT&T and R&D, &notice") == "AT&T and R&D, &notice"
    assert normalise("Communiqu&#233;") == normalise("Communiqué")

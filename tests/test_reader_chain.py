"""The answer reader in the chain, over invented articles it was never trained on (tests/fixtures/reader).

What an analyst notices: the answer opens with the sentence that gives the asked
fact; a speaker named by role is found; a near miss is refused saying the story
is covered but the fact is not given; typos are corrected and shown; a question
asking what each side said gets both sides; a one-fact question gets a short answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.compose.marks import answer_sentences
from app.service import NewsQA
from app.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reader"


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("reader-chain") / "home")
    service = NewsQA(settings)
    report = service.ingest([str(FIXTURES)], progress=False)
    assert report.ok
    yield service
    service.close()


def _first(answer) -> str:
    sentences = answer_sentences(answer.answer)
    assert sentences, answer.answer
    return sentences[0].text


def test_the_answer_opens_with_the_asked_fact(qa) -> None:
    answer = qa.ask("How many jobs will go when the tannery closes?")
    assert not answer.refused, answer.answer
    assert "240 jobs" in _first(answer)


def test_a_speaker_named_by_role_is_matched(qa) -> None:
    # the question names the role only, in other words; the article names Mattias Berg, "Nordsund's finance
    # director" ("chief" and "director" are one role to the speaker match)
    answer = qa.ask("Why does the ferry operator's finance chief say the fare rise is needed?")
    assert not answer.refused, answer.answer
    assert "Berg" in _first(answer) and "fuel" in _first(answer)


def test_a_near_miss_says_the_fact_is_not_given(qa) -> None:
    # the stadium story is covered; what the repairs will cost is given nowhere (its sentences about the repairs
    # give a delay, no sum of money)
    answer = qa.ask("How much will the repairs to the Brannby stadium roof cost?")
    assert answer.refused, answer.answer
    assert "do not give the sum asked about" in answer.answer and answer.closest
    assert answer.closest[0].title.startswith("Brannby stadium roof")


def test_a_question_about_a_named_person_who_is_not_quoted_is_a_near_miss(qa) -> None:
    # the chairman is in the story (he met the supporters) but nothing he said is reported
    answer = qa.ask("What did Henrik Strand say about the delay to the stadium roof repairs?")
    assert answer.refused, answer.answer
    assert "do not report what Henrik Strand said" in answer.answer
    # the stadium manager is quoted on the same delay
    answer = qa.ask("What did Karl Holm say about the delay to the stadium roof repairs?")
    assert not answer.refused, answer.answer
    assert "Holm" in _first(answer) and "steel" in _first(answer)


def test_typos_are_corrected_and_shown(qa) -> None:
    answer = qa.ask("What did the tanners' union say about the clousre of the plnat?")
    assert answer.standalone_question == "What did the tanners' union say about the closure of the plant?"
    assert not answer.refused, answer.answer
    assert "Ekberg" in _first(answer)


def test_a_two_sided_question_gets_both_sides(qa) -> None:
    answer = qa.ask("What did the company's chief executive and the union each say about the tannery closure?")
    assert not answer.refused, answer.answer
    assert "Lindqvist" in answer.answer and "Ekberg" in answer.answer


def test_an_anonymous_source_keeps_its_mark(qa) -> None:
    answer = qa.ask("According to an engineer who inspected the stand, what else may need replacing?")
    assert not answer.refused, answer.answer
    first = _first(answer)
    assert "roof panels" in first and "[anonymous source]" in first and "[hedged]" in first


def test_a_one_fact_question_gets_a_short_answer(qa) -> None:
    answer = qa.ask("How much will a return ticket for a car and two passengers cost on the Skerry ferry?")
    assert not answer.refused, answer.answer
    assert "96 euros" in _first(answer)
    assert len(answer_sentences(answer.answer)) <= 2


def test_a_story_that_never_mentions_the_asked_name_does_not_answer(qa) -> None:
    # the ferry story gives a return fare, but on Nordsund Lines' ferry: the Halden Leather Company runs the
    # tannery and no ferry story mentions it, so a fare on its ferry is not in the corpus
    answer = qa.ask("How much will a return ticket cost on the Halden Leather Company ferry?")
    assert answer.refused, answer.answer
    answer = qa.ask("How much will a return ticket cost on the Nordsund Lines ferry?")
    assert not answer.refused, answer.answer
    assert "96 euros" in _first(answer)

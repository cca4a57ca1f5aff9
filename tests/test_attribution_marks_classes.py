"""Marks by class of wording: each test is one class of wrong ``[hedged]`` / ``[anonymous source]`` mark seen
on the BBC marks set (``tests/fixtures/attribution/bbc_marks.jsonl``, tune splits), written with invented
sentences so that the rule, not the article, is what passes."""

from __future__ import annotations

import pytest

from indexing.claims import analyze
from indexing.models import Claim


def claim_with(text: str, words: str) -> Claim:
    """The claim whose content holds ``words``."""
    claims = [c for c in analyze(text) if words in c.text]
    assert claims, [(c.source, c.cue, c.text) for c in analyze(text)]
    return claims[0]


def hedges_of(text: str) -> list[str]:
    return [h for c in analyze(text) for h in c.hedges]


# --- hedges: what lowers certainty and what only looks like it --------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "The new stadium is set to open in March.",
        "Rebel councillors are poised to vote against the budget.",
    ],
    ids=["set-to", "poised-to"],
)
def test_a_plan_under_way_is_not_a_hedge(text: str) -> None:
    assert hedges_of(text) == []


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("Repair costs are already estimated at $4bn across the coast.", "estimated"),
        ("The county will vote on Monday, when projected rises are twice inflation.", "projected"),
        ("The port is busy again, with 4% growth forecast for next year.", "forecast for"),
        ("Exports recovered, with growth of 3% expected in 2005.", "expected in"),
        ("The minister warned of the potential for long delays at the border.", "potential"),
    ],
    ids=["estimated", "projected", "forecast-for", "expected-in", "potential-for"],
)
def test_an_estimate_or_forecast_figure_is_a_hedge(text: str, hedge: str) -> None:
    assert hedge in hedges_of(text)
    # a figure that came in against the forecast is a fact
    assert hedges_of("Sales rose faster than expected in the spring.") == []


@pytest.mark.parametrize(
    "text",
    [
        '"We will look at the ruling to see whether it is possible to change the rules," the minister said.',
        "Asked whether it was realistic to think the Greens could win the seat, she laughed.",
        '"The tools and the ideas it makes possible matter most," she told the audience.',
        "The airline had hoped to sell the jets to a Brazilian carrier.",
        "Nobody should doubt that the harbour can be rebuilt, the mayor argued.",
        "The danger here is smaller than it seems.",
        '"Wales may be the underdogs, but we will give them a hard game," said the coach.',
        "Critics say only the courts, not ministers, should be able to close a newspaper.",
    ],
    ids=[
        "whether-possible",
        "asked-whether-could",
        "makes-possible",
        "hoped-to",
        "nobody-doubt",
        "than-it-seems",
        "concessive-may",
        "should-be-able",
    ],
)
def test_a_question_an_intention_or_a_concession_is_not_a_hedge(text: str) -> None:
    assert hedges_of(text) == []
    # while a belief about what will happen, an open doubt and a plain "may" stay hedged
    assert "hoping" in claim_with("Organisers are hoping the champion will run.", "champion").hedges
    assert "hopes" in hedges_of("The chipmaker hopes to put its chips in fridges.")
    assert "doubts that" in hedges_of("There are doubts that the stand will be ready.")
    assert "may" in hedges_of("The harbour may reopen next month.")


# --- reported speech's "would": the speaker's own plans are asserted, judgments and opinions are hedged ----------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The home secretary vowed the prisoners would stay in custody.", "prisoners"),
        ("Ms Tal announced that Corvex was building a plant which would open in 2006.", "plant"),
        ("Mr Reid said his party would cut fuel duty for hauliers.", "fuel duty"),
    ],
    ids=["vowed", "announced-relative", "his-party"],
)
def test_a_commitment_or_the_speakers_own_plan_is_not_hedged(text: str, words: str) -> None:
    assert claim_with(text, words).hedges == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The mayor said it would be wrong to close the pool.", "close the pool"),
        ('"I would look at the rally as a one-day event," said Mr Pike.', "rally"),
        ("The Bank said rents would rise faster than wages.", "rents"),
        ('"My own choice would be the Lisbon bid," said Ms Kerr.', "Lisbon"),
    ],
    ids=["it-would-be-wrong-to", "i-would-look-at", "consequence", "my-choice-would-be"],
)
def test_a_judgment_an_opinion_or_a_prediction_keeps_its_would(text: str, words: str) -> None:
    assert "would" in claim_with(text, words).hedges


# --- anonymous sources: unnamed people and research, and the unnamed words that point to a named one -------------
def source_type_of(text: str, words: str) -> str:
    claim = claim_with(text, words)
    assert claim.attributed, (claim.source, claim.cue)
    return claim.source_type


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Scientists have expressed concerns that the new rules could hamper research.", "new rules"),
        ("Local fans voiced fears that the stand would not be ready.", "stand"),
        ("One Leeds trader said the market was calm.", "market"),
        ("A Labour backbencher said the vote was lost.", "vote was lost"),
        ("Research suggests that most people never print their photos.", "photos"),
        ("The depot will be rebuilt, and there are rumours that a second cargo crane could be added.", "cargo crane"),
        ("Shares jumped amid reports that the two banks will merge.", "two banks"),
    ],
    ids=["expressed-concerns", "voiced-fears", "one-trader", "a-backbencher", "bare-research", "rumours", "reports"],
)
def test_an_unnamed_person_group_or_study_is_anonymous(text: str, words: str) -> None:
    assert source_type_of(text, words) == "anonymous"


def test_someone_related_to_a_named_person_stays_anonymous() -> None:
    text = "A close associate of former Varnoil boss Ivo Brandt said the charges were political."
    assert source_type_of(text, "charges") == "anonymous"
    assert source_type_of("Police said the man had been arrested.", "arrested") == "anonymous"


def test_unnamed_governments_and_a_reporter_stay_anonymous() -> None:
    assert source_type_of("Several European governments said the rules were too strict.", "rules") == "anonymous"
    assert source_type_of("A reporter at the scene said the talks had stalled.", "talks") == "anonymous"


def test_speculation_and_owned_reports_credit_no_unnamed_source() -> None:
    # "speculation that" is the writer's hedge; "the BBC's reports" and rumours "that circulated" are not hearsay
    for text in (
        "Shares rose amid speculation that the firm would be sold.",
        "The rumours that circulated last week were denied by the club.",
    ):
        assert all(c.source_type != "anonymous" for c in analyze(text)), text


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Harbour Town chief Tom Vance has played down reports that Ian Berg will leave the club.", "Tom Vance"),
        ("The minister laughed off suggestions that she would stand down.", "The minister"),
        ("Vance talked up the threat of a late bid from Leeds.", "Vance"),
    ],
    ids=["played-down-reports", "laughed-off-suggestions", "talked-up-the-threat"],
)
def test_a_named_speaker_playing_down_reports_keeps_the_sentence(text: str, source: str) -> None:
    # the reports are the speaker's object, not an unnamed source of the sentence's claim
    claim = claim_with(text, text.split()[-3])
    assert claim.source.endswith(source) and claim.source_type == "named", (claim.source, claim.cue, claim.source_type)
    assert claim.cue.endswith(("down", "off", "up")), claim.cue
    # the particle and the object make the cue: a match played down the wing or a knock shrugged off is no claim
    assert not [c for c in analyze("Rovers played down the left wing all afternoon.") if c.attributed]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Ms Hale and Mr Ortiz met voters in Leeds. Both candidates pledged to cut the deficit.", "deficit"),
        ("Research by the Audit Office suggests that most councils overspend.", "councils"),
        ("The Norwegian and Finnish governments are challenging the ruling on state aid.", "ruling"),
        ("The director is in talks to make a sequel, according to the Hollywood Reporter.", "sequel"),
        ("Ask Jeeves said it was not planning to change the service.", "change the service"),
        ("The fraud is being investigated by the Varnian police and the IMF has called for a report.", "report"),
        ("Commission for Racial Equality chairman Ivo Brandt said complaints had fallen by a third.", "complaints"),
        ("West Varnia police confirmed they had arrested a 45-year-old man.", "arrested"),
        (
            "Fund manager Ivo Brandt - Corvale United's largest investor - said he would put in no more cash.",
            "no more cash",
        ),
    ],
    ids=[
        "both-candidates",
        "research-by-a-body",
        "countries-governments",
        "a-title",
        "a-name-read-as-a-clause",
        "a-named-body-among-those-credited",
        "a-body-parsed-as-head-of-its-chairman",
        "a-named-force",
        "name-then-dash-apposition",
    ],
)
def test_words_that_point_to_a_named_person_or_body_are_named(text: str, words: str) -> None:
    assert source_type_of(text, words) == "named"
    # an unnamed spokeswoman stays unnamed, with or without the body she speaks for named before her
    assert source_type_of('The plan was leaked. A spokeswoman said: "We do not discuss leaks."', "leaks") == "anonymous"
    text = 'The Department of Transport would not comment on the plan. A spokeswoman said: "We do not discuss leaks."'
    assert source_type_of(text, "leaks") == "anonymous"
    assert source_type_of("A Conservative spokesperson said the plan would fail.", "plan") == "anonymous"


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("The visitors looked set to win until the last minute.", "looked set to"),
        ("Winger Tom Pike is a doubt for Saturday with a hamstring strain.", "is a doubt for"),
        ("Shares fell amid concerns that fuel costs will rise.", "concerns that"),
        ("The charity is worried that the scheme will fail.", "worried that"),
        ('"I thought we played well," said the coach.', "I thought"),
    ],
    ids=["looked-set-to", "a-doubt-for", "concerns-that", "worried-that", "i-thought"],
)
def test_an_appearance_a_fitness_doubt_or_a_worry_is_a_hedge(text: str, hedge: str) -> None:
    assert hedge in hedges_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "The insurers sought to calm fears that premiums will double.",
        "Mr Oduya had indicated he was not planning to stand again.",
    ],
    ids=["calm-fears", "person-indicated"],
)
def test_a_worry_answered_or_a_person_indicating_is_not_a_hedge(text: str) -> None:
    assert hedges_of(text) == []
    # while evidence that indicates stays a hedge
    assert "indicate" in hedges_of("Early figures indicate that sales have slowed.")


def test_a_hedge_phrase_that_starts_in_the_cue_hedges_the_claim() -> None:
    claim = claim_with("Spamhaus is worried that the trick will spread to other mail.", "trick")
    assert claim.attributed and "worried that" in claim.hedges, (claim.cue, claim.hedges)


def test_polls_with_only_a_time_are_vague_research() -> None:
    text = "Successive polls in the run-up to the vote had shown the two men level."
    assert source_type_of(text, "two men") == "anonymous"
    assert source_type_of("A poll by Gallup in May had shown the two men level.", "two men") == "named"

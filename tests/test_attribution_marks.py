"""Marks an analyst trusts: who counts as anonymous, what counts as a hedge, and speakers named later.

Every sentence here is invented. Each test is a class of wrong mark seen in answers over BBC News or the
sample corpus: a named party or pundit shown as ``[anonymous source]``, the journalist's own
statement shown as an anonymous source's, ``[hedged]`` on reported speech's "would" or on a refusal, and an
unnamed description the article names later.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexing.claims import analyze
from indexing.models import Claim

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "sample"
MARKS = ROOT / "tests" / "fixtures" / "attribution" / "bbc_marks.jsonl"


def attributed(text: str) -> list[Claim]:
    return [c for c in analyze(text) if c.attributed]


def claim_with(text: str, words: str) -> Claim:
    """The claim whose content holds ``words``."""
    claims = [c for c in analyze(text) if words in c.text]
    assert claims, [(c.source, c.cue, c.text) for c in analyze(text)]
    return claims[0]


def anonymous(text: str) -> list[Claim]:
    return [c for c in analyze(text) if c.source_type == "anonymous"]


# --- named: parties, firms, a pundit, a surname, a role that points to one person ---------------------------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The Tories and the Lib Dems have both called for a fresh inquiry into the harbour deal.", "fresh inquiry"),
        ("But the Conservatives insisted the levy was unfair to farmers.", "levy was unfair"),
        ("The Labour leader said the plan for the ring road was unworkable.", "unworkable"),
        ("Pollster Dana Rivers runs a firm in Leeds. Rivers believes the party will lose ten seats.", "ten seats"),
    ],
    ids=["two-parties", "party", "party-leader", "named-pundit-believes"],
)
def test_a_named_party_or_pundit_is_not_an_anonymous_source(text: str, words: str) -> None:
    claim = claim_with(text, words)
    assert claim.attributed and claim.source_type == "named", (claim.source, claim.source_type)
    # and unnamed people stay anonymous: a bare plural party name, analysts (of a named firm too: the project's
    # labelled sets count them unnamed), an unnamed spokesman
    for other in (
        "Democrats said the bill would fail.",
        "Analysts said the bank might cut rates.",
        "Analysts at Brightwater Capital said the bank might cut rates.",
        "A spokesman said the plant would reopen.",
        "Sources within the party told the paper the vote was lost.",
    ):
        assert anonymous(other), other


def test_they_after_a_named_party_stays_named() -> None:
    text = "The Tories said the levy was unfair. They said they would also press the Treasury on the cost."
    they = claim_with(text, "press the Treasury")
    assert they.source_type == "named" and (they.speaker or "").lower() == "the tories"


def test_they_after_a_party_named_in_the_previous_sentence_is_that_party() -> None:
    text = "The levy will be fought in the Commons by the Liberal Democrats. They have argued the levy is badly flawed."
    they = claim_with(text, "badly flawed")
    assert they.source_type == "named" and they.speaker == "the Liberal Democrats"


def test_an_unnamed_spokesperson_is_anonymous_whoever_they_speak_for() -> None:
    # the convention of the bundled eval set, PolNeAR's annotators and the BBC question writers: the person who
    # speaks is not named, so the claim is marked, even when the body they speak for is
    for text, words in (
        ("About 9,000 staff are affected, according to a Pentagon spokesman.", "9,000 staff"),
        ('"The rules are welcome," a spokesperson from Ofcal told the paper.', "rules are welcome"),
        ("A spokeswoman for Harbor Re estimated the claims would be small.", "claims would be small"),
        ("About 9,000 staff are affected, according to a spokesman.", "9,000 staff"),
    ):
        assert claim_with(text, words).source_type == "anonymous", text
    # a spokesperson with their name is named
    claim = claim_with("Harbor Re spokeswoman Ines Varga said the claims would be small.", "claims would be small")
    assert claim.source_type == "named" and claim.speaker == "Ines Varga"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # the tagger reads a closing "understands" as a plural noun; the parse still gives it a subject and a clause
        ("Harbor striker Tomas Kell is discussing a loan move to Rovers, BBC Sport understands.", "loan move"),
        ("BBC Wales understands the Harbor Dragons are keen on the 29-year-old winger.", "Harbor Dragons are keen"),
        ("The Harbor Gazette understands that the deal is close.", "deal is close"),
    ],
    ids=["closing", "opening", "a-paper"],
)
def test_a_newsroom_that_understands_speaks_for_its_unnamed_sources(text: str, words: str) -> None:
    claim = claim_with(text, words)
    assert claim.cue == "understands" and claim.source_type == "anonymous", (claim.source, claim.cue)
    # a person who understands is named, as any speaker
    assert claim_with("Mr Varga understands that the club is in trouble.", "in trouble").source_type == "named"


def test_a_subject_understood_to_is_a_briefing_a_subject_believed_to_is_the_writers_hedge() -> None:
    for text, words in (
        ("The Varnian defender is understood to be happy to stay at Rovers until May.", "happy to stay"),
        ("The midfielder is understood to have agreed terms with Rovers.", "agreed terms"),
    ):
        claim = claim_with(text, words)
        assert claim.source is None and claim.source_type == "anonymous", text
    claim = claim_with("Detectives are believed to have examined the vault.", "examined the vault")
    assert claim.source_type == "unattributed" and "are believed to" in claim.hedges


def test_the_expert_right_after_a_quoted_expert_is_that_person() -> None:
    text = (
        '"It is all perception," said Max Houck, who runs a forensic course. '
        "The American forensics expert said there were 300,000 untested samples."
    )
    claim = claim_with(text, "300,000")
    assert claim.source_type == "named" and claim.speaker == "Max Houck"


def test_he_after_an_unnamed_spokesman_is_that_spokesman_not_a_person_named_before() -> None:
    text = (
        "Senator Jim Cole visited Mr Blake on Monday. Climate change was an issue the prime minister wanted to "
        "progress, said a spokesman. But he played down reports Mr Blake was planning a new treaty."
    )
    claim = claim_with(text, "new treaty")
    assert (claim.source, claim.speaker, claim.source_type) == ("he", "a spokesman", "anonymous")
    # a "he" after a spokeswoman's words is not hers: the person named before
    text = "Senator Jim Cole visited Mr Blake. Trade was discussed, said a spokeswoman. He added that talks went well."
    claim = claim_with(text, "talks went well")
    assert (claim.speaker, claim.source_type) == ("Jim Cole", "named")


def test_he_never_points_back_to_a_one_word_name_written_as_a_thing() -> None:
    # "its investment": the company is no one a "he" can be; the analyst named before it is
    text = (
        "Portal rivals\n\nFor Jupiter analyst Nils Brand, Halvex's initial decision to put its investment in search on hold was an "
        'error. "Halvex was busy building a portal and made a big mistake," he said.'
    )
    assert claim_with(text, "big mistake").speaker == "Nils Brand"
    # a one-word name written as a person's ("midfielder Dario", "Lomax admitted he ...") still is one
    text = 'Harbour midfielder Dario agreed it was odd. "It\'s not normal behaviour on his part," he said.'
    assert claim_with(text, "not normal").speaker == "Dario"
    text = 'Kestrel boss Ian Moss praised the fans. Lomax admitted he thought they were out. He said: "I was wrong."'
    assert claim_with(text, "I was wrong").speaker == "Lomax"
    # "made it clear" is nobody's "it"
    text = 'Kestrel boss Ian Moss praised the fans. Lomax made it clear that he would stay. "I am happy," he said.'
    assert claim_with(text, "I am happy").speaker == "Lomax"


def test_a_hyphenated_surname_is_one_person_through_title_party_and_pronoun() -> None:
    text = (
        "Party row\n\nLabour MP Ana Lopez-Ruiz said the plan was dead. On Thursday Ms Lopez-Ruiz told reporters "
        "the vote was lost. She said she would stand again."
    )
    assert {c.speaker for c in analyze(text) if c.attributed} == {"Ana Lopez-Ruiz"}
    # an outlet is nobody's "he": the words go to the person quoted before it
    text = (
        "Party row\n\nFormer host Robert Haldane-Pike has quit the party. Mr Haldane-Pike told Harbour News "
        "it had gone AWOL. He said there was support for a new party."
    )
    assert claim_with(text, "new party").speaker == "Robert Haldane-Pike"


def test_a_peer_is_named_by_the_title_in_an_apposition_and_after_he() -> None:
    text = (
        "Law news\n\nThe Attorney General, Lord Garrow, said the advice was clear. He added that he had not been "
        "pressed. Liberal chief executive Lord Tennant suggested the vote was lost."
    )
    speakers = [c.speaker for c in analyze(text) if c.attributed]
    assert speakers == ["Lord Garrow", "Lord Garrow", "Lord Tennant"], speakers
    # a knight's title is no part of the name; a peer's full name stays the one the story gave
    text = "Club news\n\nSir Tom Vance said the side was tired. He added that rest would help."
    assert {c.speaker for c in analyze(text) if c.attributed} == {"Tom Vance"}


def test_the_role_a_person_was_named_with_points_back_to_them() -> None:
    text = (
        "Mills news\n\nTory leader Tom Vance said the deal was a mistake. But the Tory leader argued that the "
        "mills could be saved."
    )
    assert claim_with(text, "could be saved").speaker == "Tom Vance"
    text = (
        "Mills news\n\nAna Ruiz, the firm's finance director, gave the figures. The finance director said costs fell."
    )
    assert claim_with(text, "costs fell").speaker == "Ana Ruiz"
    # "the prime minister" is not the development minister named before
    text = (
        "Aid news\n\nDevelopment minister Ana Ruiz set out the plan. The prime minister denied all that, saying "
        "the economy came first."
    )
    assert claim_with(text, "economy came first").speaker != "Ana Ruiz"
    # "the top seed" is not the fifth seed named before
    text = "Tennis news\n\nFifth seed Tom Vance lost in three sets. The top seed said he had played well."
    assert claim_with(text, "played well").speaker != "Tom Vance"


def test_which_unnamed_speaker_a_he_or_she_points_back_to() -> None:
    # a spokesman named with a title in apposition is named, and so is the "he" after
    text = (
        "News\n\nA spokesman for the builders, Dr Vance, told the BBC prices would fall. He said the firm would gain."
    )
    assert claim_with(text, "firm would gain").speaker == "Dr Vance"
    # a person the unnamed speaker talks about, in the pronoun's own sentence, may be the one meant: nobody
    text = "News\n\nA spokesman said Tom Kell had friends in common with Ana Ruiz, who he described as brave."
    assert all(c.speaker != "a spokesman" for c in analyze(text) if c.source == "he")
    # a definite description right after a named person spoke is that person again ...
    text = (
        "News\n\nThe Greens' Ana Ruiz has written to the minister. She said the plan was unsafe. The party's "
        'transport leader argued the law was clear. She said: "We need answers."'
    )
    assert claim_with(text, "We need answers").speaker == "Ana Ruiz"
    # ... unless a person owns it: the president's aide is someone else
    text = (
        "News\n\nPresident Tomas Ruiz spoke on Monday. President Ruiz's chief aide said the tax was needed. "
        '"The tax applies only to dollars," he said.'
    )
    assert claim_with(text, "only to dollars").source_type == "anonymous"


def test_an_answer_names_the_unnamed_spokesman_a_he_points_back_to() -> None:
    from chain_fixtures import one_chunk

    from app.compose.claim_sentences import render_claim
    from app.compose.evidence import build_passages

    text = "A spokesman said the plant would reopen. He added that no jobs would go."
    result = one_chunk(text, analyze(text), title="Plant to reopen")
    passage = next(p for p in build_passages([result]) if "no jobs" in p.text)
    claim = next(c for c in passage.claims if "no jobs" in c.text)
    assert claim.source_type == "anonymous"
    assert render_claim(claim, passage).startswith("A spokesman added that no jobs would go")


def test_a_headline_is_never_the_source() -> None:
    text = "Lender 'mislays' customer records\n\nThe Bank of Calder has revealed it has lost four backup tapes."
    claim = claim_with(text, "backup tapes")
    assert claim.source == "The Bank of Calder" and claim.source_type == "named"


def test_a_surname_the_tagger_reads_as_a_plural_is_one_named_person() -> None:
    # "Summers" looks like a plural noun to the tagger; the article has named "Tom Summers" already
    text = 'Tom Summers arrived in the city on Monday. "We are ready for the final," said Summers.'
    claim = claim_with(text, "ready for the final")
    assert claim.source_type == "named" and claim.speaker == "Tom Summers"


# --- the journalist's own voice is unattributed, never an anonymous source ----------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Eighteen former directors of Halvard Energy have agreed a $90m settlement in a shareholder lawsuit.",
        "The krona slipped to a record low against the euro, as investors returned their attention to the trade deficit.",
        "The jobless rate went up because more people were now actively seeking work.",
        "The 500 new jobs were twice the 250 figure that economists had forecast.",
        "Detectives are believed to be examining whether the thieves had help from someone who knew the vault.",
    ],
    ids=["settlement", "currency-move", "narrated-crowd", "forecast-figure", "someone-knew"],
)
def test_the_journalists_own_statement_is_not_an_anonymous_source(text: str) -> None:
    assert not anonymous(text), [(c.source, c.cue, c.text) for c in anonymous(text)]


def test_what_an_unnamed_group_intends_or_does_is_the_writers_report() -> None:
    for text in (
        "Rovers fans are planning to wear masks at Saturday's match.",
        "A spokesman refused to comment on the talks.",
        "Hundreds of students are also using the app to share notes.",
        "There are racing titles that you typically find on consoles.",
        "Last month it was announced that 37 job centres would close.",
        "The design came from a group known as the Coral Forum.",
        "One recruit on the forum calls himself Heretic.",
        "That said, the game is still great fun to play.",
        "Much blame has been put on the keeper, but I believe the problem lies in midfield.",
        '"I must admit that I was surprised at how fast they grew," added the Leeds researcher Tom Rees.',
    ):
        assert not anonymous(text), [(c.source, c.cue) for c in anonymous(text)]
    # while what they say stays theirs
    assert anonymous("Rovers fans said they would wear masks at Saturday's match.")
    claim = claim_with("Faster growth is regarded by officials as a way to cut the deficit.", "Faster growth")
    assert claim.source_type == "anonymous"


def test_a_thing_the_parse_takes_for_a_speaker_credits_nobody() -> None:
    # "a scheme promises ...": no person or group is credited, so no [anonymous source] on the writer's report
    text = "A new scheme promises cheaper power for every home in the valley."
    assert not anonymous(text), [(c.source, c.cue, c.source_type) for c in analyze(text)]
    # while an unnamed person or group, singular or plural, with or without a people-noun ending, stays anonymous
    for other in (
        "A campaigner said the ferry service would be cut.",
        "Residents claimed the bridge was unsafe.",
        "A local told the paper the bridge was unsafe.",
        "Traders said the market would fall.",
    ):
        assert anonymous(other), other


def test_a_forecast_nobody_is_credited_with_is_the_writers_hedged_statement() -> None:
    claim = claim_with("The Norland economy is expected to grow by 4% this year.", "grow by 4%")
    assert claim.source_type == "unattributed" and claim.hedges
    assert claim.cue  # the cue and its spans stay: PolNeAR annotates it
    # "It is understood that ..." is the formula for a source who briefed the paper: still anonymous
    claim = claim_with("It is understood that the minister will resign on Friday.", "minister will resign")
    assert claim.source_type == "anonymous"


def test_quoted_as_saying_credits_the_person_quoted_not_the_paper() -> None:
    claim = claim_with(
        '"They moved too fast for us," the Tribune quoted an insider in the talks as saying.', "too fast"
    )
    assert claim.source_type == "anonymous" and claim.source == "an insider in the talks"


def test_a_later_quotation_with_its_own_speaker_is_not_the_previous_speakers() -> None:
    text = 'Hiring has already begun, economists said. "The rise is no surprise," said Ines Kohl at Nordbank.'
    quote = claim_with(text, "no surprise")
    assert quote.source_type == "named" and "Kohl" in (quote.source or "")
    assert not any("no surprise" in c.text for c in anonymous(text))


# --- hedges: not reported speech's "would", not a refusal or negation ----------------------------------------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Norvale Bank said it would spend $2bn to buy a rival lender.", "spend $2bn"),
        ("The council insisted it would keep the library open.", "library open"),
        ("He also said he was confident the deputy would set out the position clearly.", "set out the position"),
        ("The company did not say how much it would pay.", "how much"),
        ("Mr Okoro did not say when the move would take place.", "the move"),
        ("She appeared in three films last year.", "three films"),
        ("Tovik Insurance said they could not yet assess the cost of the floods.", "assess the cost"),
        ('"Farmers of course would like to have cheaper diesel," he said.', "cheaper diesel"),
        ("The mayor said the ferry operators should have proper insurance.", "proper insurance"),
        ("Mr Osei said Ms Lund should apologise to the families.", "apologise"),
        ('"The region is growing below its potential," he said.', "below its"),
        ('"We want it settled as soon as possible," she said.', "settled"),
        ("The feud could not dent the party's election hopes, the minister said.", "feud"),
        ('"I would never attack him over his faith," he said.', "attack him"),
    ],
    ids=[
        "said-would",
        "insisted-would",
        "confident-would",
        "did-not-say-how-much",
        "did-not-say-when",
        "appeared-in",
        "could-not",
        "would-like",
        "should-have-duty",
        "should-apologise",
        "potential-noun",
        "as-soon-as-possible",
        "hopes-noun",
        "would-never",
    ],
)
def test_no_hedge_on_reported_would_a_refusal_or_a_performance(text: str, words: str) -> None:
    claim = claim_with(text, words)
    assert claim.hedges == [], claim.hedges
    # while the writer's hypothetical, a consequence the speaker predicts of something else, a counterfactual
    # and "appears to" stay hedged
    assert claim_with("Such a merger would reshape the market for grain.", "reshape").hedges == ["would"]
    assert "would" in claim_with("He said the barrier would have failed if the river had risen.", "barrier").hedges
    assert "would" in claim_with("Mr Osei said the library cuts would fall hardest on families.", "library").hedges
    assert claim_with("The plan appears to have stalled.", "stalled").hedges == ["appears"]
    assert claim_with('"It should push prices up," said Rob Mack.', "prices up").hedges == ["should"]


def test_a_post_holder_saying_what_their_own_organisation_would_do_is_not_hedged() -> None:
    # the organisation the article gives the speaker a post at, by its name or its initials
    story = (
        "Vance sets out gadget plans\n\nThe future is personal, according to Carly Vance, chief of technology "
        "group Harlow Pembridge.\n\nIn a separate announcement, Ms Vance said that HP would be partnering a music "
        "channel."
    )
    assert claim_with(story, "partnering").hedges == []
    # "the company's chief executive" speaking of the company the story is about
    story = (
        "Dunmore files for bankruptcy\n\nUS grocer Dunmore has filed for bankruptcy.\n\nThe company's new chief "
        "executive Peter Lynd said Dunmore would use the breathing space to restructure."
    )
    assert claim_with(story, "breathing space").hedges == []
    assert claim_with("A spokeswoman for Brennmark said the club would await the report.", "await").hedges == []
    # a rival, or an analyst's forecast about the company, stays hedged
    rival = story.replace("Dunmore would use the breathing space to restructure", "Tesmart would lose customers")
    assert claim_with(rival, "lose customers").hedges == ["would"]
    assert claim_with("An analyst, Jo Reed, said the company would struggle.", "struggle").hedges == ["would"]


def test_an_infinitive_under_a_belief_verb_does_not_swallow_the_belief() -> None:
    # "to agree" read as a cue of its own took "Analysts had expected" as its content; each reading then lay
    # inside the other's and both were pruned, leaving the analysts' expectation in the writer's voice
    claim = claim_with(
        "Analysts had expected Japan's Kestrel to agree to a price rise of between 40% and 50%.", "agree"
    )
    assert (claim.source, claim.source_type) == ("Analysts", "anonymous")
    assert claim.hedges == ["expected"]


def test_a_spokesman_who_would_not_say_is_not_hedged() -> None:
    claims = analyze("The mill's owner would not say what share of the workers would be laid off.")
    assert all(c.hedges == [] for c in claims), [(c.text, c.hedges) for c in claims]


@pytest.mark.parametrize(
    ("text", "words", "hedge"),
    [
        ("A new survey by Corvel Research suggests most tenants cannot save.", "tenants", "suggests"),
        ("Among those reported to have doubts were two senior ministers.", "doubts", "reported to have"),
        ("Mr Abara said he still admired his deputy and thought her judgement was sound.", "judgement", "thought"),
        ("The vote, widely expected in May, will decide the matter.", "decide", "widely expected"),
        ("The outlook is poor, with analysts predicting that tourism will struggle.", "tourism", "predicting"),
        ("Corvel told the Gazette it expected its losses to be small.", "losses", "expected"),
        ('"I am not sure if I want to stay," he said.', "stay", "not sure"),
        ('"So much is unclear, it is too early to tell," she said.', "So much", "unclear"),
        ("The coach said he was hopeful the striker would sign a new deal.", "striker", "hopeful"),
        ("Analysts have forecast that profit will rise by 11%.", "profit will rise", "forecast"),
        ("The merger is widely seen as a way to cut costs.", "merger", "widely seen as"),
    ],
    ids=[
        "suggests",
        "reported-to-have",
        "thought-joined-to-report",
        "widely-expected",
        "predicting",
        "it-expected",
        "not-sure",
        "unclear",
        "hopeful",
        "have-forecast",
        "widely-seen-as",
    ],
)
def test_words_that_lower_certainty_are_hedges(text: str, words: str, hedge: str) -> None:
    claim = claim_with(text, words)
    assert hedge in claim.hedges, claim.hedges


def test_doubts_are_a_hedge_but_no_doubt_is_not() -> None:
    assert "doubts that" in claim_with("Ms Okafor expressed doubts that the levy would raise much.", "levy").hedges
    assert claim_with("There is no doubt that the bridge is safe, the engineer said.", "bridge is safe").hedges == []


def test_a_question_about_whether_is_not_a_hedge() -> None:
    claim = claim_with("They said they would press the Treasury over whether the targets could be met.", "targets")
    assert claim.hedges == []


# --- speakers named later (cataphora) --------------------------------------------------------------------
def test_a_description_named_in_the_next_sentence_becomes_that_person() -> None:
    text = (
        "The engineer who first spotted the crack said on Tuesday that the pier had been weakening for years. "
        "Tomas Lindgren, who inspects bridges for the county, said he had warned the council in March."
    )
    claim = claim_with(text, "weakening for years")
    assert claim.source == "The engineer" and claim.speaker == "Tomas Lindgren" and claim.source_type == "named"


def test_a_newcomer_named_with_nothing_else_after_an_opening_description_is_the_person_described() -> None:
    # "The harbour commissioner says ..." then a bare name, never seen before: the commissioner
    text = (
        "Ferry fares to rise\n\nThe harbour commissioner says she is asking for details of the new fare rules.\n\n"
        'Marta Lindqvist "strongly criticised" the timing of the rise. The change was agreed on Monday.'
    )
    claim = claim_with(text, "asking for details")
    assert claim.speaker == "Marta Lindqvist" and claim.source_type == "named"
    # "..., claims his agent." then the story's subject, then a bare new name
    text = (
        "Striker set for move\n\nValmora striker Jon Berg will leave the club in the summer, claims his agent.\n\n"
        'Berg, 27, had hoped to stay until June. But Petra Nyholm said: "He needs to play every week."'
    )
    claim = claim_with(text, "leave the club")
    assert claim.source == "his agent" and claim.speaker == "Petra Nyholm" and claim.source_type == "named"
    # a newcomer with a role of their own is somebody else, and a government is no person
    text = (
        "Council tax rise 'fair'\n\nCouncils should keep rises low after a 6% funding increase, says the "
        'regional government.\n\nFinance Minister Ana Ruiz said it was a "good deal" for councils.'
    )
    assert claim_with(text, "keep rises low").speaker is None
    assert claim_with(text.replace("Finance Minister Ana", "Ana"), "keep rises low").speaker is None
    # past the opening sentences a description keeps no later name
    text = (
        "Ferry fares to rise\n\nFares will rise in May. The operator wrote to shippers. Crews were told on Friday. "
        "The harbour commissioner says she is asking for details. Marta Lindqvist criticised the timing."
    )
    assert claim_with(text, "asking for details").speaker is None


def test_a_role_named_later_with_the_same_role_word_becomes_that_person() -> None:
    text = (
        "A lawyer for the tenants said they would sue the landlord. "
        '"Nobody answered our letters," said the lawyer, Mirela Kovac.'
    )
    claim = claim_with(text, "sue the landlord")
    assert claim.speaker == "Mirela Kovac" and claim.source_type == "named"
    # a different person after an unnamed one is not taken for them
    text = "The minister said the plan was sound. Opposition MP Clara Voss said it was reckless."
    assert claim_with(text, "plan was sound").speaker is None
    text = (
        "A spokesman said the plant would reopen. Later, union spokesman Ole Brandt said it would not, "
        "and a spokesman for the mayor said nothing."
    )
    assert claim_with(text, "plant would reopen").speaker is None


def test_an_apposition_before_who_said_names_the_person() -> None:
    text = "The leak was found by Nadia Ferreira, an independent security researcher, who said it was open for weeks."
    claim = claim_with(text, "open for weeks")
    assert claim.speaker == "Nadia Ferreira" and claim.source_type == "named"


# --- the sample corpus (the project's own text) --------------------------------------------------------------
def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---", 2)[2]


def test_sample_corpus_lumora_researcher_is_named() -> None:
    claims = attributed(_body(SAMPLE / "meridian-wire" / "2026-11-04-lumora-data-leak.md"))
    lede = next(c for c in claims if (c.source or "").startswith("The security researcher"))
    assert lede.speaker == "Nadia Ferreira" and lede.source_type == "named"
    gazette = attributed(_body(SAMPLE / "harbor-gazette" / "2026-11-03-lumora-data-leak.md"))
    assert not any(c.source_type == "anonymous" and "researcher" in (c.source or "") for c in gazette)


def test_sample_corpus_has_no_someone_knew_the_building_claim() -> None:
    claims = attributed(_body(SAMPLE / "northern-ledger" / "2026-11-10-museum-theft.md"))
    assert not any((c.source or "").lower() == "someone" for c in claims), [(c.source, c.cue) for c in claims]


# --- the labelled set of marks over BBC News ------------------------------------------------------------------
def test_bbc_marks_fixture_is_offsets_only_and_big_enough() -> None:
    rows = [json.loads(line) for line in MARKS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 300
    assert {r["split"] for r in rows} == {"tune", "untuned", "tune2", "tune3", "untuned3"}
    for r in rows:
        assert set(r) == {"path", "start", "end", "anonymous", "hedged", "split"}  # no copied text
        assert 0 <= r["start"] < r["end"]
    assert sum(r["anonymous"] for r in rows) >= 25 and sum(r["hedged"] for r in rows) >= 50


def test_bbc_marks_offsets_fall_on_sentences(shared_data: Path) -> None:
    rows = [json.loads(line) for line in MARKS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows[::7]:
        text = (shared_data / "bbc" / r["path"]).read_text(encoding="utf-8", errors="replace")
        span = text[r["start"] : r["end"]]
        assert span == span.strip() and len(span) > 1 and r["end"] <= len(text)


def test_a_belief_told_in_the_passive_is_hedged_like_the_active() -> None:
    # the cue is "was predicted by": its verb is "predicted", not the agent's "by"
    for text, words, hedge in [
        ("The increase was predicted by economists.", "increase", "predicted"),
        ("A thaw was expected by diplomats.", "thaw", "expected"),
    ]:
        claim = claim_with(text, words)
        assert claim.source_type == "anonymous" and hedge in claim.hedges, (claim.cue, claim.hedges)
    # a passive that reports no belief stays unhedged
    assert claim_with("The new timetable was welcomed by the ferry union.", "timetable").hedges == []


def test_a_headlines_name_after_says_is_the_speaker() -> None:
    # "<what> says <who>" on a title line: the name after the verb speaks; the words before it are what was said
    for text, source, content in [
        ("Harbour fees to double says Valrail\n\nThe operator wrote to shippers on Monday.", "Valrail", "Harbour fees"),
        ("Tram depot 'safe' say Greens\n\nCouncillors visited the site.", "Greens", "Tram depot"),
        ("Rents may climb, warns Okafor\n\nThe port director spoke at a conference.", "Okafor", "Rents may climb"),
    ]:
        claim = next(c for c in analyze(text) if c.start < text.index("\n"))
        assert claim.source == source and claim.source_type == "named", (claim.source, claim.source_type)
        assert text[claim.start : claim.end].startswith(content), text[claim.start : claim.end]
    # a sentence with its full stop is not a headline; "said" there keeps the ordinary reading
    claim = analyze("Fees will double, said the operator.")[0]
    assert claim.source == "the operator"


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            (
                "Kerry Holt has pulled out of the indoor championships. The double Olympic champion said: "
                '"I can hardly walk at the moment."'
            ),
            "hardly walk",
            "Kerry Holt",
        ),
        (
            (
                "Gavin Marlow shook off an illness to win the 60m. Marlow clocked 6.56 seconds. The world indoor "
                'champion said: "My stomach was upset."'
            ),
            "stomach was upset",
            "Gavin Marlow",
        ),
    ],
)
def test_an_epithet_of_the_story_person_is_that_person(text: str, content: str, speaker: str) -> None:
    claim = claim_with(text, content)
    assert claim.source_type == "named" and claim.speaker == speaker


def test_a_bare_epithet_or_one_for_somebody_else_names_nobody() -> None:
    # "the comedian" with no words of its own may be anyone the story names: the actor who signed up is not him
    text = (
        "Hollywood actor Sam Lowe has signed up for Rick Garvin's new sitcom, the comedian has told reporters. "
        '"He read the scripts," the comedian said.'
    )
    assert claim_with(text, "read the scripts").speaker is None
    # a subject who is not the person the story is about is passed over
    text = (
        "Singer Mara Quill faces a new trial. Witness Ann Kell said she saw nothing. The pop singer said she had "
        "done nothing wrong."
    )
    assert claim_with(text, "done nothing wrong").speaker != "Ann Kell"
    # the person a quotation talks about is not its speaker, nor is the subject of a clause inside another
    text = (
        "Kerry Holt must decide by Tuesday. Team member Ada Vell said the team would understand if Holt opted out. "
        '"It would be fantastic to have Kerry in the team," said the European cross-country champion.'
    )
    assert claim_with(text, "fantastic to have Kerry").speaker is None


def test_an_answer_names_the_person_an_epithet_stands_for() -> None:
    from chain_fixtures import one_chunk

    from app.compose.claim_sentences import render_claim
    from app.compose.evidence import build_passages

    text = (
        "Kerry Holt has pulled out of the indoor championships. The double Olympic champion said: "
        '"I can hardly walk at the moment."'
    )
    passage = next(p for p in build_passages([one_chunk(text, analyze(text))]) if "hardly walk" in p.text)
    claim = next(c for c in passage.claims if "hardly walk" in c.text)
    assert render_claim(claim, passage).startswith("The double Olympic champion Kerry Holt said:")


@pytest.mark.parametrize(
    ("text", "words", "source", "source_type"),
    [
        (
            "Kerry Holt may not recover until March, claims his agent.",
            "not recover until March",
            "his agent",
            "anonymous",
        ),
        (
            "Around 20 million Britons will miss out on online services, predicts the report by telecoms firm Harlow.",
            "miss out on online services",
            "the report by telecoms firm Harlow",
            "named",
        ),
        (
            "Cheap printer ink could make photos fade in months, warned the magazine.",
            "fade in months",
            "the magazine",
            "named",
        ),
    ],
)
def test_a_sentence_ending_in_a_reporting_verb_and_its_speaker_is_that_speakers(
    text: str, words: str, source: str, source_type: str
) -> None:
    # the parser reads "Holt ... claims his agent" as one clause; the speaker is the phrase after the verb
    claim = claim_with(text, words)
    assert (claim.source, claim.source_type) == (source, source_type)


def test_whom_a_speaker_told_is_not_the_speaker() -> None:
    claim = claim_with('"This will hurt the market," shop owner Ana Ruiz, told the Courier.', "hurt the market")
    assert claim.source != "the Courier"


# --- classes found in answers over BBC News (the tune3 split) --------------------------------------------------
def test_a_bank_named_with_a_capitalised_body_word_is_named() -> None:
    text = (
        "Court row\n\nHarlow Bank maintains the case has no place in a Varnian court because it holds no assets there."
    )
    assert claim_with(text, "the case has no place").source_type == "named"


def test_she_after_an_unnamed_spokeswoman_of_a_long_named_department_is_that_spokeswoman() -> None:
    text = (
        "Judges row\n\nA Department for Harbour Affairs spokeswoman said Lord Penn and Lord Ashby agreed about the "
        'practice. "Their disagreement is narrow, in Lord Penn\'s words," she said.'
    )
    claim = claim_with(text, "Their disagreement")
    assert claim.source_type == "anonymous"
    assert claim.speaker and "spokeswoman" in claim.speaker


def test_it_is_understood_without_that_is_an_unnamed_briefing() -> None:
    text = "Pay talks\n\nTalks ended on Monday. It is understood no deal was offered at the meeting in Dunmore."
    claim = claim_with(text, "no deal was offered")
    assert claim.source_type == "anonymous"
    assert claim.cue == "is understood"


def test_a_group_concerned_that_is_the_source_of_the_worry() -> None:
    text = (
        "Patent rules\n\nThe directive passed on Friday. Critics are concerned that the rules could harm small firms."
    )
    claim = claim_with(text, "could harm small firms")
    assert claim.source == "Critics"
    assert claim.source_type == "anonymous"
    assert claim.hedges


def test_a_paper_quoting_an_unnamed_source_credits_the_source() -> None:
    text = 'Car deal\n\n"The money must go to the plant," the newspaper quotes a source close to the Varnian firm.'
    claim = claim_with(text, "The money must go")
    assert claim.source == "a source close to the Varnian firm"
    assert claim.source_type == "anonymous"


def test_an_unnamed_groups_intention_with_an_object_is_the_writers_report() -> None:
    text = (
        "Pension strike\n\nThe five unions which met the minister want the government to withdraw the rules. "
        "The outgoing directors have agreed to leave their loans in the club."
    )
    assert not anonymous(text)


def test_the_two_parties_the_article_named_are_named() -> None:
    text = "Terror bill\n\nThe two opposition parties are worried that the orders would be imposed without a judge."
    assert claim_with(text, "the orders would be imposed").source_type == "named"


@pytest.mark.parametrize(
    ("text", "words", "hedge"),
    [
        (
            'Net attacks\n\n"It does feel like they are turning the dial," said Rhea Moss.',
            "turning the dial",
            "feel like",
        ),
        (
            "Oil deal\n\nThe deal between the two firms is seen as part of a wider plan.",
            "part of a wider plan",
            "seen as",
        ),
        (
            'TV launch\n\n"It is difficult to tell how fast the boxes will sell," said Ivo Rask.',
            "boxes will sell",
            "difficult",
        ),
        ('Cup tie\n\n"Hopefully we can go there and win," said Dan Orme.', "go there and win", "Hopefully"),
        ("Film awards\n\nThe Harbour has been tipped by bookmakers as the favourite.", "favourite", "tipped by"),
    ],
)
def test_impressions_and_tips_are_hedges(text: str, words: str, hedge: str) -> None:
    assert any(hedge.lower() in h.lower() for h in claim_with(text, words).hedges)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Legal advice\n\nThe short statement in March did not suggest this was the case.", "this was the case"),
        ('Legal advice\n\n"He does not believe it was a full summary," said Ivo Rask.', "a full summary"),
        ('Cabinet\n\n"It is just not possible," said Ivo Rask.', "not possible"),
        ('Car jobs\n\nThe firm told the paper that reports of job cuts were "speculation".', "reports of job cuts"),
        (
            "Inquiry\n\nAsked why he thought the warnings were left out, Lord Penn said the dossier was thin.",
            "he thought",
        ),
        ('Budget\n\n"Tell me what you would cut instead, and I will listen," said Ines Marlowe.', "would cut"),
        ("Wind farm\n\nNobody asked the crews what a turbine field would do to their catch, said Dan Orme.", "turbine"),
    ],
)
def test_a_denied_belief_a_ruled_out_possibility_and_a_question_are_not_hedges(text: str, words: str) -> None:
    assert not claim_with(text, words).hedges


def test_a_speakers_own_denied_belief_and_speculation_that_stay_hedges() -> None:
    assert claim_with('Vote\n\n"I don\'t believe it will happen," said Ana Ruiz.', "it will happen").hedges
    assert claim_with("Shares\n\nShares jumped on speculation that the bank will be bought.", "Shares jumped").hedges

"""The attribution engine on invented sentences: every construction news uses to say who said what."""

from __future__ import annotations

import pytest

from indexing.claims import analyze, classify_source, find_hedges
from indexing.claims.quotes import find_quotes
from indexing.models import Claim


def attributed(text: str) -> list[Claim]:
    return [c for c in analyze(text) if c.attributed]


def only(text: str) -> Claim:
    claims = attributed(text)
    assert len(claims) == 1, [(c.source, c.cue, c.text) for c in claims]
    return claims[0]


# --- direct quotes -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        'Mayor Lena Okafor said, "The bridge will reopen in spring."',
        "Mayor Lena Okafor said, \u201cThe bridge will reopen in spring.\u201d",
        "Mayor Lena Okafor said, 'The bridge will reopen in spring.'",
    ],
    ids=["straight-double", "curly-double", "straight-single"],
)
def test_source_first_direct_quote_in_any_quotation_marks(text: str) -> None:
    claim = only(text)
    assert claim.source == "Mayor Lena Okafor"
    assert claim.cue == "said"
    assert claim.quote == "direct"
    assert claim.source_type == "named"
    assert "bridge will reopen" in claim.text
    assert text[claim.start : claim.end] == claim.text


def test_quote_first_with_pronoun_resolved_to_the_named_speaker() -> None:
    text = "Harbour master Tomas Vell inspected the pier on Monday. \u201cThe timbers are rotten,\u201d he added."
    claim = only(text)
    assert claim.source == "he"
    assert claim.speaker == "Tomas Vell"
    assert claim.source_type == "named"
    assert claim.quote == "direct"
    assert claim.cue == "added"


def test_quote_first_with_cue_before_source_and_apposition() -> None:
    claim = only('"We are ready to sign," said Ines Marlow, the union\'s chief negotiator.')
    assert claim.source is not None and claim.source.startswith("Ines Marlow")
    assert claim.quote == "direct"
    assert claim.cue == "said"


def test_quote_interrupted_by_the_cue_is_one_discontinuous_content() -> None:
    text = '"The vote was fair," Ines Marlow said. "Nobody should doubt it."'
    claim = only(text)
    assert len(claim.content_spans) == 2
    pieces = [text[s.start : s.end] for s in claim.content_spans]
    assert pieces[0].startswith('"The vote') and pieces[1].startswith('"Nobody')


def test_quote_running_over_paragraphs() -> None:
    text = (
        'The minister, Aldo Brenn, told parliament: "The reserves are low.\n\n'
        '"We will ration water from June, and the rules will be strict."'
    )
    claim = only(text)
    assert claim.quote == "direct"
    assert claim.end == len(text)
    assert "ration water" in claim.text
    assert find_quotes(text) == [(text.index('"'), len(text))]


def test_closing_mark_printed_after_a_space_closes_the_quote() -> None:
    # BBC News sometimes prints '..., " said X': the quote ends there, and X is its speaker (not the speaker of
    # the story's previous quotation, carried on)
    text = (
        'The party attacked the board. "The board is buckling under pressure from the banks, " party spokesman '
        'Olek Varga said. "The scary fact is that nobody is fined."'
    )
    assert [text[s:e] for s, e in find_quotes(text)] == [
        '"The board is buckling under pressure from the banks, "',
        '"The scary fact is that nobody is fined."',
    ]
    claim = next(c for c in attributed(text) if "buckling" in c.text)
    assert claim.speaker == "Olek Varga"
    assert claim.cue == "said"


def test_a_quotation_whose_closing_mark_was_left_out_ends_with_its_last_sentence() -> None:
    # the paragraphs of Varga's quote are printed on one line and its closing mark is missing before "He added"
    text = (
        'Varga is determined the album will be released. He said: "The injunction is ludicrous. "I signed with a '
        'new label because I had no support. "I was with them a year and released one record. He added: "The '
        'whole world is waiting for this album."'
    )
    quotes = [text[s:e] for s, e in find_quotes(text)]
    assert quotes[0].startswith('"The injunction') and quotes[0].endswith("released one record.")
    claim = next(c for c in attributed(text) if c.cue == "said:")
    assert "I signed with a new label" in claim.text and claim.quote == "direct"


def test_partial_quote_inside_reported_speech_is_direct() -> None:
    claim = only('The coach said the referee had been "completely blind" all evening.')
    assert claim.quote == "direct"
    assert claim.source == "The coach"


# --- indirect speech ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "verb",
    ["said", "told reporters", "stated", "argued", "warned", "noted", "insisted", "denied", "claimed", "emphasized"],
)
def test_reporting_verbs_take_indirect_speech(verb: str) -> None:
    claim = only(f"Councillor Priya Dass {verb} that the depot had never been inspected.")
    assert claim.source == "Councillor Priya Dass"
    assert claim.cue == verb.split()[0]
    assert claim.quote == "indirect"
    assert "depot had never been inspected" in claim.text


def test_according_to() -> None:
    claim = only("The factory will close in March, according to a memo seen by staff.")
    assert claim.cue == "according to"
    assert claim.source == "a memo seen by staff"
    assert claim.text.startswith("The factory will close in March")


def test_possessive_view_is_that() -> None:
    claim = only("Professor Anke Moll's view is that the dam cannot be saved.")
    assert claim.source == "Professor Anke Moll"
    assert "dam cannot be saved" in claim.text


def test_outlet_has_learned() -> None:
    claim = only("The Ledger has learned that the governor will resign.")
    assert claim.source == "The Ledger"
    assert claim.cue == "has learned"
    assert claim.source_type == "named"


def test_as_noted_by_passive_agent() -> None:
    claim = only("This plan, as noted by one engineer, 'ignores the flood risk.'")
    assert claim.source == "one engineer"
    assert claim.source_type == "anonymous"
    assert claim.cue == "noted"


def test_relative_clause_source_is_the_antecedent() -> None:
    text = "The plan was met with doubt by local farmers, who argue that the canal will dry their fields."
    claim = only(text)
    assert claim.source == "local farmers"
    assert text[claim.source_spans[0].start : claim.source_spans[0].end] == "who"  # PolNeAR's convention
    assert claim.source_type == "anonymous"


def test_belief_and_intention_are_attributions() -> None:
    claim = only("Senator Ruth Alder wants to cut the fuel tax.")
    assert claim.source == "Senator Ruth Alder"
    assert claim.cue == "wants"


def test_parenthetical_cue_splits_the_content() -> None:
    text = "The new schedule, the director said, will start in May."
    claim = only(text)
    assert claim.source == "the director"
    assert [text[s.start : s.end] for s in claim.content_spans] == ["The new schedule", "will start in May"]


# --- sources: apposition, resolution, named vs anonymous --------------------------------------
def test_apposition_is_part_of_the_source() -> None:
    claim = only("Dmitri Valk, the port authority spokesman, said the cranes were idle.")
    assert claim.source == "Dmitri Valk, the port authority spokesman"
    assert claim.source_type == "named"


def test_short_name_resolves_to_full_name() -> None:
    claims = attributed("Maria Oyelaran opened the hearing. Later Oyelaran said the fund was empty.")
    assert claims[-1].source == "Oyelaran"
    assert claims[-1].speaker == "Maria Oyelaran"


def test_a_source_set_off_by_commas_mid_sentence_is_the_speaker() -> None:
    # the parser hangs "a source" on "Kelby" as an apposition and leaves "told" without a subject
    text = (
        "Investigators have not ruled out the damaged power line near Kelby, a source close to the inquiry "
        "told the Ledger, although lightning remains the leading theory."
    )
    claim = next(c for c in attributed(text) if c.cue == "told")
    assert claim.source == "a source close to the inquiry" and claim.source_type == "anonymous"
    assert text[claim.start : claim.end].startswith("Investigators have not ruled out")
    # a colon after the verb reports what follows, not the clause before the comma
    text = 'Asked about compensation, the carmaker\'s chief executive Helmut Panke said: "We will solve it first."'
    claim = next(c for c in attributed(text) if c.cue.startswith("said"))
    assert "We will solve it first" in text[claim.start : claim.end]


def test_a_definite_owner_names_a_body_an_indefinite_one_does_not() -> None:
    assert only("The dockers' union said the talks had stalled.").source_type == "named"
    assert only("Her campaign said the figures were wrong.").source_type == "named"
    assert only("A parents' association said the school should stay open.").source_type == "anonymous"


def test_a_pronoun_follows_the_person_the_story_turned_to() -> None:
    # the last speaker was Haddad, but the sentence before the pronoun is about Marlowe, its subject
    text = (
        "Residents packed the first hearing on Mayor Ines Marlowe's budget.\n\n"
        "Fatima Haddad, a mother of three, said the branch library was the only quiet place for homework. "
        '"If you close it, you are closing their classroom," she told the council.\n\n'
        "Marlowe listened for almost four hours before responding. At the end of the hearing she said she was "
        "willing to look again at the library hours."
    )
    claims = attributed(text)
    assert [c.speaker for c in claims if c.source == "she"] == ["Fatima Haddad", "Ines Marlowe"]


def test_a_speaking_it_is_the_organisation_it_points_back_to() -> None:
    text = (
        "Kestrel Mining will get short-term loans from its banks. It estimated that the rescue would cost 300m euros."
    )
    claim = only(text)
    assert (claim.source, claim.speaker, claim.source_type) == ("It", "Kestrel Mining", "named")
    # a description on the way back ("the club") is passed over to the name; a hyphenated name stays whole
    text = "Borussia Vallen is in trouble. The club has debts. It estimated that losses would reach 50m euros."
    assert only(text).speaker == "Borussia Vallen"
    assert only("Mart-Orsay opened 40 stores last year. It said sales rose 5%.").speaker == "Mart-Orsay"
    # the name at the end of a description the subject is joined to
    text = (
        "German football club and former champion Borussia Vallen has warned of losses. "
        "The club's shares fell after it said talks had failed."
    )
    assert next(c for c in attributed(text) if c.source == "it").speaker == "Borussia Vallen"


@pytest.mark.parametrize(
    "text",
    [
        # a thing with no name: the report said it, and there is no name to give
        "The report was published on Monday. It said the scheme had failed.",
        # a person is never "it": a role before the name, or a title elsewhere in the story
        "Analyst Ivo Brandt follows the sector closely. It said the shares were cheap.",
        "Marta Kell runs Kell Foods. It said profits fell. Ms Kell was not available for comment.",
    ],
    ids=["common-noun", "role-before-name", "titled-later"],
)
def test_an_it_with_no_organisation_before_it_keeps_no_speaker(text: str) -> None:
    claim = next(c for c in attributed(text) if c.source == "It")
    assert claim.speaker is None


def test_a_body_described_as_the_company_is_the_organisation_named_before() -> None:
    text = (
        "Kestrel Mining will get short-term loans from its banks. "
        "The company said that it expected profits to recover next year."
    )
    claim = next(c for c in attributed(text) if c.source == "The company")
    assert (claim.speaker, claim.source_type) == ("Kestrel Mining", "named")
    # a part of the body, named with "its", is passed over to the body itself
    text = (
        "Kestrel Media posted higher profits for the year. But its own internet business, Orlo Online, had mixed "
        "fortunes. However, the company said that Orlo's profit rose 8%."
    )
    assert next(c for c in attributed(text) if c.source == "the company").speaker == "Kestrel Media"
    # a modified description may be another body; "the government" is a body of its own; an office holder
    # named before is a person, not the body
    for text in (
        "Kestrel Mining will get short-term loans. The rival company said that the loans were a mistake.",
        "The Harbour Commission will publish its report soon. The government said that it would respond.",
        "Deputy Prime Minister Jon Pressley said reform was needed. The party said rises would be small.",
    ):
        claim = next(
            c for c in attributed(text) if c.source.lower().startswith(("the rival", "the government", "the party"))
        )
        assert claim.speaker is None, text


def test_an_outer_report_keeps_its_content_when_a_nested_one_would_leave_it_empty() -> None:
    text = "It is understood that the board also considered the offer and asked him to reconsider his decision."
    outer = next(c for c in analyze(text) if c.cue == "is understood")
    # the anonymous briefing covers the whole clause, not the word "that"
    assert outer.source_type == "anonymous" and outer.text.endswith("reconsider his decision"), outer.text


def test_an_it_inside_a_quotation_is_not_resolved_to_a_body() -> None:
    text = 'Kestrel Mining cut 200 jobs. "It has hurt us badly," union leader Ana Ruiz said.'
    claim = only(text)
    assert claim.speaker != "Kestrel Mining" and claim.source.endswith("Ana Ruiz")


def test_a_purpose_infinitive_reports_nothing_a_reported_clause_does() -> None:
    text = (
        "The director will reportedly meet executives from Harbor Pictures this week to discuss the 14th film "
        "in the long-running 'haunted pier' series."
    )
    assert not attributed(text)
    (claim,) = analyze(text)
    assert "reportedly" in claim.hedges  # still marked hedged in answers
    assert not [
        c
        for c in attributed("On Tuesday, Mr Ostrow pledged $750m of his money to support the cause.")
        if c.cue.startswith("to ")
    ]
    claim = only("She flew to Paris to tell the board that the deal was off.")
    assert claim.cue == "to tell" and claim.text == "that the deal was off"


def test_attributing_a_cause_is_a_judgement_credited_to_its_subject() -> None:
    claim = only("Analysts attributed the falls in Orsay shares to excessive expectations in some quarters.")
    assert (claim.source, claim.cue, claim.source_type) == ("Analysts", "attributed", "anonymous")
    assert claim.text.startswith("the falls in Orsay shares to excessive")
    # the passive credits the words to the one they are attributed to
    claim = only("The remark was attributed to a junior minister.")
    assert (claim.source, claim.text) == ("a junior minister", "The remark")


def test_a_person_written_by_nationality_or_age_is_the_person_the_story_is_about() -> None:
    # the headline is a sentence of its own (a blank line ends a sentence), so the story's first subject is
    # Moyer, not a headline word; "The Scot" is him, not the striker named after him as an object
    text = (
        "Moyer U-turn on Batty dismissal\n\n"
        "Everton manager Davide Moyer will discipline striker Jon Batty after all.\n\n"
        "The Scot initially defended Batty, saying the defender overreacted. But he has had a rethink after "
        'looking at the video again. He said: "I believe the dismissal was right."'
    )
    claims = attributed(text)
    scot = next(c for c in claims if c.source == "The Scot")
    assert (scot.speaker, scot.source_type) == ("Davide Moyer", "named")
    assert next(c for c in claims if c.source == "He").speaker == "Davide Moyer"
    text = "Harbor winger Tomas Kell has joined Rovers on loan. The 27-year-old said he wanted regular football."
    assert only(text).speaker == "Tomas Kell"
    # with nobody named before it, the description stays as written
    assert only("The Frenchman said the fans were great.").speaker is None


def test_a_role_with_the_persons_name_in_apposition_gives_the_speaker_and_she_follows_her() -> None:
    text = (
        "Campaigners welcomed the deal. Victims' leader Tomas Banning said it was a momentous day. "
        "Harbor Building chairwoman, Meredith Hallam, said the deal was affordable. Mr Banning is ill. "
        '"We are dealing with people who are terminally ill," she said.'
    )
    claims = attributed(text)
    chair = next(c for c in claims if c.source and c.source.startswith("Harbor Building chairwoman"))
    assert chair.speaker == "Meredith Hallam"
    assert next(c for c in claims if c.source == "she").speaker == "Meredith Hallam"


def test_he_and_she_agree_with_the_title_the_story_gives_a_person() -> None:
    # "he" never points to a Ms: the man mentioned just before is the one
    text = "Ana Ruiz met Tomas Kell on Monday. Ms Ruiz said the talks went well. Later he said the talks had failed."
    he = next(c for c in attributed(text) if c.source == "he")
    assert he.speaker == "Tomas Kell"
    # with nobody of that title to go to, the pronoun stays unresolved rather than wrong
    text = "Ms Ruiz said the talks went well. Later he said the talks had failed."
    assert next(c for c in attributed(text) if c.source == "he").speaker is None


def test_a_passive_cue_does_not_borrow_the_subject_of_the_verb_it_is_joined_to() -> None:
    text = (
        "Harbor have already had a three-day session with Leeds, and Varnia are thought to be keen on a "
        "joint camp with Rovers."
    )
    assert not attributed(text), [(c.source, c.cue) for c in attributed(text)]
    (thought,) = [c for c in analyze(text) if c.cue and "thought" in c.cue]
    assert thought.source is None and "are thought to" in thought.hedges


def test_a_blank_line_ends_a_sentence() -> None:
    from indexing.text.nlp import load_nlp

    doc = load_nlp()("Harbor trims port fees\n\nThe Harbor Authority will cut fees by 5% next year.")
    assert [s.text.strip() for s in doc.sents] == [
        "Harbor trims port fees",
        "The Harbor Authority will cut fees by 5% next year.",
    ]


def test_a_figure_with_a_unit_ends_its_sentence() -> None:
    # "$210m." was read as the abbreviation "m.", so the parse ran three sentences together and one claim
    # took all three as its content
    text = (
        "The closures should save more than $210m. In a separate move, the company said it would cut its payout "
        "to shareholders to save $95m. For next year, Mr Ostrow forecast modest growth in sales."
    )
    claims = attributed(text)
    company = next(c for c in claims if c.source == "the company")
    assert "save more than" not in company.text and "cut its payout" in company.text
    forecast = next(c for c in claims if c.cue == "forecast")
    assert forecast.text.startswith("modest growth")


def test_a_quotation_closed_by_a_full_stop_is_not_the_next_cues() -> None:
    text = (
        'Director, Ines Varga, said fees played a part. She told the radio: "Students want good courses. '
        '"They will not come for the fees alone." Mr Olek agreed and said the figures had to be read in context.'
    )
    claims = attributed(text)
    assert [c.speaker for c in claims if "good courses" in c.text] == ["Ines Varga"]
    olek = [c for c in claims if c.source == "Mr Olek"]
    assert olek and all("good courses" not in c.text for c in olek)


def test_a_role_and_the_full_name_after_it_are_one_named_source() -> None:
    # the parser makes "Varga's lawyer" and "Gregory Ostrow" two subjects of "described"
    text = (
        'Varga\'s lawyer Gregory Ostrow described the decision as "not unexpected" but told reporters he did not '
        "expect it so soon."
    )
    claims = attributed(text)
    assert claims and all(c.source_type == "named" and c.speaker == "Gregory Ostrow" for c in claims), [
        (c.source, c.speaker, c.source_type) for c in claims
    ]


def test_a_capitalised_role_named_in_apposition_is_that_person() -> None:
    assert only("Director, Ines Varga, said fees played a part.").speaker == "Ines Varga"


def test_a_person_named_inside_a_quotation_is_not_its_speaker() -> None:
    text = (
        "After the match, Ivo Brankov accused Daniel Ostrow of starting the row. "
        '"Daniel Ostrow is 6ft 4in and was having a go at our youngest player," he said.'
    )
    claim = next(c for c in attributed(text) if c.source == "he")
    assert claim.speaker == "Ivo Brankov"


@pytest.mark.parametrize(
    "sentence",
    [
        "A source within the ministry said the talks had stalled.",
        "Sources close to the club said the talks had stalled.",
        "One expert said the talks had stalled.",
        "Officials said the talks had stalled.",
        "Analysts said the talks had stalled.",
        "Critics said the talks had stalled.",
        "People familiar with the matter said the talks had stalled.",
        "A residents' group in the Eastport district said the talks had stalled.",
    ],
)
def test_anonymous_sources(sentence: str) -> None:
    claim = only(sentence)
    assert claim.source_type == "anonymous", claim.source
    assert "talks had stalled" in claim.text


def test_it_is_understood_is_anonymous_without_a_source() -> None:
    claim = only("It is understood that the talks had stalled.")
    assert claim.source is None
    assert claim.source_type == "anonymous"
    assert claim.cue == "is understood"


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("Dmitry Peskov, the Kremlin spokesman", "named"),
        ("the Clinton campaign", "named"),
        ("the State Department", "named"),
        ("a senior official", "anonymous"),
        ("sources close to the minister", "anonymous"),
        ("analysts", "anonymous"),
        ("one expert", "anonymous"),
        ("people familiar with the matter", "anonymous"),
        ("Bank of Valmora", "named"),  # a body named in its of-phrase, no article
        ("Ministry of Fisheries", "named"),
        ("officials of the Bank of Valmora", "anonymous"),
        ("a bank of the city", "anonymous"),
    ],
)
def test_classify_source(mention: str, expected: str) -> None:
    assert classify_source(mention) == expected


# --- hedges --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "hedges"),
    [
        ("The levee may fail.", ["may"]),
        ("The levee might fail and could flood the town, which would be costly.", ["might", "could", "would"]),
        ("Tests suggest the water is safe; it appears clean and seems fine.", ["suggest", "appears", "seems"]),
        ("Early figures indicate a fall.", ["indicate"]),
        ("Reports indicate a fall.", ["Reports indicate"]),
        ("The mayor reportedly resigned after allegedly taking bribes.", ["reportedly", "allegedly"]),
        ("It is possibly the likely cause of a potential outage.", ["possibly", "likely", "potential"]),
        ("The bill is expected to pass; its author is believed to be ill.", ["is expected to", "is believed to"]),
        ("Recent predictions suggesting a drought worry farmers.", ["predictions suggesting"]),
        ("Theresa May spoke in May.", []),
        ("The bridge reopened on Tuesday.", []),
        # what analysts read as hedged (two question writers, independently)
        ("The captain should be fit for Saturday's match.", ["should"]),
        ("The firm expects profits to fall and hopes to sell the unit.", ["expects", "hopes"]),
        ('"I think we\'ll reach a good agreement," he said.', ["I think"]),
    ],
)
def test_find_hedges(text: str, hedges: list[str]) -> None:
    assert find_hedges(text) == hedges


def test_hedged_attributed_claim_keeps_its_hedges() -> None:
    claim = only("The minister said the plant could close.")
    assert claim.hedges == ["could"]


def test_hedge_on_the_cue_counts() -> None:
    claim = only("The minister reportedly said the plant will close.")
    assert "reportedly" in claim.hedges


# --- the journalist's voice ------------------------------------------------------------------
def test_unattributed_sentences_come_back_with_their_hedges() -> None:
    claims = analyze("The storm may reach the coast tonight. Schools closed early.")
    assert [c.source_type for c in claims] == ["unattributed", "unattributed"]
    assert claims[0].hedges == ["may"] and claims[1].hedges == []
    assert all(c.source is None and c.cue is None and c.quote == "none" for c in claims)


def test_empty_text_has_no_claims() -> None:
    assert analyze("") == [] and analyze("   \n") == []


def test_offsets_point_into_the_text() -> None:
    text = 'Residents said the water tasted odd. "It smells of metal," one resident told us. Tests may follow.'
    for claim in analyze(text):
        assert claim.start is not None and claim.end is not None
        for span in claim.content_spans + claim.source_spans + claim.cue_spans:
            assert 0 <= span.start < span.end <= len(text)
        assert text[claim.content_spans[0].start : claim.content_spans[0].end] in claim.text


# --- learned cue detector (indexing/claims/cue_model.json) ------------------------------
def test_transcript_name_colon_is_an_attribution() -> None:
    text = "Moderator Ellen Park: Tonight we talk about the harbor tunnel and its budget."
    claims = attributed(text)
    assert claims, "the 'Name:' line was not read as an attribution"
    claim = claims[0]
    assert claim.source == "Moderator Ellen Park"
    assert claim.cue == ":"
    assert claim.text.startswith("Tonight we talk about the harbor tunnel")


def test_verb_outside_the_hand_lexicon_with_an_object_as_content() -> None:
    claim = only("Senator Ruth Aldana slammed the harbor tunnel budget on Tuesday.")
    assert claim.source == "Senator Ruth Aldana"
    assert claim.cue == "slammed"
    assert "harbor tunnel budget" in claim.text


def test_apposition_comma_belongs_to_the_source_span_but_not_to_the_source() -> None:
    text = "Dmitri Valk, the port authority spokesman, said the tunnel would open in May."
    claim = only(text)
    assert claim.source == "Dmitri Valk, the port authority spokesman"
    assert text[claim.source_spans[0].start : claim.source_spans[0].end] == "Dmitri Valk, the port authority spokesman,"


def test_nested_attribution_keeps_its_own_claim() -> None:
    text = (
        "Governor Ines Morales said on Monday that the tunnel was safe, "
        "while the union argued that workers had not been paid."
    )
    claims = attributed(text)
    sources = {c.source for c in claims}
    assert "Governor Ines Morales" in sources
    assert "the union" in sources
    gov = next(c for c in claims if c.source == "Governor Ines Morales")
    assert "workers had not been paid" not in gov.text


def test_a_learned_verb_with_a_subject_that_cannot_speak_is_no_attribution() -> None:
    """'pushed' is a cue in 'the union pushed for', never in 'winds pushed the flames'."""
    assert not [c for c in analyze("Winds pushed the flames towards the valley.") if c.attributed]
    kept = [c for c in analyze("Firefighters said winds pushed the flames towards the valley.") if c.attributed]
    assert [c.source for c in kept] == ["Firefighters"]


def test_cue_span_takes_the_governing_verb_and_to() -> None:
    """PolNeAR convention (train: 46 of 49 cues after an infinitive "to" include it): "went on to say"."""
    claim = only("The harbour master went on to say that the channel had been dredged.")
    assert claim.cue == "went on to say"
    assert claim.text == "that the channel had been dredged"


def test_cue_span_takes_a_day_right_after_the_verb() -> None:
    claim = only("The harbour master said Sunday that the channel had been dredged.")
    assert claim.cue == "said Sunday"
    assert claim.source == "The harbour master"

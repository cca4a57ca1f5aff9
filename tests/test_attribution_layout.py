"""Attributions that the text's layout carries rather than a reporting verb: quotations signed off with a
dash, posts signed with a handle, transcript speaker lines, and reporting gerunds after a preposition."""

from __future__ import annotations

import pytest

from indexing.claims import analyze
from indexing.claims.signoffs import find_sign_offs
from indexing.models import Claim


def attributed(text: str) -> list[Claim]:
    return [c for c in analyze(text) if c.attributed]


def spans(text: str, claim: Claim) -> tuple[str, str, str]:
    def join(pieces) -> str:
        return " | ".join(text[s.start : s.end] for s in pieces)

    return join(claim.source_spans), join(claim.cue_spans), join(claim.content_spans)


# --- sign-offs -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "dash", "name"),
    [
        ("\u201cThe ferry fares hurt every family on the island.\u201d \u2015 Lena Okafor", "\u2015", "Lena Okafor"),
        ('"It is a fair plan and long overdue." \u2014 Marcus Bell, a retired teacher', "\u2014", "Marcus Bell"),
        ('"I have never seen prices like this." -- Priya Natarajan.', "--", "Priya Natarajan"),
        ('"We helped write that rule."\n\n- Sen. Ana Ruiz.\n\nThe claim overstates her role.', "-", "Sen. Ana Ruiz"),
    ],
    ids=["horizontal-bar", "em-dash-apposition", "double-hyphen", "hyphen-next-paragraph"],
)
def test_a_quotation_signed_off_with_a_dash_belongs_to_the_name(text: str, dash: str, name: str) -> None:
    claims = attributed(text)
    assert len(claims) == 1, [(c.source, c.cue, c.text) for c in claims]
    claim = claims[0]
    assert claim.source == name
    assert claim.cue == dash
    assert claim.source_type == "named"
    assert claim.quote == "direct"
    source, cue, content = spans(text, claim)
    assert (source, cue) == (name, dash)
    assert content[0] in '"\u201c' and content[-1] in '"\u201d'  # the whole quotation, marks included


def test_a_post_signed_with_a_handle_is_its_authors_claim() -> None:
    text = "<tweet>Ferry cancelled again this morning, third time this week. \u2014 Tom Reyes (@tomreyes) May 4, 2026</tweet>"
    claims = attributed(text)
    assert len(claims) == 1
    source, cue, content = spans(text, claims[0])
    assert source == "Tom Reyes (@tomreyes)"
    assert cue == "\u2014"
    assert content == "Ferry cancelled again this morning, third time this week."


@pytest.mark.parametrize(
    "text",
    [
        "He was a well-known - and Loud - critic of the plan.",
        "The vote went 5-4 - Smith voted against it.",
        '"We will win," \u2014 Then Ruiz said nothing at all.',
        "The harbour is quiet \u2014 Boats stay in port until Friday.",
        "Ferry cancelled again this morning. \u2014 Tom Reyes",  # unquoted text needs a handle
    ],
    ids=["hyphen-in-prose", "score-dash", "sentence-after-dash", "capital-after-dash", "unquoted-without-handle"],
)
def test_a_dash_in_running_prose_is_no_sign_off(text: str) -> None:
    assert find_sign_offs(text) == []


def test_several_readers_on_one_line_each_keep_their_own_quotation() -> None:
    text = (
        "\u201cThe plan ignores the fishing families.\u201d \u2015 Rosa Lind "
        "\u201cFinally someone fixed the timetable.\u201d \u2015 Karl Moreau"
    )
    claims = attributed(text)
    assert [(c.source, c.text) for c in claims] == [
        ("Rosa Lind", "\u201cThe plan ignores the fishing families.\u201d"),
        ("Karl Moreau", "\u201cFinally someone fixed the timetable.\u201d"),
    ]


# --- transcripts ---------------------------------------------------------------------------
TRANSCRIPT = (
    "The mayor faced questions on the budget. Partial transcript as follows:\n\n"
    '"HOLT: Let me start with the budget. Why did you vote against it?\n\n'
    '"MARSH: Well, look, the numbers never added up. The tunnel alone costs more than the school plan.\n\n'
    '"And the school plan was cheaper.\n\n'
    '"(CROSSTALK.)\n\n'
    '"HOLT: But the council approved it anyway.'
)


def test_each_speaker_line_of_a_quoted_transcript_is_that_speakers_turn() -> None:
    claims = [c for c in attributed(TRANSCRIPT) if c.cue == ":"]
    assert [c.source for c in claims] == ["HOLT", "MARSH", "HOLT"]
    assert all(c.quote == "direct" and c.source_type == "named" for c in claims)
    holt, marsh, holt_again = claims
    assert holt.text == "Let me start with the budget. Why did you vote against it?"
    # the turn runs on over the paragraphs that reopen the quotation, up to the stage direction
    assert marsh.text.startswith("Well, look, the numbers never added up.")
    assert marsh.text.endswith("And the school plan was cheaper.")
    assert "CROSSTALK" not in marsh.text
    assert holt_again.text == "But the council approved it anyway."


def test_the_line_introducing_a_transcript_does_not_take_a_speakers_turn() -> None:
    claims = attributed(TRANSCRIPT)
    for claim in claims:
        if claim.cue != ":":
            assert "Why did you vote against it" not in claim.text, (claim.source, claim.cue)


# --- reporting gerunds after a preposition ---------------------------------------------------
@pytest.mark.parametrize(
    ("text", "source", "content"),
    [
        (
            "The harbour master opened the meeting by saying the pier was safe.",
            "The harbour master",
            "the pier was safe",
        ),
        ("After saying her knee was fine, the striker left the pitch.", "the striker", "her knee was fine"),
        (
            'Senator Ruiz would not discuss the deal, aside from saying it was "not finished."',
            "Senator Ruiz",
            'it was "not finished."',
        ),
        (
            "Dara Cole answered the report by arguing that the figures were old.",
            "Dara Cole",
            "that the figures were old",
        ),
    ],
    ids=["by", "after-fronted", "aside-from", "by-arguing"],
)
def test_a_reporting_gerund_after_a_preposition_speaks_for_the_clauses_subject(
    text: str, source: str, content: str
) -> None:
    claims = [c for c in attributed(text) if c.cue and c.cue.split()[-1].endswith("ing")]
    assert claims, [(c.source, c.cue, c.text) for c in attributed(text)]
    assert claims[0].source == source
    assert claims[0].text == content


# --- quotations printed without paragraph breaks ----------------------------------------------
def test_a_multi_paragraph_quote_run_onto_one_line_stays_one_quotation() -> None:
    # BBC News prints a quote's paragraphs on one line: each reopens with a mark, only the last one closes
    text = (
        '"The pier is older than anyone thought," said engineer Ines Marlow. "The timbers are soft. '
        '"We told the council in May that the crane must stop."'
    )
    claims = attributed(text)
    assert len(claims) == 1, [(c.source, c.cue, c.text) for c in claims]
    claim = claims[0]
    assert claim.source == "engineer Ines Marlow"
    assert claim.quote == "direct"
    # the first paragraph of the continuation is the engineer's too, not the journalist's voice
    assert "The timbers are soft." in claim.text
    assert claim.text.endswith('the crane must stop."')
    unattributed = [c for c in analyze(text) if not c.attributed]
    assert not any("timbers" in c.text for c in unattributed)


def test_quote_first_cue_owns_the_quote_before_it_and_the_quote_after_it() -> None:
    # the parser hangs the quoted clause on "said" as an adverbial clause; the quote after the full stop
    # continues it, and a verb inside the quotation ("concede") is no attribution of its own
    text = (
        'Coach Dana Whitlow was blunt. "If you play like we did and concede two goals you will lose," she said. '
        '"We have to be better. "We will work on it this week."'
    )
    claims = attributed(text)
    assert [(c.source, c.cue) for c in claims] == [("she", "said")]
    claim = claims[0]
    assert claim.speaker is not None and claim.speaker.endswith("Dana Whitlow")
    assert claim.text.startswith('"If you play like we did')
    assert claim.text.endswith('"We will work on it this week."')


@pytest.mark.parametrize("adjunct", ["in her ruling", "told reporters on Monday", "said in a statement"])
def test_a_quote_continues_after_the_cues_own_adjuncts(adjunct: str) -> None:
    cue = adjunct if adjunct.startswith(("told", "said")) else f"said {adjunct}"
    text = f'"The permit was issued in error," Judge Ona Reis {cue}. "The works must stop at once."'
    claims = attributed(text)
    assert len(claims) == 1, [(c.source, c.cue, c.text) for c in claims]
    assert claims[0].source == "Judge Ona Reis"
    assert claims[0].text.endswith('"The works must stop at once."')


def test_a_quote_after_another_clause_is_not_a_continuation() -> None:
    text = '"The permit was issued in error," Judge Ona Reis said, before the mayor spoke. "We will appeal."'
    reis = [c for c in attributed(text) if c.source == "Judge Ona Reis"]
    assert reis and "We will appeal" not in reis[0].text


def test_a_capitalised_word_inside_a_name_is_no_cue() -> None:
    text = "Mr Hale, who runs the North East Says No campaign, said he was not convinced by the plan."
    claims = attributed(text)
    assert [(c.source, c.cue) for c in claims] == [("Mr Hale", "said")]
    assert claims[0].text == "he was not convinced by the plan"


def test_a_title_case_headline_keeps_its_cue() -> None:
    claims = attributed("Mayor Says Bridge Will Reopen In Spring")
    assert claims and claims[0].cue == "Says"

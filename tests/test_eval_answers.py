"""Answers files as other tools export them: the documented field mappings of `newsqa eval --answers`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.answers import SystemAnswer, read_answers
from eval.refusals import REFUSAL_PHRASES, WEAK_REFUSAL_PHRASES, looks_like_refusal
from indexing.errors import BadInputError

QUESTIONS = {"Why was the Kessler Bridge closed?": "bridge-why", "Who designed the Kessler Bridge?": "no-designer"}
PASSAGE = "The Kessler Bridge was closed to all traffic on Monday after a routine inspection found cracks in one of its piers."
URL = "https://harborgazette.example/2026/10/20/kessler-bridge-closed"


def _read(tmp_path: Path, content: object, name: str = "answers.json") -> dict:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(r) + "\n" for r in content), encoding="utf-8")  # type: ignore[union-attr]
    else:
        path.write_text(json.dumps(content, indent=1), encoding="utf-8")
    return read_answers(path, QUESTIONS)


def test_langchain_retrieval_qa_is_matched_by_question_and_its_documents_are_the_sources(tmp_path: Path) -> None:
    row = {
        "query": "Why was the Kessler Bridge closed?",
        "result": "Inspectors found cracks in one of its piers.",
        "source_documents": [
            {
                "id": None,
                "page_content": PASSAGE,
                "type": "Document",
                "metadata": {
                    "source": "corpus/sample/harbor-gazette/a.md",
                    "title": "Kessler Bridge shut",
                    "start_index": 12,
                },
            },
            {
                "page_content": "Another passage.",
                "metadata": {"source": "corpus/sample/harbor-gazette/b.md"},
                "type": "Document",
            },
        ],
    }
    answer = _read(tmp_path, [row])["bridge-why"]
    assert answer.answer == "Inspectors found cracks in one of its piers."
    assert [(c.id, c.text, c.source_path, c.start) for c in answer.citations] == [
        (1, PASSAGE, "corpus/sample/harbor-gazette/a.md", 12),
        (2, "Another passage.", "corpus/sample/harbor-gazette/b.md", None),
    ]
    assert [p.source_path for p in answer.retrieved] == [
        "corpus/sample/harbor-gazette/a.md",
        "corpus/sample/harbor-gazette/b.md",
    ]
    assert answer.refused is None


def test_langchain_retrieval_chain_and_serialised_documents(tmp_path: Path) -> None:
    rows = [
        {
            "case_id": "bridge-why",
            "input": "Why was the Kessler Bridge closed?",
            "answer": "Cracks were found.",
            "context": [
                {
                    "lc": 1,
                    "type": "constructor",
                    "id": ["langchain", "schema", "document", "Document"],
                    "kwargs": {"page_content": PASSAGE, "metadata": {"source": "a.md", "title": "Kessler Bridge shut"}},
                }
            ],
        },
        {"question": "Who designed the Kessler Bridge?", "answer": "I don't know.", "sources": "a.md, b.md"},
    ]
    answers = _read(tmp_path, rows, "answers.jsonl")
    assert (
        answers["bridge-why"].citations[0].text == PASSAGE
        and answers["bridge-why"].citations[0].title == "Kessler Bridge shut"
    )
    # RetrievalQAWithSourcesChain: `sources` is a string of file names, without text (the corpus supplies it).
    assert [(c.id, c.source_path, c.text) for c in answers["no-designer"].citations] == [
        (1, "a.md", ""),
        (2, "b.md", ""),
    ]
    assert answers["no-designer"].is_refusal


def test_llamaindex_citation_query_engine_numbers_its_sources(tmp_path: Path) -> None:
    row = {
        "case_id": "bridge-why",
        "response": "Inspectors found cracks [2].",
        "source_nodes": [
            {"node": {"id_": "n1", "text": "Source 1:\nUnrelated.", "metadata": {"file_path": "x.md"}}, "score": 0.8},
            {
                "node": {
                    "id_": "n2",
                    "text": f"Source 2:\n{PASSAGE}",
                    "metadata": {"file_name": "a.md"},
                    "start_char_idx": 5,
                    "end_char_idx": 90,
                },
                "score": 0.7,
            },
        ],
        "metadata": None,
    }
    answer = _read(tmp_path, {"answers": [row]})["bridge-why"]
    assert [(c.id, c.text, c.source_path, c.start, c.end) for c in answer.citations] == [
        (1, "Unrelated.", "x.md", None, None),
        (2, PASSAGE, "a.md", 5, 90),
    ]


def test_openai_chat_completion_url_citations_become_numbered_citations(tmp_path: Path) -> None:
    content = f"The bridge closed after cracks were found ([harborgazette.example]({URL}?utm_source=openai))."
    start = content.index("([")
    row = {
        "case_id": "bridge-why",
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "annotations": [
                        {
                            "type": "url_citation",
                            "url_citation": {
                                "start_index": start,
                                "end_index": len(content) - 1,
                                "url": URL,
                                "title": "Kessler Bridge shut",
                            },
                        }
                    ],
                },
            }
        ],
    }
    answer = _read(tmp_path, [row])["bridge-why"]
    assert answer.answer == "The bridge closed after cracks were found [1]."
    assert [(c.id, c.url, c.title, c.text) for c in answer.citations] == [(1, URL, "Kessler Bridge shut", "")]


def test_openai_assistants_file_citations_keep_their_quote(tmp_path: Path) -> None:
    value = "The bridge closed after cracks were found【4:0†source】."
    marker = "【4:0†source】"
    row = {
        "case_id": "bridge-why",
        "role": "assistant",
        "content": [
            {
                "type": "text",
                "text": {
                    "value": value,
                    "annotations": [
                        {
                            "type": "file_citation",
                            "text": marker,
                            "start_index": value.index(marker),
                            "end_index": value.index(marker) + len(marker),
                            "file_citation": {"file_id": "file-abc", "quote": PASSAGE},
                        }
                    ],
                },
            }
        ],
    }
    answer = _read(tmp_path, [row])["bridge-why"]
    assert answer.answer == "The bridge closed after cracks were found [1]."
    assert answer.citations[0].text == PASSAGE


def test_openai_responses_file_citation_by_index(tmp_path: Path) -> None:
    text = "The bridge closed after cracks were found. The city will pay."
    row = {
        "case_id": "bridge-why",
        "output": [
            {"type": "file_search_call", "id": "fs_1"},
            {
                "type": "message",
                "content": [
                    {
                        "type": "output_text",
                        "text": text,
                        "annotations": [
                            {
                                "type": "file_citation",
                                "index": text.index(". The"),
                                "file_id": "file-1",
                                "filename": "2026-10-20-kessler-bridge-closure.md",
                            }
                        ],
                    }
                ],
            },
        ],
    }
    answer = _read(tmp_path, [row])["bridge-why"]
    assert answer.answer == "The bridge closed after cracks were found [1]. The city will pay."
    assert answer.citations[0].source_path == "2026-10-20-kessler-bridge-closure.md"


def test_a_record_without_a_case_id_or_a_known_question_is_rejected_by_line(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match=r"answers.jsonl:2: invalid answer at id"):
        _read(
            tmp_path,
            [{"case_id": "bridge-why", "answer": "x"}, {"query": "What is the weather?", "result": "Sunny."}],
            "answers.jsonl",
        )


def test_a_top_level_id_that_is_no_case_falls_back_to_the_question(tmp_path: Path) -> None:
    answers = _read(
        tmp_path, [{"id": "run-42", "question": "Who designed the Kessler Bridge?", "answer": "Unanswerable"}]
    )
    assert set(answers) == {"no-designer"} and answers["no-designer"].is_refusal


@pytest.mark.parametrize("example", [e for _, e in REFUSAL_PHRASES + WEAK_REFUSAL_PHRASES])
def test_refusals_in_other_words_are_refusals(example: str) -> None:
    assert looks_like_refusal(example)
    assert not SystemAnswer(id="x", answer=example, refused=False).is_refusal  # an explicit `refused` wins


@pytest.mark.parametrize(
    "answer",
    [
        "Nasser did not give a date for reopening [1].",
        "The deal does not cover night shifts [1].",
        "The report does not mention casualties, the ministry said [2].",
        "Officials could not say when the port would reopen.[^1]",
    ],
)
def test_an_answer_that_reports_what_a_source_did_not_say_is_not_a_refusal(answer: str) -> None:
    assert not looks_like_refusal(answer)

"""The answers the suite scores, from newsqa or from any other system.

Another system's answers come as JSONL (one object per line), or as one JSON array / object
holding them (``docs/eval.md``). newsqa's own shape::

    {"id": "case-1", "answer": "Maria Okafor said ... [1].",
     "citations": [{"id": 1, "text": "the cited passage", "source_path": "a/b.md", "start": 10, "end": 90,
                    "outlet": "Harbor Gazette", "published_at": "2026-09-14"}],
     "refused": false,
     "retrieved": [{"text": "...", "source_path": "a/b.md", "start": 0, "end": 400}]}

Only the case id and the answer text are required. ``refused`` defaults to a phrase check of the
answer; ``retrieved`` (ranked passages) enables the retrieval metrics. Unknown fields are ignored,
so newsqa's own ``ask --json`` output with an ``id`` added also reads.

Other tools' dumps are read through documented field mappings (``normalise_record``):
LangChain (``result`` / ``answer`` with ``source_documents`` / ``context`` of
``{"page_content", "metadata"}``), LlamaIndex (``response`` with ``source_nodes`` of
``{"node": {"text", "metadata"}, "score"}``; CitationQueryEngine's "Source N:" numbering), a
``sources`` / ``references`` list, and OpenAI ``annotations`` (Chat Completions, Responses,
Assistants). A record without a case id is matched to its case by its question.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.models import Answer, SearchResult
from indexing.errors import BadInputError

__all__ = [
    "REFUSAL_PHRASES",
    "WEAK_REFUSAL_PHRASES",
    "CitedPassage",
    "RetrievedPassage",
    "SystemAnswer",
    "from_newsqa",
    "looks_like_refusal",
    "normalise_record",
    "read_answers",
]


class RetrievedPassage(BaseModel):
    """A passage a system retrieved (ranked by list position) or cited."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(default="", description="The passage text.")
    source_path: str | None = Field(
        default=None, description="The article's file, relative to the corpus root or ending with it."
    )
    article_id: str | None = None
    title: str | None = None
    url: str | None = Field(default=None, description="The article's address; an answer may cite it by URL.")
    outlet: str | None = Field(default=None, description="Publishing outlet of the article.")
    published_at: str | None = Field(default=None, description="Publication date (ISO), as an answer may cite it.")
    start: int | None = Field(default=None, ge=0, description="Passage start offset in the article body.")
    end: int | None = Field(default=None, ge=0, description="Passage end offset in the article body.")


class CitedPassage(RetrievedPassage):
    id: int = Field(ge=0, description="The n of the [n] markers that cite this passage.")
    whole_article: bool = Field(
        default=False, description="The text is the whole cited article, taken from the corpus (the answer gave none)."
    )

    @property
    def evidence(self) -> str:
        """What the support measure reads: the passage, headed by its outlet and date when known
        (an answer may say "(Harbor Gazette, 2026-09-14)", which the citation itself supports)."""
        header = ", ".join(x for x in (self.outlet, self.published_at) if x)
        return f"({header}) {self.text}" if header else self.text


class SystemAnswer(BaseModel):
    """One system's answer to one eval case, in the form the metrics read."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, description="The eval case id.")
    answer: str = ""
    citations: list[CitedPassage] = Field(default_factory=list)
    refused: bool | None = Field(default=None, description="Null: decided from the answer's wording.")
    retrieved: list[RetrievedPassage] = Field(default_factory=list, description="Ranked passages, best first.")
    error: str | None = Field(default=None, description="Set when producing the answer failed.")
    latency_ms: float | None = None

    @property
    def is_refusal(self) -> bool:
        return self.refused if self.refused is not None else looks_like_refusal(self.answer)


_SOURCES = (
    r"(?:the |these |those |my |your |our )?(?:provided |given |available |retrieved |indexed |supplied |attached |above |following )?"
    r"(?:documents?|articles?|sources?|context|passages?|texts?|corpus|news|search results|excerpts?|materials?|information)"
    r"(?: (?:provided|given|available|retrieved|supplied|above|i have|at hand|you (?:gave|provided)))?"
)
# How answers say they cannot answer, each with an example (tests/test_eval_matching.py reads them all).
# Any of these in the first 400 characters makes the answer a refusal.
REFUSAL_PHRASES: list[tuple[str, str]] = [
    (
        r"\bi (?:do not|don't|cannot|can't|could not|couldn't|am unable to|was unable to|am not able to) (?:know|find|answer|say|tell|determine|locate)",
        "I don't know.",
    ),
    (
        r"\b(?:cannot|can't|could not|couldn't|unable to|not able to) (?:be )?(?:answer(?:ed)?|find|found|determine[d]?|locate[d]?)\b",
        "The question cannot be answered from these articles.",
    ),
    (
        (
            r"\bno (?:relevant |specific |such )?(?:information|articles?|passages?|evidence|reports?|mention|details|data|results|sources?|documents?)"
            r" (?:about|on|of|regarding|that|concerning|was found|were found|could be found|is available|are available|found|available)"
        ),
        "No relevant information was found.",
    ),
    (
        (
            r"\b(?:there is|there's|there are|i have|i found|i've found|i see) no (?:relevant |specific )?"
            r"(?:information|mention|evidence|data|details|record|reference|answer)"
        ),
        "There is no information about a ransom in the sources.",
    ),
    (
        rf"\b{_SOURCES} (?:does|do|did)(?: not|n't) (?:contain|mention|say|cover|support|answer|address|provide|include|state|specify|discuss|give|report|indicate|tell)",
        "The provided documents do not mention who designed the bridge.",
    ),
    (
        rf"\bnot (?:covered|mentioned|found|addressed|discussed|specified|stated|reported|available|given) (?:in|by) {_SOURCES}",
        "The designer is not mentioned in the provided articles.",
    ),
    (r"\bnothing in the (?:corpus|articles|sources|documents|context|passages)", "Nothing in the articles says so."),
    (
        rf"\bnone of {_SOURCES} (?:mentions?|says?|covers?|contains?|discuss(?:es)?|reports?|address(?:es)?|answers?)\b",
        "None of the articles mentions a football stadium.",
    ),
    (
        r"\b(?:insufficient|not enough) (?:information|context|evidence|data)",
        "There is not enough information to answer.",
    ),
    (
        r"\boutside (?:the scope of |of )?(?:the |these |my )?(?:provided |given )?(?:corpus|articles|sources|documents|context)",
        "That is outside the provided documents.",
    ),
    (r"^\s*(?:unknown|unanswerable|no answer|n/?a)\.?\s*$", "Unanswerable"),
]
# These count only in a sentence that cites nothing: "The deal does not cover night shifts [1]." is an answer.
WEAK_REFUSAL_PHRASES: list[tuple[str, str]] = [
    (
        r"\b(?:does|do)(?: not|n't) (?:contain|mention|say|cover|support|answer|address)\b",
        "That does not say when the bridge reopens.",
    ),
    (r"\bnot (?:covered|mentioned|found) in\b", "The ransom is not mentioned in what I retrieved."),
]
_REFUSAL = re.compile("|".join(f"(?:{pattern})" for pattern, _ in REFUSAL_PHRASES), re.IGNORECASE)
_WEAK_REFUSAL = re.compile("|".join(f"(?:{pattern})" for pattern, _ in WEAK_REFUSAL_PHRASES), re.IGNORECASE)
_CITES = re.compile(r"\[\^?\s*\d|【|[¹²³⁴⁵⁶⁷⁸⁹⁰]|https?://|\(\s*(?:source\s*)?\d{1,3}\s*\)", re.IGNORECASE)


def looks_like_refusal(text: str) -> bool:
    """An empty answer, or one whose first 400 characters say the sources do not hold the answer."""
    stripped = text.strip()
    if not stripped:
        return True
    head = stripped[:400]
    if _REFUSAL.search(head):
        return True
    return any(_WEAK_REFUSAL.search(s) and not _CITES.search(s) for s in re.split(r"(?<=[.!?])\s+|\n+", head))


# --- other tools' shapes --------------------------------------------------------------------------------

# Where the answer text lives, in the order tried.
_ANSWER_FIELDS = (
    "answer",
    "result",
    "response",
    "output_text",
    "output",
    "text",
    "content",
    "completion",
    "generation",
)
# Lists of cited sources, in the order tried (the first present wins).
_CITATION_LISTS = (
    "citations",
    "sources",
    "references",
    "source_documents",
    "source_nodes",
    "context",
    "documents",
    "contexts",
)
# Lists that are also the retrieved passages, ranked (when no `retrieved` is given).
_RETRIEVED_LISTS = ("retrieved", "source_documents", "source_nodes", "context", "contexts", "retrieved_contexts")
_QUESTION_FIELDS = ("question", "query", "input", "query_str", "user_input", "prompt")
_CASE_ID_FIELDS = ("case_id", "question_id", "qid", "id")


def _first(mapping: Mapping[str, Any], names: Iterable[str]) -> Any:
    for name in names:
        value = mapping.get(name)
        if value not in (None, "", []):
            return value
    return None


def _text_of(value: Any) -> str | None:
    """A string, or the text inside LangChain / LlamaIndex / OpenAI message objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in ("text", "content", "value", "response", "answer", "output_text"):
            inner = value.get(key)
            if isinstance(inner, (str, Mapping)):
                found = _text_of(inner)
                if found is not None:
                    return found
    return None


def _metadata(item: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for holder in (item.get("kwargs"), item.get("node"), item.get("document"), item):
        if isinstance(holder, Mapping):
            for key in ("metadata", "extra_info", "meta"):
                if isinstance(holder.get(key), Mapping):
                    meta = {**holder[key], **meta}
    return meta


def _passage_fields(item: Any, position: int, strings_are_text: bool = False) -> dict[str, Any] | None:
    """One source in any of the documented shapes -> the fields of a ``CitedPassage`` (id: its n)."""
    if isinstance(item, str):
        text = item.strip()
        if not text:
            return None
        if strings_are_text:
            return {"id": position, "text": text}
        url = text if re.match(r"https?://", text) else None
        path = text if not url and re.search(r"\.(?:md|txt|json|jsonl|html?|xml|pdf)$", text) else None
        return {"id": position, "text": "", "url": url, "source_path": path, "title": None if (url or path) else text}
    if not isinstance(item, Mapping):
        return None
    node = item.get("node") if isinstance(item.get("node"), Mapping) else None
    kwargs = item.get("kwargs") if isinstance(item.get("kwargs"), Mapping) else None
    holder = node or kwargs or item
    meta = _metadata(item)
    text = _first(holder, ("text", "page_content", "content", "passage", "snippet", "quote", "chunk", "excerpt"))
    text = _text_of(text) or ""  # no text found (None) is "" for every use below
    ident = item.get("id")
    if isinstance(ident, str) and ident.strip().isdigit():
        ident = int(ident)
    if not isinstance(ident, int) or isinstance(ident, bool):
        ident = position
    numbered = re.match(r"\s*Source\s+(\d{1,3})\s*:\s*\n?", text or "")  # LlamaIndex CitationQueryEngine
    if numbered:
        ident, text = int(numbered.group(1)), text[numbered.end() :]

    def pick(*names: str) -> Any:
        for source in (holder, item, meta):
            value = _first(source, names)
            if value is not None:
                return value
        return None

    source = pick("source_path", "file_path", "path", "source", "filename", "file_name")
    url = pick("url", "link", "href")
    if isinstance(source, str) and re.match(r"https?://", source):
        url, source = url or source, None
    start = pick("start", "start_char_idx", "start_index")
    end = pick("end", "end_char_idx", "end_index")
    if isinstance(start, int) and not isinstance(end, int) and isinstance(text, str) and text:
        end = start + len(text)

    def string(value: Any) -> str | None:
        return None if value is None or isinstance(value, (Mapping, list)) else str(value)

    return {
        "id": ident,
        "text": text or "",
        "source_path": source if isinstance(source, str) else None,
        "article_id": string(pick("article_id", "doc_id", "document_id", "ref_doc_id")),
        "title": string(pick("title", "headline")),
        "url": url if isinstance(url, str) else None,
        "outlet": string(pick("outlet", "publisher", "site_name")),
        "published_at": string(pick("published_at", "date", "published")),
        "start": start if isinstance(start, int) and start >= 0 else None,
        "end": end if isinstance(end, int) and end >= 0 else None,
    }


# Lists whose plain strings are passage texts (RAGAS-style); in the others a string names a source.
_TEXT_LISTS = ("contexts", "retrieved_contexts", "documents", "context")


def _passages(items: Any, name: str = "") -> list[dict[str, Any]]:
    if isinstance(items, str):  # LangChain RetrievalQAWithSourcesChain: "a.md, b.md"
        items = [x.strip() for x in re.split(r"[,;\n]+", items) if x.strip()]
    if not isinstance(items, list):
        return []
    out = []
    for position, item in enumerate(items, start=1):
        fields = _passage_fields(item, position, strings_are_text=name in _TEXT_LISTS)
        if fields is not None:
            out.append(fields)
    return out


def _openai_message(record: Mapping[str, Any]) -> tuple[str, list[Mapping[str, Any]]] | None:
    """Text and annotations of an OpenAI Chat Completion, Responses or Assistants message dump."""
    choices = record.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
        message = choices[0].get("message") or {}
        if isinstance(message, Mapping) and isinstance(message.get("content"), str):
            annotations: list[Mapping[str, Any]] = [
                a.get("url_citation", a) | {"type": a.get("type")} if isinstance(a.get("url_citation"), Mapping) else a
                for a in message.get("annotations") or []
                if isinstance(a, Mapping)
            ]
            return message["content"], annotations
    parts: list[Mapping[str, Any]] = []
    output = record.get("output")
    if isinstance(output, list):
        for item in output:
            if (
                isinstance(item, Mapping)
                and item.get("type", "message") == "message"
                and isinstance(item.get("content"), list)
            ):
                parts += [c for c in item["content"] if isinstance(c, Mapping)]
    elif isinstance(record.get("content"), list):  # Assistants message
        parts = [c for c in record["content"] if isinstance(c, Mapping)]
    text, annotations = "", []
    for part in parts:
        body = part.get("text")
        if isinstance(body, Mapping):  # Assistants: {"type": "text", "text": {"value", "annotations"}}
            value, found = body.get("value"), body.get("annotations")
        else:
            value, found = body, part.get("annotations")
        if not isinstance(value, str):
            continue
        offset = len(text)
        text += value
        for a in found or []:
            if isinstance(a, Mapping):
                a = dict(a)
                for key in ("start_index", "end_index", "index"):
                    if isinstance(a.get(key), int):
                        a[key] += offset
                annotations.append(a)
    return (text, annotations) if parts else None


def _from_annotations(text: str, annotations: Sequence[Mapping[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """OpenAI annotations -> numbered citations, and the answer text with an ``[n]`` where each one sits.

    A marker the model wrote (``【4:0†source】``, a ``[title](url)`` link) is replaced by ``[n]``; an
    annotation over a span of prose gets ``[n]`` after the span.
    """
    citations: list[dict[str, Any]] = []
    keys: dict[str, int] = {}
    edits: list[tuple[int, int, str]] = []
    for a in annotations:
        file_citation = a.get("file_citation")
        detail = file_citation if isinstance(file_citation, Mapping) else {}
        url, title = a.get("url"), a.get("title")
        file_id = a.get("file_id") or detail.get("file_id")
        filename = a.get("filename") or detail.get("filename")
        key = str(url or file_id or filename or title or len(keys))
        if key not in keys:
            keys[key] = len(keys) + 1
            passage = (
                _first(a, ("passage", "text_content", "content", "snippet"))
                or detail.get("quote")
                or a.get("quote")
                or ""
            )
            citations.append(
                {
                    "id": keys[key],
                    "text": passage if isinstance(passage, str) else "",
                    "url": url,
                    "title": title,
                    "source_path": filename,
                }
            )
        marker = f" [{keys[key]}]"
        start, end = a.get("start_index"), a.get("end_index")
        if not isinstance(start, int):
            start = end = a.get("index")
        if not isinstance(start, int):
            continue
        end = end if isinstance(end, int) and end >= start else start
        span = text[start:end]
        if re.fullmatch(r"\s*(?:【[^】]*】|\(?\[[^\]]*\]\([^)]*\)\)?|\[\d+\])\s*", span):
            edits.append((start, end, marker))
        else:
            edits.append((end, end, marker))
    for start, end, marker in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start].rstrip() + marker + text[end:]
    return text, citations


def normalise_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """One answer in any documented shape -> the fields of a ``SystemAnswer`` (plus ``question``)."""
    out: dict[str, Any] = {}
    case_id = _first(record, _CASE_ID_FIELDS)
    if isinstance(case_id, (str, int)) and not isinstance(case_id, bool):
        out["id"] = str(case_id)
    record_metadata = record.get("metadata")
    metadata = record_metadata if isinstance(record_metadata, Mapping) else {}
    if "id" not in out and isinstance(metadata.get("case_id"), str):
        out["id"] = metadata["case_id"]
    question = _first(record, _QUESTION_FIELDS)
    if isinstance(question, str):
        out["question"] = question
    message = _openai_message(record)
    if message is not None:
        text, annotations = message
        text, cited = _from_annotations(text, annotations)
        out["answer"] = text
        citations = _passages(record.get("citations")) or cited
    else:
        answer = _first(record, _ANSWER_FIELDS)
        out["answer"] = _text_of(answer) or ""
        citations = []
        for name in _CITATION_LISTS:
            if record.get(name):
                citations = _passages(record[name], name)
                break
    out["citations"] = citations
    for name in _RETRIEVED_LISTS:
        if isinstance(record.get(name), list) and record.get(name):
            out["retrieved"] = [{k: v for k, v in p.items() if k != "id"} for p in _passages(record[name], name)]
            break
    for name in ("refused", "error", "latency_ms"):
        if name in record:
            out[name] = record[name]
    if "refused" not in out and isinstance(record.get("is_refusal"), bool):
        out["refused"] = record["is_refusal"]
    return out


def _records(path: Path, text: str) -> list[tuple[int, Any]]:
    """(line, record) pairs: JSONL, or one JSON array / object of answers."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
        return [(i, r) for i, r in enumerate(whole, start=1)]
    if stripped.startswith("{") and len(text.strip().splitlines()) > 1:
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None  # JSONL whose records start with "{"
        if isinstance(whole, Mapping):
            for key in ("answers", "results", "data", "items", "records"):
                if isinstance(whole.get(key), list):
                    return [(i, r) for i, r in enumerate(whole[key], start=1)]
            return [(1, whole)]
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return records


def read_answers(path: str | Path, questions: Mapping[str, str] | None = None) -> dict[str, SystemAnswer]:
    """Read an answers file (JSONL, or a JSON array / object of answers) in any documented shape.

    ``questions`` maps each case's question to its id: a record without a known case id is matched by
    its question. A bad record or a repeated id is a ``BadInputError`` naming the line (or item).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BadInputError(f"{path}: no such answers file") from exc
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{path}: not UTF-8 text") from exc
    by_question = {_question_key(q): i for q, i in (questions or {}).items()}
    known = set((questions or {}).values())
    answers: dict[str, SystemAnswer] = {}
    for number, record in _records(path, text):
        if not isinstance(record, Mapping):
            raise BadInputError(f"{path}:{number}: an answer is a JSON object")
        fields = normalise_record(record)
        question = fields.pop("question", None)
        if question and (fields.get("id") not in known) and _question_key(question) in by_question:
            fields["id"] = by_question[_question_key(question)]
        try:
            answer = SystemAnswer.model_validate(fields)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BadInputError(f"{path}:{number}: invalid answer at {where}: {first['msg']}") from exc
        if answer.id in answers:
            raise BadInputError(f"{path}:{number}: answer id {answer.id!r} appears twice")
        answers[answer.id] = answer
    return answers


def _question_key(question: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", question.lower()))


def _passage(result: SearchResult) -> RetrievedPassage:
    return RetrievedPassage(
        text=result.text,
        source_path=result.source_path,
        article_id=result.article_id,
        title=result.title,
        outlet=result.outlet,
        published_at=result.published_at.isoformat() if result.published_at else None,
        start=result.start,
        end=result.end,
    )


def from_newsqa(
    case_id: str, answer: Answer, retrieved: list[SearchResult] | None = None, latency_ms: float | None = None
) -> SystemAnswer:
    """newsqa's ``Answer`` (plus the ranked search results) as a ``SystemAnswer``."""
    return SystemAnswer(
        id=case_id,
        answer=answer.answer,
        refused=answer.refused,
        citations=[
            CitedPassage(
                id=c.id,
                text=c.text,
                source_path=c.source_path,
                article_id=c.article_id,
                title=c.title,
                outlet=c.outlet,
                published_at=c.published_at.isoformat() if c.published_at else None,
                start=c.start,
                end=c.end,
            )
            for c in answer.citations
        ],
        retrieved=[_passage(r) for r in retrieved or []],
        latency_ms=latency_ms,
    )

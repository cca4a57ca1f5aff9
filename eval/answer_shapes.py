"""Other tools' answer records in newsqa's shape (``normalise_record``), through documented field mappings.

LangChain (``result`` / ``answer`` with ``source_documents`` / ``context`` of
``{"page_content", "metadata"}``), LlamaIndex (``response`` with ``source_nodes`` of
``{"node": {"text", "metadata"}, "score"}``; CitationQueryEngine's "Source N:" numbering), a
``sources`` / ``references`` list, and OpenAI ``annotations`` (Chat Completions, Responses,
Assistants). The mappings: ``docs/eval.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["normalise_record"]

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

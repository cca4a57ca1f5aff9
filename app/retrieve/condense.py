"""Follow-up questions: rewrite them to stand alone, and carry the filters over.

Without a chat model the rewrite is rule-based, from the conversation text
only (the history is role/content turns; earlier answers' JSON is not needed):

- pronouns ("What did **he** say next?") become the speaker they point to: a
  person named in the previous question, else the first speaker the previous
  answer quotes ("Maria Okafor said that ...", "According to X, ...");
- ellipsis ("**And the ministry?**", "What about the union?") puts the new
  actor into the previous question in place of its speaker ("What did the
  port authority say about the strike?" -> "What did the ministry say about
  the strike?"), or asks what the new actor said about the previous topic;
- a follow-up that is a question of its own ("And what did the mediator
  say?") keeps its words without the "And"; when it names no topic it takes
  the previous question's ("... say about the strike deal?"), or carries the
  previous question in brackets;
- a bare question word ("Why?", "How much?") or a question pointing back at what was discussed ("Has anyone pulled
  **that** off yet?", "How much could **it** cost them?") keeps its words and
  carries the previous question after it, in brackets, so search, ranking and
  the refusal checks see the topic: "Has anyone pulled that off yet? (Why are
  people worried about look-alike web addresses?)".

With a chat model, ``prompts/condense_*.txt`` asks it for the rewrite.

Filters: a user turn in the history may carry ``"filters": {"outlets", "since",
"until"}`` (the CLI's ``--history`` file and the UI keep them). When the new
question comes with no filters, the last turn's filters apply again.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from app.compose.marks import strip_citations, strip_marks
from indexing.text.lexicon import SPEAKER_LINE_VERBS

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import RunnableConfig

__all__ = ["condense", "condense_rules", "filters_empty", "resolve_filters", "speakers_in"]

_PERSON_PRONOUNS = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
_GROUP_PRONOUNS = re.compile(r"\b(they|them|their|theirs)\b", re.IGNORECASE)
_ELLIPSIS = re.compile(r"^\s*(?:and|what about|how about|and what about|what of)\s+(.+?)\s*[?.!]*\s*$", re.IGNORECASE)
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:of\s+the\s+|of\s+|de\s+|van\s+)?[A-Z][\w'’.-]*)*"
_SPEAKER_PATTERNS = (
    re.compile(r"^According to ([^,]+?),"),
    re.compile(rf"^({_NAME})(?:,[^,]{{3,80}},)?\s+(?:has\s+|have\s+|had\s+)?{SPEAKER_LINE_VERBS}\b"),
    re.compile(
        rf"^((?:[Aa]n?|[Oo]ne|[Tt]he|[Ss]ome)\s+[a-z][\w\s'’-]{{2,60}}?)\s+(?:has\s+|have\s+)?{SPEAKER_LINE_VERBS}\b"
    ),
)
_QUESTION_SPEAKER = (
    re.compile(
        r"\b(did|does|do|has|have|will|would)\s+(.+?)\s+(say|said|tell|think|claim|argue|warn|announce|report|reveal|predict|expect|mean|want|propose|promise|deny|confirm)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\baccording to\s+(.+?)(?=[,?]|$)", re.IGNORECASE),
)
_NOT_NAMES = frozenset(
    {
        "What",
        "Who",
        "When",
        "Where",
        "Why",
        "How",
        "Which",
        "And",
        "The",
        "According",
        "Did",
        "Does",
        "Is",
        "Are",
        "Was",
        "Were",
        "In",
        "On",
        "At",
    }
)


def speakers_in(answer: str) -> list[str]:
    """Speakers an answer's sentences quote, in order ("Maria Okafor", "a source within the ministry")."""
    from app.compose.marks import answer_sentences

    found: list[str] = []
    for sentence in answer_sentences(answer):
        text = strip_citations(strip_marks(sentence.text))
        for pattern in _SPEAKER_PATTERNS:
            m = pattern.match(text)
            if m:
                name = m.group(1).strip()
                if (name.split()[0] not in _NOT_NAMES or name.startswith("The ")) and name not in found:
                    found.append(name)
                break
    return found


def _people_in(question: str) -> list[str]:
    """Runs of two or more capitalised words in a question (likely names of people or bodies)."""
    names = []
    for m in re.finditer(r"\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)+)\b", question):
        words = m.group(1).split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        if len(words) >= 2:
            names.append(" ".join(words))
    return names


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return (
        len(words) >= 2
        and all(w[:1].isupper() for w in words[:2])
        and not name.lower().startswith(("according", "the "))
    )


def _last(history: Sequence[dict[str, Any]], role: str) -> str:
    for turn in reversed(history):
        if turn.get("role") == role and str(turn.get("content") or "").strip():
            return str(turn["content"])
    return ""


def _previous_question(history: Sequence[dict[str, Any]], depth: int) -> str:
    """The last user question as it stood alone: itself rewritten against the turns before it ("And what did the
    IMF say?" -> "What did the IMF say about debt relief?"), so that a follow-up to a follow-up keeps the topic."""
    for k in range(len(history) - 1, -1, -1):
        turn = history[k]
        if turn.get("role") == "user" and str(turn.get("content") or "").strip():
            question = str(turn["content"])
            return condense_rules(question, history[:k], depth=depth + 1) if depth < 4 else question
    return ""


def condense_rules(question: str, history: Sequence[dict[str, Any]], *, depth: int = 0) -> str:
    """The rule-based standalone rewrite of ``question`` (unchanged when it needs none)."""
    if not history:
        return question
    prev_q, prev_a = _previous_question(history, depth), _last(history, "assistant")
    speakers = speakers_in(prev_a) if prev_a else []
    people = _people_in(prev_q)

    m = _ELLIPSIS.match(question)
    if m and prev_q and _OWN_QUESTION.match(m.group(1)):
        # "And what did the mediator say?": a question with its own verb keeps it; only the "And" goes,
        # and the previous question's topic is added when the follow-up names none.
        own = m.group(1).strip().rstrip("?.! ")
        own = own[:1].upper() + own[1:]
        topic = _topic(prev_q)
        verb = _SAYS_WITHOUT_TOPIC.search(own)
        if topic and verb:
            linker = "to" if verb.group(0).lower().startswith(("react", "respond")) else "about"
            return f"{own} {linker} {topic}?"
        if _topic(own + "?"):
            return f"{own}?"  # it names its own topic
        # an "And ..." follow-up without a topic continues the last question: carry it, in brackets
        return f"{own}? ({prev_q.strip()})"
    if m and prev_q and len(m.group(1).split()) <= 6:
        actor = m.group(1).strip()
        for pattern in _QUESTION_SPEAKER:
            pm = pattern.search(prev_q)
            if pm:
                index = 2 if pattern.groups >= 2 else 1
                return prev_q[: pm.start(index)] + actor + prev_q[pm.end(index) :]
        topic = re.sub(r"^\s*(what|who|how|why|when|where|which)\b[^a-z]*", "", prev_q, flags=re.IGNORECASE).rstrip(
            " ?."
        )
        return f"What did {actor} say about {topic}?"

    rewritten = question
    if _PERSON_PRONOUNS.search(question):
        person = (
            next((p for p in people if _looks_like_person(p)), None)
            or next((s for s in speakers if _looks_like_person(s)), None)
            or (speakers[0] if speakers else None)
        )
        if person:

            def sub(match: re.Match[str]) -> str:
                word = match.group(1).lower()
                return f"{person}'s" if word in {"his", "hers"} else person

            rewritten = _PERSON_PRONOUNS.sub(sub, rewritten)
    if _GROUP_PRONOUNS.search(rewritten):
        group = None
        for pattern in _QUESTION_SPEAKER:
            pm = pattern.search(prev_q)
            if pm:
                group = pm.group(2 if pattern.groups >= 2 else 1)
                break
        group = group or (speakers[0] if speakers else None)
        if group:
            rewritten = _GROUP_PRONOUNS.sub(
                lambda mm: f"{group}'s" if mm.group(1).lower().startswith("their") else group, rewritten
            )
    if prev_q and (_points_back(rewritten) or _BARE_QUESTION.match(rewritten)):
        rewritten = f"{rewritten.rstrip()} ({prev_q.strip()})"
    return rewritten


# A follow-up that is a question of its own: a question word or an auxiliary verb opens it.
_OWN_QUESTION = re.compile(
    r"^\s*(?:what|who|whom|whose|when|where|why|how|which|did|does|do|is|are|was|were|has|have|had|will|would|can|could|should)\b",
    re.IGNORECASE,
)
# "what did X say" / "how did X react" with nothing after the verb: the topic comes from the last question.
_SAYS_WITHOUT_TOPIC = re.compile(
    r"\b(?:say|said|think|thought|react|reacted|respond|responded|make of it|add|added)\s*$", re.IGNORECASE
)
# "Why?", "When?", "How much?", "Who by?": a question word with at most one more word asks about the last question.
_BARE_QUESTION = re.compile(
    r"^\s*(?:and\s+)?(?:what|who|when|where|why|how|which)(?:\s+\w+)?\s*[?.!]*\s*$", re.IGNORECASE
)


def _topic(question: str) -> str:
    """What a question asks about: the words after its last "about" / "on" / "over" ("the strike deal")."""
    m = re.search(r"\b(?:about|on|over|regarding)\s+(.+?)\s*[?.!]*\s*$", question, re.IGNORECASE)
    return m.group(1).strip() if m else ""


_DEMONSTRATIVES = frozenset({"it", "that", "this", "these", "those"})


def _points_back(question: str) -> bool:
    """True when ``question`` uses "it" / "that" / "this" ... for something said before (a pronoun, not a determiner).

    Not "that" introducing a clause or a relative clause ("the firm that won"), not "it" as a dummy subject
    ("Is it true that ..."): those name nothing earlier. Uses the cached spaCy parse of
    the question; without the parser nothing points back.
    """
    from app.compose.answerability import parse_question

    if not _DEMONSTRATIVE_WORD.search(question):
        return False
    doc = parse_question(question)
    if doc is None:
        return False
    for tok in doc:
        if tok.lower_ not in _DEMONSTRATIVES or tok.pos_ != "PRON" or tok.dep_ in ("expl", "mark"):
            continue
        if tok.head.dep_ in ("relcl", "acl") and tok.i < tok.head.i:
            continue  # "the firm that won the contract"
        head = tok.head
        if tok.lower_ == "it" and head.lemma_ == "be" and any(c.dep_ in ("ccomp", "csubj") for c in head.children):
            continue  # "Is it true that ...": a dummy subject
        if (
            tok.lower_ == "it"
            and head.lemma_ == "be"
            and any(c.dep_ in ("acomp", "attr") and any(g.dep_ == "ccomp" for g in c.children) for c in head.children)
        ):
            continue  # "Is it likely that ..."
        return True
    return False


_DEMONSTRATIVE_WORD = re.compile(r"\b(?:it|that|this|these|those)\b", re.IGNORECASE)


def condense(
    question: str,
    history: Sequence[dict[str, Any]],
    *,
    chat_model: BaseChatModel | None = None,
    config: RunnableConfig | None = None,
) -> str:
    """The standalone question: rule-based, or by ``chat_model`` when given (rules again if it fails)."""
    if not history:
        return question
    if chat_model is None:
        return condense_rules(question, history)
    from langchain_core.messages import HumanMessage, SystemMessage

    from prompts import load_prompt

    lines = [f"{t.get('role', 'user')}: {strip_citations(str(t.get('content', '')))[:1200]}" for t in history[-6:]]
    prompt = load_prompt("condense_user").format(history="\n".join(lines), question=question)
    try:
        reply = chat_model.invoke([SystemMessage(load_prompt("condense_system")), HumanMessage(prompt)], config=config)
        text = str(getattr(reply, "content", reply)).strip().splitlines()[0].strip()
    except Exception:  # noqa: BLE001 - a failing condense step must not lose the question
        return condense_rules(question, history)
    return text or condense_rules(question, history)


# --- filters -------------------------------------------------------------------------------------
def filters_empty(filters: Any) -> bool:
    return filters is None or not (
        getattr(filters, "outlets", None) or getattr(filters, "since", None) or getattr(filters, "until", None)
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _replace(filters: Any, **update: Any) -> Any:
    if hasattr(filters, "model_copy"):
        return filters.model_copy(update=update)
    if dataclasses.is_dataclass(filters) and not isinstance(filters, type):
        return dataclasses.replace(filters, **update)
    return type(filters)(**{**vars(filters), **update})


def resolve_filters(filters: Any, history: Sequence[dict[str, Any]]) -> Any:
    """``filters``, or the last user turn's filters when the new question brings none."""
    if not filters_empty(filters) or not history:
        return filters
    for turn in reversed(history):
        saved = turn.get("filters") if turn.get("role") == "user" else None
        if saved:
            outlets = saved.get("outlets") or None
            update: dict[str, Any] = {
                "outlets": list(outlets) if outlets else None,
                "since": _as_date(saved.get("since")),
                "until": _as_date(saved.get("until")),
            }
            if filters is None:
                from app.retrieve.retrieval import SearchFilters

                return SearchFilters(**update)
            return _replace(filters, **update)
    return filters

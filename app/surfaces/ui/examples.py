"""Example questions drawn from the corpus: ``corpus_examples(qa)`` -> "What did NAME say about TOPIC?"."""

from __future__ import annotations

import re
from typing import Any

from app.service import NewsQA
from indexing.errors import NewsQAError

__all__ = ["corpus_examples"]


def corpus_examples(qa: NewsQA, limit: int = 3) -> list[str]:
    """Example questions drawn from the corpus: a named speaker and a topic from recent headlines."""
    try:
        articles = _listed_articles(qa.list_articles(offset=0, limit=12))
    except NewsQAError:
        return []
    articles.sort(key=lambda a: (a.get("published_at") or "", a.get("id", "")), reverse=True)
    questions: list[str] = []
    seen_speakers: set[str] = set()
    for article in articles:
        title = (article.get("title") or "").strip()
        if not title:
            continue
        speaker = _named_speaker(qa, title, article.get("id"), seen_speakers)
        topic = _topic(title, avoid=speaker or "", body=_body(qa, article.get("id")))
        if speaker and topic:
            questions.append(f"What did {speaker} say about {topic}?")
        elif topic:
            questions.append(f"What do sources say about {topic}?")
        if len(questions) >= limit:
            break
    return questions


def _body(qa: NewsQA, article_id: str | None) -> str:
    if not article_id:
        return ""
    try:
        article = qa.get_article(article_id)
    except NewsQAError:
        return ""
    return article.body if article else ""


def _listed_articles(listing: Any) -> list[dict[str, Any]]:
    if isinstance(listing, tuple):
        listing = listing[0]
    elif isinstance(listing, dict):
        listing = listing.get("articles", [])
    out = []
    for item in listing:
        data = item if isinstance(item, dict) else item.model_dump(mode="json")
        out.append(data)
    return out


_CLAUSE_OPENERS = {"as", "than", "after", "while", "because", "when", "if", "until", "before"}


def _topic(title: str, avoid: str = "", body: str = "") -> str | None:
    """A noun phrase of a headline, as it reads mid-sentence ('the deep-sea microbe', 'Kessler Bridge').

    It does not repeat the speaker's words (``avoid``). A headline capitalises its first
    word, so that word keeps its capital only when it is a name: the article's ``body``
    decides (:func:`_is_name`), spaCy's tag when there is no body. A phrase that is not a
    bare name gets "the".
    """
    try:
        from indexing.text.nlp import load_nlp

        doc = load_nlp()(title)
    except Exception:  # noqa: BLE001 - examples are a nicety; never fail the page for them
        return None
    chunks = []
    for chunk in doc.noun_chunks:
        start = chunk.start
        # "What Sorvenia's change" -> "Sorvenia's change"; "the port talks" -> "port talks"
        while start < chunk.end and (doc[start].tag_ in ("WDT", "WP", "DT") or doc[start].is_punct):
            start += 1
        end = chunk.end
        before = doc[chunk.start - 1].lower_ if chunk.start else ""
        # "... as port talks collapse": a headline's closing clause; its last word is the verb
        if before in _CLAUSE_OPENERS and end - start > 1 and (end == len(doc) or doc[end].is_punct):
            end -= 1
        span = doc[start:end]
        words = [t for t in span if not t.is_punct]
        if (
            words
            and span.root.pos_ != "PRON"
            and len(span.text) > 3
            # a clause the parser took for one long noun phrase is no topic
            and len(words) <= 6
            and not any(t.is_punct and t.text not in ("-", "'", "’") for t in span)
        ):
            chunks.append(span)
    avoid_words = {w.lower() for w in re.findall(r"\w+", avoid)}
    fresh = [c for c in chunks if not avoid_words & {t.lower_ for t in c}] or chunks
    if not fresh:
        return None
    best = max(fresh, key=lambda c: (sum(not t.is_punct for t in c), len(c.text)))
    text = []
    for token in best:
        word = token.text
        if token.i == 0 and not _is_name(token, body):
            word = token.lower_
        text.append(word + token.whitespace_)  # keeps "deep-sea" and "Sorvenia's" whole
    phrase = "".join(text).strip()
    determined = best[0].pos_ in ("DET", "NUM") or best[0].tag_ == "PRP$"
    # "the deep-sea microbe", "the mayor's budget", "the Calvex trial";
    # but "Kessler Bridge" (a name) and "Sorvenia's change" (a name's)
    named = best.root.pos_ == "PROPN" or any(t.tag_ == "POS" for t in best)
    if not determined and (phrase[0].islower() or not named):
        phrase = "the " + phrase
    return phrase


def _is_name(token: Any, body: str) -> bool:
    """Whether a headline's capitalised first word is a name ('Kessler') rather than a common word ('Deep').

    The body decides: a name is written capitalised mid-sentence there; a word the body
    writes in lower case, or never mentions, is a common word capitalised only to start
    the headline. Without a body, spaCy's tag decides.
    """
    word = token.text
    if word.isupper() and len(word) > 1:  # an acronym
        return True
    if not body:
        return token.pos_ == "PROPN"
    if re.search(rf"(?<![\w-]){re.escape(word.lower())}(?!\w)", body):
        return False
    return bool(re.search(rf"[\w,;:]\s+{re.escape(word)}(?!\w)", body))


def _named_speaker(qa: NewsQA, title: str, article_id: str | None, seen: set[str]) -> str | None:
    try:
        results = qa.search(title, k=4).results
    except NewsQAError:
        return None
    for result in results:
        if article_id and result.article_id != article_id:
            continue
        for claim in result.claims:
            name = claim.display_source
            if (
                claim.source_type == "named"
                and name
                and name.lower() not in seen
                and " " in name
                and len(name) < 40
                # a person or organisation by name, not "The ministry" or "the team"
                and not name.lower().startswith(("the ", "a ", "an "))
            ):
                name = re.split(r",| who ", name)[0].strip()
                seen.add(name.lower())
                return name
    return None

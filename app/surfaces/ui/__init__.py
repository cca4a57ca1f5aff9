"""The chat UI: ``build_ui(qa) -> gr.Blocks`` (Gradio 6), mounted at ``/`` by ``app.surfaces.server``.

Chat on the left (streamed answers, follow-ups use the history, filters by outlet
and date), the passage panel on the right (click a citation: the passage in its
article with the cited claim highlighted, the title, outlet, date and link), a
corpus tab (counts, upload with progress). All HTML comes from
:mod:`app.surfaces.ui.render`, which escapes everything taken from articles.

Gradio 6 takes CSS/JS/theme at mount/launch time: pass :data:`UI_CSS` and
:func:`ui_theme` to ``gr.mount_gradio_app`` (``app.surfaces.server`` does) or ``launch``.
"""

from __future__ import annotations

import hmac
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from app.service import NewsQA, write_lock
from indexing.errors import BadInputError, NewsQAError
from indexing.models import Answer, Article

from .render import (
    Turn,
    esc,
    outlet_counts,
    render_chat,
    render_corpus,
    render_examples,
    render_legend,
    render_passage,
)

__all__ = ["UI_CSS", "build_ui", "corpus_examples", "ui_theme"]

log = logging.getLogger(__name__)

_STATIC = Path(__file__).with_name("static")
UI_CSS = (_STATIC / "newsqa.css").read_text(encoding="utf-8")
_PANEL_JS = (_STATIC / "chat.js").read_text(encoding="utf-8")
_UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom"]
_STREAM_REFRESH_SECONDS = 0.05  # re-render at most 20 times a second while tokens arrive


def ui_theme() -> gr.themes.Base:
    # System fonts only: the default theme fetches Google Fonts, and newsqa runs offline.
    system = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]
    return gr.themes.Soft(primary_hue="indigo", neutral_hue="slate", font=system, font_mono=mono)


# --- helpers --------------------------------------------------------------------------------
def _as_date(value: Any, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):  # a DateTime component in timestamp mode
        return date.fromtimestamp(value)
    text = str(value).strip()[:10]
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadInputError(f"{label} must be a date like 2026-09-30, not {value!r}") from exc


def _history(turns: Sequence[Turn]) -> list[dict[str, str]]:
    history: list[dict[str, str]] = []
    for turn in turns:
        if turn.answer is not None:
            history.append({"role": "user", "content": turn.question})
            history.append({"role": "assistant", "content": turn.answer.answer})
    return history


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
        from indexing.nlp import load_nlp

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


# --- the Blocks -------------------------------------------------------------------------------
def build_ui(qa: NewsQA, *, api_key: str | None = None) -> gr.Blocks:
    """The chat UI over ``qa``; every handler translates NewsQAError into a message on the page.

    With ``api_key`` (``NEWSQA_API_KEY``), adding articles asks for the key, as the HTTP API does:
    Gradio's own endpoints must not become a way around it.
    """

    def load_page() -> tuple[Any, ...]:
        # Never writes the transcript: a question asked while the page loads must survive.
        try:
            stats = qa.stats()
        except NewsQAError as exc:
            return (
                render_corpus(None, str(exc)),
                gr.update(choices=[]),
                [],
                _notice("error", f"The corpus cannot be read: {exc}"),
            )
        if not stats.get("articles"):
            empty = _notice("warn", "The corpus is empty: add articles in the Corpus tab, then ask.")
            return render_corpus(stats), gr.update(choices=[]), [], empty
        examples = corpus_examples(qa)
        return (
            render_corpus(stats),
            gr.update(choices=list(outlet_counts(stats))),
            examples,
            render_examples(examples),
        )

    async def respond(
        question: str,
        turns: list[Turn],
        examples: list[str],
        outlets: list[str] | None,
        since: Any,
        until: Any,
    ) -> AsyncIterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        turn = Turn(question=question, status="Searching the corpus…")
        history = _history(turns)
        turns = [*turns, turn]
        yield render_chat(turns), turns, "", gr.skip(), gr.skip(), gr.update(visible=False)
        try:
            events = qa.astream(
                question,
                history=history,
                outlets=outlets or None,
                since=_as_date(since, "From"),
                until=_as_date(until, "To"),
            )
            last_render = 0.0
            async for event in events:
                kind = event.get("type")
                if kind == "status":
                    turn.status = str(event.get("text") or turn.status)
                elif kind == "token":
                    turn.partial += str(event.get("text") or "")
                elif kind == "answer":
                    answer = event.get("answer")
                    turn.answer = answer if isinstance(answer, Answer) else Answer.model_validate(answer)
                    continue
                if time.monotonic() - last_render >= _STREAM_REFRESH_SECONDS:
                    last_render = time.monotonic()
                    yield render_chat(turns), turns, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            if turn.answer is None:
                turn.error = "the answer stream ended without an answer"
        except NewsQAError as exc:
            turn.error = str(exc)
        except Exception as exc:
            log.exception("answering %r failed", question)
            turn.error = f"internal error ({type(exc).__name__}); see the server log"
        passage = gr.skip()
        tabs = gr.skip()
        if turn.answer is not None and turn.answer.citations:
            index = len(turns) - 1
            passage = _passage_for(turns, index, turn.answer.citations[0].id)
            tabs = gr.Tabs(selected="passage")
        yield render_chat(turns), turns, gr.skip(), passage, tabs, gr.skip()

    async def ask_example(
        turns: list[Turn],
        examples: list[str],
        outlets: list[str] | None,
        since: Any,
        until: Any,
        evt: gr.EventData,
    ) -> AsyncIterator[tuple[Any, ...]]:
        async for update in respond(str(getattr(evt, "ask", "")), turns, examples, outlets, since, until):
            yield update

    def _passage_for(turns: list[Turn], index: int, number: int) -> str:
        answer = turns[index].answer if 0 <= index < len(turns) else None
        if answer is None:
            return render_passage(None, None)
        citation = next((c for c in answer.citations if c.id == number), None)
        if citation is None:
            return render_passage(None, None)
        article: Article | None = None
        try:
            article = qa.get_article(citation.article_id)
        except NewsQAError as exc:  # show the passage without its context rather than nothing
            log.warning("could not load article %s: %s", citation.article_id, exc)
        return render_passage(citation, article, answer, index)

    def show_citation(turns: list[Turn], evt: gr.EventData) -> tuple[Any, Any]:
        raw = str(getattr(evt, "cite", ""))
        match = re.fullmatch(r"(\d+):(\d+)", raw)
        if not match:
            return gr.skip(), gr.skip()
        return _passage_for(turns, int(match.group(1)), int(match.group(2))), gr.Tabs(selected="passage")

    def new_chat() -> tuple[Any, ...]:
        return render_chat([]), [], render_passage(None, None), "", gr.update(visible=True)

    def refresh_corpus() -> tuple[Any, Any]:
        try:
            stats = qa.stats()
        except NewsQAError as exc:
            return render_corpus(None, str(exc)), gr.skip()
        return render_corpus(stats), gr.update(choices=list(outlet_counts(stats)))

    def ingest_files(
        files: list[str] | None,
        outlet: str | None,
        key: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects progress this way
    ) -> tuple[Any, ...]:
        from indexing.loaders import load_bytes

        if api_key and not hmac.compare_digest((key or "").encode(), api_key.encode()):
            message = "Adding articles needs the server's API key." if not key else "That API key is not valid."
            return _notice("error", message), gr.skip(), gr.skip()
        if not files:
            return (
                _notice("error", "Choose one or more files to ingest first."),
                gr.skip(),
                gr.skip(),
            )
        totals = {"added": 0, "updated": 0, "unchanged": 0}
        failed: list[tuple[str, str]] = []
        for i, path in enumerate(files):
            name = Path(path).name
            progress((i, len(files)), desc=f"Ingesting {name}", unit="files")
            try:
                items = load_bytes(Path(path).read_bytes(), name, outlet=outlet or None)
                articles = [item for item in items if isinstance(item, Article)]
                failed += [(str(f.source), str(f.reason)) for f in items if not isinstance(f, Article)]
                if articles:
                    with write_lock(qa):
                        report = qa.ingest(articles, outlet=outlet or None)
                    for field in totals:
                        totals[field] += int(getattr(report, field, 0) or 0)
                    failed += [_failure_pair(f) for f in getattr(report, "failed", [])]
            except NewsQAError as exc:
                failed.append((name, str(exc)))
            except OSError as exc:
                failed.append((name, f"could not read the upload ({exc.strerror or exc})"))
        progress((len(files), len(files)), desc="Done", unit="files")
        summary = " · ".join(f"{value} {kind}" for kind, value in totals.items()) + f" · {len(failed)} failed"
        details = "".join(f"<li><b>{esc(src)}</b>: {esc(reason)}</li>" for src, reason in failed)
        kind = "ok" if not failed else ("warn" if any(totals.values()) else "error")
        html = _notice(kind, summary) + (f'<ul class="nq-failures">{details}</ul>' if details else "")
        corpus, outlets = refresh_corpus()
        return html, corpus, outlets

    with gr.Blocks(title="newsqa — who said what", analytics_enabled=False, elem_id="nq-root") as demo:
        turns_state = gr.State([])
        examples_state = gr.State([])
        gr.HTML(
            '<header class="nq-header"><div class="nq-logo">news<span>qa</span></div>'
            '<div class="nq-tagline">Answers from the news that keep who said what</div>'
            # relative, so it follows the server's root path: the UI is mounted at "/", the docs at "/docs"
            '<a class="nq-api-link" href="docs" target="_blank" rel="noopener" '
            'title="The HTTP API (/api/v1) and its OpenAPI description">HTTP API docs ↗</a></header>',
            js_on_load=None,
        )
        with gr.Row(equal_height=False, elem_id="nq-main"):
            with gr.Column(scale=3, min_width=420, elem_id="nq-left"):
                with gr.Row(elem_id="nq-filters", equal_height=True):
                    outlets = gr.Dropdown(
                        choices=[],
                        multiselect=True,
                        label="Outlets",
                        info="all when empty",
                        scale=3,
                        elem_id="nq-outlets",
                    )
                    since = gr.DateTime(include_time=False, type="string", label="From", scale=2, elem_id="nq-since")
                    until = gr.DateTime(include_time=False, type="string", label="To", scale=2, elem_id="nq-until")
                chat = gr.HTML(
                    render_chat([]),
                    js_on_load=_PANEL_JS,
                    elem_id="nq-chat",
                    autoscroll=True,
                    min_height=360,
                    max_height=640,
                )
                examples_html = gr.HTML("", js_on_load=_PANEL_JS, elem_id="nq-examples")
                with gr.Row(elem_id="nq-compose", equal_height=True):
                    question = gr.Textbox(
                        placeholder="Ask about the news…",
                        show_label=False,
                        lines=1,
                        max_lines=4,
                        scale=8,
                        autofocus=True,
                        elem_id="nq-question",
                        max_length=2000,
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="nq-ask")
                    new = gr.Button("New chat", variant="secondary", scale=1, min_width=110, elem_id="nq-new")
                gr.HTML(render_legend(), js_on_load=None, elem_id="nq-legend")
            with gr.Column(scale=2, min_width=340, elem_id="nq-right"), gr.Tabs(elem_id="nq-tabs") as tabs:
                with gr.Tab("Passage", id="passage", elem_id="nq-tab-passage"):
                    passage = gr.HTML(render_passage(None, None), js_on_load=_PANEL_JS, elem_id="nq-passage")
                with gr.Tab("Corpus", id="corpus", elem_id="nq-tab-corpus"):
                    corpus = gr.HTML(render_corpus({}), js_on_load=None, elem_id="nq-corpus")
                    refresh = gr.Button("Refresh counts", size="sm", elem_id="nq-refresh")
                    gr.Markdown(
                        "**Add articles** — .txt/.md (title line, optional front matter), .html, .json/.jsonl, RSS/Atom"
                    )
                    files = gr.File(
                        file_count="multiple",
                        file_types=_UPLOAD_TYPES,
                        label="Files",
                        elem_id="nq-files",
                    )
                    upload_outlet = gr.Textbox(
                        label="Outlet",
                        placeholder="for files that name none",
                        elem_id="nq-upload-outlet",
                    )
                    upload_key = gr.Textbox(
                        label="API key",
                        type="password",
                        placeholder="NEWSQA_API_KEY of this server",
                        visible=bool(api_key),
                        elem_id="nq-upload-key",
                    )
                    ingest = gr.Button("Ingest", variant="primary", elem_id="nq-ingest")
                    ingest_result = gr.HTML("", js_on_load=None, elem_id="nq-ingest-result")

        ask_inputs = [question, turns_state, examples_state, outlets, since, until]
        ask_outputs = [chat, turns_state, question, passage, tabs, examples_html]
        ask.click(respond, ask_inputs, ask_outputs, concurrency_limit=8)
        question.submit(respond, ask_inputs, ask_outputs, concurrency_limit=8)
        examples_html.submit(
            ask_example,
            [turns_state, examples_state, outlets, since, until],
            ask_outputs,
            concurrency_limit=8,
        )
        chat.select(show_citation, [turns_state], [passage, tabs])
        passage.select(show_citation, [turns_state], [passage, tabs])
        new.click(new_chat, None, [chat, turns_state, passage, question, examples_html])
        refresh.click(refresh_corpus, None, [corpus, outlets])
        ingest.click(
            ingest_files,
            [files, upload_outlet, upload_key],
            [ingest_result, corpus, outlets],
            concurrency_limit=1,
        )
        demo.load(
            load_page,
            None,
            [corpus, outlets, examples_state, examples_html],
            show_progress="hidden",
        )
    return demo


def _failure_pair(failure: Any) -> tuple[str, str]:
    if isinstance(failure, dict):
        return str(failure.get("source", "?")), str(failure.get("reason", "?"))
    return str(getattr(failure, "source", "?")), str(getattr(failure, "reason", "?"))


def _notice(kind: str, text: str) -> str:
    return f'<div class="nq-notice nq-notice-{kind}" role="status">{esc(text)}</div>'

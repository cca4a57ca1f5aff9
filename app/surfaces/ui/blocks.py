"""``build_ui(qa) -> gr.Blocks``: the page's components, laid out, with the handlers wired to them.

Chat on the left (filters, transcript, example questions, question box), the passage and corpus
tabs on the right. The handlers come from :mod:`.chat` and :mod:`.corpus`.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from app.service import NewsQA
from app.surfaces.ui.assets import PANEL_JS
from app.surfaces.ui.chat import ChatHandlers, chat_handlers
from app.surfaces.ui.corpus import CorpusHandlers, corpus_handlers
from app.surfaces.ui.render import render_chat, render_corpus, render_legend, render_passage

__all__ = ["build_ui"]

_UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom"]


@dataclass
class _ChatPanel:
    outlets: gr.Dropdown
    since: gr.DateTime
    until: gr.DateTime
    chat: gr.HTML
    examples_html: gr.HTML
    question: gr.Textbox
    ask: gr.Button
    new: gr.Button


@dataclass
class _SideTabs:
    tabs: gr.Tabs
    passage: gr.HTML
    corpus: gr.HTML
    refresh: gr.Button
    files: gr.File
    upload_outlet: gr.Textbox
    upload_key: gr.Textbox
    ingest: gr.Button
    ingest_result: gr.HTML


def build_ui(qa: NewsQA, *, api_key: str | None = None) -> gr.Blocks:
    """The chat UI over ``qa``; every handler translates NewsQAError into a message on the page.

    With ``api_key`` (``NEWSQA_API_KEY``), adding articles asks for the key, as the HTTP API does:
    Gradio's own endpoints must not become a way around it.
    """
    with gr.Blocks(title="newsqa — who said what", analytics_enabled=False, elem_id="nq-root") as demo:
        turns_state = gr.State([])
        examples_state = gr.State([])
        _header()
        with gr.Row(equal_height=False, elem_id="nq-main"):
            left = _chat_panel()
            side = _side_tabs(api_key)
        _wire(
            demo,
            chat_handlers(qa),
            corpus_handlers(qa, api_key=api_key),
            left,
            side,
            turns_state=turns_state,
            examples_state=examples_state,
        )
    return demo


def _header() -> None:
    gr.HTML(
        '<header class="nq-header"><div class="nq-logo">news<span>qa</span></div>'
        '<div class="nq-tagline">Answers from the news that keep who said what</div>'
        # relative, so it follows the server's root path: the UI is mounted at "/", the docs at "/docs"
        '<a class="nq-api-link" href="docs" target="_blank" rel="noopener" '
        'title="The HTTP API (/api/v1) and its OpenAPI description">HTTP API docs ↗</a></header>',
        js_on_load=None,
    )


def _chat_panel() -> _ChatPanel:
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
            js_on_load=PANEL_JS,
            elem_id="nq-chat",
            autoscroll=True,
            min_height=360,
            max_height=640,
        )
        examples_html = gr.HTML("", js_on_load=PANEL_JS, elem_id="nq-examples")
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
    return _ChatPanel(outlets, since, until, chat, examples_html, question, ask, new)


def _side_tabs(api_key: str | None) -> _SideTabs:
    with gr.Column(scale=2, min_width=340, elem_id="nq-right"), gr.Tabs(elem_id="nq-tabs") as tabs:
        with gr.Tab("Passage", id="passage", elem_id="nq-tab-passage"):
            passage = gr.HTML(render_passage(None, None), js_on_load=PANEL_JS, elem_id="nq-passage")
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
    return _SideTabs(tabs, passage, corpus, refresh, files, upload_outlet, upload_key, ingest, ingest_result)


def _wire(
    demo: gr.Blocks,
    chat: ChatHandlers,
    corpus: CorpusHandlers,
    left: _ChatPanel,
    side: _SideTabs,
    *,
    turns_state: gr.State,
    examples_state: gr.State,
) -> None:
    ask_inputs = [left.question, turns_state, examples_state, left.outlets, left.since, left.until]
    ask_outputs = [left.chat, turns_state, left.question, side.passage, side.tabs, left.examples_html]
    left.ask.click(chat.respond, ask_inputs, ask_outputs, concurrency_limit=8)
    left.question.submit(chat.respond, ask_inputs, ask_outputs, concurrency_limit=8)
    left.examples_html.submit(
        chat.ask_example,
        [turns_state, examples_state, left.outlets, left.since, left.until],
        ask_outputs,
        concurrency_limit=8,
    )
    left.chat.select(chat.show_citation, [turns_state], [side.passage, side.tabs])
    side.passage.select(chat.show_citation, [turns_state], [side.passage, side.tabs])
    left.new.click(chat.new_chat, None, [left.chat, turns_state, side.passage, left.question, left.examples_html])
    side.refresh.click(corpus.refresh_corpus, None, [side.corpus, left.outlets])
    side.ingest.click(
        corpus.ingest_files,
        [side.files, side.upload_outlet, side.upload_key],
        [side.ingest_result, side.corpus, left.outlets],
        concurrency_limit=1,
    )
    demo.load(
        corpus.load_page,
        None,
        [side.corpus, left.outlets, examples_state, left.examples_html],
        show_progress="hidden",
    )

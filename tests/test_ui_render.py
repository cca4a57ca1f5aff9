"""The UI's HTML builders escape everything that comes from articles (no browser needed; see test_ui_browser)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from app.models import Answer, Citation
from app.surfaces.ui.render import Turn, answer_markdown, render_chat, render_corpus, render_passage
from indexing.models import Article, Claim

XSS = json.loads((Path(__file__).parent / "fixtures" / "ui" / "xss_article.json").read_text(encoding="utf-8"))
ARTICLE = Article.model_validate(XSS)
QUOTE_START = ARTICLE.body.index("Odile Brandt")
QUOTE_END = ARTICLE.body.index("signatures.") + len("signatures.")


def _answer() -> Answer:
    citation = Citation(
        id=1,
        chunk_id=f"{ARTICLE.id}:0",
        article_id=ARTICLE.id,
        title=ARTICLE.title,
        outlet=ARTICLE.outlet,
        published_at=ARTICLE.published_at,
        url=ARTICLE.url,
        text=ARTICLE.body[QUOTE_START:QUOTE_END],
        start=QUOTE_START,
        end=QUOTE_END,
        chunk_start=0,
        chunk_end=len(ARTICLE.body),
    )
    claim = Claim(
        text=ARTICLE.body[QUOTE_START:QUOTE_END],
        source="Odile Brandt <em>chair</em>",
        source_type="named",
        cue="said",
        quote="direct",
        citations=[1],
    )
    anonymous = Claim(
        text="the letter was a prank <img src=x onerror=alert(1)>",
        source="officials",
        source_type="anonymous",
        hedges=["reportedly"],
        citations=[1],
    )
    text = 'Odile Brandt said it was "a small win <script>window.__xss=1</script>" [1]. Officials reportedly saw a prank [hedged] [anonymous source] [1].'
    return Answer(
        question="What did <b>Brandt</b> say?",
        answer=text,
        claims=[claim, anonymous],
        citations=[citation],
    )


def _assert_inert(html: str) -> None:
    assert not re.search(r"<(script|img|b|i|em)[\s>]", html, re.IGNORECASE), html
    assert "javascript:" not in html.replace(
        "javascript:window.__xss=4", ""
    )  # the URL only ever appears as escaped text


def test_chat_escapes_question_answer_claims_and_sources() -> None:
    html = render_chat([Turn(question="What did <b>Brandt</b> say?", answer=_answer())])
    _assert_inert(html)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html and "&lt;b&gt;Brandt&lt;/b&gt;" in html
    assert 'data-cite="0:1"' in html  # [1] became a citation button
    assert html.count("nq-badge-hedged") >= 2 and html.count("nq-badge-anonymous") >= 2  # marks and claims
    shown = html.split('<textarea class="nq-md"')[0]  # the hidden Markdown copy keeps the textual marks
    assert "[hedged]" not in shown and "[anonymous source]" not in shown


def test_passage_escapes_the_article_and_drops_javascript_links() -> None:
    html = render_passage(_answer().citations[0], ARTICLE, _answer(), 0)
    _assert_inert(html)
    assert "href=" not in html.split("nq-passage-others")[0]  # a javascript: URL is not a link
    assert "The Grimsvale &lt;b&gt;Courier&lt;/b&gt;" in html and "Pim &lt;i&gt;Vos&lt;/i&gt;" in html
    marked = re.search(r"<mark>(.*?)</mark>", html, re.DOTALL).group(1)
    assert marked.startswith("Odile Brandt") and marked.endswith("signatures.")
    assert "${window.__xss=3}" in html and "{{constructor}}" in html  # shown as text


def test_streaming_turn_error_and_corpus_are_escaped() -> None:
    _assert_inert(render_chat([Turn(question="q", partial="<img src=x onerror=alert(1)>")]))
    _assert_inert(render_chat([Turn(question="q", error="bad <script>x</script>")]))
    html = render_corpus(
        {
            "articles": 1,
            "chunks": 2,
            "outlets": {"<b>Courier</b>": 1},
            "first_published": "2026-10-05",
            "last_published": "2026-10-05",
        }
    )
    _assert_inert(html)
    assert "2026-10-05 → 2026-10-05" in html


def test_markdown_copy_lists_numbered_sources() -> None:
    answer = _answer().model_copy(
        update={
            "citations": [
                _answer()
                .citations[0]
                .model_copy(update={"url": "https://courier.example/a", "published_at": date(2026, 10, 5)})
            ]
        }
    )
    markdown = answer_markdown(answer)
    assert markdown.startswith("Odile Brandt said")
    assert "**Sources**" in markdown and "1. [Grimsvale votes to repaint lighthouse" in markdown
    assert "](https://courier.example/a) — The Grimsvale <b>Courier</b>, 2026-10-05" in markdown


def test_two_passages_of_one_article_make_one_source_card_with_both_numbers() -> None:
    first = _answer().citations[0]
    second = first.model_copy(update={"id": 2, "chunk_id": f"{ARTICLE.id}:1", "start": 0, "end": 20})
    other = first.model_copy(update={"id": 3, "article_id": "other/1", "chunk_id": "other/1:0", "title": "Ferry news"})
    answer = _answer().model_copy(update={"answer": "A [1]. B [3]. C [2].", "citations": [first, other, second]})
    html = render_chat([Turn(question="q", answer=answer)])
    cards = re.findall(r'<li class="nq-source".*?</li>', html, re.DOTALL)
    assert len(cards) == 2, cards
    assert html.count('<span class="nq-source-title">Grimsvale votes') == 1
    grimsvale, ferry = cards
    # The article's card opens its first passage, and each number opens its own passage.
    assert grimsvale.startswith('<li class="nq-source" data-cite="0:1"')
    assert re.findall(r'<button class="nq-cite" data-cite="(0:\d)"', grimsvale) == ["0:1", "0:2"]
    assert re.findall(r'<button class="nq-cite" data-cite="(0:\d)"', ferry) == ["0:3"]
    assert ">Ferry news<" in ferry

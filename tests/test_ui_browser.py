"""The chat UI in a real browser: Debian's chromium, headless, driven by Playwright, on the real system.

Skipped only when /usr/bin/chromium is missing (``apt-get install chromium``); no browser is downloaded.
Screenshots go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexing.models import Article
from tests.api_fixtures import sample_qa  # noqa: F401 - session fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ui"
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 240_000  # generous: a shared 2-core machine can be 4x slower than idle

if not CHROMIUM.exists():
    pytest.skip(
        "Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )

playwright_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _serving(settings, qa) -> Iterator[str]:
    """UI + API (``create_server_app``) over ``qa``, served by uvicorn in a thread on a free port."""
    import uvicorn

    from app.surfaces.server import create_server_app

    port = _free_port()
    app = create_server_app(settings, qa, warm_up=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the UI server did not start"
        time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def server_url(sample_qa) -> Iterator[str]:  # noqa: F811
    """The UI over the session's sample store, with the XSS article added."""
    xss = Article.model_validate(json.loads((FIXTURES / "xss_article.json").read_text(encoding="utf-8")))
    assert sample_qa.ingest([xss]).ok
    with _serving(sample_qa.settings, sample_qa) as url:
        yield url
    sample_qa.delete_article(xss.id)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server_url + "/", wait_until="domcontentloaded")
    page.wait_for_selector("#nq-examples .nq-example", timeout=ANSWER_TIMEOUT_MS)  # corpus loaded: suggestions shown
    page.page_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def _ask(page, question: str) -> object:
    """Type a question, press Ask, and wait until that turn has its final answer; returns the turn element."""
    before = page.locator(".nq-turn").count()
    page.fill("#nq-question textarea", question)
    page.click("#nq-ask")
    turn = page.locator(".nq-turn").nth(before)
    turn.locator(".nq-answer-text, .nq-refusal, .nq-error").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    return turn


def test_ask_read_the_passage_see_badges_and_copy(page) -> None:
    turn = _ask(page, "What did Maria Okafor say about the strike?")
    answer_text = turn.locator(".nq-answer-text").inner_text()
    assert "Okafor" in answer_text
    assert turn.locator(".nq-answer-text .nq-cite").count() >= 1
    speakers = turn.locator(".nq-claims .nq-speaker").all_inner_texts()
    assert "Maria Okafor" in speakers, speakers

    # The newest answer opens its first citation; clicking another shows that passage.
    cites = turn.locator(".nq-answer-text .nq-cite")
    last = cites.nth(cites.count() - 1)
    number = last.inner_text().strip()
    last.click()
    panel = page.locator(f'#nq-passage .nq-passage[data-citation="{number}"]')
    panel.wait_for(timeout=30_000)
    highlighted = panel.locator("mark").inner_text()
    assert len(highlighted) > 20 and highlighted.strip() in panel.locator(".nq-context").inner_text()
    meta = panel.locator(".nq-passage-meta").inner_text()
    assert any(outlet in meta for outlet in ("Harbor Gazette", "Meridian Wire", "The Northern Ledger"))
    assert "2026-" in meta
    assert panel.locator(".nq-passage-title a").get_attribute("href").startswith("https://")
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)

    # A follow-up uses the conversation: "she" is Maria Okafor.
    follow = _ask(page, "What did she say about the offer?")
    assert page.locator(".nq-turn").count() == 2
    assert "Okafor" in follow.locator(".nq-answer-text").inner_text()

    # Copy as Markdown: the answer with its numbered sources.
    follow.locator(".nq-copy").click()
    copied = page.evaluate("window.__newsqaLastCopy")
    assert "**Sources**" in copied and "[1]" in copied and "Okafor" in copied
    # the label changes once the (asynchronous) clipboard write has resolved
    follow.locator(".nq-copy", has_text="Copied").wait_for(timeout=5000)
    assert not page.page_errors


# Questions whose answers over corpus/sample carry hedged and anonymous claims.
MARKED_QUESTIONS = [
    "How long will it take to clear the backlog of ships after the strike?",
    "Is the government planning to step in to end the port strike?",
    "How much could each day of the port strike cost the regional economy?",
    "What did the security researcher say about the Lumora data leak?",
]


def test_hedged_and_anonymous_badges_with_the_legend(page, sample_qa) -> None:  # noqa: F811
    # Pick (through the Python API) a question whose answer has both marks, then check the UI shows them as badges.
    from app.compose.marks import Mark, find_marks

    question = next(
        (q for q in MARKED_QUESTIONS if {Mark.HEDGED, Mark.ANONYMOUS} <= set(find_marks(sample_qa.ask(q).answer))),
        None,
    )
    assert question, "no sample question gives an answer with both marks"
    expected = find_marks(sample_qa.ask(question).answer)
    turn = _ask(page, question)
    assert turn.locator(".nq-answer-text .nq-badge-hedged").count() == expected.count(Mark.HEDGED)
    assert turn.locator(".nq-answer-text .nq-badge-anonymous").count() == expected.count(Mark.ANONYMOUS)
    assert "[hedged]" not in turn.locator(".nq-answer-text").inner_text(), "marks are shown as badges"
    legend = page.locator("#nq-legend")
    assert legend.locator(".nq-badge-hedged").count() == 1 and legend.locator(".nq-badge-anonymous").count() == 1
    assert "unnamed source" in legend.inner_text()
    hint = turn.locator(".nq-answer-text .nq-badge-anonymous").first.get_attribute("title")
    assert "unnamed source" in hint
    page.screenshot(path=str(ARTIFACTS / "ui-badges.png"), full_page=True)


def test_example_question_and_outlet_filter(page) -> None:
    page.locator("#nq-examples .nq-example").first.click()
    page.locator(".nq-turn .nq-answer-text, .nq-turn .nq-refusal").first.wait_for(timeout=ANSWER_TIMEOUT_MS)

    page.click("#nq-new")
    page.wait_for_function("document.querySelectorAll('.nq-turn').length === 0")
    dropdown = page.locator("#nq-outlets input")
    dropdown.click()
    page.get_by_role("option", name="Meridian Wire", exact=True).click()
    page.keyboard.press("Escape")
    turn = _ask(page, "What happened in the port strike?")
    titles = turn.locator(".nq-sources .nq-source-meta").all_inner_texts()
    assert titles and all(t.startswith("Meridian Wire") for t in titles), titles


def test_xss_article_is_shown_escaped_and_never_runs(page) -> None:
    turn = _ask(page, "What did Odile Brandt say about the lighthouse vote?")
    sources = turn.locator(".nq-source", has_text="Grimsvale")
    assert sources.count() >= 1, turn.inner_text()
    sources.first.click()
    panel = page.locator("#nq-passage .nq-passage")
    panel.locator(".nq-passage-title", has_text="Grimsvale").wait_for(timeout=30_000)

    title = panel.locator(".nq-passage-title").inner_text()
    assert "<script>window.__xss=1</script>" in title and '<img src=x onerror="window.__xss=2">' in title
    assert "The Grimsvale <b>Courier</b>" in panel.locator(".nq-passage-meta").inner_text()
    context = panel.locator(".nq-context").inner_text()
    assert "<script>window.__xss=1</script>" in context
    assert "${window.__xss=3}" in context and "{{constructor}}" in context
    # Nothing ran, no element was injected, and the javascript: URL did not become a link.
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert (
        page.locator("#nq-chat img, #nq-passage img, #nq-chat script, #nq-passage script, #nq-passage b").count() == 0
    )
    assert page.locator("a[href^='javascript']").count() == 0

    # The corpus panel and the outlet filter show the outlet's name as text too.
    page.get_by_role("tab", name="Corpus").click()
    assert "The Grimsvale <b>Courier</b>" in page.locator("#nq-corpus").inner_text()
    page.screenshot(path=str(ARTIFACTS / "ui-xss.png"), full_page=True)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert not page.page_errors


def test_upload_articles_with_progress_and_counts(page, sample_qa) -> None:  # noqa: F811
    page.get_by_role("tab", name="Corpus").click()
    before = sample_qa.stats()["articles"]
    page.locator("#nq-files input[type=file]").set_input_files(str(FIXTURES / "lowmere-ferry.md"))
    try:
        # the uploaded file's row shows its name stem and extension in separate elements
        page.locator("#nq-files").get_by_text("lowmere-ferry", exact=True).wait_for(timeout=ANSWER_TIMEOUT_MS)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "ui-upload-failed.png"), full_page=True)
        raise
    page.click("#nq-ingest")
    notice = page.locator("#nq-ingest-result .nq-notice")
    notice.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "1 added" in notice.inner_text() and "0 failed" in notice.inner_text()
    assert "The Lowmere Lantern" in page.locator("#nq-corpus").inner_text()
    assert sample_qa.stats()["articles"] == before + 1
    page.screenshot(path=str(ARTIFACTS / "ui-upload.png"), full_page=True)
    assert sample_qa.delete_article("ui-fixtures/lowmere-ferry")


def test_bad_date_range_shows_a_clear_error(page) -> None:
    for field, value in (("#nq-since input", "2026-10-01"), ("#nq-until input", "2026-09-01")):
        page.locator(field).fill(value)
        page.locator(field).press("Enter")
    turn = _ask(page, "What happened in the port strike?")
    error = turn.locator(".nq-error")
    assert error.count() == 1 and "before" in error.inner_text()
    assert not page.page_errors


def test_date_boxes_show_their_calendar_buttons_inside_the_filter_row(page) -> None:
    for field in ("#nq-since", "#nq-until"):
        block = page.locator(field)
        box = block.bounding_box()
        text = block.locator("input").bounding_box()
        calendar = block.locator("button.calendar").bounding_box()
        assert calendar["width"] > 10, field
        # the text box ends where the calendar button starts, and both end inside the box
        assert text["x"] + text["width"] <= calendar["x"] + 1, (field, text, calendar)
        assert calendar["x"] + calendar["width"] <= box["x"] + box["width"], (field, calendar, box)
        assert block.evaluate("el => el.scrollWidth <= el.clientWidth"), field
    page.locator("#nq-filters").screenshot(path=str(ARTIFACTS / "ui-filters.png"))


# Questions whose answers over corpus/sample cite two passages of one article.
TWICE_CITED_QUESTIONS = [
    "What is known about the Lumora leak?",
    "What did the security researcher say about the Lumora data leak?",
    "What happened in the port strike?",
    "Why was the Kessler Bridge closed?",
]


def test_one_source_card_per_article_each_number_opens_its_passage(page, sample_qa) -> None:  # noqa: F811
    # Pick (through the Python API) a question whose answer cites one article twice.
    def cites_an_article_twice(question: str) -> bool:
        ids = [c.article_id for c in sample_qa.ask(question).citations]
        return len(ids) > len(set(ids))

    question = next((q for q in TWICE_CITED_QUESTIONS if cites_an_article_twice(q)), None)
    assert question, "no sample question gives an answer citing one article twice"
    turn = _ask(page, question)
    cards = turn.locator(".nq-sources .nq-source")
    titles = cards.locator(".nq-source-title").all_inner_texts()
    assert titles and len(titles) == len(set(titles)), titles
    numbers = [c.locator(".nq-cite").all_inner_texts() for c in cards.all()]
    cited = sorted({int(n) for n in turn.locator(".nq-answer-text .nq-cite").all_inner_texts()})
    assert sorted(int(n) for group in numbers for n in group) == cited, (numbers, cited)
    shared = next((group for group in numbers if len(group) > 1), None)
    assert shared, f"no card lists two passages: {numbers}"
    card = cards.nth(numbers.index(shared))
    card.locator(".nq-cite", has_text=shared[1]).click()
    page.locator(f'#nq-passage .nq-passage[data-citation="{shared[1]}"]').wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "ui-sources.png"), full_page=True)


def test_footer_has_no_gradio_api_link_and_the_header_links_the_api_docs(page, server_url: str) -> None:
    assert page.get_by_text("Use via API").count() == 0
    link = page.locator(".nq-header a.nq-api-link")
    assert link.evaluate("a => a.href") == server_url + "/docs"
    assert page.request.get(server_url + "/docs").ok


def test_suggested_questions_read_naturally(page) -> None:
    examples = page.locator("#nq-examples .nq-example").all_inner_texts()
    assert examples and all(q.startswith("What ") and q.endswith("?") for q in examples)
    assert "What did Hedda Moravec say about the deep-sea microbe?" in examples, examples


def test_api_docs_render_the_endpoints_offline(browser, server_url: str) -> None:
    """/docs shows the OpenAPI 3.1 description's operations, with every file from newsqa itself."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server_url + "/docs", wait_until="domcontentloaded")
    ask = page.locator('.opblock-post .opblock-summary-path[data-path="/api/v1/ask"]')
    try:
        ask.wait_for(timeout=60_000)
    finally:
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=True)
    assert "Unable to render this definition" not in page.locator("body").inner_text()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/api/v1/search", "/api/v1/ask/stream", "/api/v1/articles", "/api/v1/health"):
        assert any(p.replace("\u200b", "") == path for p in paths), (path, paths)
    # Opening an operation shows its request body schema.
    ask.click()
    page.locator(".opblock-post.is-open .opblock-section-request-body").wait_for(timeout=30_000)
    outside = [url for url in requested if not url.startswith(server_url)]
    assert not outside, f"the docs page fetched files from elsewhere: {outside}"
    page.close()


def test_upload_needs_the_api_key_when_the_server_has_one(browser, sample_qa) -> None:  # noqa: F811
    settings = sample_qa.settings.model_copy(update={"api_key": "ui-key"})
    with _serving(settings, sample_qa) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/", wait_until="domcontentloaded")
        page.get_by_role("tab", name="Corpus").click()
        page.locator("#nq-files input[type=file]").set_input_files(str(FIXTURES / "lowmere-ferry.md"))
        page.locator("#nq-files").get_by_text("lowmere-ferry", exact=True).wait_for(timeout=ANSWER_TIMEOUT_MS)
        notice = page.locator("#nq-ingest-result .nq-notice")
        for key, expected in (
            ("", "needs the server's API key"),
            ("wrong", "not valid"),
            ("ui-key", "1 added"),
        ):
            page.locator("#nq-upload-key input").fill(key)
            page.click("#nq-ingest")
            page.locator("#nq-ingest-result .nq-notice", has_text=expected).wait_for(timeout=ANSWER_TIMEOUT_MS)
            if key != "ui-key":
                assert sample_qa.get_article("ui-fixtures/lowmere-ferry") is None
        assert notice.count() == 1
        page.close()
    assert sample_qa.delete_article("ui-fixtures/lowmere-ferry")

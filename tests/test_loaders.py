"""Article loaders: every format, the title rule, front matter, folder settings, ids, and every bad input.

Fixture articles under tests/fixtures/loaders/ are invented; odd bytes (binary,
Latin-1, BOMs) are written into tmp_path by the tests themselves.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest

from indexing.ingest import loaders
from indexing.ingest.loaders import (
    DiscoveredSource,
    LoadFailure,
    articles_from_json,
    discover,
    load_all,
    load_bytes,
    load_source,
    parse_date,
)
from indexing.models import Article

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def split(items) -> tuple[list[Article], list[LoadFailure]]:
    items = list(items)
    assert all(isinstance(i, Article | LoadFailure) for i in items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, LoadFailure)]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- plain text and the title rule ---------------------------------------------------------------
def test_first_line_is_the_title_when_a_blank_line_follows(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.txt",
        "Council approves budget\n\nThe council approved it, the mayor said.\n\nSecond paragraph.\n",
    )
    (article,) = load_source(f)
    assert article.title == "Council approves budget"
    assert article.body == "The council approved it, the mayor said.\n\nSecond paragraph."
    assert article.id == "a"


def test_without_a_blank_second_line_there_is_no_title(tmp_path: Path) -> None:
    text = "The council approved the budget on Monday.\nIt passed by six votes to three.\n"
    (article,) = load_source(write(tmp_path / "a.txt", text))
    assert article.title == ""
    assert article.body == text.rstrip()


def test_windows_line_endings_and_leading_blank_lines(tmp_path: Path) -> None:
    data = b"\r\n\r\nHeadline here\r\n\r\n\r\nBody line one.\r\nBody line two.\r\n"
    (article,) = load_source(write(tmp_path / "a.txt", data))
    assert article.title == "Headline here"
    assert article.body == "Body line one.\nBody line two."


def test_markdown_heading_title(tmp_path: Path) -> None:
    (article,) = load_source(write(tmp_path / "n.md", "# Tide tables revised\n\nThe harbour office revised them.\n"))
    assert article.title == "Tide tables revised"
    assert article.body == "The harbour office revised them."


def test_front_matter_gives_metadata_and_body_is_the_text_after_it() -> None:
    path = FIXTURES / "front-matter.md"
    (article,) = load_source(path)
    assert article.id == "gull-island-ferry"
    assert article.title == "Ferry to Gull Island resumes after storm repairs"  # quotes removed
    assert article.outlet == "Pellworth Courier"
    assert article.author == "Odile Marsh"
    assert article.published_at == date(2031, 3, 7)  # the "date" alias
    assert article.url == "https://courier.example/2031/03/07/gull-island-ferry"
    # Offsets downstream refer to the body: exactly the text after the closing fence,
    # leading blank lines dropped.
    raw = path.read_text(encoding="utf-8")
    after_fence = raw.split("\n---\n", 1)[1]
    assert article.body == after_fence.lstrip("\n").rstrip()
    assert article.body.startswith("The ferry service")


def test_front_matter_without_title_falls_back_to_the_title_rule(tmp_path: Path) -> None:
    f = write(tmp_path / "a.md", "---\noutlet: Fen Echo\n---\nMill reopens\n\nThe mill reopened.\n")
    (article,) = load_source(f)
    assert (article.title, article.outlet, article.body) == (
        "Mill reopens",
        "Fen Echo",
        "The mill reopened.",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: Never closed\n\nBody text.\n", "never closed"),
        ("---\ntitle: Fine\nthis line has no colon\n---\nBody.\n", "front matter line 3"),
    ],
)
def test_broken_front_matter_is_a_failure(tmp_path: Path, text: str, reason: str) -> None:
    (failure,) = load_source(write(tmp_path / "a.md", text))
    assert isinstance(failure, LoadFailure)
    assert reason in failure.reason


def test_a_title_with_no_body_is_a_failure(tmp_path: Path) -> None:
    (failure,) = load_source(write(tmp_path / "a.md", "---\ntitle: Only a title\n---\n\n"))
    assert isinstance(failure, LoadFailure) and "no body" in failure.reason


# --- HTML ---------------------------------------------------------------------------------------
def test_html_main_text_and_metadata() -> None:
    (article,) = load_source(FIXTURES / "article.html")
    assert article.title == "Orchard growers count frost losses"
    assert article.outlet == "Valley Standard"
    assert article.author == "Rasmus Ilford"
    assert article.published_at == date(2031, 4, 18)  # the local date as published, not UTC
    assert article.url == "https://valley-standard.example/2031/04/orchard-frost"
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Apple and pear growers")
    assert "growers' cooperative estimated" in paragraphs[0]  # inline tags do not split sentences
    assert '"We have not seen a night this cold' in paragraphs[1]
    for boilerplate in ("Home", "Copyright", "tracking", "font-family", "Orchard growers count"):
        assert boilerplate not in article.body


def test_html_without_text_is_a_failure(tmp_path: Path) -> None:
    f = write(
        tmp_path / "empty.html",
        "<html><head><script>var a = 1;</script></head><body></body></html>",
    )
    (failure,) = load_source(f)
    assert isinstance(failure, LoadFailure)
    assert failure.reason == "HTML page with no extractable text"


# --- JSON and JSON Lines ------------------------------------------------------------------------
def test_json_list_with_field_aliases_and_a_bad_item() -> None:
    articles, failures = split(load_source(FIXTURES / "articles.json"))
    assert [a.id for a in articles] == ["tram-depot-fire", "articles#2", "articles#4"]
    tram, library, pool = articles
    assert tram.title == "Fire damages tram depot in Brisk"  # headline
    assert tram.body.startswith("A fire broke out overnight")  # text
    assert tram.outlet == "Brisk Evening Post"  # site_name
    assert tram.author == "Lea Farr, Tomas Quill"  # authors list
    assert tram.published_at == date(2031, 6, 2)  # RFC 2822 pubDate, its own day
    assert tram.url == "https://brisk-post.example/tram-depot-fire"  # link
    assert library.outlet == "Brisk Evening Post"  # publisher {"name": ...}
    assert library.published_at == date(2031, 6, 25)  # "25 June 2031"
    assert library.body.count("\n\n") == 1  # a list of paragraphs
    assert pool.published_at == date(2031, 7, 5)
    (failure,) = failures
    assert failure.source.endswith("articles.json#3")
    assert "Headline without any text" in failure.reason and "no body" in failure.reason


def test_json_envelope_and_single_object(tmp_path: Path) -> None:
    write(
        tmp_path / "env.json",
        json.dumps({"articles": [{"title": "A", "body": "One."}, {"body": "Two."}]}),
    )
    write(tmp_path / "one.json", json.dumps({"title": "Solo", "body": "Just one."}))
    articles, failures = split(load_all([tmp_path]))
    assert not failures
    assert sorted(a.id for a in articles) == ["env#1", "env#2", "one"]


def test_jsonl_bad_lines_are_numbered_and_the_rest_loads() -> None:
    articles, failures = split(load_source(FIXTURES / "articles.jsonl"))
    assert [a.id for a in articles] == [
        "kiln-1",
        "articles#4",
    ]  # blank lines skipped; ids by line number
    assert articles[1].outlet == "Green Gazette"
    by_line = {f.source.rsplit(":", 1)[1]: f.reason for f in failures}
    assert set(by_line) == {"3", "6", "7"}
    assert by_line["3"].startswith("malformed JSON (Expecting ',' delimiter at column")
    assert by_line["6"] == "expected a JSON object, not a list"
    assert "no body" in by_line["7"]
    assert [f.source for f in failures] == [f"{FIXTURES / 'articles.jsonl'}:{n}" for n in (3, 6, 7)]


def test_malformed_json_file_is_one_failure_with_position(tmp_path: Path) -> None:
    (failure,) = load_source(write(tmp_path / "bad.json", '{"title": "x",\n "body": }'))
    assert isinstance(failure, LoadFailure)
    assert failure.reason.startswith("malformed JSON (") and "line 2" in failure.reason


def test_duplicate_ids_inside_one_file_are_failures(tmp_path: Path) -> None:
    items = [{"id": "same", "body": "First."}, {"id": "same", "body": "Second."}]
    articles, failures = split(load_source(write(tmp_path / "d.json", json.dumps(items))))
    assert [a.body for a in articles] == ["First."]
    assert "duplicate id 'same'" in failures[0].reason


# --- dates --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2004-11-25", date(2004, 11, 25)),
        ("2004-11-25T10:00:00Z", date(2004, 11, 25)),
        ("2004-11-25T23:30:00-05:00", date(2004, 11, 25)),  # the day as written, not UTC
        ("2004-11-25 10:00", date(2004, 11, 25)),
        ("Thu, 25 Nov 2004 10:00:00 +0000", date(2004, 11, 25)),
        ("25 November 2004", date(2004, 11, 25)),
        ("Thursday, 25 November 2004", date(2004, 11, 25)),
        ("November 25, 2004", date(2004, 11, 25)),
        ("25 Nov 2004", date(2004, 11, 25)),
        (1101376800, date(2004, 11, 25)),
    ],
)
def test_dates(raw: object, expected: date) -> None:
    assert parse_date(raw) == expected


def test_an_unrecognised_date_keeps_the_article_without_a_date(tmp_path: Path) -> None:
    (article,) = load_source(write(tmp_path / "a.json", json.dumps({"body": "Text.", "date": "sometime soon"})))
    assert isinstance(article, Article) and article.published_at is None
    with pytest.raises(ValueError):
        parse_date("sometime soon")


# --- feeds --------------------------------------------------------------------------------------
def test_rss_feed_entries_become_articles() -> None:
    articles, failures = split(load_source(FIXTURES / "feed-rss.xml"))
    assert [a.title for a in articles] == [
        "Sea wall repairs to start in May",
        "Oyster beds closed after algae bloom",
    ]
    wall, oysters = articles
    assert {a.outlet for a in articles} == {"Saltmarsh Herald"}  # the feed title
    assert wall.author == "Ines Calloway"
    assert wall.published_at == date(2031, 4, 11)  # pubDate's own day, not UTC
    assert wall.url == "https://saltmarsh-herald.example/2031/04/sea-wall"
    # The full content:encoded is kept (not the teaser), HTML turned into paragraphs.
    assert (
        wall.body.split("\n\n")[0]
        == "Repairs to the Saltmarsh sea wall will start in May, the coastal authority said on Friday."
    )
    assert "alert" not in wall.body and "<" not in wall.body
    assert "& officials said" in oysters.body
    assert wall.id.startswith("saltmarsh-herald.example/")
    (failure,) = failures
    assert failure.source.endswith("feed-rss.xml#3") and "no body" in failure.reason


def test_atom_feed() -> None:
    (article,) = load_source(FIXTURES / "feed.atom")
    assert article.title == "Bus lane trial extended"
    assert article.outlet == "Quarry Road Bulletin"
    assert article.author == "Magnus Thorne"
    assert article.published_at == date(2031, 5, 1)
    assert article.body == (
        "The bus lane trial on Quarry Road will run until September, the transport office said.\n\n"
        "Cyclists may be allowed to use the lane, officials suggested."
    )


def test_feed_entry_ids_do_not_depend_on_where_the_feed_file_lies(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "snapshot.rss"
    copy.parent.mkdir()
    shutil.copy(FIXTURES / "feed-rss.xml", copy)
    first, _ = split(load_source(FIXTURES / "feed-rss.xml"))
    second, _ = split(load_source(copy))
    assert [a.id for a in first] == [a.id for a in second]
    assert len({a.id for a in first}) == 2


def test_outlet_flag_overrides_a_feed_title() -> None:
    articles, _ = split(load_source(FIXTURES / "feed-rss.xml", outlet="Herald (print)"))
    assert {a.outlet for a in articles} == {"Herald (print)"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<rss version='2.0'><channel><title>Broken", "not a readable RSS/Atom feed"),
        (
            b"<?xml version='1.0'?><inventory><item>bolts</item></inventory>",
            "not an RSS or Atom feed",
        ),
        (
            b"<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet</title></channel></rss>",
            "feed has no entries",
        ),
    ],
)
def test_unusable_feeds_are_one_failure(tmp_path: Path, content: bytes, reason: str) -> None:
    (failure,) = load_source(write(tmp_path / "f.xml", content))
    assert isinstance(failure, LoadFailure)
    assert failure.reason.startswith(reason)


# --- folders, settings and ids ----------------------------------------------------------------------
@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(
        root / "newsqa.json",
        json.dumps({"outlet": "Root Times", "published_at": "2031-01-05", "author": "Desk"}),
    )
    write(root / "top.txt", "Top story\n\nBody of the top story.\n")
    write(root / "local" / "newsqa.json", json.dumps({"outlet": "Local Daily"}))
    write(root / "local" / "b.txt", "Local story\n\nBody of the local story.\n")
    write(
        root / "local" / "c.md",
        "---\noutlet: Own Outlet\ndate: 2031-02-01\n---\nOwn story\n\nOwn body.\n",
    )
    write(root / "local" / "deeper" / "d.txt", "Deep story\n\nDeep body.\n")
    write(root / ".hidden.txt", "Hidden\n\nNot loaded.\n")
    write(root / ".git" / "x.txt", "Hidden dir\n\nNot loaded.\n")
    write(root / "README.md", "About this corpus\n\nNot an article.\n")
    write(root / "scan.pdf", b"%PDF-1.4\x00\x01")
    return root


def test_discover_walks_folders_sorted_and_skips_what_is_not_an_article(tree: Path) -> None:
    sources, failures = discover([tree])
    assert failures == []
    relative = [Path(s).relative_to(tree).as_posix() for s in sources]
    assert relative == ["local/b.txt", "local/c.md", "local/deeper/d.txt", "top.txt"]
    assert all(isinstance(s, DiscoveredSource) and s.ingest_root == tree for s in sources)


def test_discover_failures_for_missing_unsupported_and_empty(tmp_path: Path) -> None:
    pdf = write(tmp_path / "x.pdf", b"%PDF")
    empty = tmp_path / "empty"
    empty.mkdir()
    write(tmp_path / "others" / "a.docx", b"PK")
    sources, failures = discover([tmp_path / "missing.txt", pdf, empty, tmp_path / "others"])
    assert sources == []
    reasons = {Path(f.source).name: f.reason for f in failures}
    assert reasons["missing.txt"] == "no such file or folder"
    assert reasons["x.pdf"].startswith("unsupported file type '.pdf'")
    assert reasons["empty"].startswith("no loadable files")
    assert reasons["others"].startswith("no loadable files (skipped 1 .docx)")


def test_discover_keeps_urls_and_lists_each_source_once(tree: Path) -> None:
    sources, _ = discover([tree, tree / "top.txt", "https://news.example/feed.xml", "https://news.example/feed.xml"])
    assert len(sources) == 5 and sources[-1] == "https://news.example/feed.xml"


def test_folder_settings_precedence(tree: Path) -> None:
    articles, failures = split(load_all([tree], outlet="Flag Outlet"))
    assert failures == []
    by_id = {a.id: a for a in articles}
    assert set(by_id) == {
        "top",
        "local/b",
        "local/c",
        "local/deeper/d",
    }  # relative to the folder argument
    assert by_id["local/c"].outlet == "Own Outlet"  # file metadata first
    assert by_id["local/c"].published_at == date(2031, 2, 1)
    assert by_id["local/b"].outlet == "Local Daily"  # then the nearest folder settings
    assert by_id["local/deeper/d"].outlet == "Local Daily"
    assert by_id["local/b"].published_at == date(2031, 1, 5)  # keys merge: date from the root settings
    assert by_id["local/b"].author == "Desk"
    assert by_id["top"].outlet == "Root Times"


def test_outlet_flag_fills_in_when_nothing_else_names_one(tmp_path: Path) -> None:
    (article,) = load_source(write(tmp_path / "a.txt", "T\n\nBody."), outlet="Flag Outlet")
    assert article.outlet == "Flag Outlet"


def test_folder_settings_above_the_ingest_root_are_not_used(tree: Path) -> None:
    (article,) = load_source(tree / "local" / "deeper" / "d.txt")  # root: the file's own folder
    assert article.id == "d"
    assert article.outlet is None


def test_malformed_folder_settings_fail_the_files_under_them(tmp_path: Path) -> None:
    write(tmp_path / "newsqa.json", "{not json")
    write(tmp_path / "a.txt", "T\n\nBody.")
    (failure,) = load_all([tmp_path])
    assert isinstance(failure, LoadFailure)
    assert "bad folder settings" in failure.reason and "newsqa.json" in failure.reason


def test_ids_are_stable_across_runs_and_unique_within_one(tree: Path) -> None:
    first = [a.id for a in load_all([tree])]
    second = [a.id for a in load_all([str(tree)])]
    assert first == second and len(set(first)) == len(first)
    # A discovered source remembers its root, so loading it alone gives the same id.
    sources, _ = discover([tree])
    (article,) = load_source(sources[0])
    assert article.id == "local/b"


def test_a_corpus_of_symlinks_keeps_each_files_place_in_the_corpus(tmp_path: Path) -> None:
    # e.g. a subset of a big corpus linked into a folder: business/113 and tech/113 stay apart
    originals = tmp_path / "originals"
    write(originals / "one.txt", "Markets rise\n\nShares rose on Monday.")
    write(originals / "two.txt", "Cup final\n\nThe final ended in a draw.")
    corpus = tmp_path / "corpus"
    for folder, target in (("business", "one.txt"), ("sport", "two.txt")):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "113.txt").symlink_to(originals / target)
    articles, failures = split(load_all([corpus]))
    assert not failures
    assert sorted(a.id for a in articles) == ["business/113", "sport/113"]


def test_two_files_with_the_same_id_do_not_overwrite_each_other(tmp_path: Path) -> None:
    write(tmp_path / "story.txt", "A\n\nFrom the text file.")
    write(tmp_path / "story.md", "B\n\nFrom the markdown file.")
    articles, failures = split(load_all([tmp_path]))
    assert [a.body for a in articles] == ["From the markdown file."]  # sorted: story.md first
    assert "duplicate article id 'story'" in failures[0].reason


def test_ids_have_no_control_characters(tmp_path: Path) -> None:
    (article,) = load_source(write(tmp_path / "a.json", json.dumps({"id": "x\ty\n/z\u0007", "body": "B."})))
    assert article.id == "x_y_/z_"


def test_source_path_is_relative_to_the_current_folder(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    (article,) = load_source(tree / "top.txt")
    assert article.source_path == os.path.join("corpus", "top.txt")
    monkeypatch.chdir(tree / "local")
    (article,) = load_source(tree / "top.txt")
    assert article.source_path == str(tree / "top.txt")  # outside the current folder: absolute


# --- bad input ----------------------------------------------------------------------------------------
def test_binary_file_is_a_failure(tmp_path: Path) -> None:
    (failure,) = load_source(write(tmp_path / "a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert isinstance(failure, LoadFailure) and failure.reason.startswith("binary file")


@pytest.mark.parametrize("name", ["a.txt", "a.json", "a.jsonl", "a.html", "a.xml"])
def test_empty_file_is_a_failure(tmp_path: Path, name: str) -> None:
    (failure,) = load_source(write(tmp_path / name, b" \n"))
    assert isinstance(failure, LoadFailure) and failure.reason == "empty file"


def test_latin1_byte_decodes_to_the_right_character(tmp_path: Path) -> None:
    data = "Fee agreed\n\nThe club paid \u00a315m for the caf\u00e9 owner's son.\n".encode("latin-1")
    (article,) = load_source(write(tmp_path / "a.txt", data))
    assert "\u00a315m" in article.body and "caf\u00e9" in article.body
    assert "\ufffd" not in article.body


def test_cp1252_smart_quotes_and_utf8_bom_and_utf16(tmp_path: Path) -> None:
    (quotes,) = load_source(write(tmp_path / "q.txt", "T\n\n\u201cYes,\u201d she said.".encode("cp1252")))
    assert quotes.body == "\u201cYes,\u201d she said."
    (bom,) = load_source(write(tmp_path / "b.txt", "\ufeffTitle\n\nBody \u00e9.".encode()))
    assert (bom.title, bom.body) == ("Title", "Body \u00e9.")
    (wide,) = load_source(write(tmp_path / "w.txt", "Title\n\nBody \u00e9.".encode("utf-16")))
    assert (wide.title, wide.body) == ("Title", "Body \u00e9.")


def test_jsonl_line_in_latin1_still_loads(tmp_path: Path) -> None:
    data = '{"body": "Caf\u00e9 reopens."}\n'.encode("latin-1")
    (article,) = load_source(write(tmp_path / "l.jsonl", data))
    assert article.body == "Caf\u00e9 reopens."


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads unreadable files")
def test_permission_denied_is_a_failure(tmp_path: Path) -> None:
    f = write(tmp_path / "secret.txt", "T\n\nBody.")
    f.chmod(0)
    try:
        (failure,) = load_source(f)
        assert isinstance(failure, LoadFailure) and failure.reason == "permission denied"
    finally:
        f.chmod(0o644)


def test_unsupported_file_named_to_load_source(tmp_path: Path) -> None:
    (failure,) = load_source(write(tmp_path / "a.docx", b"PK"))
    assert failure.reason.startswith("unsupported file type '.docx'")


def test_missing_file_given_to_load_source(tmp_path: Path) -> None:
    (failure,) = load_source(tmp_path / "gone.txt")
    assert failure == LoadFailure(str(tmp_path / "gone.txt"), "no such file or folder")


# --- URLs over a loopback server ------------------------------------------------------------------------
class _Site(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def do_GET(self) -> None:
        status, content_type, body = self.pages.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    _Site.pages = {
        "/feed": (
            200,
            "application/rss+xml; charset=utf-8",
            (FIXTURES / "feed-rss.xml").read_bytes(),
        ),
        "/news/orchard-frost.html": (
            200,
            "text/html; charset=utf-8",
            (FIXTURES / "article.html").read_bytes(),
        ),
        "/api/articles": (200, "application/json", (FIXTURES / "articles.json").read_bytes()),
        "/moved": (301, "text/plain", b""),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_feed_over_http(site: str) -> None:
    articles, failures = split(load_source(f"{site}/feed"))
    assert [a.title for a in articles] == [
        "Sea wall repairs to start in May",
        "Oyster beds closed after algae bloom",
    ]
    assert {a.source_path for a in articles} == {f"{site}/feed"}
    # The same entries as from the file: ids do not depend on where the feed came from.
    file_ids = [a.id for a in load_source(FIXTURES / "feed-rss.xml") if isinstance(a, Article)]
    assert [a.id for a in articles] == file_ids
    assert len(failures) == 1 and failures[0].source == f"{site}/feed#3"


def test_html_page_over_http_is_one_article(site: str) -> None:
    (article,) = load_source(f"{site}/news/orchard-frost.html")
    assert article.title == "Orchard growers count frost losses"
    # The id is the address it was fetched from (scheme and extension dropped); the page's
    # canonical link is kept as its url.
    assert article.id == site.removeprefix("http://") + "/news/orchard-frost"
    assert article.url == "https://valley-standard.example/2031/04/orchard-frost"
    assert article.source_path == f"{site}/news/orchard-frost.html"


def test_json_over_http(site: str) -> None:
    articles, failures = split(load_source(f"{site}/api/articles"))
    assert len(articles) == 3 and len(failures) == 1
    assert articles[0].id == "tram-depot-fire"


def test_http_error_status_is_a_failure(site: str) -> None:
    (failure,) = load_source(f"{site}/nowhere")
    assert failure == LoadFailure(f"{site}/nowhere", "HTTP 404 Not Found")


def test_unreachable_url_is_a_failure() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (failure,) = load_source(f"http://127.0.0.1:{port}/feed.xml")
    assert isinstance(failure, LoadFailure)
    assert failure.reason.startswith("unreachable")


def test_oversized_download_is_refused(site: str) -> None:
    from indexing.ingest.loaders._common import Reject
    from indexing.ingest.loaders._fetch import fetch

    with pytest.raises(Reject, match="larger than"):
        fetch(f"{site}/feed", max_bytes=100)


# --- uploads: load_bytes and articles_from_json -----------------------------------------------------------
@pytest.mark.parametrize(
    ("fixture", "filename", "titles"),
    [
        ("front-matter.md", "up.md", ["Ferry to Gull Island resumes after storm repairs"]),
        ("article.html", "up.html", ["Orchard growers count frost losses"]),
        (
            "feed-rss.xml",
            "up.xml",
            ["Sea wall repairs to start in May", "Oyster beds closed after algae bloom"],
        ),
        ("feed.atom", "up.atom", ["Bus lane trial extended"]),
        (
            "articles.json",
            "up.json",
            [
                "Fire damages tram depot in Brisk",
                "Library extends opening hours",
                "Swimming pool reopens",
            ],
        ),
        ("articles.jsonl", "up.jsonl", ["Pottery kiln restored", "Second in line"]),
        # No extension: the content decides.
        (
            "feed-rss.xml",
            "upload",
            ["Sea wall repairs to start in May", "Oyster beds closed after algae bloom"],
        ),
        (
            "articles.json",
            "upload",
            [
                "Fire damages tram depot in Brisk",
                "Library extends opening hours",
                "Swimming pool reopens",
            ],
        ),
        ("article.html", "upload", ["Orchard growers count frost losses"]),
        # A .json upload that is really JSON Lines.
        ("articles.jsonl", "up.json", ["Pottery kiln restored", "Second in line"]),
    ],
)
def test_load_bytes_each_format(fixture: str, filename: str, titles: list[str]) -> None:
    articles, _ = split(load_bytes((FIXTURES / fixture).read_bytes(), filename, outlet="Upload Outlet"))
    assert [a.title for a in articles] == titles
    assert all(a.source_path == filename for a in articles)


def test_load_bytes_text_and_outlet_and_safe_names() -> None:
    (article,) = load_bytes(b"Pier closes\n\nThe pier closed.", "../../etc/desk/pier.txt", outlet="Upload Outlet")
    assert (article.id, article.title, article.outlet) == (
        "etc/desk/pier",
        "Pier closes",
        "Upload Outlet",
    )
    assert article.source_path == "etc/desk/pier.txt"


def test_uploads_with_the_same_name_do_not_overwrite_each_other() -> None:
    first = load_bytes(b'{"body": "Ferry fares rise."}\n{"body": "Dock reopens."}\n', "request.jsonl")
    second = load_bytes(b'{"body": "Museum closes early."}\n', "request.jsonl")
    again = load_bytes(b'{"body": "Ferry fares rise."}\n{"body": "Dock reopens."}\n', "request.jsonl")
    ids = [a.id for a in first + second]
    assert len(set(ids)) == 3  # not request#1 twice
    assert [a.id for a in again] == [a.id for a in first]  # re-sending the same items: same ids


def test_load_bytes_bad_input() -> None:
    assert load_bytes(b"", "a.txt") == [LoadFailure("a.txt", "empty file")]
    (failure,) = load_bytes(b"\x00\x01\x02binary", "a.txt")
    assert failure.reason.startswith("binary file")
    assert load_bytes(b"not a feed", "a.xml") == [LoadFailure("a.xml", "not an RSS or Atom feed")]
    # An .xml upload that is really a web page is read as one.
    page = b"<?xml version='1.0'?><html><body><p>The pier closed, the council said.</p></body></html>"
    (article,) = load_bytes(page, "page.xml")
    assert article.body == "The pier closed, the council said."


def test_articles_from_json_as_posted() -> None:
    posted = {
        "articles": [
            {"title": "A", "body": "Alpha text.", "url": "https://paper.example/news/a.html"},
            {"title": "B", "body": "Beta text."},
            {"title": "C"},
            "just a string",
        ]
    }
    articles, failures = split(articles_from_json(posted, origin="request", outlet="API Outlet"))
    assert articles[0].id == "paper.example/news/a"  # from the url
    assert articles[1].id.startswith("article-")  # from the content: re-posting updates, not duplicates
    assert [a.id for a in articles_from_json(posted, origin="again") if isinstance(a, Article)][1] == articles[1].id
    assert {a.outlet for a in articles} == {"API Outlet"}
    assert [f.source for f in failures] == ["request#3", "request#4"]
    assert "a string, not a JSON object" in failures[1].reason
    (single,) = articles_from_json({"headline": "H", "article": "Body."}, origin="request")
    assert (single.title, single.body) == ("H", "Body.")
    (scalar,) = articles_from_json(42, origin="request")
    assert isinstance(scalar, LoadFailure) and "not a number" in scalar.reason


# --- public surface and real data ------------------------------------------------------------------------
def test_all_matches_exports() -> None:
    public = {name for name in dir(loaders) if not name.startswith("_") and name not in ("annotations",)}
    modules = {name for name in public if type(getattr(loaders, name)).__name__ == "module"}
    assert set(loaders.__all__) == public - modules


def test_bbc_latin1_article_loads(shared_data: Path) -> None:
    path = shared_data / "bbc" / "sport" / "199.txt"
    (article,) = load_source(path, root=shared_data / "bbc")
    assert article.id == "sport/199"
    raw = path.read_bytes()
    assert article.title == raw.split(b"\n", 1)[0].decode("ascii").strip()
    assert "\u00a3" in article.body  # the one Latin-1 byte (0xA3) is a pound sign
    assert "\ufffd" not in article.body
    body_bytes = raw.split(b"\n\n", 1)[1].rstrip()
    assert article.body == body_bytes.decode("cp1252")  # offsets: body is exactly the text after the blank line


def test_bbc_folder_skips_its_readme(shared_data: Path) -> None:
    sources, failures = discover([shared_data / "bbc"])
    assert not failures
    assert not any(Path(s).name.lower().startswith("readme") for s in sources)
    assert len(sources) == 2225

"""The HTTP API through the real app (FastAPI TestClient / httpx ASGI) on the real NewsQA over corpus/sample."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.models import Answer, SearchResponse
from app.settings import Settings
from app.surfaces.http import create_app
from indexing.ingest.pipeline import IngestReport
from indexing.models import Article
from tests.api_fixtures import sample_qa  # noqa: F401 - session fixture

FIXTURES = Path(__file__).parent / "fixtures" / "ui"
KEY = "s3cret-key"


def _settings(qa, **update) -> Settings:
    return qa.settings.model_copy(update=update)


@pytest.fixture(scope="module")
def client(sample_qa) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(sample_qa.settings, sample_qa), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def keyed(sample_qa) -> Iterator[TestClient]:  # noqa: F811
    app = create_app(_settings(sample_qa, api_key=KEY), sample_qa)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _article(article_id: str, body: str | None = None, **fields) -> dict:
    return {
        "id": article_id,
        "title": fields.pop("title", "Ferry timetable changes in Lowmere"),
        "outlet": fields.pop("outlet", "API Test Times"),
        "published_at": fields.pop("published_at", "2026-10-12"),
        "body": body
        or "The Lowmere ferry operator said on Monday that winter sailings would start a week early. "
        "Harbourmaster Ines Tamm told the council that storms could disrupt the crossings.",
        **fields,
    }


def _error(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message"}, body
    assert body["error"]["message"] and "\n" not in body["error"]["message"]
    return body["error"]


# --- meta ---------------------------------------------------------------------------------------
def test_health_and_stats(client: TestClient) -> None:
    health = client.get("/api/v1/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    stats = client.get("/api/v1/stats").json()
    assert stats["articles"] >= 27 and stats["chunks"] >= stats["articles"]
    assert {"Harbor Gazette", "Meridian Wire", "The Northern Ledger"} <= set(stats["outlets"])


def test_openapi_lists_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/search",
        "/api/v1/ask",
        "/api/v1/ask/stream",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
    ):
        assert path in paths, path
    assert "Answer" in client.get("/openapi.json").json()["components"]["schemas"]


# --- search and ask -------------------------------------------------------------------------------
def test_search_returns_the_contract_and_honours_filters(client: TestClient) -> None:
    response = client.post("/api/v1/search", json={"query": "dockworkers strike night-shift pay", "k": 5})
    assert response.status_code == 200
    results = SearchResponse.model_validate(response.json()).results
    assert 1 <= len(results) <= 5 and [r.rank for r in results] == list(range(1, len(results) + 1))
    assert any("strike" in r.title.lower() for r in results)
    assert all(r.claims is not None and r.end > r.start for r in results)

    only = client.post(
        "/api/v1/search",
        json={
            "query": "strike",
            "k": 10,
            "outlets": ["Harbor Gazette"],
            "since": "2026-09-15",
            "until": "2026-09-30",
        },
    )
    kept = SearchResponse.model_validate(only.json()).results
    assert kept and {r.outlet for r in kept} == {"Harbor Gazette"}
    assert all(r.published_at and "2026-09-15" <= r.published_at.isoformat() <= "2026-09-30" for r in kept)


def test_ask_answers_with_resolvable_citations_and_speakers(client: TestClient) -> None:
    response = client.post("/api/v1/ask", json={"question": "What did Maria Okafor say about the strike?"})
    assert response.status_code == 200
    answer = Answer.model_validate(response.json())
    assert not answer.refused and answer.citations
    ids = {c.id for c in answer.citations}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} <= ids
    assert "Okafor" in answer.answer
    assert any(c.speaker == "Maria Okafor" or "Okafor" in (c.source or "") for c in answer.claims)


def test_follow_up_uses_the_history(client: TestClient) -> None:
    first = client.post("/api/v1/ask", json={"question": "Why did the Kessler bridge close?"}).json()
    follow = client.post(
        "/api/v1/ask",
        json={
            "question": "When will it reopen?",
            "history": [
                {"role": "user", "content": first["question"]},
                {"role": "assistant", "content": first["answer"]},
            ],
        },
    )
    assert follow.status_code == 200
    answer = Answer.model_validate(follow.json())
    # "it" is the bridge: the follow-up is answered from the bridge articles.
    assert answer.citations and all("bridge" in c.title.lower() for c in answer.citations), answer.citations


def test_unanswerable_question_is_refused(client: TestClient) -> None:
    answer = Answer.model_validate(
        client.post("/api/v1/ask", json={"question": "What is the boiling point of tungsten on Mars?"}).json()
    )
    assert answer.refused and not answer.citations


def _sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        kind = next(line[7:] for line in block.splitlines() if line.startswith("event: "))
        data = json.loads("".join(line[6:] for line in block.splitlines() if line.startswith("data: ")))
        events.append((kind, data))
    return events


def test_ask_stream_sends_tokens_then_the_answer(client: TestClient) -> None:
    with client.stream(
        "POST", "/api/v1/ask/stream", json={"question": "What did Tomas Reyes say about the deal?"}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _sse_events(response.read().decode())
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "answer" and "token" in kinds and kinds.index("token") < len(kinds) - 1
    assert all(data["type"] == kind for kind, data in events)
    answer = Answer.model_validate(events[-1][1]["answer"])
    streamed = "".join(data["text"] for kind, data in events if kind == "token")
    assert answer.citations and streamed.strip() == answer.answer.strip()


def test_ask_stream_rejects_bad_input_before_streaming(client: TestClient) -> None:
    response = client.post("/api/v1/ask/stream", json={"question": "   "})
    assert response.status_code == 400 and _error(response)["type"] == "BadInputError"
    response = client.post("/api/v1/ask/stream", json={"question": "x", "since": "2026-10-01", "until": "2026-09-01"})
    assert response.status_code == 400 and "before" in _error(response)["message"]


# --- bad input never yields a 500 --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        ("/api/v1/search", {"k": 3}, 422, "query"),
        ("/api/v1/search", {"query": "port", "k": 0}, 422, "k"),
        ("/api/v1/search", {"query": "port", "k": "many"}, 422, "k"),
        ("/api/v1/search", {"query": "port", "since": "last tuesday"}, 422, "since"),
        (
            "/api/v1/search",
            {"query": "port", "since": "2026-10-01", "until": "2026-09-01"},
            400,
            "before",
        ),
        ("/api/v1/search", {"query": "port", "outlets": "Harbor Gazette"}, 422, "outlets"),
        ("/api/v1/ask", {"question": ""}, 422, "question"),
        (
            "/api/v1/ask",
            {"question": "why?", "history": [{"role": "system", "content": "x"}]},
            422,
            "role",
        ),
        ("/api/v1/ask", ["not", "an", "object"], 422, "body"),
    ],
)
def test_bad_requests_get_a_readable_4xx(client: TestClient, path: str, body: object, status: int, needle: str) -> None:
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    assert needle in _error(response)["message"]


def test_malformed_json_is_a_400(client: TestClient) -> None:
    for path in ("/api/v1/search", "/api/v1/ask", "/api/v1/articles"):
        response = client.post(path, content=b'{"query": "port",', headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (path, response.text)
        assert "JSON" in _error(response)["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "text/json", None])
def test_a_json_body_without_a_json_content_type_is_a_415_naming_the_header(
    client: TestClient, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    for path, body in (
        ("/api/v1/ask", {"question": "What did Maria Okafor say about the strike?"}),
        ("/api/v1/ask/stream", {"question": "What did Maria Okafor say about the strike?"}),
        ("/api/v1/search", {"query": "port strike"}),
    ):
        response = client.post(path, content=json.dumps(body).encode(), headers=headers)
        assert response.status_code == 415, (path, response.text)
        error = _error(response)
        assert error["type"] == "UnsupportedMediaType"
        assert "Content-Type: application/json" in error["message"]
        assert (repr(content_type) if content_type else "no Content-Type") in error["message"]
    # The same body with the header (and a charset) is answered.
    response = client.post(
        "/api/v1/search",
        content=json.dumps({"query": "port strike", "k": 1}).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200 and len(response.json()["results"]) == 1


def test_a_missing_or_non_object_body_says_what_to_send(client: TestClient) -> None:
    response = client.post("/api/v1/ask", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "no body" in _error(response)["message"]
    response = client.post("/api/v1/search", json="port strike")
    assert response.status_code == 422
    assert _error(response)["message"] == ("the body must be a JSON object with the request's fields, not a string")


def test_unknown_routes_and_methods_answer_json(client: TestClient) -> None:
    assert _error(client.get("/api/v1/nope"))["type"] == "NotFound"
    assert client.put("/api/v1/search", json={}).status_code == 405


# --- articles --------------------------------------------------------------------------------------------
def test_ingest_get_update_delete_an_article_with_a_slash_in_its_id(client: TestClient) -> None:
    article = _article("api-tests/ferry-001")
    report = IngestReport.model_validate(client.post("/api/v1/articles", json={"articles": [article]}).json())
    assert (report.added, report.failed) == (1, [])
    again = client.post("/api/v1/articles", json=article).json()
    assert again["unchanged"] == 1 and again["added"] == 0

    got = client.get("/api/v1/articles/api-tests/ferry-001")
    assert got.status_code == 200 and Article.model_validate(got.json()).body == article["body"]
    hits = client.post("/api/v1/search", json={"query": "Lowmere ferry winter sailings", "k": 3}).json()["results"]
    assert hits[0]["article_id"] == "api-tests/ferry-001"

    changed = client.post(
        "/api/v1/articles",
        json=[_article("api-tests/ferry-001", body=article["body"] + " Fares stay the same.")],
    )
    assert changed.json()["updated"] == 1

    assert client.delete("/api/v1/articles/api-tests/ferry-001").json() == {
        "id": "api-tests/ferry-001",
        "deleted": True,
    }
    assert client.get("/api/v1/articles/api-tests/ferry-001").status_code == 404
    assert _error(client.delete("/api/v1/articles/api-tests/ferry-001"))["type"] == "NotFound"
    hits = client.post("/api/v1/search", json={"query": "Lowmere ferry winter sailings", "k": 3}).json()["results"]
    assert all(h["article_id"] != "api-tests/ferry-001" for h in hits)


def test_jsonl_body_loads_good_lines_and_reports_the_bad_one(client: TestClient) -> None:
    lines = [
        json.dumps(_article("api-tests/jsonl-1")),
        "{this is not json",
        json.dumps(_article("api-tests/jsonl-2", title="Second")),
    ]
    response = client.post(
        "/api/v1/articles",
        content="\n".join(lines).encode(),
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text
    report = IngestReport.model_validate(response.json())
    assert report.added == 2 and len(report.failed) == 1 and ":2" in report.failed[0].source
    for article_id in ("api-tests/jsonl-1", "api-tests/jsonl-2"):
        assert client.delete(f"/api/v1/articles/{article_id}").status_code == 200


def test_multipart_upload_of_files(client: TestClient) -> None:
    text = (
        "---\nid: api-tests/upload-1\ntitle: Orchard harvest starts late\noutlet: Upload Weekly\npublished_at: 2026-10-02\n---\n"
        "Growers in the Tarn valley said the apple harvest began two weeks late. One expert suggested the cold spring may be to blame.\n"
    )
    response = client.post(
        "/api/v1/articles",
        files=[
            ("files", ("orchard.md", text.encode(), "text/markdown")),
            ("files", ("broken.json", b"[{", "application/json")),
        ],
        headers={"X-NewsQA-Client": "tests"},
    )
    report = IngestReport.model_validate(response.json())
    assert report.added == 1 and len(report.failed) == 1 and "broken.json" in report.failed[0].source
    assert client.get("/api/v1/articles/api-tests/upload-1").json()["outlet"] == "Upload Weekly"
    assert client.delete("/api/v1/articles/api-tests/upload-1").status_code == 200


def test_uploads_a_browser_sends_without_asking_need_our_header(client: TestClient) -> None:
    # another web page can make a browser POST these to a local server without a CORS preflight
    text = b"---\nid: api-tests/forged\ntitle: Forged\n---\nA forged article body, long enough to ingest.\n"
    forged = [
        client.post("/api/v1/articles", files=[("files", ("forged.md", text, "text/markdown"))]),
        client.post("/api/v1/articles", content=text, headers={"Content-Type": "text/plain"}),
    ]
    for response in forged:
        assert response.status_code == 403 and "X-NewsQA-Client" in _error(response)["message"]
    headerless = client.post("/api/v1/articles", content=b'{"articles": []}', headers={"Content-Type": ""})
    assert headerless.status_code == 415
    assert client.get("/api/v1/articles/api-tests/forged").status_code == 404


def test_article_upload_errors(client: TestClient) -> None:
    empty = client.post("/api/v1/articles", json={"articles": []})
    assert (
        empty.status_code == 200 and empty.json()["added"] == 0 and "no articles" in empty.json()["failed"][0]["reason"]
    )
    blank = client.post("/api/v1/articles", content=b"", headers={"Content-Type": "application/x-ndjson"})
    assert blank.status_code == 200 and blank.json()["failed"][0]["reason"] == "empty file"
    assert (
        _error(client.post("/api/v1/articles", content=b"\x00\x01", headers={"Content-Type": "image/png"}))["type"]
        == "UnsupportedMediaType"
    )
    bad = client.post("/api/v1/articles", json={"articles": [{"id": "api-tests/empty", "title": "no body"}]})
    assert bad.status_code == 200 and bad.json()["added"] == 0 and len(bad.json()["failed"]) == 1
    # No endpoint reads a server path: a "path" is only a string in an article.
    sneaky = client.post("/api/v1/articles", json=["/etc/passwd"])
    assert sneaky.json()["added"] == 0


def test_listing_pages_and_filters(client: TestClient, sample_qa) -> None:  # noqa: F811
    total = sample_qa.stats()["articles"]
    first = client.get("/api/v1/articles", params={"limit": 10}).json()
    second = client.get("/api/v1/articles", params={"limit": 10, "offset": 10}).json()
    assert first["total"] == total and len(first["articles"]) == 10
    ids_first, ids_second = (
        {a["id"] for a in first["articles"]},
        {a["id"] for a in second["articles"]},
    )
    assert not ids_first & ids_second
    dates = [a["published_at"] for a in first["articles"]]
    assert dates == sorted(dates, reverse=True), "newest first"

    gazette = client.get("/api/v1/articles", params={"outlet": "Harbor Gazette", "limit": 100}).json()
    assert gazette["total"] == 9 and {a["outlet"] for a in gazette["articles"]} == {"Harbor Gazette"}
    september = client.get("/api/v1/articles", params={"since": "2026-09-01", "until": "2026-09-30", "limit": 3}).json()
    assert len(september["articles"]) == 3 and september["total"] > 3
    assert all("2026-09-01" <= a["published_at"] <= "2026-09-30" for a in september["articles"])
    worded = client.get("/api/v1/articles", params={"q": "strike"}).json()
    assert worded["articles"] and all("strike" in (a["title"] + a["id"]).lower() for a in worded["articles"])
    assert client.get("/api/v1/articles", params={"limit": 0}).status_code == 422


# --- auth and limits -------------------------------------------------------------------------------------
def test_writes_need_the_key_when_one_is_set(keyed: TestClient) -> None:
    article = _article("api-tests/auth-1")
    missing = keyed.post("/api/v1/articles", json=article)
    assert missing.status_code == 401 and _error(missing)["type"] == "Unauthorized"
    assert missing.headers["www-authenticate"] == "Bearer"
    assert keyed.post("/api/v1/articles", json=article, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert keyed.delete("/api/v1/articles/api-tests/auth-1").status_code == 401
    assert keyed.post("/api/v1/articles", json=article, headers={"Authorization": f"Bearer {KEY}"}).json()["added"] == 1
    assert keyed.delete("/api/v1/articles/api-tests/auth-1", headers={"X-API-Key": KEY}).status_code == 200
    # Reads stay open unless NEWSQA_API_KEY_READS is set.
    assert keyed.post("/api/v1/search", json={"query": "port"}).status_code == 200
    assert keyed.get("/api/v1/articles").status_code == 200


def test_reads_need_the_key_with_api_key_reads(sample_qa) -> None:  # noqa: F811
    app = create_app(_settings(sample_qa, api_key=KEY, api_key_reads=True), sample_qa)
    with TestClient(app, raise_server_exceptions=False) as c:
        for method, path, body in [
            ("POST", "/api/v1/search", {"query": "port"}),
            ("POST", "/api/v1/ask", {"question": "Who went on strike?"}),
            ("POST", "/api/v1/ask/stream", {"question": "Who went on strike?"}),
            ("GET", "/api/v1/articles", None),
            ("GET", "/api/v1/stats", None),
        ]:
            assert c.request(method, path, json=body).status_code == 401, path
        assert c.post("/api/v1/search", json={"query": "port"}, headers={"X-API-Key": KEY}).status_code == 200
        assert c.get("/api/v1/health").status_code == 200  # liveness stays open for load balancers


def test_bodies_over_the_limit_get_413(sample_qa) -> None:  # noqa: F811
    app = create_app(_settings(sample_qa, max_request_bytes=2048), sample_qa)
    with TestClient(app, raise_server_exceptions=False) as c:
        big = _article("api-tests/big", body="word " * 2000)
        response = c.post("/api/v1/articles", json=big)
        assert response.status_code == 413 and _error(response)["type"] == "PayloadTooLarge"

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
            yield b'{"query": "'
            for _ in range(10):
                yield b"x" * 512
            yield b'"}'

        streamed = c.post("/api/v1/search", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413 and _error(streamed)["type"] == "PayloadTooLarge"
        assert c.post("/api/v1/search", json={"query": "port"}).status_code == 200
    assert sample_qa.get_article("api-tests/big") is None


# --- concurrency -------------------------------------------------------------------------------------------
def test_concurrent_asks_and_an_ingest_do_not_interfere(sample_qa) -> None:  # noqa: F811
    app = create_app(sample_qa.settings, sample_qa)
    questions = [
        "What did Maria Okafor say?",
        "Who leaked the Lumora data?",
        "What happened to the cod quota?",
    ] * 3

    async def run() -> tuple[list[httpx.Response], httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=120) as http:
            asks = [http.post("/api/v1/ask", json={"question": q}) for q in questions]
            ingest = http.post("/api/v1/articles", json=_article("api-tests/concurrent-1"))
            *answers, ingested = await asyncio.gather(*asks, ingest)
            return answers, ingested

    answers, ingested = asyncio.run(run())
    assert ingested.status_code == 200 and ingested.json()["added"] == 1
    assert [r.status_code for r in answers] == [200] * len(questions)
    by_question: dict[str, set[str]] = {}
    for question, response in zip(questions, answers, strict=True):
        by_question.setdefault(question, set()).add(response.json()["answer"])
    assert all(len(texts) == 1 for texts in by_question.values()), "the same question got different answers"
    assert sample_qa.delete_article("api-tests/concurrent-1")


def test_python_example_in_docs_runs(sample_qa, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """docs/api.md's Python example, executed against the session's store (ingest finds it unchanged)."""
    docs = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    example = re.search(r"## Python API.*?```python\n(.*?)```", docs, re.DOTALL)
    assert example, "docs/api.md has no python example"
    monkeypatch.setenv("NEWSQA_HOME", str(sample_qa.settings.home))
    monkeypatch.chdir(Path(__file__).parent.parent)
    namespace: dict[str, object] = {}
    exec(compile(example.group(1), "docs/api.md", "exec"), namespace)  # noqa: S102 - our own documentation
    answer = namespace["answer"]
    assert isinstance(answer, Answer) and answer.citations

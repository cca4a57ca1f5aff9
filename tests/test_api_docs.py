"""/docs works offline: Swagger UI's files come from the installed package, not a CDN.

The real rendering of the page is checked in a browser by ``tests/test_ui_browser.py``.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.surfaces.http import create_app


def test_docs_page_loads_its_assets_from_the_server(settings) -> None:
    client = TestClient(create_app(settings))
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text)
    assert assets, "the docs page names no script or stylesheet"
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by newsqa itself"
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 1000, asset
    schema = client.get("/openapi.json").json()
    assert "/api/v1/ask" in schema["paths"]


def test_docs_script_reads_the_openapi_version_newsqa_serves(settings) -> None:
    # FastAPI describes the API as OpenAPI 3.1; Swagger UI before 5 refuses that version
    # ("Unable to render this definition"). Swagger UI 5 carries its OpenAPI 3.1 support as isOAS31.
    client = TestClient(create_app(settings))
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    script = re.search(r'<script src="([^"]*swagger-ui-bundle\.js)"', client.get("/docs").text)
    assert script, "the docs page loads no Swagger UI bundle"
    assert "isOAS31" in client.get(script.group(1)).text

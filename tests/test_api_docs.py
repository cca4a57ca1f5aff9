"""/docs works offline: Swagger UI's files come from the installed package, not a CDN."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.api import create_app


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

"""/api/v1/docs: the API reference as a page, from the same OpenAPI document, with nothing loaded
from elsewhere (the page passes the site's Content-Security-Policy as it is)."""

from __future__ import annotations

from appeals.web.api.openapi import build_document

from .conftest import parse


def test_reference_lists_every_operation_of_the_document(client, app):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    tree = parse(response)
    with app.app_context():
        document = build_document(app)
    shown = {" ".join(h.text_content().split()) for h in tree.xpath('//article[@class="operation"]/h3')}
    for path, methods in document["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in shown
    assert "GET /api/v1/appeals" in shown
    schema_names = set(tree.xpath('//article[@class="schema"]/h3/text()'))
    assert set(document["components"]["schemas"]) == schema_names
    assert tree.xpath('//a[@href="/api/v1/openapi.json"]')


def test_reference_loads_nothing_from_elsewhere(client):
    response = client.get("/api/v1/docs")
    tree = parse(response)
    sources = tree.xpath("//script/@src | //link/@href | //img/@src")
    assert not tree.xpath("//script"), "no script at all"
    assert all(s.startswith("/") or s.startswith("data:") for s in sources), sources
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_every_page_links_to_the_reference(client):
    assert parse(client.get("/")).xpath('//footer//a[@href="/api/v1/docs"]')

"""Every error outside the API is the site's own page: its layout (the menu), what may have
happened, and where to go. (Under /api/v1 errors are JSON: the API's own tests.)"""

from __future__ import annotations

import pytest
from flask import abort

from .appeal_records import main_text, stored_appeal
from .conftest import make_app, parse


def _is_site_page(response) -> None:
    tree = parse(response)
    assert tree.xpath('//nav[@aria-label="Main"]//a'), "the site's menu is on the page"
    assert tree.xpath('//h2[@id="why-title"]'), "it says what may have happened"
    links = tree.xpath('//section[@aria-labelledby="where-title"]//a/@href')
    assert "/" in links, "it offers a way back to the start"
    assert "Not Found</h1>" not in response.get_data(as_text=True)


def test_unknown_address_is_a_site_page_naming_the_causes(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    _is_site_page(response)
    text = main_text(response)
    assert "We cannot find that page" in text
    assert "mistyped" in text and "deleted" in text and "retention" in text


def test_wrong_private_link_key_and_deleted_appeal_are_site_pages(client, app):
    appeal_id, key = stored_appeal(app, "appeal")
    wrong = client.get(f"/a/{appeal_id}/{'x' * len(key)}")
    assert wrong.status_code == 404
    _is_site_page(wrong)
    assert "copied whole" in main_text(wrong)

    client.get(f"/a/{appeal_id}/{key}")
    client.post(f"/appeals/{appeal_id}/delete")
    gone = client.get(f"/appeals/{appeal_id}")
    assert gone.status_code == 404
    _is_site_page(gone)


def test_wrong_method_is_a_site_page_with_allow(client):
    response = client.delete("/")
    assert response.status_code == 405
    _is_site_page(response)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("code, words", [
    (400, "could not be understood"), (403, "cannot open this page"), (410, "no longer here"),
    (413, "too large"), (429, "Too many attempts"), (500, "went wrong on our side"),
])
def test_each_error_code_has_its_page(tmp_path, code, words):
    app = make_app(tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.get("/__raise/<int:status>")
    def _raise(status):
        abort(status)

    @app.get("/__crash")
    def _crash():
        raise RuntimeError("synthetic failure")

    client = app.test_client()
    response = client.get("/__crash" if code == 500 else f"/__raise/{code}")
    assert response.status_code == code
    _is_site_page(response)
    assert words in main_text(response)
    assert "synthetic failure" not in response.get_data(as_text=True)


def test_api_paths_are_left_to_the_api(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "why-title" not in response.get_data(as_text=True)

"""PATCH /api/v1/templates/<id> with settings that are not text answers 422 naming the field
(issue 14: it answered 500)."""

import pytest

from .test_library import library_app, upload  # noqa: F401  (fixture and helper)


@pytest.mark.parametrize("body, field", [
    ({"name": 123}, "name"), ({"description": [None, None]}, "description"),
    ({"name": True}, "name"), ({"visibility": ""}, "visibility"),
])
def test_settings_that_are_not_text_are_refused_by_field(library_app, client, api_headers, body, field):  # noqa: F811
    tid = upload(client, api_headers).json["template"]["id"]
    response = client.patch(f"/api/v1/templates/{tid}", headers=api_headers, json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == [field]
    renamed = client.patch(f"/api/v1/templates/{tid}", headers=api_headers, json={"name": "Renamed"})
    assert renamed.status_code == 200 and renamed.json["name"] == "Renamed"

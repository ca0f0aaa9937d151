"""The appeals list, sorted and paginated: "My appeals" (deadline column, passed ones flagged)
and GET /api/v1/appeals."""

from __future__ import annotations

from conftest import PASSWORD

from .appeal_records import main_text, parse, stored_appeal

DAYS = [40, -5, 10, None]  # deadlines relative to today; None: a check before filing


def _store(app, user) -> dict[int | None, str]:
    ids = {}
    for days in DAYS:
        if days is None:
            ids[days], _ = stored_appeal(app, "ready", check=True, owner=user)
        else:
            ids[days], _ = stored_appeal(app, "appeal", owner=user, deadline_days=days)
    return ids


def test_my_appeals_sorts_by_deadline_and_flags_passed_ones(client, app, user):
    ids = _store(app, user)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    page = client.get("/appeals?sort=deadline")
    tree = parse(page)
    rows = tree.xpath('//table[contains(@class, "appeal-list")]/tbody/tr')
    order = [row.xpath(".//a/@href")[0].rsplit("/", 1)[-1] for row in rows]
    assert order == [ids[-5], ids[10], ids[40], ids[None]]
    first_deadline = rows[0].xpath('.//td[@class="deadline"]')[0].text_content()
    assert "Passed" in first_deadline
    assert "Passed" not in rows[1].xpath('.//td[@class="deadline"]')[0].text_content()
    assert tree.xpath('//th[@aria-sort="ascending"]')[0].text_content() == "Deadline"
    assert "Newest first" in main_text(page)


def test_api_lists_appeals_a_page_at_a_time(client, app, user, api_headers):
    ids = _store(app, user)
    response = client.get("/api/v1/appeals?sort=deadline&per_page=3", headers=api_headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 4 and body["page"] == 1 and body["per_page"] == 3
    assert [a["id"] for a in body["appeals"]] == [ids[-5], ids[10], ids[40]]
    assert body["appeals"][0]["deadline_passed"] is True
    assert body["appeals"][1]["deadline_passed"] is False
    assert "case" not in body["appeals"][0]
    second = client.get(body["links"]["next"], headers=api_headers).get_json()
    assert [a["id"] for a in second["appeals"]] == [ids[None]]
    assert second["appeals"][0]["check_before_filing"] is True
    assert "next" not in second["links"]


def test_api_list_is_scoped_and_refuses_bad_paging(client, app, user, api_headers,
                                                   other_api_headers):
    _store(app, user)
    assert client.get("/api/v1/appeals", headers=other_api_headers).get_json()["total"] == 0
    bad = client.get("/api/v1/appeals?per_page=500", headers=api_headers)
    assert bad.status_code == 400
    assert bad.get_json()["errors"][0]["field"] == "per_page"
    assert client.get("/api/v1/appeals?sort=sideways",
                      headers=api_headers).get_json()["errors"][0]["field"] == "sort"
    assert client.get("/api/v1/appeals").status_code == 401

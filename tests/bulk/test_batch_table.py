"""A batch's rows on its page: sorted, filtered and paginated server-side (10,000 rows show a
page of 100), passed deadlines flagged, warnings shown, filtered and sorted by, each row's letter
linked. Every test runs on SQLite and on PostgreSQL (their JSON functions differ)."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from sqlalchemy import insert, select

from appeals.extensions import db
from appeals.models import Appeal, Batch, User
from appeals.models.appeals import DONE, FAILED

from .conftest import make_bulk_app

SERVICE = {"id": "mri_lumbar_spine", "name": "MRI lumbar spine", "codes": ["72148"]}


CONTRADICTION = "Two notes give different dates."
STALE = "The newest note is over a year old."


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path):
    """The bulk app (tests/bulk/conftest.py) on SQLite, and on a throwaway PostgreSQL database."""
    with contextlib.ExitStack() as stack:
        url = None
        if request.param == "postgres":
            from support.workers import postgres_database

            url = stack.enter_context(postgres_database())
        app = make_bulk_app(tmp_path, url)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _warnings(row: int) -> list[str] | None:
    """Every 10th row two warnings, the other 5th rows one, every 13th a result without the field
    (0 warnings), the rest none."""
    if row % 10 == 0:
        return [CONTRADICTION, STALE]
    if row % 5 == 0:
        return [CONTRADICTION]
    return None if row % 13 == 0 else []


def _result(row: int, today: dt.date) -> dict:
    # Deadlines spread over both sides of today; every 7th row an emergency.
    deadline = (today + dt.timedelta(days=(row * 37) % 200 - 50)).isoformat()
    result = {
        "outcome": "appeal" if row % 3 else "not_met",
        "urgency": "emergency" if row % 7 == 0 else "standard",
        "service": SERVICE, "requirements": [],
        "deadline": {"date": deadline, "days": 180, "counted_from": "2026-01-01",
                     "basis": "synthetic"},
    }
    if _warnings(row) is not None:
        result["warnings"] = _warnings(row)
    return result


def _store_batch(app, email: str, rows: int) -> str:
    today = dt.date.today()
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        batch = Batch(filename="synthetic.csv", owner_id=user.id,
                      organization_id=user.organization_id, status="finished",
                      total_rows=rows)
        db.session.add(batch)
        db.session.flush()
        db.session.execute(insert(Appeal), [
            {"id": f"{batch.id[:16]}{row:016d}", "batch_id": batch.id, "row_number": row,
             "owner_id": user.id, "organization_id": user.organization_id,
             "case_json": {"service": SERVICE["id"], "plan_type": "employer",
                           "patient": {"name": f"Synthetic Patient {row:05d}"}},
             "result_json": _result(row, today), "kind": "patient",
             "status": FAILED if row % 11 == 0 else DONE}
            for row in range(2, rows + 2)])
        db.session.commit()
        return batch.id


def _table(response):
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    rows = tree.xpath('//table[contains(@class, "batch-rows")]/tbody/tr')
    return tree, [[" ".join(td.text_content().split()) for td in row.xpath("td")] for row in rows]


def test_rows_sort_by_deadline_and_flag_passed_ones(app, clinic):
    client, _ = clinic
    batch_id = _store_batch(app, "billing@clinic.example.test", 30)
    tree, cells = _table(client.get(f"/bulk/{batch_id}?sort=deadline"))
    deadlines = [c[5].replace("Passed ", "") for c in cells]
    assert deadlines == sorted(deadlines)
    today = dt.date.today().isoformat()
    for c in cells:
        assert c[5].startswith("Passed") == (c[5].replace("Passed ", "") < today)
    assert tree.xpath('//th[@aria-sort="ascending"]')[0].text_content().split()[0] == "Deadline"
    _, flipped = _table(client.get(f"/bulk/{batch_id}?sort=-deadline"))
    assert [c[5] for c in flipped] == [c[5] for c in reversed(cells)]
    warned = [c for c in cells if c[0] == "5"][0]
    assert CONTRADICTION in warned[6]


def test_rows_filter_by_outcome_urgency_deadline_and_patient(app, clinic):
    client, _ = clinic
    batch_id = _store_batch(app, "billing@clinic.example.test", 40)
    _, emergencies = _table(client.get(f"/bulk/{batch_id}?urgency=emergency"))
    assert [int(c[0]) for c in emergencies] == [r for r in range(2, 42) if r % 7 == 0]
    _, passed = _table(client.get(f"/bulk/{batch_id}?deadline=passed&outcome=not_met"))
    assert passed and all(c[5].startswith("Passed") and c[3] == "Criteria not met yet"
                          for c in passed)
    _, named = _table(client.get(f"/bulk/{batch_id}?patient=patient%2000012"))
    assert [c[1] for c in named] == ["Synthetic Patient 00012"]
    _, failed = _table(client.get(f"/bulk/{batch_id}?letter=failed"))
    assert [int(c[0]) for c in failed] == [11, 22, 33]
    assert all("Word" not in c[7] for c in failed)


def _warning_counts(response) -> dict[int, int]:
    """Row number -> how many warnings its row lists, in the table's order."""
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    return {int(tr.xpath("td[1]")[0].text_content()): len(tr.xpath("td[7]//li"))
            for tr in tree.xpath('//table[contains(@class, "batch-rows")]/tbody/tr')}


def _query(link: str) -> dict:
    return parse_qs(urlsplit(link).query)


def test_rows_filter_and_sort_by_warnings(app, clinic):
    client, _ = clinic
    batch_id = _store_batch(app, "billing@clinic.example.test", 40)
    rows = range(2, 42)

    response = client.get(f"/bulk/{batch_id}?warnings=with")
    tree, warned = _table(response)
    assert [int(c[0]) for c in warned] == [r for r in rows if r % 5 == 0]
    assert all(CONTRADICTION in c[6] for c in warned)
    assert "8 rows." in tree.xpath('//section[@id="rows"]//p[@role="status"]')[0].text_content()
    assert tree.xpath('//select[@name="warnings"]/option[@selected]/@value') == ["with"]

    _, quiet = _table(client.get(f"/bulk/{batch_id}?warnings=without"))
    assert [int(c[0]) for c in quiet] == [r for r in rows if r % 5]  # 13 and 26 have no field
    assert all(c[6] == "—" for c in quiet)

    most_first = _warning_counts(client.get(f"/bulk/{batch_id}?sort=-warnings"))
    assert list(most_first) == [10, 20, 30, 40, 5, 15, 25, 35] + [r for r in rows if r % 5]
    assert list(most_first.values()) == [2] * 4 + [1] * 4 + [0] * 32
    fewest_first = _warning_counts(client.get(f"/bulk/{batch_id}?sort=warnings&warnings=with"))
    assert list(fewest_first.items()) == [(5, 1), (15, 1), (25, 1), (35, 1),
                                          (10, 2), (20, 2), (30, 2), (40, 2)]

    # A value the filter does not know shows every row (a hand-edited link still works).
    _, everything = _table(client.get(f"/bulk/{batch_id}?warnings=maybe"))
    assert len(everything) == 40
    _, urgent = _table(client.get(f"/bulk/{batch_id}?warnings=with&urgency=emergency"))
    assert [int(c[0]) for c in urgent] == [35]


def test_sort_links_keep_the_warnings_filter(app, clinic):
    client, _ = clinic
    batch_id = _store_batch(app, "billing@clinic.example.test", 40)
    tree = lxml.html.fromstring(client.get(
        f"/bulk/{batch_id}?warnings=without&sort=-deadline").get_data(as_text=True))
    headers = {th.text_content().split()[0]: _query(th.xpath("a/@href")[0])
               for th in tree.xpath('//table[contains(@class, "batch-rows")]/thead//th[a]')}
    assert set(headers) == {"Row", "Patient", "Outcome", "Urgency", "Deadline", "Warnings"}
    assert all(query["warnings"] == ["without"] for query in headers.values())
    assert headers["Warnings"]["sort"] == ["warnings"]
    assert headers["Deadline"]["sort"] == ["deadline"]  # sorted descending now: flips


@pytest.mark.slow
def test_ten_thousand_rows_show_one_page_quickly(app, clinic):
    client, _ = clinic
    batch_id = _store_batch(app, "billing@clinic.example.test", 10_000)
    started = time.perf_counter()
    response = client.get(f"/bulk/{batch_id}?sort=-deadline&page=3")
    elapsed = time.perf_counter() - started
    tree, cells = _table(response)
    assert len(cells) == 100
    assert "page 3 of 100" in tree.xpath('//section[@id="rows"]//p[@role="status"]')[0].text_content()
    assert elapsed < 5, f"a page of 10,000 rows took {elapsed:.1f} s"
    assert tree.xpath('//a[@rel="next"]') and tree.xpath('//a[@rel="prev"]')

    # Filtered by warnings and sorted by their number: still a page of 100, and the page links
    # keep both. 2,000 rows have warnings; the 1,000 with two come first.
    started = time.perf_counter()
    response = client.get(f"/bulk/{batch_id}?warnings=with&sort=-warnings&page=2")
    elapsed = time.perf_counter() - started
    tree, cells = _table(response)
    assert [int(c[0]) for c in cells] == list(range(1010, 2001, 10))
    assert "2000 rows, page 2 of 20" in tree.xpath(
        '//section[@id="rows"]//p[@role="status"]')[0].text_content()
    assert elapsed < 5, f"a filtered page of 10,000 rows took {elapsed:.1f} s"
    for rel, page in (("prev", ["1"]), ("next", ["3"])):
        query = _query(tree.xpath(f'//a[@rel="{rel}"]/@href')[0])
        assert (query["warnings"], query["sort"], query.get("page", ["1"])) == (
            ["with"], ["-warnings"], page)

"""A batch's rows on its page: sorted, filtered and paginated server-side (10,000 rows show a
page of 100), passed deadlines flagged, warnings shown, each row's letter linked."""

from __future__ import annotations

import datetime as dt
import time

import lxml.html
import pytest
from sqlalchemy import insert, select

from appeals.extensions import db
from appeals.models import Appeal, Batch, User
from appeals.models.appeals import DONE, FAILED

SERVICE = {"id": "mri_lumbar_spine", "name": "MRI lumbar spine", "codes": ["72148"]}


def _result(row: int, today: dt.date) -> dict:
    # Deadlines spread over both sides of today; every 7th row an emergency, every 5th a warning.
    deadline = (today + dt.timedelta(days=(row * 37) % 200 - 50)).isoformat()
    return {
        "outcome": "appeal" if row % 3 else "not_met",
        "urgency": "emergency" if row % 7 == 0 else "standard",
        "service": SERVICE, "requirements": [],
        "deadline": {"date": deadline, "days": 180, "counted_from": "2026-01-01",
                     "basis": "synthetic"},
        "warnings": ["Two notes give different dates."] if row % 5 == 0 else [],
    }


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
    assert "Two notes give different dates." in warned[6]


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

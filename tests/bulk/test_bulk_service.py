"""A spreadsheet through the whole bulk path (in-process work): letters, manifest, ZIP, errors,
retry, fixing invalid rows, and who may see a batch."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlalchemy import func, select

from appeals.extensions import db
from appeals.models import Appeal, Letter

from .synthetic import HEADERS, good_row, spreadsheet_rows, to_csv, to_xlsx

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def read_zip(data: bytes) -> tuple[list[dict], dict[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    letters = {n: archive.read(n) for n in archive.namelist() if n != "manifest.csv"}
    return manifest, letters


def upload(client, data: bytes, name="denials.csv", **fields):
    return client.post("/bulk/", data={"file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def batch_id_from(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_500_rows_with_20_broken_give_480_letters_and_20_precise_errors(app, clinic):
    client, headers = clinic
    rows, expected = spreadsheet_rows(500, 20)
    batch_id = batch_id_from(upload(client, to_csv(rows)))

    status = client.get(f"/api/v1/batches/{batch_id}", headers=headers).get_json()
    assert (status["status"], status["total"], status["done"], status["failed"],
            status["invalid"]) == ("finished", 480, 480, 0, 20)
    errors = {e["row"]: e for e in status["errors"]}
    assert set(errors) == set(expected)
    for row, (header, fragment) in expected.items():
        assert errors[row]["column"] == header and fragment in errors[row]["message"]

    page = client.get(f"/bulk/{batch_id}").get_data(as_text=True)
    assert "<progress" in page and 'value="480"' in page
    first_bad = min(expected)
    assert f"Fix row {first_bad}" in page

    manifest, letters = read_zip(client.get(f"/bulk/{batch_id}/archive").data)
    assert len(manifest) == 500 and len(letters) == 480
    by_row = {int(m["row"]): m for m in manifest}
    for row in expected:
        assert by_row[row]["status"] == "invalid" and by_row[row]["letter_file"] == ""
        assert expected[row][1] in by_row[row]["error"]
    done = [m for m in manifest if m["status"] == "done"]
    assert {m["letter_file"] for m in done} == set(letters)
    assert all(m["outcome"] and m["urgency"] for m in done)
    assert all(data.startswith(b"PK") for data in letters.values())
    # row 2 is "Jane Doe" asking for 72148: the name says row, patient and service
    assert any(name.startswith("0002_Doe-Jane_") for name in letters)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Letter)) == 480


def test_csv_semicolon_bom_and_xlsx_give_the_same_manifest(app, clinic):
    client, headers = clinic
    rows, _ = spreadsheet_rows(24, 4)
    manifests = []
    for data, name in ((to_csv(rows), "a.csv"), (to_csv(rows, ";", bom=True), "b.csv"),
                       (to_xlsx(rows), "c.xlsx")):
        batch_id = batch_id_from(upload(client, data, name))
        manifest, letters = read_zip(client.get(f"/bulk/{batch_id}/archive").data)
        assert len(letters) == 20
        manifests.append(manifest)
    assert manifests[0] == manifests[1] == manifests[2]


def test_identical_rows_each_get_a_letter_and_are_pointed_out(app, clinic):
    client, headers = clinic
    batch_id = batch_id_from(upload(client, to_csv([HEADERS, good_row(0), good_row(1),
                                                    good_row(0)])))
    status = client.get(f"/api/v1/batches/{batch_id}", headers=headers).get_json()
    assert status["done"] == 3
    assert "Identical rows, each given a letter: row 4 repeats row 2" in status["notes"]


def test_formula_looking_cells_are_neutralized_in_the_manifest(app, clinic):
    client, _ = clinic
    row = good_row(0)
    row[HEADERS.index("Patient Name")] = "=HYPERLINK(\"http://evil.example\",\"x\")"
    bad = good_row(1)
    bad[HEADERS.index("Patient Name")] = "@SUM(A1:A9)"
    bad[HEADERS.index("Plan Type")] = "+gold"
    batch_id = batch_id_from(upload(client, to_csv([HEADERS, row, bad])))
    raw = client.get(f"/bulk/{batch_id}/archive").data
    manifest, letters = read_zip(raw)
    assert manifest[0]["patient"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert manifest[1]["patient"] == "'@SUM(A1:A9)"
    assert manifest[1]["status"] == "invalid" and "'+gold'" in manifest[1]["error"]
    for line in manifest:
        for value in line.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert len(letters) == 1


def test_refused_files_say_why_and_store_nothing(app, clinic):
    client, _ = clinic
    for data, name, message in ((b"\x89PNG\r\n\x1a\n\x00\x00", "scan.png", "not a spreadsheet"),
                                (b"foo,bar\n1,2\n", "x.csv", "no usable header")):
        response = upload(client, data, name)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with app.app_context():
        from appeals.models import Batch

        assert db.session.scalar(select(func.count()).select_from(Batch)) == 0


def test_a_file_over_the_size_limit_is_refused_on_the_page(app, clinic):
    client, headers = clinic
    app.config["MAX_CONTENT_LENGTH"] = 5000
    rows, _ = spreadsheet_rows(100, 0)
    response = upload(client, to_csv(rows))
    assert response.status_code == 413
    assert "The file is larger than 5 KB" in response.get_data(as_text=True)
    response = client.post("/api/v1/batches", headers=headers,
                           data={"file": (io.BytesIO(to_csv(rows)), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and response.is_json


def test_fix_an_invalid_row_on_the_page_and_by_file(app, clinic):
    client, headers = clinic
    rows, expected = spreadsheet_rows(30, 3)
    batch_id = batch_id_from(upload(client, to_csv(rows)))
    bad_rows = sorted(expected)

    # one row fixed on its form
    form_page = client.get(f"/bulk/{batch_id}/rows/{bad_rows[0]}")
    assert form_page.status_code == 200
    cells = dict(zip(["patient_name", "patient_dob", "member_id", "plan_type", "payer", "service",
                      "denial_notice_date", "denial_reference", "denial_text", "denial_code",
                      "original_request", "documentation", "letter"], good_row(bad_rows[0] - 2)))
    response = client.post(f"/bulk/{batch_id}/rows/{bad_rows[0]}", data=cells)
    assert response.status_code == 303

    # the others downloaded, fixed in the file, sent back alone
    invalid = client.get(f"/bulk/{batch_id}/invalid.csv").get_data(as_text=True)
    lines = list(csv.DictReader(io.StringIO(invalid.lstrip("\ufeff"))))
    assert [int(line["row"]) for line in lines] == bad_rows[1:]
    for line in lines:
        good = dict(zip(["patient_name", "patient_dob", "member_id", "plan_type", "payer",
                         "service", "denial_notice_date", "denial_reference", "denial_text",
                         "denial_code", "original_request", "documentation", "letter"],
                        good_row(int(line["row"]) - 2)))
        line.update(good)
        line.pop("problems")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(lines[0]))
    writer.writeheader()
    writer.writerows(lines)
    response = client.post(f"/bulk/{batch_id}/rows",
                           data={"file": (io.BytesIO(buffer.getvalue().encode()), "fixed.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    status = client.get(f"/api/v1/batches/{batch_id}", headers=headers).get_json()
    assert (status["done"], status["invalid"], status["total"], status["errors"]) == (30, 0, 30, [])
    manifest, letters = read_zip(client.get(f"/bulk/{batch_id}/archive").data)
    assert len(letters) == 30 and {m["status"] for m in manifest} == {"done"}


def test_api_json_list_and_others_batches_answer_404(app, clinic, stranger_headers):
    from tests.service.conftest import LUMBAR_CASE

    _, headers = clinic
    bad = {**LUMBAR_CASE, "plan_type": "gold", "surprise": 1}
    response = app.test_client().post("/api/v1/batches?letter=clinician", headers=headers,
                                      json=[LUMBAR_CASE, bad, LUMBAR_CASE])
    assert response.status_code == 202
    body = response.get_json()
    batch_id = body["id"]
    assert response.headers["Location"].endswith(f"/api/v1/batches/{batch_id}")
    assert (body["total"], body["done"], body["invalid"]) == (2, 2, 1)
    assert {(e["row"], e["field"]) for e in body["errors"]} == {(2, "plan_type"), (2, "surprise")}
    archive = app.test_client().get(f"/api/v1/batches/{batch_id}/archive", headers=headers)
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    _, letters = read_zip(archive.data)
    assert len(letters) == 2
    with app.app_context():
        assert {a.kind for a in db.session.scalars(select(Appeal))} == {"clinician"}
        from appeals.privacy import delete_record

        delete_record(db.session.scalar(select(Appeal).where(Appeal.row_number == 3)))
    manifest, letters = read_zip(app.test_client().get(f"/api/v1/batches/{batch_id}/archive",
                                                       headers=headers).data)
    assert [(m["row"], m["status"]) for m in manifest] == [
        ("1", "done"), ("2", "invalid"), ("3", "deleted")]
    assert manifest[1]["patient"] == LUMBAR_CASE["patient"]["name"]
    assert len(letters) == 1
    other = app.test_client()
    for path in (f"/api/v1/batches/{batch_id}", f"/api/v1/batches/{batch_id}/archive"):
        assert other.get(path, headers=stranger_headers).status_code == 404
    assert other.post(f"/api/v1/batches/{batch_id}/retry",
                      headers=stranger_headers).status_code == 404
    assert other.get(f"/api/v1/batches/{batch_id}").status_code == 401
    # an unknown letter refuses the batch as a whole
    response = other.post("/api/v1/batches?letter=sonnet", headers=headers, json=[LUMBAR_CASE])
    assert response.status_code == 422 and "unknown letter" in response.get_json()["message"]


def test_api_multipart_upload(app, clinic):
    _, headers = clinic
    rows, expected = spreadsheet_rows(10, 1)
    response = app.test_client().post(
        "/api/v1/batches", headers=headers,
        data={"file": (io.BytesIO(to_xlsx(rows)), "denials.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 202
    body = response.get_json()
    assert (body["done"], body["invalid"]) == (9, 1)
    assert body["errors"][0]["row"] == next(iter(expected))
    response = app.test_client().post(
        "/api/v1/batches", headers=headers,
        data={"file": (io.BytesIO(b"\x00\x01binary"), "x.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "not a spreadsheet" in response.get_json()["message"]


def test_pages_need_sign_in_and_others_batches_are_not_found(app, clinic):
    client, _ = clinic
    rows, _ = spreadsheet_rows(3, 0)
    batch_id = batch_id_from(upload(client, to_csv(rows)))
    anonymous = app.test_client()
    assert anonymous.get("/bulk/").status_code in (302, 401)
    assert anonymous.get(f"/bulk/{batch_id}").status_code in (302, 401)
    with app.app_context():
        from tests.conftest import make_user

        make_user("nosy@elsewhere.example.test", "Nosy Clinic")
    from tests.conftest import PASSWORD

    anonymous.post("/login", data={"email": "nosy@elsewhere.example.test", "password": PASSWORD})
    assert anonymous.get(f"/bulk/{batch_id}").status_code == 404
    assert anonymous.get(f"/bulk/{batch_id}/archive").status_code == 404
    # sample and column reference are public downloads
    sample = anonymous.get("/bulk/sample.csv")
    assert sample.status_code == 200 and b"service,plan_type" in sample.data
    assert b"denial_notice_date" in anonymous.get("/bulk/columns.csv").data


def test_saved_column_mapping_applies_to_the_next_upload(app, clinic):
    client, headers = clinic
    response = client.post("/bulk/mapping", data={"mapping": "Proc = service\nCoverage = plan_type"})
    assert response.status_code == 303
    data = b"Proc,Coverage,Pt\r\n72148,employer,Doe\r\n"
    batch_id = batch_id_from(upload(client, data))
    status = client.get(f"/api/v1/batches/{batch_id}", headers=headers).get_json()
    assert (status["done"], status["invalid"]) == (1, 0)
    assert any("'Pt'" in note for note in status["notes"])
    response = client.post("/bulk/mapping", data={"mapping": "Proc = procedure"})
    assert response.status_code == 422 and "not a column" in response.get_data(as_text=True)


def test_sample_csv_is_valid_and_matches_the_example(app):
    import pathlib

    from appeals.intake.spreadsheet import parse_sheet

    root = pathlib.Path(__file__).resolve().parents[2]
    sample = app.test_client().get("/bulk/sample.csv").data
    assert sample == (root / "examples" / "bulk" / "sample.csv").read_bytes()
    parsed = list(parse_sheet(sample).rows)
    assert len(parsed) == 2 and all(p.valid for p in parsed)


def test_letter_column_names_a_library_template_and_records_its_version(app, clinic):
    from appeals.access import Principal
    from appeals.letters import builtin_template_bytes
    from appeals.services.letter_library import create_template
    from appeals.models import User

    client, headers = clinic
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "billing@clinic.example.test"))
        template, _ = create_template(Principal(user.id, user.organization_id),
                                      name="Our clinic letter",
                                      data=builtin_template_bytes("clinician"))
        version_id = template.current_version_id
    rows = [HEADERS, good_row(0), good_row(1), good_row(2)]
    rows[1][HEADERS.index("Letter")] = "our clinic letter"
    rows[2][HEADERS.index("Letter")] = "advocate"
    rows[3][HEADERS.index("Letter")] = "someone else's template"
    batch_id = batch_id_from(upload(client, to_csv(rows)))
    status = client.get(f"/api/v1/batches/{batch_id}", headers=headers).get_json()
    assert (status["done"], status["invalid"]) == (2, 1)
    assert status["errors"][0]["row"] == 4 and "unknown letter" in status["errors"][0]["message"]
    with app.app_context():
        chosen = {a.row_number: (a.kind, a.template_version_id)
                  for a in db.session.scalars(select(Appeal))}
    assert chosen[2][1] == version_id
    assert chosen[3] == ("advocate", None)


def test_api_lists_only_the_callers_batches(app, clinic, stranger_headers):
    from tests.service.conftest import LUMBAR_CASE

    _, headers = clinic
    client = app.test_client()
    first = client.post("/api/v1/batches", headers=headers, json=[LUMBAR_CASE]).get_json()["id"]
    second = client.post("/api/v1/batches", headers=headers, json=[LUMBAR_CASE]).get_json()["id"]
    listed = client.get("/api/v1/batches", headers=headers).get_json()["batches"]
    assert [b["id"] for b in listed] == [second, first]
    assert listed[0]["done"] == 1 and listed[0]["errors"] == []
    assert client.get("/api/v1/batches", headers=stranger_headers).get_json() == {"batches": []}
    assert client.get("/api/v1/batches?limit=x", headers=headers).status_code == 400

"""The three ways in: `appeals read`, POST /api/v1/documents, and the web's upload and confirm
pages leading into the intake form. Plain-text and Word files here, so these need no OCR."""

from __future__ import annotations

import io
import re
import json
from datetime import timedelta

import docx
from click.testing import CliRunner

from appeals.cli import cli
from appeals.extensions import db
from appeals.models import DocumentDraft

LETTER = """Cigna Open Access Plus
Date: November 16, 2026
Member: Synthetic Patient A
Date of birth: 1980-12-25
Reference number: EVC-SYN-0001
Service requested: MRI lumbar spine without contrast (CPT 72148)
Decision: Denied
Why we made this decision:
The request for MRI lumbar spine without contrast does not meet eviCore
Spine Imaging Guidelines SP-5.1. Failure of a 6-week trial of provider-directed
treatment was not documented.
Denial code: CO-50
This request was reviewed by eviCore healthcare on behalf of Cigna Open Access Plus.
You may have the right to bring a civil action under section 502(a) of ERISA.
You must ask for an appeal within 180 days of the date of this notice.
Send your written appeal to:
Appeals Unit
PO Box 14012
Lexington, KY 40512
Fax: (800) 555-0123
"""
RECORDS = """Medical records
Office Visit  Date of service: 2026-08-24
Low back pain with radiation down the left leg since 2026-08-16. Exam: positive SLR on the left
at 40 degrees, decreased sensation over the L5 dermatome. Plan: physical therapy and naproxen.
Physical Therapy Discharge Summary  Date of service: 2026-10-26
Physical therapy 2026-08-31 to 2026-10-26, 14 visits, no improvement in leg pain.
Follow-up Visit  Date of service: 2026-10-30
Re-evaluation after 8 weeks of PT: radicular pain persists. SLR positive on the left.
"""


def word_file(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_cli_reads_files_and_writes_the_case(tmp_path):
    (tmp_path / "letter.txt").write_text(LETTER)
    (tmp_path / "records.docx").write_bytes(word_file(RECORDS))
    result = CliRunner().invoke(cli, ["read", str(tmp_path / "letter.txt"),
                                      str(tmp_path / "records.docx"), "-o", str(tmp_path / "case.json")])
    assert result.exit_code == 0, result.output
    assert "Reference or case number: EVC-SYN-0001" in result.output
    assert "from letter.txt p.1: 'Reference number: EVC-SYN-0001'" in result.output
    case = json.loads((tmp_path / "case.json").read_text())
    assert case["service"] == "72148" and case["plan_type"] == "employer"
    assert case["denial"]["reviewer"] == "eviCore"
    assert case["denial"]["appeal_fax"] == "(800) 555-0123"
    assert case["study"] == {"cpt": "72148", "contrast": "without"}
    assert [(n["date"], n["source"]) for n in case["documentation"]] == [
        ("2026-08-24", "Office Visit"), ("2026-10-26", "Physical Therapy Discharge Summary"),
        ("2026-10-30", "Follow-up Visit")]
    matched = CliRunner().invoke(cli, ["match", str(tmp_path / "case.json")])
    assert json.loads(matched.output)["outcome"] == "appeal"


def test_cli_names_a_refused_file_and_reads_the_rest(tmp_path):
    (tmp_path / "letter.txt").write_text(LETTER)
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)))
    result = CliRunner().invoke(cli, ["read", str(tmp_path / "letter.txt"), str(tmp_path / "junk.bin")])
    assert result.exit_code == 1
    assert "REFUSED junk.bin: not a PDF" in result.output
    assert "Date of the denial notice: 2026-11-16" in result.output


def test_api_returns_each_field_with_its_snippet(client, api_headers):
    response = client.post("/api/v1/documents", headers=api_headers, data={
        "file": [(io.BytesIO(LETTER.encode()), "letter.txt"),
                 (io.BytesIO(word_file(RECORDS)), "records.docx")]},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    fields = {item["name"]: item for item in body["fields"]}
    assert fields["denial.code"]["value"] == "CO-50"
    assert fields["denial.code"]["snippet"] == "Denial code: CO-50"
    assert fields["denial.appeal_address"]["value"] == "Appeals Unit, PO Box 14012, Lexington, KY 40512"
    assert fields["deadline"]["value"] == "180 days"
    assert [d["role"] for d in body["documents"]] == ["denial letter", "records"]
    assert len(body["notes"]) == 3 and body["case"]["denial"]["reference"] == "EVC-SYN-0001"
    from appeals.web.api.schemas import DocumentsReading

    DocumentsReading.model_validate(body)  # the answer is what the OpenAPI document says


def test_api_without_files_or_with_nothing_readable(client, api_headers):
    assert client.post("/api/v1/documents", headers=api_headers, data={},
                       content_type="multipart/form-data").status_code == 400
    response = client.post("/api/v1/documents", headers=api_headers,
                           data={"file": [(io.BytesIO(bytes(range(256))), "x.bin")]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"].startswith("x.bin: not a PDF")
    assert client.post("/api/v1/documents").status_code == 401


def upload(client, mode="appeal"):
    return client.post("/documents/", data={
        "mode": mode, "files": [(io.BytesIO(LETTER.encode()), "letter.txt"),
                                (io.BytesIO(RECORDS.encode()), "records.txt")]},
        content_type="multipart/form-data")


def test_web_upload_confirm_and_the_intake_form_filled_in(client, app):
    response = upload(client)
    assert response.status_code == 303
    confirm_url = response.headers["Location"]
    page = client.get(confirm_url).get_data(as_text=True)
    assert 'value="EVC-SYN-0001"' in page
    assert "<q>Reference number: EVC-SYN-0001</q>" in page
    assert "Physical Therapy Discharge Summary" in page
    # Before confirmation the intake form takes nothing from the draft.
    draft_id = confirm_url.rstrip("/").rsplit("/", 1)[-1]
    assert "EVC-SYN-0001" not in client.get(f"/?draft={draft_id}").get_data(as_text=True)

    form = {f"field-{name}": value for name, value in [
        ("denial.notice_date", "2026-11-16"), ("denial.reference", "EVC-SYN-0002"),  # corrected
        ("denial.code", "CO-50"), ("denial.text", "Failure of a 6-week trial was not documented."),
        ("study.cpt", "72148"), ("plan_type", "employer"), ("payer", "Cigna Open Access Plus"),
        ("denial.appeal_fax", "1-800-555-0142"), ("denial.reviewer", "eviCore"),
        ("denial.received_date", "2026-11-20")]}
    for index, (date, source, text) in enumerate([
            ("2026-08-24", "Office Visit", "Low back pain radiating down the left leg."),
            ("2026-10-26", "PT discharge", "Physical therapy 8 weeks, no improvement.")]):
        form.update({f"note-{index}-keep": "yes", f"note-{index}-date": date,
                     f"note-{index}-source": source, f"note-{index}-text": text})
    response = client.post(confirm_url, data=form)
    assert response.status_code == 303 and f"draft={draft_id}" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="EVC-SYN-0002"' in page and "EVC-SYN-0001" not in page
    # The letter details read from the documents land in the form's own fields.
    for name, value in (("study_cpt", "72148"), ("appeal_fax", "1-800-555-0142"),
                        ("denial_reviewer", "eviCore")):
        assert re.search(rf'name="{name}"[^>]*value="{re.escape(value)}"', page), name
    assert "2026-10-26: PT discharge: Physical therapy 8 weeks, no improvement." in page
    assert "2026-10-30" not in page  # the third note was left out


def test_a_draft_is_the_uploaders_only_and_goes_with_the_retention_purge(client, app):
    confirm_url = upload(client).headers["Location"]
    assert client.get(confirm_url).status_code == 200
    assert app.test_client().get(confirm_url).status_code == 404  # another browser
    from appeals.privacy import purge_expired

    with app.app_context():
        draft = db.session.execute(db.select(DocumentDraft)).scalar_one()
        draft.created_at = draft.created_at - timedelta(days=400)
        db.session.commit()
        purge_expired()
        assert db.session.execute(db.select(DocumentDraft)).first() is None


def test_upload_page_links_both_ways(client):
    page = client.get("/").get_data(as_text=True)
    assert "Start from your documents" in page
    upload_page = client.get("/documents/?mode=check").get_data(as_text=True)
    assert 'id="mode-check" value="check" checked' in upload_page
    response = client.post("/documents/", data={"mode": "appeal"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "choose at least one file" in response.get_data(as_text=True)

"""manifest.csv and the ZIP (pure)."""

import csv
import io
import zipfile

from appeals.contract import MatchResult
from appeals.delivery.archive import build_zip, letter_filename, name_part, slug
from appeals.delivery.manifest import MANIFEST_COLUMNS, ManifestEntry, build_manifest, neutralize

RESULT = MatchResult.model_validate({
    "outcome": "appeal", "urgency": "expedited",
    "service": {"id": "mri-lumbar", "name": "MRI lumbar spine", "codes": ["72148"]},
    "requirements": [
        {"id": "pt", "kind": "conservative_care", "text": "6 weeks of physical therapy",
         "status": "omitted"},
        {"id": "xr", "kind": "prior_imaging", "text": "X-ray first", "status": "unmet",
         "needed": "a lumbar X-ray"},
        {"id": "ex", "kind": "clinical_finding", "text": "=exam finding", "status": "omitted"},
    ],
    "deadline": {"date": "2025-08-28", "days": 180, "counted_from": "2025-03-01",
                 "basis": "29 CFR 2560.503-1(h)(3)(i)"},
})


def read(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_manifest_row_says_where_each_case_stands():
    rows = read(build_manifest([
        ManifestEntry(2, "done", "Doe, Jane", "72148", RESULT, "0002_Doe-Jane_mri.docx"),
        ManifestEntry(3, "invalid", "Roe, John", "", None, "",
                      "column 'DOB': '13/45/1980' is not a real date"),
    ]))
    assert list(rows[0]) == list(MANIFEST_COLUMNS)
    first = rows[0]
    assert first["outcome"] == "appeal" and first["urgency"] == "expedited"
    assert first["service"] == "MRI lumbar spine"
    assert first["omitted_requirements"] == "6 weeks of physical therapy; =exam finding"
    assert first["unmet_requirements"] == "X-ray first (needed: a lumbar X-ray)"
    assert first["deadline"] == "2025-08-28"
    assert first["letter_file"] == "0002_Doe-Jane_mri.docx"
    assert rows[1]["status"] == "invalid" and "not a real date" in rows[1]["error"]


def test_formula_looking_cells_are_neutralized():
    for dangerous in ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralize(dangerous) == "'" + dangerous
    assert neutralize("Doe, Jane") == "Doe, Jane"
    rows = read(build_manifest([
        ManifestEntry(2, "failed", "=cmd|' /C calc'!A0", "@SUM(1)", None, "", "-error")]))
    assert rows[0]["patient"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["service"] == "'@SUM(1)"
    assert rows[0]["error"] == "'-error"
    # every cell is quoted, so a separator inside a cell cannot shift columns
    raw = build_manifest([ManifestEntry(2, "done", "a;b,c", "x", RESULT, "f")])
    assert b'"a;b,c"' in raw


def test_letter_file_names_are_findable_and_safe():
    assert letter_filename(7, "Jane Doe", "MRI lumbar spine") == "0007_Doe-Jane_mri-lumbar-spine.docx"
    assert letter_filename(7, "Doe, Jane", "MRI lumbar spine") == "0007_Doe-Jane_mri-lumbar-spine.docx"
    assert letter_filename(12345, "Zoë O'Brien", "72148", width=5) == "12345_OBrien-Zoe_72148.docx"
    assert letter_filename(3, None, None) == "0003.docx"
    evil = letter_filename(4, "../../etc/passwd", "..\\..\\win.ini\x00")
    assert "/" not in evil and "\\" not in evil and "\x00" not in evil and ".." not in evil
    assert len(letter_filename(5, "N" * 500, "S" * 500)) < 110
    assert slug("  ") == "" and name_part("") == ""


def test_zip_has_the_manifest_first_then_each_letter():
    manifest = build_manifest([ManifestEntry(2, "done", "Doe, Jane", "72148", RESULT, "a.docx")])
    letters = [(letter_filename(i, "Jane Doe", "MRI"), f"letter {i}".encode()) for i in (2, 3)]
    archive = zipfile.ZipFile(io.BytesIO(build_zip([manifest], letters)))
    assert archive.testzip() is None
    assert archive.namelist() == ["manifest.csv", "0002_Doe-Jane_mri.docx", "0003_Doe-Jane_mri.docx"]
    assert archive.read("manifest.csv") == manifest
    assert archive.read("0003_Doe-Jane_mri.docx") == b"letter 3"


def test_manifest_has_warnings_and_whether_the_deadline_passed():
    import datetime as dt

    warned = MatchResult.model_validate({**RESULT.to_json(),
                                         "warnings": ["Two notes disagree", "=stale note"]})
    rows = read(build_manifest([
        ManifestEntry(2, "done", "Doe, Jane", "72148", warned, "a.docx"),
        ManifestEntry(3, "invalid", "Roe, John", "", None, "", "bad date"),
    ], today=dt.date(2025, 8, 29)))
    assert rows[0]["warnings"] == "Two notes disagree; =stale note"
    assert rows[0]["deadline_passed"] == "yes"
    assert rows[1]["deadline_passed"] == "" and rows[1]["warnings"] == ""
    on_time = read(build_manifest([ManifestEntry(2, "done", "D", "x", RESULT, "a.docx")],
                                  today=dt.date(2025, 8, 28)))
    assert on_time[0]["deadline_passed"] == "no"

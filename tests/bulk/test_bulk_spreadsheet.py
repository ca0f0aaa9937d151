"""Reading clinic spreadsheets into contract cases (pure: no app, no database)."""

import datetime as dt

import pytest

from appeals.intake.columns import column_letter, letter_choices, map_headers
from appeals.intake.rows import parse_date, row_to_case, split_documentation
from appeals.intake.spreadsheet import SpreadsheetError, parse_sheet

from .synthetic import HEADERS, good_row, spreadsheet_rows, to_csv, to_xlsx

KINDS = letter_choices(["patient", "clinician", "advocate", "checklist", "correction"])


def parse_all(data, **kwargs):
    sheet = parse_sheet(data, **kwargs)
    return sheet, list(sheet.rows)


def test_aliases_map_common_headers_to_contract_columns():
    header = map_headers(HEADERS + ["Internal Note"])
    assert header.used == {
        "Patient Name": "patient_name", "DOB": "patient_dob", "Member ID": "member_id",
        "Plan Type": "plan_type", "Payer": "payer", "CPT": "service",
        "Denial Date": "denial_notice_date", "Claim #": "denial_reference",
        "Denial Reason": "denial_text", "Denial Code": "denial_code",
        "Original Request": "original_request", "Notes": "documentation", "Letter": "letter",
    }
    assert header.ignored == ["Internal Note"]
    assert header.usable


def test_duplicate_and_missing_required_columns_are_named():
    header = map_headers(["CPT", "Service", "Payer"])
    assert not header.usable
    joined = " ".join(header.problems)
    assert "columns A ('CPT') and B ('Service') both mean service" in joined
    assert "no plan_type column" in joined


def test_saved_mapping_wins_over_aliases_and_can_ignore_a_column():
    header = map_headers(["Proc", "Coverage", "Notes"],
                         {"Proc": "service", "coverage": "plan_type", "NOTES": ""})
    assert header.used == {"Proc": "service", "Coverage": "plan_type"}
    assert header.ignored == ["Notes"]


def test_dates_in_the_formats_clinics_use():
    assert parse_date("2025-03-01") == dt.date(2025, 3, 1)
    assert parse_date("03/01/2025") == dt.date(2025, 3, 1)
    assert parse_date("2025/3/1") == dt.date(2025, 3, 1)
    assert parse_date("01.03.2025") == dt.date(2025, 3, 1)
    assert parse_date("2025-03-01 00:00:00") == dt.date(2025, 3, 1)
    for bad, fragment in (("03/01/25", "not a date"), ("2025-02-30", "not a real date"),
                          ("soon", "not a date")):
        with pytest.raises(ValueError, match=fragment):
            parse_date(bad)


def test_documentation_cell_splits_on_new_lines_and_pipes():
    assert split_documentation("PT 6 weeks | X-ray normal\nExam: weak left foot\r\n\n") == [
        "PT 6 weeks", "X-ray normal", "Exam: weak left foot"]
    # a pipe inside a word is not a separator
    assert split_documentation("a|b") == ["a|b"]


def test_documentation_notes_are_dated_like_the_web_form():
    parsed = row_to_case(5, {"service": "72148", "plan_type": "employer", "documentation":
                             "- 2025-01-10: PT started | • X-ray normal\n2025-02-30: bad date"})
    assert [p.message for p in parsed.problems] == ["note 3: '2025-02-30' is not a real date"]
    assert parsed.problems[0].field == "documentation"
    parsed = row_to_case(5, {"service": "72148", "plan_type": "employer", "documentation":
                             "- 2025-01-10: PT started | • X-ray normal", "patient_name": "'=x"})
    assert [(d.text, d.date) for d in parsed.case.documentation] == [
        ("PT started", dt.date(2025, 1, 10)), ("X-ray normal", None)]
    assert parsed.case.patient.name == "=x"  # the spreadsheet's text mark is dropped


def test_row_becomes_the_contract_case():
    parsed = row_to_case(2, {
        "service": "72148", "plan_type": "ERISA", "patient_name": "Doe, Jane",
        "patient_dob": "05/14/1970", "member_id": "SYN1", "denial_notice_date": "2025-03-01",
        "denial_received_date": "2025-03-05", "denial_reference": "PA-1", "denial_code": "CO-50",
        "documentation": "PT 14 visits | Exam", "letter": "Clinician",
    }, letter_choices=KINDS)
    assert parsed.valid, parsed.problems
    case = parsed.case
    assert case.plan_type == "employer"
    assert case.patient.date_of_birth == dt.date(1970, 5, 14)
    assert case.denial.received == dt.date(2025, 3, 5)
    assert case.denial.reference == "PA-1"
    assert [d.text for d in case.documentation] == ["PT 14 visits", "Exam"]
    assert parsed.letter == "clinician"


def test_row_without_denial_is_a_check_before_filing():
    parsed = row_to_case(3, {"service": "70551", "plan_type": "medicaid"})
    assert parsed.valid and parsed.case.is_check_before_filing


def test_each_problem_names_row_and_the_files_own_column():
    headers = {"denial_notice_date": "Denial Date", "plan_type": "Plan Type"}
    parsed = row_to_case(9, {"service": "72148", "plan_type": "gold",
                             "denial_notice_date": "31/31/2025", "letter": "poem"},
                         header_for=lambda c: headers.get(c, c), letter_choices=KINDS)
    assert not parsed.valid
    messages = sorted(str(p) for p in parsed.problems)
    assert messages[0].startswith("row 9, column 'Denial Date': '31/31/2025' is not a real date")
    assert messages[1].startswith("row 9, column 'Plan Type': unknown plan type 'gold'")
    assert messages[2].startswith("row 9, column 'letter': unknown letter 'poem'")


def test_denial_columns_without_notice_date_are_reported():
    parsed = row_to_case(4, {"service": "72148", "plan_type": "other", "denial_text": "no"})
    assert [(p.field, p.row) for p in parsed.problems] == [("denial_notice_date", 4)]
    assert "notice date is required" in parsed.problems[0].message


def test_500_rows_with_20_broken_give_480_cases_and_precise_errors():
    rows, expected = spreadsheet_rows(500, 20)
    sheet, parsed = parse_all(to_csv(rows), letter_choices=KINDS)
    assert len(parsed) == 500
    valid = [p for p in parsed if p.valid]
    invalid = {p.row: p.problems for p in parsed if not p.valid}
    assert len(valid) == 480
    assert set(invalid) == set(expected)
    for row, (header, fragment) in expected.items():
        problems = invalid[row]
        assert len(problems) == 1, problems
        assert problems[0].column == header
        assert fragment in problems[0].message


def test_csv_semicolon_bom_and_xlsx_read_the_same_cases():
    rows, _ = spreadsheet_rows(60, 6)
    results = []
    for data in (to_csv(rows), to_csv(rows, ";", bom=True), to_xlsx(rows)):
        _, parsed = parse_all(data, letter_choices=KINDS)
        results.append([(p.row, p.case.model_dump() if p.case else None,
                         [str(x) for x in p.problems]) for p in parsed])
    assert results[0] == results[1] == results[2]


def test_title_rows_above_the_header_and_blank_rows_keep_spreadsheet_numbering():
    data = to_csv([["Denials export"], [], HEADERS, good_row(0), [""] * len(HEADERS), good_row(1)])
    sheet, parsed = parse_all(data)
    assert sheet.header_row == 3
    assert [p.row for p in parsed] == [4, 6]


def test_multiline_quoted_cells_and_cp1252_csv():
    text = "service,plan_type,Notes\r\n72148,employer,\"PT 6 weeks\nExam: weak\"\r\n72148,other,Zoë\r\n"
    _, parsed = parse_all(text.encode("cp1252"))
    assert [p.row for p in parsed] == [2, 3]
    assert [d.text for d in parsed[0].case.documentation] == ["PT 6 weeks", "Exam: weak"]
    assert parsed[1].case.documentation[0].text == "Zoë"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel .xls"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a spreadsheet"),
    (b"PK\x03\x04garbage", "not a spreadsheet"),
    (b"foo,bar\n1,2\n", "no usable header"),
    (b"service,payer\n72148,x\n", "no plan_type column"),
])
def test_unusable_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(SpreadsheetError, match=message):
        parse_all(data)


def test_zip_that_is_not_a_workbook_and_size_and_row_limits():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(SpreadsheetError, match="not an Excel workbook"):
        parse_all(buffer.getvalue())
    rows, _ = spreadsheet_rows(30, 0)
    with pytest.raises(SpreadsheetError, match="limit is"):
        parse_all(to_csv(rows), max_bytes=1000)
    with pytest.raises(SpreadsheetError, match="more than 10 rows"):
        parse_all(to_csv(rows), max_rows=10)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA"]

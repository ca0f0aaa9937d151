"""Properties over generated input (strategies.py): a valid case is matched and its letter written;
any other JSON is refused naming its fields, never with a crash, by the parser and the API alike;
every spreadsheet row becomes a case or names its row and column; every template is checked
without a crash, and one the check accepts renders (or fails with a TemplateError) for every
sample letter."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appeals.contract import Case, CaseError, MatchResult, parse_case
from appeals.intake.spreadsheet import SpreadsheetError, parse_sheet
from appeals.letter_templates import check_docx
from appeals.letter_templates.samples import PREVIEW_DATE, samples
from appeals.letters import PreparedTemplate, TemplateError, build_context, render_letter
from appeals.letters.text import docx_text
from appeals.matching import match_case
from tests.bulk.synthetic import to_csv
from tests.letter_templates.docx_factory import make_docx

from .strategies import (
    FUZZ, SHEET_HEADERS, case_bodies, hostile_case_bodies, spreadsheet_rows, template_paragraphs,
)

pytestmark = pytest.mark.fuzz
INTERNALS = re.compile(r"<(class|built-in|bound method|function|module) ")


@FUZZ
@given(case_bodies())
def test_a_valid_case_is_matched_and_its_letter_written(body):
    case = parse_case(body)
    result = match_case(case)
    MatchResult.model_validate(result.to_json())
    assert Case.model_validate(case.model_dump(mode="json")) == case, "the case round-trips"
    docx = render_letter(case, result)
    assert zipfile.ZipFile(io.BytesIO(docx)).testzip() is None


@FUZZ
@given(hostile_case_bodies())
def test_anything_else_is_refused_naming_each_field(body):
    try:
        parse_case(body)
    except CaseError as exc:
        assert exc.errors
        for error in exc.errors:
            assert error["field"] and error["message"], error


@FUZZ
@given(hostile_case_bodies())
def test_the_api_answers_any_body_with_a_result_or_a_named_4xx(client, api_headers, body):
    response = client.post("/api/v1/match", data=json.dumps(body),
                           headers={**api_headers, "Content-Type": "application/json"})
    assert response.status_code in (200, 400, 422), response.status_code
    if response.status_code == 422:
        assert all(e["field"] for e in response.json["errors"])


@FUZZ
@given(spreadsheet_rows(), st.sampled_from(["csv", "xlsx"]))
def test_every_spreadsheet_row_is_a_case_or_names_its_row_and_column(rows, kind):
    data = to_csv(rows) if kind == "csv" else _workbook(rows)
    try:
        sheet = parse_sheet(data)
    except SpreadsheetError as exc:
        assert str(exc)
        return
    parsed = list(sheet.rows)
    data_rows = range(2, len(rows) + 1)
    assert len(parsed) <= len(rows) - 1
    for row in parsed:
        assert row.row in data_rows
        assert (row.case is None) == bool(row.problems), row
        for problem in row.problems:
            assert problem.row == row.row and problem.message
            assert problem.column in SHEET_HEADERS or problem.column == problem.field, problem


def _workbook(rows: list[list[str]]) -> bytes:
    """The rows as typed into Excel: text stays text (a leading = makes a formula cell), and a
    workbook holds no control characters."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_CONTEXTS = None


def _sample_contexts():
    global _CONTEXTS
    if _CONTEXTS is None:
        _CONTEXTS = [build_context(s.case, s.result, kind=s.kind, today=PREVIEW_DATE)
                     for s in samples()]
    return _CONTEXTS


@FUZZ
@given(template_paragraphs)
def test_every_template_is_checked_and_an_accepted_one_renders(paragraphs):
    data = make_docx(paragraphs)
    report = check_docx(data)
    assert report.ok == (not report.errors)
    if not report.ok:
        return
    template = PreparedTemplate.from_bytes(data)
    for context in _sample_contexts():
        try:
            letter = docx_text(template.render(context, seconds=2))
        except TemplateError:
            continue  # a plain reason the preview shows; anything else fails the test
        # Python's insides never leak into a letter (an accepted "__class__" is literal text).
        assert not INTERNALS.search(letter), letter

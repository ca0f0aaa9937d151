"""Read a clinic's spreadsheet (CSV or XLSX) into rows, and rows into contract cases.

Pure code: no Flask, Celery or database imports. The format is told by the bytes, not the file
name: an XLSX is a zip with a workbook in it; a CSV is UTF-8 text (with or without BOM; Excel's
Windows "CSV" in cp1252 is accepted too) separated by commas, semicolons or tabs (sniffed).
A file that is not a spreadsheet, too large, or without a usable header raises
:class:`SpreadsheetError` with a message a person can act on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from .columns import HeaderMap, map_headers, recognized_count
from .rows import ParsedRow, row_to_case

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip: refuse zip bombs before openpyxl inflates anything.
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
MAX_XLSX_MEMBERS = 2_000
# The header may sit below a title row or two; look this far down for it.
HEADER_SEARCH_ROWS = 10

_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class SpreadsheetError(ValueError):
    """The file as a whole cannot be used (not row-level: those are RowProblems)."""


@dataclass
class Sheet:
    format: str  # "csv" or "xlsx"
    rows: Iterator[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)
    delimiter: str | None = None


@dataclass
class ParsedSheet:
    """A spreadsheet read against the contract: its header map, then each data row."""

    format: str
    header_row: int
    header: HeaderMap
    rows: Iterator[ParsedRow]
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Cells


def cell_text(value: Any) -> str:
    """One cell as text, the same whichever format it came from: an XLSX date cell reads as the
    ISO date a CSV would hold, a whole number (a CPT code or member id Excel stored as a number)
    without a trailing ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Formats


def detect_format(data: bytes) -> str:
    if data.startswith(_XLS_MAGIC):
        raise SpreadsheetError(
            "this is an old Excel .xls file: save it as .xlsx (Excel Workbook) or CSV UTF-8 and "
            "upload that")
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if b"\x00" in data[:8192]:
        raise SpreadsheetError("this file is not a spreadsheet: upload a CSV or an .xlsx file")
    return "csv"


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV (Comma delimited)" in the ANSI code page.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "this CSV is not UTF-8 text: save it from your spreadsheet as \"CSV UTF-8\"") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first non-empty line into the most fields (a header line
    rarely holds quotes, so this is sturdier than csv.Sniffer on multi-line cells)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, best_count = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            count = len(next(csv.reader([first], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell_text(c) for c in cells]
    except csv.Error as exc:
        raise SpreadsheetError(f"the CSV cannot be read near row {reader.line_num}: {exc}") from None


def _check_xlsx_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetError("this file is not a spreadsheet: upload a CSV or an .xlsx file") \
            from None
    with archive:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise SpreadsheetError(
                "this zip file is not an Excel workbook: upload a CSV or an .xlsx file")
        if len(infos) > MAX_XLSX_MEMBERS or sum(i.file_size for i in infos) > MAX_XLSX_UNPACKED:
            raise SpreadsheetError("this workbook is too large once unpacked: split it or save "
                                   "it as CSV")


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # imported here: CSV users never pay for it

    _check_xlsx_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise SpreadsheetError(f"this workbook cannot be opened ({type(exc).__name__}): save it "
                               "again from Excel, or as CSV") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            sheet = workbook.worksheets[0]
            # Some writers record a wrong sheet size; read to the real end instead.
            sheet.reset_dimensions()
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]
        finally:
            workbook.close()

    return rows()


def read_sheet(data: bytes, *, max_bytes: int = MAX_BYTES) -> Sheet:
    """Open the file and return its raw rows (every row, blank ones included, numbered as the
    spreadsheet numbers them)."""
    if not data:
        raise SpreadsheetError("the file is empty")
    if len(data) > max_bytes:
        raise SpreadsheetError(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB: "
            "split it into smaller files")
    kind = detect_format(data)
    if kind == "xlsx":
        return Sheet("xlsx", _xlsx_rows(data))
    text = decode_text(data)
    delimiter = sniff_delimiter(text)
    return Sheet("csv", _csv_rows(text, delimiter), delimiter=delimiter)


# ---------------------------------------------------------------------------------------------
# Rows -> cases


def parse_sheet(
    data: bytes,
    *,
    mapping: Mapping[str, str] | None = None,
    letter_choices: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ParsedSheet:
    """Read a spreadsheet and find its header; ``rows`` then yields one :class:`ParsedRow` per
    non-blank data row, lazily, so thousands of rows never sit in memory at once.
    Raises SpreadsheetError for a file that cannot be used at all."""
    sheet = read_sheet(data, max_bytes=max_bytes)
    rows = sheet.rows
    header_row, headers = _find_header(rows, mapping)
    header = map_headers(headers, mapping)
    if not header.usable:
        raise SpreadsheetError(
            f"the header (row {header_row}) cannot be used: " + "; ".join(header.problems))
    notes = []
    if header.ignored:
        notes.append("Columns not used: " + ", ".join(repr(h) for h in header.ignored))
    return ParsedSheet(
        format=sheet.format, header_row=header_row, header=header, delimiter=sheet.delimiter,
        rows=_parsed_rows(rows, header, letter_choices, max_rows), notes=notes,
    )


def _find_header(rows: Iterator[tuple[int, list[str]]], mapping) -> tuple[int, list[str]]:
    best: tuple[int, list[str]] | None = None
    for _ in range(HEADER_SEARCH_ROWS):
        try:
            number, cells = next(rows)
        except StopIteration:
            break
        if not any(cells):
            continue
        if map_headers(cells, mapping).usable:
            return number, cells
        if best is None or recognized_count(cells, mapping) > recognized_count(best[1], mapping):
            best = (number, cells)
    if best is None:
        raise SpreadsheetError("the file has no rows: the first row should name the columns "
                               "(service, plan_type, …); download the sample CSV to start from")
    if recognized_count(best[1], mapping) == 0:
        raise SpreadsheetError(
            "no usable header: none of the first rows names the columns (service, plan_type, "
            "patient_name, …); download the sample CSV or the column reference")
    return best


def _parsed_rows(rows, header: HeaderMap, letter_choices, max_rows: int) -> Iterator[ParsedRow]:
    targets = header.targets
    width = len(targets)
    count = 0
    for number, values in rows:
        if not any(values):
            continue
        cells: dict[str, str] = {}
        for index, value in enumerate(values[:width]):
            target = targets[index]
            if target and value:
                if target in cells:  # a second documentation column: join its notes
                    cells[target] += "\n" + value
                else:
                    cells[target] = value
        if not cells:
            continue  # only unused columns filled: not a case
        count += 1
        if count > max_rows:
            raise SpreadsheetError(f"the file has more than {max_rows} rows: split it into "
                                   "smaller files")
        yield row_to_case(number, cells, header_for=header.header_for,
                          letter_choices=letter_choices)

"""Synthetic clinic spreadsheets for the bulk tests (no real patient data)."""

from __future__ import annotations

import csv
import io

HEADERS = ["Patient Name", "DOB", "Member ID", "Plan Type", "Payer", "CPT", "Denial Date",
           "Claim #", "Denial Reason", "Denial Code", "Original Request", "Notes", "Letter"]

FIRST = ["Jane", "John", "Ana", "Li", "Omar", "Zoë", "Kwame", "Sofia", "Raj", "Mia"]
LAST = ["Doe", "Roe", "Smith", "Nguyen", "García", "Okafor", "Novak", "Haddad", "Ito", "Berg"]
PLANS = ["employer", "Marketplace", "ERISA", "medicare advantage", "medicaid", "other"]
SERVICES = ["72148", "MRI lumbar spine without contrast", "70551", "73721"]
NOTES = [
    "Physical therapy 2024-12-16 to 2025-02-10, 14 visits, no improvement | "
    "Exam 2025-02-12: positive straight leg raise left, diminished left ankle reflex",
    "Naproxen 500 mg twice daily since 2024-12-01 without relief\n"
    "Lumbar X-ray 2024-12-20: degenerative changes",
    "Headache for 3 months, worse in the morning | neurological exam normal",
    "",
]


def good_row(i: int) -> list[str]:
    return [
        f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}",
        f"19{50 + i % 45}-0{1 + i % 9}-1{i % 10}",
        f"SYN{100000 + i}",
        PLANS[i % len(PLANS)],
        "Synthetic Health Plan",
        SERVICES[i % len(SERVICES)],
        f"2025-03-{1 + i % 28:02d}",
        f"PA-{i:05d}",
        "Not medically necessary: no documentation of 6 weeks of conservative treatment.",
        "CO-50" if i % 3 == 0 else "",
        "Low back pain, MRI requested",
        NOTES[i % len(NOTES)],
        "",
    ]


# (row index -> (column header, bad value, what the error must mention)). Each kind twice.
BROKEN_KINDS = [
    ("Denial Date", "2025-02-30", "not a real date"),
    ("Denial Date", "next tuesday", "not a date"),
    ("Plan Type", "platinum", "unknown plan type"),
    ("CPT", "", "service is required"),
    ("DOB", "13/45/1980", "not a real date"),
    ("DOB", "2999-01-01", "in the future"),
    ("Letter", "sonnet", "unknown letter"),
    ("Plan Type", "", "plan type is required"),
    ("Member ID", "X" * 150, "at most 100 characters"),
    ("Patient Name", "N" * 250, "at most 200 characters"),
]


def spreadsheet_rows(total: int = 500, broken: int = 20) -> tuple[list[list[str]], dict[int, tuple]]:
    """Header + ``total`` data rows; ``broken`` of them, spread out, each broken in one column.
    Returns (rows, {spreadsheet row number: (header, message fragment)})."""
    rows = [HEADERS]
    expected: dict[int, tuple] = {}
    step = total // broken if broken else 0
    for i in range(total):
        row = good_row(i)
        if broken and i % step == 3 and len(expected) < broken:
            header, value, fragment = BROKEN_KINDS[len(expected) % len(BROKEN_KINDS)]
            row[HEADERS.index(header)] = value
            expected[i + 2] = (header, fragment)  # +1 for the header, +1 for 1-based rows
        rows.append(row)
    return rows, expected


def to_csv(rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def to_xlsx(rows: list[list[str]]) -> bytes:
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows):
        out = []
        for c, value in enumerate(row):
            # As Excel would store them: dates as dates, numeric codes as numbers.
            if r and rows[0][c] in ("DOB", "Denial Date"):
                try:
                    value = dt.datetime.fromisoformat(value)
                except ValueError:
                    pass
            elif r and value.isdigit() and rows[0][c] == "CPT":
                value = int(value)
            out.append(value if value != "" else None)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

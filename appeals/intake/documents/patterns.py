"""Dates, phone numbers and codes as letters and records write them (and as OCR misreads them)."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {name: number for number, names in enumerate([
    ("january", "jan", "enero"), ("february", "feb", "febrero"), ("march", "mar", "marzo"),
    ("april", "apr", "abril"), ("may", "mayo"), ("june", "jun", "junio"),
    ("july", "jul", "julio"), ("august", "aug", "agosto"),
    ("september", "sep", "sept", "septiembre"), ("october", "oct", "octubre"),
    ("november", "nov", "noviembre"), ("december", "dec", "diciembre"),
], start=1) for name in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE = re.compile(
    r"(?P<iso>\b(?P<y1>\d{4})-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})\b)"
    r"|(?P<us>\b(?P<m2>\d{1,2})/(?P<d2>\d{1,2})/(?P<y2>\d{4}|\d{2})\b)"
    rf"|(?P<long>\b(?P<mn3>{_MONTH})\.?\s+(?P<d3>\d{{1,2}}),?\s+(?P<y3>\d{{4}})\b)"
    rf"|(?P<euro>\b(?P<d4>\d{{1,2}})\s+(?:de\s+)?(?P<mn4>{_MONTH})\.?,?\s+(?:de\s+)?(?P<y4>\d{{4}})\b)",
    re.I,
)
PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?(\d{3})\)?[\s.-]*(\d{3})[\s.-]+(\d{4})(?!\d)")


def parse_date(match: re.Match) -> dt.date | None:
    try:
        if match["iso"]:
            return dt.date(int(match["y1"]), int(match["m1"]), int(match["d1"]))
        if match["us"]:
            year = int(match["y2"])
            year += 2000 if year < 100 else 0
            return dt.date(year, int(match["m2"]), int(match["d2"]))
        if match["long"]:
            return dt.date(int(match["y3"]), MONTHS[match["mn3"].lower()], int(match["d3"]))
        return dt.date(int(match["y4"]), MONTHS[match["mn4"].lower()], int(match["d4"]))
    except ValueError:  # 02/30/2026: not a date
        return None


def first_date(text: str) -> tuple[dt.date, re.Match] | None:
    for match in DATE.finditer(text):
        value = parse_date(match)
        if value is not None:
            return value, match
    return None


def phone(text: str) -> str | None:
    match = PHONE.search(text)
    if not match:
        return None
    return f"({match[1]}) {match[2]}-{match[3]}"


def ocr_digits(text: str) -> str:
    """In a field that holds digits, OCR's usual letter-for-digit slips put back."""
    return text.translate(str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "S": "5"}))

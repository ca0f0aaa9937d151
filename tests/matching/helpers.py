"""Building synthetic cases for the matcher's tests (no real patient data)."""

from __future__ import annotations

import datetime as dt

from appeals.contract import parse_case
from appeals.matching import match_case

TODAY = dt.date(2025, 9, 15)


def make_case(service="72148", plan_type="employer", payer=None, notes=(), request=None,
              denial="Not medically necessary.", notice="2025-03-03", received=None, code=None,
              patient=None, answers=None) -> dict:
    """A case dict. `notes` are (date, source, text) or plain text; denial=None: check before filing."""
    data: dict = {"service": service, "plan_type": plan_type}
    if payer:
        data["payer"] = payer
    if patient:
        data["patient"] = patient
    if denial is not None or code:
        data["denial"] = {"notice_date": notice}
        if denial is not None:
            data["denial"]["text"] = denial
        if received:
            data["denial"]["received_date"] = received
        if code:
            data["denial"]["code"] = code
    if request is not None:
        data["original_request"] = request
    docs = []
    for note in notes:
        if isinstance(note, str):
            docs.append({"text": note})
        else:
            when, source, text = note
            docs.append({"text": text, "date": when, "source": source})
    if docs:
        data["documentation"] = docs
    if answers:
        data["answers"] = answers
    return data


def run(data: dict, today=TODAY) -> dict:
    return match_case(parse_case(data), today=today).to_json()


def statuses(result: dict) -> dict[str, str]:
    return {r["id"]: r["status"] for r in result["requirements"]}


def requirement(result: dict, rid: str) -> dict:
    return next(r for r in result["requirements"] if r["id"] == rid)


def warned(result: dict, *words: str) -> bool:
    """Whether one warning contains every one of the words (case-insensitive)."""
    return any(all(w.lower() in x.lower() for w in words) for x in result["warnings"])

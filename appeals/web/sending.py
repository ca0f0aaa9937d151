"""An appeal's "How to send it" step and its calendar reminder (.ics).

Where to send comes from the stored case (the denial letter's appeal address and fax, asked on the
form); what to attach is the enclosures list of the letter itself (``letter_enclosures``, the one
place that reads the letter context); the dates are the appeal deadline from the match result and
the day the plan must answer by: 30 days after the appeal is sent, 72 hours for an expedited one.
The person may say when they sent it (``?sent=YYYY-MM-DD``); until then the page counts from today.
The appeal's pages (appeal_pages.py) show the step and serve the calendar file.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import request

from ..models.appeals import Appeal

STANDARD_ANSWER_DAYS = 30
EXPEDITED_ANSWER_HOURS = 72


def letter_enclosures(case: dict, result: dict, kind: str) -> list[str]:
    """What the letter lists as enclosed, in its order ("1. Denial notice, ..."). Read from the
    letter context, so the page and the letter never disagree."""
    from pydantic import ValidationError

    from ..contract import CaseError, MatchResult, parse_case
    from ..letters.context import build_context

    try:
        context = build_context(parse_case(case), MatchResult.model_validate(result),
                                kind=kind if kind else "patient")
    except (CaseError, ValidationError, ValueError, KeyError):
        return []
    items = []
    for enclosure in context.get("enclosures") or []:
        detail = f" ({enclosure['detail']})" if enclosure.get("detail") else ""
        items.append(f"{enclosure['title']}{detail}")
    return items


def sent_date(today: dt.date | None = None) -> tuple[dt.date, bool]:
    """The day the appeal was (or will be) sent: ?sent= if it is a date not in the future, else
    today. The flag says whether the person gave it."""
    today = today or dt.date.today()
    text = (request.args.get("sent") or "").strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return today, False
    return (day, True) if day <= today else (today, False)


def answer_due(sent: dt.date, expedited: bool) -> tuple[dt.date, str]:
    """The day the plan must answer by, and the rule in words."""
    if expedited:
        return sent + dt.timedelta(hours=EXPEDITED_ANSWER_HOURS), "72 hours for an expedited appeal"
    return sent + dt.timedelta(days=STANDARD_ANSWER_DAYS), "30 days for a standard appeal"


def how_to_send(appeal: Appeal) -> dict | None:
    """What the "How to send it" step shows; None for a check before filing (nothing to send)."""
    case, result = appeal.case_json, appeal.result_json
    denial = case.get("denial")
    if not denial:
        return None
    expedited = result.get("urgency") in ("expedited", "emergency")
    sent, sent_given = sent_date()
    due, rule = answer_due(sent, expedited)
    deadline = (result.get("deadline") or {}).get("date")
    return {
        "address": denial.get("appeal_address"),
        "fax": denial.get("appeal_fax"),
        "reference": denial.get("reference"),
        "enclosures": letter_enclosures(case, result, appeal.kind),
        "expedited": expedited,
        "sent": sent,
        "sent_given": sent_given,
        "today": dt.date.today(),
        "answer_due": due,
        "answer_rule": rule,
        "deadline": deadline,
        "deadline_passed": bool(deadline) and dt.date.fromisoformat(deadline) < dt.date.today(),
    }


def calendar(appeal: Appeal, steps: dict) -> bytes:
    """Two all-day events: the last day to appeal (unless passed) and the plan's answer date."""
    from icalendar import Alarm, Calendar, Event

    scan = (appeal.result_json.get("service") or {}).get("name") or "scan"
    cal = Calendar()
    cal.add("prodid", "-//appeals//How to send it//EN")
    cal.add("version", "2.0")
    events = []
    if steps["deadline"] and not steps["deadline_passed"]:
        events.append(("deadline", dt.date.fromisoformat(steps["deadline"]),
                       f"Last day to file the appeal: {scan}",
                       "The plan must receive the internal appeal by today."))
    events.append(("answer", steps["answer_due"], f"The plan's answer is due: {scan} appeal",
                   f"Counted from {steps['sent'].isoformat()} ({steps['answer_rule']}). No answer? "
                   "Call the plan, then ask for an external review."))
    for key, day, summary, description in events:
        event = Event()
        # A stable id per appeal and event, so a downloaded reminder updates rather than repeats.
        event.add("uid", hashlib.sha256(f"{appeal.id}:{key}".encode()).hexdigest()[:32]
                  + "@appeals")
        event.add("dtstamp", dt.datetime.now(dt.timezone.utc))
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary)
        event.add("description", description)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", dt.timedelta(days=-3))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()

"""The parts of a letter a reviewer reads first: the answer (what the denial said was missing,
what the records show with dates, what to approve), the short clinical story and the treatment
the scan decides, the remedy with the plan's decision time, whether the letter is on time, the
patient's own statement, and the sender's "Before you send" page. Pure code.
"""

from __future__ import annotations

import datetime as dt
import re

from appeals.contract import Case

from .evidence import format_date
from .reasons import denial_reasons, mentions, sentences
from .schema import RequirementContext

# Who speaks: the patient ("my records"), an advocate ("the patient's records"), a clinician.
_RECORDS = {"patient": "My records show", "checklist": "My records show",
            "correction": "The records show", "advocate": "The patient's records show",
            "clinician": "The medical record shows"}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def short(text: str) -> str:
    """A requirement named briefly: "Failure of a 6-week trial of provider-directed treatment
    after the current symptoms started or changed" → "failure of a 6-week trial of
    provider-directed treatment"."""
    text = re.split(r" - | \(| after the current| for the current| within ", text)[0]
    return _lower_first(text.strip(" ,.;"))


def _where(r: RequirementContext) -> str:
    records = [e for e in r.evidence if not e.is_statement]
    if not records:
        return ""
    e = records[0]
    return f"{e.source}, {e.date}" if e.date_iso else e.source


def answer(kind: str, *, denial_date: str, reference: str, denial_present: bool,
           omitted: list[RequirementContext], cited: list[RequirementContext],
           approve: str, criteria_met: bool, outcome: str, reasons: list = (),
           denial_text: str = "") -> str:
    """Two or three sentences: what the denial said was missing, what the records show (with
    dates), and what to approve. Outside the library the denial's own reasons are answered."""
    out = []
    your = "Your" if kind in ("patient", "checklist", "correction", "advocate") else "The"
    if outcome == "no_criteria" and denial_present:
        ref = f" ({reference})" if reference else ""
        if reasons:
            out.append(f"{your} denial of {denial_date}{ref} said the records do not show: "
                       + "; ".join(r.reason for r in reasons) + ".")
            met = [r for r in reasons if r.met]
            if met:
                out.append(f"{_RECORDS[kind]} " + "; ".join(
                    f"{r.reason} ({r.source})" for r in met) + ".")
        else:
            out.append(f"{your} denial of {denial_date}{ref} names no published criteria.")
        out.append(approve)
        return " ".join(out)
    shown = omitted or cited
    if denial_present:
        ref = f" ({reference})" if reference else ""
        said = denial_reasons(denial_text)
        if said:
            out.append(f"{your} denial of {denial_date}{ref} said the request did not document "
                       + "; ".join(_lower_first(x) for x in said[:3]) + ".")
            # The requirement the denial names comes first in what the records show.
            shown = sorted(shown, key=lambda r: -max(mentions(x, r.text) for x in said))
        elif omitted:
            missing = "; ".join(short(r.text) for r in omitted[:3])
            out.append(f"{your} denial of {denial_date}{ref} was based on a request that did "
                       f"not show {missing}.")
        else:
            out.append(f"{your} denial of {denial_date}{ref} found the request not medically "
                       "necessary.")
    records = [f"{short(r.text)} ({_where(r)})" for r in shown[:3] if _where(r)]
    if records:
        verb = _RECORDS[kind] + ("" if criteria_met else ", so far,")
        out.append(f"{verb} " + "; ".join(records) + ".")
    if outcome in ("appeal", "ready", "administrative") and criteria_met:
        out.append(approve)
    elif outcome == "not_met":
        out.append(approve.replace("Please approve", "Please review the request for")
                   .split(" under ")[0].rstrip(".") + " again with these records.")
    else:
        out.append(approve)
    return " ".join(out)


_PLAN_WORDS = re.compile(r"\b(candidate for|will guide|to guide|planning|plan to|referral|"
                         r"refer(?:red)? to|injection|surg(?:ery|ical|eon))\b", re.I)
_IMAGING = re.compile(r"\b(MRI|CT|scan|imaging|study)\b", re.I)


def treatment_plan(case: Case, voice_kind: str) -> str:
    """What the scan decides, quoted from the latest record that says so; else the patient's
    answer that a clinician spoke of surgery or an injection (as their statement)."""
    found = None
    for document in sorted(case.documentation, key=lambda d: d.date or dt.date.min):
        for sentence in sentences(document.text, clauses=False):
            if _PLAN_WORDS.search(sentence) and (_IMAGING.search(sentence) or re.search(
                    r"candidate|injection|surg", sentence, re.I)) and not sentence.endswith("?"):
                found = (sentence, document)
    if found:
        sentence, document = found
        when = f", {format_date(document.date)}" if document.date else ""
        return (f"The result decides the next treatment: \u201c{sentence}\u201d "
                f"({document.source or 'records supplied'}{when}).")
    if case.answers.get("surgery_candidate") is True:
        who = {"patient": "I have", "advocate": "The patient has"}.get(voice_kind)
        if who:
            return (f"{who} been told by the treating clinician that surgery or a spine "
                    "injection may be needed; the scan decides which.")
    return ""


def narrative(case: Case, limit: int = 4) -> str:
    """The story in the records' own first sentences, oldest first, each with its date."""
    parts = []
    for document in sorted(case.documentation, key=lambda d: d.date or dt.date.min):
        source = (document.source or "").casefold()
        if any(w in source for w in ("portal", "message", "email")):
            continue  # the patient's own messages are not the clinical story
        first = next((s for s in sentences(document.text)
                      if not s.endswith("?") and not s.casefold().startswith("plan")), "")
        if not first:
            continue
        if len(first) > 220:
            first = first[:217].rsplit(" ", 1)[0] + "\u2026"
        when = format_date(document.date) if document.date else "Undated"
        parts.append(f"{when} ({document.source or 'records'}): {first}")
        if len(parts) == limit:
            break
    return " ".join(p if p.endswith((".", "\u2026")) else p + "." for p in parts)


def patient_statement(case: Case, kind: str, questions: dict[str, str]) -> str:
    """The patient's answers on the form, as their own statement; never in a clinician's
    letter, never as clinical evidence."""
    if kind not in ("patient", "advocate", "checklist", "correction"):
        return ""
    said = []
    for qid, value in case.answers.items():
        question = questions.get(qid)
        if not question or value in (None, "", []):
            continue
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        said.append(f"\u201c{question}\u201d \u2014 {shown}")
    if not said:
        return ""
    who = "I answered" if kind != "advocate" else "The patient answered"
    return f"{who} these questions on the appeal form: " + "; ".join(said) + "."


# --- the remedy and the deadline ---------------------------------------------------------------
def remedy(rules: str, approve: str, expedited: bool, decision_time: str,
           check_before_filing: bool) -> str:
    text = f"{approve.rstrip('.')}, and send the decision in writing within {decision_time}."
    if not expedited or check_before_filing:
        return text
    if rules == "erisa":
        text += (" Because this is urgent, I also ask for expedited external review at the same "
                 "time as this expedited appeal (29 CFR 2590.715-2719).")
    elif rules == "aca":
        text += (" Because this is urgent, I also ask for expedited external review at the same "
                 "time as this expedited appeal (45 CFR 147.136).")
    elif rules == "medicare_advantage":
        text += (" A request for expedited reconsideration that a physician makes or supports "
                 "must be expedited (42 CFR 422.584(c)(2)(ii)).")
    return text


def filing(kind: str, passed: bool, deadline_date: str, level: str, plan_name: str,
           reason: str = "") -> str:
    """On time, or, past the deadline, a plain request for good cause (with the reason given,
    already in the letter's voice, else a line to fill in) and the other routes."""
    first = kind in ("patient", "checklist", "correction")
    if not passed:
        return "I am filing before that date." if first else f"This {level} is filed before " \
                                                              "that date."
    me = "me" if first else "the patient"
    # After the colon the reason reads on: "the patient was ...", "my mail ...".
    reason = re.sub(r"^(The|A|An|My|This)\b", lambda m: m.group(1).lower(), reason)
    why = (f"for good cause. The reason for the delay: {reason.rstrip('.')}."
           if reason else "for good cause; the reason for the delay: ____________________.")
    return (f"That deadline passed on {deadline_date}. I ask {plan_name} to accept this "
            f"{level} late, {why} If it cannot be accepted, please treat this letter and its "
            "enclosures as a new prior-authorization request with current notes, and tell "
            f"{me} in writing what other review remains open.")


def cover_steps(kind: str, *, signer: str, enclosures: int, passed: bool, deadline: str,
                expedited: bool, correction_steps: list[str],
                send_to: str, clinician_letter: bool, late_reason: bool = False,
                check_before_filing: bool = False) -> list[str]:
    # An emergency's advice leads the cover page on its own (emergency.notice), not as a step.
    steps = list(correction_steps)
    if passed and late_reason:
        steps.append(f"The deadline passed on {deadline}. The letter gives the reason for the "
                     "delay and asks the plan to accept it for good cause: check it reads "
                     "right, and enclose any proof (a postmark, a discharge note). Your "
                     "clinician can also send a new request with current notes.")
    elif passed:
        steps.append(f"The deadline passed on {deadline}. Fill in the reason for the delay; "
                     "the letter asks the plan to accept it for good cause. Your clinician can "
                     "also send a new request with current notes.")
    elif deadline:
        steps.append(f"Send it before {deadline}.")
    if expedited and kind != "clinician":
        steps.append("Ask the treating clinician to sign the statement on the last page: a "
                     "clinician's support makes the 72-hour review apply.")
    if clinician_letter:
        steps.append("Ask the clinician for the letter of medical necessity listed as an "
                     "enclosure, and send it with this one.")
    steps.append(f"Fill in any blank line, then sign and date it ({signer}).")
    if enclosures:
        steps.append(f"Put the {enclosures} enclosure{'s' if enclosures != 1 else ''} behind "
                     "it in the order listed, and keep a copy of everything.")
    if check_before_filing:  # no denial yet: it goes with the request, not to an appeals address
        steps.append("Send it with the prior-authorization request, and keep a copy."
                     if kind == "clinician" else
                     "Give it to the office that orders the scan, to send with the "
                     "prior-authorization request, and keep a copy.")
    elif send_to:
        steps.append(f"Send it to {send_to}, and keep proof that it was sent.")
    else:
        steps.append("Send it to the appeal address on the denial notice, and keep proof that "
                     "it was sent.")
    return steps

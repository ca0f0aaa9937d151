"""Hypothesis strategies for what people send: the case body (the matching contract), the rows of
a clinic's spreadsheet (appeals/intake), and the Word template an advocate uploads
(appeals/letter_templates). Each mixes realistic values with hostile ones, so a property can
ask both "a good one goes through" and "a bad one is refused by name, never with a crash"."""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from appeals.contract import PLAN_TYPES
from appeals.criteria import load_library

# Bounded runs; the same examples every time under CI, new ones locally.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_HYPOTHESIS_EXAMPLES", "40")),
                deadline=None, derandomize=os.environ.get("CI") == "true",
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

_LIBRARY = load_library()
SERVICES = sorted({code for s in _LIBRARY.services for code in s.codes}
                  | {s.id for s in _LIBRARY.services} | {s.name for s in _LIBRARY.services})
QUESTION_IDS = sorted({q.id for s in _LIBRARY.services for q in s.questions})
NOTES = [
    "Low back pain radiating to the left leg for 10 weeks.",
    "Physical therapy 2x/week for 6 weeks, no improvement.",
    "Positive straight leg raise on the left; decreased ankle reflex.",
    "Denies bowel or bladder changes. No saddle anesthesia.",
    "Naproxen 500 mg bid for 8 weeks without relief.",
    "Follow-up visit: pain persists, worse at night.",
    "X-ray lumbar spine 2025-01-10: mild degenerative changes.",
    "fisioterapia 8 semanas sin mejoría",
    "Knee locks and gives way after a twisting injury; effusion on exam.",
    "New headache, worst of her life, with vomiting.",
]
# Text anybody could type, lone surrogates aside (JSON cannot carry them as UTF-8).
free_text = st.text(st.characters(codec="utf-8"), max_size=200)
hostile_text = st.sampled_from([
    "=cmd|' /C calc'!A0", "+SUM(A1:A9)", "@HYPERLINK(\"x\")", "{{ 7*7 }}", "{% raw %}",
    "<script>alert(1)</script>", "'; DROP TABLE appeals; --", "\x00\x1b[31m", "../../etc/passwd",
    "9" * 400, " ", "",
])
iso_dates = st.dates(dt.date(1930, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
note_text = st.one_of(st.sampled_from(NOTES), free_text.filter(lambda t: t.strip()))


def case_bodies() -> st.SearchStrategy[dict]:
    """Valid cases: every field the contract has, each present or not."""
    patient = st.fixed_dictionaries({}, optional={
        "name": free_text.map(lambda t: t[:200]), "date_of_birth": iso_dates,
        "age": st.integers(0, 130), "sex": st.sampled_from(["female", "male", "F", "M", "other"]),
        "member_id": free_text.map(lambda t: t[:100]),
    })
    denial = st.fixed_dictionaries({"notice_date": iso_dates}, optional={
        "received_date": iso_dates, "text": st.one_of(free_text, st.sampled_from(NOTES)),
        "code": st.sampled_from(["CO-50", "N386", "PR-204"]), "reference": free_text.map(lambda t: t[:100]),
    })
    document = st.fixed_dictionaries({"text": note_text}, optional={
        "date": iso_dates, "source": st.sampled_from(["Clinic note", "PT record", "Imaging"])})
    answers = st.dictionaries(st.sampled_from(QUESTION_IDS), st.one_of(
        st.booleans(), st.integers(0, 52), st.sampled_from(["yes", "no", "left", "2025-01-10"])),
        max_size=5)
    return st.fixed_dictionaries(
        {"service": st.one_of(st.sampled_from(SERVICES), note_text.map(lambda t: t[:200])),
         "plan_type": st.sampled_from(PLAN_TYPES)},
        optional={"payer": st.sampled_from(["Aetna", "UnitedHealthcare", "Synthetic Plan"]),
                  "patient": patient, "denial": denial,
                  "original_request": st.sampled_from(NOTES),
                  "documentation": st.lists(document, max_size=6), "answers": answers})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | free_text
    | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(free_text, inner, max_size=4),
    max_leaves=12)


@st.composite
def hostile_case_bodies(draw) -> object:
    """A valid case with one field replaced by anything JSON can hold, or any JSON at all."""
    if draw(st.booleans()):
        return draw(json_values)
    case = draw(case_bodies())
    path = draw(st.sampled_from([
        ("service",), ("plan_type",), ("patient",), ("patient", "date_of_birth"),
        ("patient", "age"), ("denial",), ("denial", "notice_date"), ("documentation",),
        ("answers",), ("unknown_field",)]))
    target = case
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(target.get(key, {}), dict) else {}
    target[path[-1]] = draw(st.one_of(json_values, hostile_text))
    return case


# --- spreadsheet rows ------------------------------------------------------------------------

SHEET_HEADERS = ["Patient Name", "DOB", "Member ID", "Plan Type", "Payer", "CPT", "Denial Date",
                 "Denial Reason", "Denial Code", "Notes", "Letter"]


def _cells() -> dict[str, st.SearchStrategy[str]]:
    any_cell = st.one_of(free_text, hostile_text)
    us_dates = st.dates(dt.date(1930, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.strftime("%m/%d/%Y"))
    return {
        "Patient Name": st.one_of(st.sampled_from(["Ana Synthetic", "Li Example"]), any_cell),
        "DOB": st.one_of(iso_dates, us_dates, any_cell),
        "Member ID": st.one_of(st.sampled_from(["SYN123", "M-0001"]), any_cell),
        "Plan Type": st.one_of(st.sampled_from(PLAN_TYPES + ("Employer", "Medicaid")), any_cell),
        "Payer": st.one_of(st.sampled_from(["Aetna", "Synthetic Plan"]), any_cell),
        "CPT": st.one_of(st.sampled_from(SERVICES[:20]), any_cell),
        "Denial Date": st.one_of(iso_dates, us_dates, any_cell),
        "Denial Reason": st.one_of(st.sampled_from(NOTES), any_cell),
        "Denial Code": st.one_of(st.just("CO-50"), any_cell),
        "Notes": st.one_of(st.lists(st.sampled_from(NOTES), max_size=3).map("\n".join), any_cell),
        "Letter": st.one_of(st.sampled_from(["", "patient", "clinician", "sonnet"]), any_cell),
    }


def spreadsheet_rows() -> st.SearchStrategy[list[list[str]]]:
    """A header and 1-8 data rows of cells, realistic or hostile (formulas, quotes, newlines)."""
    cells = _cells()
    row = st.tuples(*(cells[h] for h in SHEET_HEADERS)).map(list)
    return st.lists(row, min_size=1, max_size=8).map(lambda rows: [SHEET_HEADERS, *rows])


# --- template upload -------------------------------------------------------------------------

TEMPLATE_PIECES = [
    "Dear {{ patient.name }},", "{{ service.name }}", "{{ deadline.text }}",
    "{% for r in requirements %}", "{{ r.text }}", "{% endfor %}",
    "{% if deadline.present %}", "{% else %}", "{% endif %}", "{{ requirements|length }}",
    "{{ patient.nme }}", "{{", "}}", "{%", "{% endif %}", "{{ ''.__class__.__mro__ }}",
    "{{ range(100000)|list|length }}", "{{ 'x' * 1000000000 }}", "{{ cycler.__init__ }}",
    "{% raw %}{{ literal }}{% endraw %}", "{{ patient.name|upper }}", "{# a comment #}",
    "{{ lipsum() }}", "{% set x = 1 %}{{ x }}", "Sincerely,",
]
# Word keeps no control characters in its text.
docx_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=80)
template_paragraphs = st.lists(
    st.one_of(st.sampled_from(TEMPLATE_PIECES), docx_text,
              st.lists(st.sampled_from(TEMPLATE_PIECES), min_size=2, max_size=3)),
    min_size=1, max_size=10)

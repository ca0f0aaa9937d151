"""Date windows in the criteria: the Fleischner 2017 interval for a lung nodule worked out from its
size and the date of the CT that found it, and a requirement's `within` window (evidence dated
before it does not count; undated evidence is judged as before)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from appeals.contract import parse_case
from appeals.criteria import DATA_DIR, LibraryError, read_library
from appeals.criteria.schema import Window, add_months
from appeals.matching import match_case
from appeals.matching import text as tx
from appeals.matching.facts import DOCUMENT, Facts, Mention
from appeals.matching.nodules import GROUND_GLASS, PART_SOLID, SOLID, fleischner_2017, read_nodules

from .helpers import make_case


def run(data: dict):
    return match_case(parse_case(data))


# --- the Fleischner table ---------------------------------------------------------------------

@pytest.mark.parametrize("size, kind, multiple, high_risk, months, now", [
    (4, SOLID, False, False, None, False),       # < 6 mm, low risk: no routine follow-up
    (5.4, SOLID, False, True, (12, 12), False),  # < 6 mm, high risk: optional CT at 12 months
    (5.5, SOLID, False, False, (6, 12), False),  # rounds to 6 mm: CT at 6-12 months
    (7, SOLID, False, False, (6, 12), False),
    (8.4, SOLID, False, True, (6, 12), False),   # rounds to 8 mm: still 6-8 mm
    (8.5, SOLID, False, False, None, True),      # rounds to 9 mm: > 8 mm, work up now
    (14, SOLID, False, False, None, True),
    (4, SOLID, True, False, None, False),        # several < 6 mm, low risk: no routine follow-up
    (7, SOLID, True, False, (3, 6), False),      # several, largest 6-8 mm: CT at 3-6 months
    (12, SOLID, True, False, (3, 6), False),     # several, > 8 mm: CT at 3-6 months
    (5, GROUND_GLASS, False, True, None, False),  # subsolid < 6 mm: no routine follow-up, any risk
    (8, GROUND_GLASS, False, False, (6, 12), False),
    (9, PART_SOLID, False, False, (3, 6), False),
    (4, PART_SOLID, True, False, (3, 6), False),  # several subsolid < 6 mm: CT at 3-6 months
    (7, GROUND_GLASS, True, False, (3, 6), False),
])
def test_fleischner_2017_interval_by_size_type_number_and_risk(size, kind, multiple, high_risk, months, now):
    advice = fleischner_2017(size, kind, multiple, high_risk)
    assert (advice.months, advice.now) == (months, now), advice.text
    assert advice.text


def test_calendar_months_and_windows():
    assert add_months(dt.date(2025, 9, 15), 6) == dt.date(2026, 3, 15)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 5, 4), -12) == dt.date(2025, 5, 4)
    assert Window(days=60).earliest(dt.date(2026, 3, 20)) == dt.date(2026, 1, 19)
    assert Window(months=12).earliest(dt.date(2026, 5, 4)) == dt.date(2025, 5, 4)
    assert (Window(days=60).words(), Window(months=12).words()) == ("60 days", "a year")
    for bad in ({}, {"days": 60, "months": 2}, {"days": 0}):
        with pytest.raises(ValueError):
            Window(**bad)


# --- reading the nodule -----------------------------------------------------------------------

def _nodules(*notes):
    facts = Facts()
    for quote, source, date in notes:
        facts.add(Mention("pulmonary_nodule", False, quote, source, date, DOCUMENT))
    return read_nodules(facts)


def test_size_type_number_and_the_date_of_the_ct_are_read():
    [a, b, c, d, e] = _nodules(
        ("CT chest 9/15/2025: 8 x 6 mm solid nodule in the right lower lobe.", "Pulmonology", dt.date(2025, 10, 1)),
        ("1.2 cm spiculated lung nodule.", "CT chest report", dt.date(2025, 1, 2)),
        ("Outside CT showed a 7 mm solid lung nodule.", "Clinic note", dt.date(2026, 3, 1)),
        ("Multiple pulmonary nodules, the largest a 5 mm ground-glass nodule.", "Radiology report", None),
        ("9 mm part-solid nodule, follow-up CT due 3/2026.", "Clinic note", dt.date(2025, 12, 1)),
    )
    assert (a.size_mm, a.kind, a.multiple, a.found) == (7, SOLID, False, dt.date(2025, 9, 15))  # mean of the axes
    assert (b.size_mm, b.found) == (12, dt.date(2025, 1, 2))   # a CT report's own date
    assert c.found is None                                      # a clinic note's date is not the CT's
    assert (d.kind, d.multiple, d.found) == (GROUND_GLASS, True, None)
    assert (e.kind, e.found) == (PART_SOLID, None)             # the date the follow-up is due, not the CT's
    assert _nodules(("A lung nodule was seen.", "Radiology report", dt.date(2025, 1, 1))) == []


@pytest.mark.parametrize("report, size", [
    ("Impression: solitary 6 mm noncalcified pulmonary nodule, right upper lobe (series 3, image 45).", 6),
    ("There is a nodule measuring 0.7 cm in the RUL.", 7),
    ("6-mm solid nodule in the left lower lobe.", 6),
    ("RLL nodule 7mm, solid.", 7),
    ("A 9 x 5 mm nodule in the lingula.", 7),
])
def test_a_report_written_in_other_ways_is_timed_by_fleischner(report, size):
    result = run(_chest("2026-03-01", report, "2025-12-01"))
    status, needed = _interval(result)
    assert status == "unmet" and f"a {size} mm solid nodule" in needed and "due from 2026-06-01" in needed


# --- the follow-up interval from the case's dates ---------------------------------------------

def _chest(notice: str, report: str, report_date: str | None, *more) -> dict:
    notes = [(report_date, "Radiology report", report) if report_date else report, *more]
    return make_case(service="CT chest", payer="Humana", request="CT chest, lung nodule follow-up.",
                     notes=notes, notice=notice)


def _interval(result) -> tuple[str, str | None]:
    req = next(r for r in result.requirements if r.id == "interval")
    return req.status, req.needed


REPORT = "CT chest: 7 mm solid nodule in the right upper lobe. Recommend follow-up CT in 6-12 months."


def test_the_follow_up_ct_is_met_from_the_day_it_is_due_and_not_before():
    on_time = run(_chest("2026-07-20", REPORT, "2026-01-20"))
    assert on_time.outcome == "appeal" and _interval(on_time)[0] == "omitted"
    early = run(_chest("2026-07-19", REPORT, "2026-01-20"))
    status, needed = _interval(early)
    assert early.outcome == "not_met" and status == "unmet"
    assert "due from 2026-07-20" in needed and "Request it on or after 2026-07-20" in needed


def test_without_the_ct_date_the_documented_recommendation_is_read_as_before():
    undated = run(_chest("2026-02-01", REPORT, None))
    assert undated.outcome == "appeal" and _interval(undated)[0] == "omitted"
    no_recommendation = run(_chest("2026-02-01", "CT chest: 7 mm solid nodule in the right upper lobe.", None))
    assert no_recommendation.outcome == "not_met"
    assert "radiologist's recommendation" in _interval(no_recommendation)[1]


def test_a_large_or_growing_nodule_is_met_whatever_the_interval():
    large = run(_chest("2026-02-01", "CT chest: 10 mm solid nodule in the left upper lobe.", "2026-01-25"))
    assert large.outcome == "appeal"
    grown = run(_chest("2026-02-01", "CT chest: the left upper lobe nodule has grown, now 7 mm.", "2026-01-25"))
    assert grown.outcome == "appeal"


def test_the_largest_nodule_of_the_latest_ct_leads_and_growth_is_its_own():
    first = ("2025-06-02", "Radiology report", "CT chest 6/2/2025: 4 mm solid nodule in the right upper lobe. "
             "7 mm solid nodule in the right lower lobe.")
    # the same 7 mm nodule six months on: not growth, and two sizes on one CT are several nodules
    stable = run(_chest("2026-01-05", "CT chest: 7 mm solid nodule in the right lower lobe.", "2025-12-01", first))
    # single 7 mm, stable at its first follow-up: the next CT is at 18-24 months after the CT that
    # found it (2026-12-02), not 6 months after the latest one as if that were the first
    assert stable.outcome == "not_met"
    assert "due from 2026-12-02" in _interval(stable)[1] and "2026-06-01" not in _interval(stable)[1]
    several = run(_chest("2025-08-20", first[2], first[0]))
    assert "largest of several" in _interval(several)[1] and "due from 2025-09-02" in _interval(several)[1]


@pytest.mark.parametrize("words, grown", [
    ("which has grown since 2024", True),
    ("increased in size", True),
    ("not growing", False),
    ("stable, has not grown", False),
    ("no interval growth", False),
])
def test_growth_is_read_and_a_denied_growth_is_not(words, grown):
    report = f"CT chest: 7 mm solid nodule in the right upper lobe, {words}."
    result = run(_chest("2026-03-01", report, "2026-01-15"))  # six weeks on: early unless it has grown
    assert (result.outcome == "appeal") is grown


def test_a_risk_factor_is_the_patients_and_about_lung_cancer():
    small = "CT chest: 4 mm solid nodule in the right middle lobe."
    for note, high in (("Fall risk: high.", False), ("Never smoked cigarettes.", False),
                       ("Quit smoking in 2015.", True), ("Lung cancer risk: high.", True)):
        result = run(_chest("2026-06-10", small, "2025-06-01", ("2026-06-01", "PCP note", note)))
        assert (result.outcome == "appeal") is high, note


def test_a_small_nodule_needs_a_risk_factor_then_twelve_months():
    small = "CT chest: 4 mm solid nodule in the right middle lobe. Follow-up CT in 12 months."
    low = run(_chest("2026-06-10", small, "2025-06-01"))
    assert low.outcome == "not_met" and "no routine follow-up" in _interval(low)[1]
    risk = ("2026-05-30", "PCP note", "Former smoker, 30 pack-years.")
    high = run(_chest("2026-06-10", small, "2025-06-01", risk))
    assert high.outcome == "appeal"
    assert any("pack-years" in e.quote for r in high.requirements for e in r.evidence)
    # the CT a year back is what the interval is counted from, not stale evidence
    assert not any("more than a year before the request" in w for w in high.warnings)
    too_soon = run(_chest("2026-03-10", small, "2025-06-01", ("2026-03-01", "PCP note", "Former smoker, 30 pack-years.")))
    assert too_soon.outcome == "not_met" and "due from 2026-06-01" in _interval(too_soon)[1]


# --- "within" windows ---------------------------------------------------------------------------

def _breast(notice: str, mammogram_date: str | None) -> dict:
    report = "Screening mammogram: BI-RADS 1, negative."
    return make_case(service="MRI breast", payer="Aetna", request="BRCA1 positive. Annual screening MRI.",
                     notes=[(mammogram_date, "Breast imaging report", report) if mammogram_date else report],
                     notice=notice)


def test_a_mammogram_counts_within_a_year_of_the_request_and_not_a_day_more():
    assert run(_breast("2026-05-04", "2025-05-04")).outcome == "appeal"
    old = run(_breast("2026-05-04", "2025-05-03"))
    req = next(r for r in old.requirements if r.id == "recent_mammogram")
    assert old.outcome == "not_met" and req.status == "unmet"
    assert "2025-05-03" in req.needed and "too old" in req.needed and req.needed.startswith("the report of a mammogram")
    assert run(_breast("2026-05-04", None)).outcome == "appeal"  # undated: counts as before
    # a recent note telling of an old mammogram dates it back from the note
    ago = _breast("2026-05-04", None)
    ago["documentation"] = [{"date": "2026-04-20", "source": "Gyn note", "text": "Last mammogram 2 years ago, normal."}]
    assert run(ago).outcome == "not_met"
    ago["documentation"][0]["text"] = "Last mammogram 6 months ago, normal."
    assert run(ago).outcome == "appeal"


def _abdomen(notice: str, visit: str | None) -> dict:
    note = "Abdominal pain for 3 weeks. Exam: abdomen soft, mild periumbilical tenderness. CBC and lipase normal."
    return make_case(service="CT abdomen and pelvis", payer="Cigna", request="CT abdomen and pelvis, abdominal pain.",
                     notes=[(visit, "PCP note", note) if visit else note], notice=notice)


def test_an_evaluation_counts_within_60_days_for_evicore_only():
    assert run(_abdomen("2026-03-20", "2026-01-19")).outcome == "appeal"   # 60 days before
    late = run(_abdomen("2026-03-20", "2026-01-18"))                       # 61 days before
    req = next(r for r in late.requirements if r.id == "recent_evaluation")
    assert late.outcome == "not_met" and "too old" in req.needed and "2026-01-18" in req.needed
    assert run(_abdomen("2026-03-20", None)).outcome == "appeal"
    # the same old visit under a plan whose criteria have no window (ACR, with BCBS SC's work-up)
    acr = _abdomen("2026-03-20", "2026-01-18")
    acr["payer"] = "Humana"
    assert run(acr).outcome == "appeal"


# --- the schema field ---------------------------------------------------------------------------

@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "criteria"
    (target / "services").mkdir(parents=True)
    shutil.copy(DATA_DIR / "vocabulary.yaml", target / "vocabulary.yaml")
    for name in ("mri_breast", "ct_chest"):
        shutil.copy(DATA_DIR / "services" / f"{name}.yaml", target / "services" / f"{name}.yaml")
    return target


@pytest.mark.parametrize("service, old, new, path, message", [
    ("mri_breast", "within: {months: 12}", "within: {months: 0}", ".within.months", "greater than 0"),
    ("mri_breast", "within: {months: 12}", "within: {months: 12, days: 30}", ".within", "exactly one"),
    ("mri_breast", "within: {months: 12}", "within: {weeks: 52}", ".within.weeks", "unknown field"),
    ("ct_chest", "schedule: fleischner_2017", "schedule: fleischner_2005", ".schedule", "fleischner_2017"),
    ("ct_chest", "        modality: xray\n", "        modality: xray\n        schedule: fleischner_2017\n",
     "", "clinical_finding"),
])
def test_a_bad_window_or_schedule_names_the_file_and_the_path(copy, service, old, new, path, message):
    file = copy / "services" / f"{service}.yaml"
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))
    with pytest.raises(LibraryError) as info:
        read_library(copy)
    assert info.value.file.endswith(f"{service}.yaml")
    assert info.value.path.startswith("pathways[") and info.value.path.endswith(path)
    assert message in info.value.message


# --- reading ------------------------------------------------------------------------------------

def test_without_contrast_in_an_order_denies_nothing_after_it():
    text = "CT chest without contrast, follow-up of lung nodules."
    parsed = tx.ParsedText(text)
    at = text.index("lung nodules")
    assert not parsed.is_negated(at, at + len("lung nodules"))
    text = "Walks without pain."
    assert tx.ParsedText(text).is_negated(text.index("pain"), text.index("pain") + 4)

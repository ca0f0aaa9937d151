"""No text, however odd, makes the extractor or the matcher raise; results always fit the contract."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeals.contract import MatchResult, parse_case
from appeals.criteria import load_library
from appeals.matching import match_case
from appeals.matching.text import ParsedText, contrast_in, date_range_in, dates_in, durations_in, sides_in

FRAGMENTS = [
    "denies", "no", "not", "negative for", "without", "ruled out", "if", "PT", "pt", "x8 wks", "six weeks",
    "two months", "2024-12-16 to 2025-02-10", "12/16/24–2/10/25", "Feb 30, 2025", "13/45/2025", "SLR +",
    "4/5", "L5 dermatome", "saddle anesthesia", "worst headache of my life", "HEP", "prescribed", "follow-up",
    "x-ray", "normal", "severe OA", "left", "right", "w/o contrast", "with and without contrast", ",", ";",
    ".", "\n", "(", ")", "[", "*", "\\", "é", "\u200b", "🙂", "  ", "0", "999999 weeks", "-3 weeks", "1e9",
    "GCS 12", "on warfarin", "pregnant", "blurred vision", "fever", "IVDU",
]
clinical_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40).map(" ".join)
any_text = st.one_of(st.text(max_size=400), clinical_text)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(any_text)
def test_text_helpers_never_raise(text):
    parsed = ParsedText(text)
    for s in parsed.sentences:
        assert 0 <= s.start <= s.end <= len(text)
        parsed.quote(s)
    for i in range(0, len(text) + 1, 7):
        parsed.is_negated(i, min(i + 3, len(text)))
    dates_in(text), date_range_in(text), durations_in(text), sides_in(text, parsed), contrast_in(text)
    assert all(w > 0 for _, _, w in durations_in(text))


answer_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 10_000), st.floats(allow_nan=True),
                          st.text(max_size=30), st.lists(st.text(max_size=5), max_size=3))
services = st.sampled_from(["72148", "72141", "MRI brain", "70450", "CT head trauma", "MRI left knee",
                            "73221", "MRI hip", "PET scan", "x"])
plans = st.sampled_from(["employer", "marketplace", "government_employer", "medicare_advantage", "medicaid", "other"])
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))


@st.composite
def cases(draw):
    library = load_library()
    service = draw(services)
    svc = library.resolve(service)
    ids = [q.id for q in library.questions(svc)] if svc else []
    data = {"service": service, "plan_type": draw(plans)}
    if draw(st.booleans()):
        data["payer"] = draw(st.sampled_from(["Cigna", "Anthem", "UHC", "Aetna", "Humana", ""])) or "x"
    if draw(st.booleans()):
        data["denial"] = {"notice_date": draw(dates).isoformat(), "text": draw(any_text),
                          "code": draw(st.text(max_size=12))}
    if draw(st.booleans()):
        data["original_request"] = draw(any_text)
    docs = draw(st.lists(st.tuples(any_text.filter(lambda t: t.strip()), st.one_of(st.none(), dates)), max_size=4))
    data["documentation"] = [{"text": t, **({"date": d.isoformat()} if d else {})} for t, d in docs]
    if ids and draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(ids + ["unknown"]), max_size=6, unique=True))
        data["answers"] = {k: draw(answer_values) for k in keys}
    if draw(st.booleans()):
        data["patient"] = {"date_of_birth": draw(dates).isoformat()}
    return data


@SETTINGS
@given(cases(), dates)
def test_match_case_never_raises_and_fits_the_contract(data, today):
    case = parse_case(data)
    result = match_case(case, today=today)
    again = match_case(case, today=today)
    assert result == again  # deterministic
    MatchResult.model_validate(result.to_json())
    assert (result.deadline is None) == (case.denial is None)
    if case.denial is None:
        assert result.outcome != "appeal"
    for requirement in result.requirements:
        assert (requirement.needed is not None) == (requirement.status == "unmet")


@SETTINGS
@given(any_text)
def test_every_quote_is_an_exact_substring_of_its_document(text):
    if not text.strip():
        return
    result = match_case(parse_case({"service": "72148", "plan_type": "employer", "payer": "Cigna",
                                    "documentation": [{"text": text, "source": "note"}]}),
                        today=dt.date(2025, 1, 1))
    for requirement in result.requirements:
        for evidence in requirement.evidence:
            assert evidence.quote and evidence.quote in text

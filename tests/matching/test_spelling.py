"""Lay words and misspellings (issue 10, class 3): bounded correction toward the clinical lexicon,
never a false finding, and every quote exactly what was written."""

from appeals.criteria import load_library
from appeals.matching.spelling import Speller

from .helpers import make_case, requirement, run, statuses

LEXICON = ["physical", "therapy", "numbness", "bladder", "radiculopathy", "ibuprofen", "exercises"]


def test_one_edit_is_corrected_and_mapped_back_to_what_was_written():
    speller = Speller(LEXICON)
    text = "did physcial therapy, numbess in my foot, radiculapathy"
    fixed = speller.correct(text)
    assert fixed.text == "did physical therapy, numbness in my foot, radiculopathy"
    at = fixed.text.index("numbness")
    assert text[fixed.original(at):fixed.original(at + len("numbness"), end=True)] == "numbess"
    after = fixed.text.index(" in my foot")
    assert text[fixed.original(after):].startswith(" in my foot")


def test_real_words_and_inflections_are_left_alone():
    speller = Speller(LEXICON)
    for text in ["fell off a ladder", "home exercise program", "physically active", "shoulders"]:
        assert speller.correct(text).text == text


def test_the_library_lexicon_has_no_duplicates_and_is_lower_case():
    words = load_library().vocabulary.spelling
    assert words and all(w == w.lower() for w in words)


def test_misspelt_therapy_in_a_patients_message_counts_with_its_exact_quote():
    message = "i did physcial therapy for 8 weeks and it didnt helped nothing"
    r = run(make_case(payer="Cigna", notes=[
        ("2025-01-06", "Office visit", "Low back pain since 2024-12-30. Exam: lumbar tenderness."),
        ("2025-03-05", "Patient message", message),
        ("2025-03-06", "Follow-up visit", "Re-evaluated: back pain persists.")]))
    trial = requirement(r, "six_week_trial")
    assert trial["status"] == "omitted"
    assert any(e["quote"] == message for e in trial["evidence"])


def test_spanish_therapy_words_and_units_count():
    r = run(make_case(payer="Cigna", notes=[
        ("2025-01-06", "Office visit", "Low back pain since 2024-12-30. Exam: lumbar tenderness."),
        ("2025-03-05", "Patient message", "hice fisioterapia 8 semanas y no me ayudo"),
        ("2025-03-06", "Follow-up visit", "Re-evaluated: back pain persists.")]))
    assert statuses(r)["six_week_trial"] == "omitted"


def test_a_ladder_is_not_a_bladder():
    r = run(make_case(service="MRI lumbar spine", notes=[
        "Fell off a ladder last week, back pain since. Denies incontinence."]))
    assert r["urgency"] == "standard"
    assert not any("cauda" in w for w in r["warnings"])

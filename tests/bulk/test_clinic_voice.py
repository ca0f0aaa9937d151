"""A clinic's letters default to the clinician's voice, and its letter choices are worded for a
clinic (never "A letter from me, the patient")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from appeals.contract import MatchResult
from appeals.services.bulk.choices import letter_for_row

SERVICE = {"id": "mri_lumbar_spine", "name": "MRI lumbar spine", "codes": ["72148"]}


def _result(outcome: str) -> MatchResult:
    return MatchResult.model_validate({"outcome": outcome, "urgency": "standard",
                                       "service": SERVICE, "requirements": []})


@pytest.mark.parametrize("outcome, kind", [
    ("appeal", "clinician"), ("not_met", "clinician"), ("no_criteria", "clinician"),
    ("administrative", "correction"),
])
def test_a_batch_row_without_a_letter_choice_is_in_the_clinicians_voice(outcome, kind):
    batch = SimpleNamespace(kind=None, template_version_id=None)
    assert letter_for_row(batch, None, _result(outcome)) == (kind, None)


def test_a_chosen_letter_still_wins():
    batch = SimpleNamespace(kind="patient", template_version_id=None)
    assert letter_for_row(batch, None, _result("appeal")) == ("patient", None)
    assert letter_for_row(batch, "advocate", _result("appeal")) == ("advocate", None)


def test_clinic_pages_word_the_letters_for_a_clinic(clinic):
    client, _ = clinic
    for page in (client.get("/bulk/"), client.get("/")):
        text = page.get_data(as_text=True)
        assert "A letter from me, the patient" not in text
        assert "A letter of medical necessity from our clinician" in text

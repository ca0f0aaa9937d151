"""The advocate and the reason an appeal is late, in each letter's voice: read back from the
rendered .docx, as the reader sees it. The patient's letter speaks as "I" and never says "the
patient"; the clinician's and the advocate's letters speak of the patient, never as them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from appeals.contract import Advocate
from appeals.letters import build_context, context_variables, render_letter
from appeals.letters.text import docx_text
from appeals.letters.voices import in_voice

from .samples import TODAY, lumbar_case, lumbar_result

LATE = dt.date(2026, 9, 20)  # the sample's deadline is September 1, 2026
FIRST_PERSON_REASON = ("I was in the hospital from August 20 to September 15, 2026, and my mail "
                       "was held until I came home.")
THIRD_PERSON_REASON = ("The patient was in the hospital from August 20 to September 15, 2026; "
                       "the notice reached the patient's old address.")
SAM = Advocate(name="Sam Carter", organization="Synthetic Patient Advocates",
               phone="(555) 010-7000", email="sam@example.org",
               address="9 Example Court, Springfield, IL 62701")


def _late_case(reason: str | None, **overrides):
    case = lumbar_case(**overrides)
    return case.model_copy(update={"denial": case.denial.model_copy(
        update={"late_reason": reason})})


def _text(case, kind: str, today: dt.date = LATE) -> str:
    return docx_text(render_letter(case, lumbar_result(), kind=kind, today=today))


def _says_the_patient(text: str) -> bool:
    return re.search(r"\bthe patient\b", text, re.I) is not None


@pytest.mark.parametrize("reason", [FIRST_PERSON_REASON, THIRD_PERSON_REASON])
def test_the_patients_letter_gives_the_reason_as_i(reason):
    text = _text(_late_case(reason), "patient")
    assert ("I ask Acme Health & Life to accept this internal appeal late, for good cause. "
            "The reason for the delay: I was in the hospital from August 20 to September 15, "
            "2026") in text
    assert "____________________. If it cannot" not in text  # no fill-in line left
    assert not _says_the_patient(text)
    assert "tell me in writing" in text


@pytest.mark.parametrize("kind", ["clinician", "advocate"])
@pytest.mark.parametrize("reason", [FIRST_PERSON_REASON, THIRD_PERSON_REASON])
def test_the_clinician_and_the_advocate_give_it_about_the_patient(kind, reason):
    text = _text(_late_case(reason), kind)
    assert ("for good cause. The reason for the delay: the patient was in the hospital from "
            "August 20 to September 15, 2026") in text
    # Never in the patient's own words: the clinician and the advocate are not the patient.
    assert "I was in the hospital" not in text
    assert "my mail" not in text and "until I came home" not in text
    if reason == FIRST_PERSON_REASON:
        assert "the patient's mail was held until the patient came home" in text


def test_the_cover_page_says_the_reason_is_in_the_letter():
    with_reason = _text(_late_case(FIRST_PERSON_REASON), "patient")
    without = _text(_late_case(None), "patient")
    assert "The letter gives the reason for the delay" in with_reason
    assert "Fill in the reason for the delay" in without


@pytest.mark.parametrize("kind", ["patient", "clinician", "advocate", "correction"])
def test_without_a_reason_the_fill_in_line_stays(kind):
    text = _text(_late_case(None), kind)
    assert "for good cause; the reason for the delay: ____________________." in text


@pytest.mark.parametrize("kind", ["patient", "clinician", "advocate"])
def test_on_time_the_reason_is_not_used(kind):
    text = _text(_late_case(FIRST_PERSON_REASON), kind, today=TODAY)
    assert "reason for the delay" not in text and "good cause" not in text
    assert "before that date" in text


def test_the_advocate_letter_is_from_and_signed_by_the_advocate():
    case = lumbar_case().model_copy(update={"advocate": SAM})
    text = _text(case, "advocate", today=TODAY)
    lines = text.splitlines()
    assert "From: Sam Carter, Synthetic Patient Advocates" in lines
    assert "9 Example Court, Springfield, IL 62701" in lines
    assert "Phone (555) 010-7000 · Email sam@example.org" in lines
    assert ("I, Sam Carter of Synthetic Patient Advocates, write as the authorized "
            "representative of Alex Rivera; the signed authorization naming me is enclosed."
            ) in lines
    signed = lines[lines.index("Sincerely,") + 2:lines.index("Sincerely,") + 5]
    assert signed == ["Sam Carter, Synthetic Patient Advocates",
                      "Authorized representative of Alex Rivera",
                      "Phone (555) 010-7000   Email sam@example.org"]
    assert any(line.endswith("Authorization of representative signed by the patient, naming "
                             "Sam Carter of Synthetic Patient Advocates") for line in lines)
    assert "to the patient and to me (9 Example Court, Springfield, IL 62701)" in text
    assert "Organization ______" not in text and "From: ______" not in text


def test_an_advocate_without_an_organization_is_named_alone():
    case = lumbar_case().model_copy(update={"advocate": Advocate(name="Robin Doe")})
    lines = _text(case, "advocate", today=TODAY).splitlines()
    assert "From: Robin Doe" in lines
    assert ("I, Robin Doe, write as the authorized representative of Alex Rivera; the signed "
            "authorization naming me is enclosed.") in lines
    # What was not given stays a line to fill in.
    assert "Phone ______________________ · Email ______________________" in lines


def test_without_an_advocate_the_fill_in_lines_stay():
    lines = _text(lumbar_case(), "advocate", today=TODAY).splitlines()
    assert any(line.startswith("From: ____") for line in lines)
    assert "Authorized representative · organization · address · phone" in lines
    assert "Name ______________________   Organization ______________________" in lines
    assert ("I write as the authorized representative of Alex Rivera; the signed authorization "
            "is enclosed.") in lines
    assert any(line.endswith("Authorization of representative signed by the patient")
               for line in lines)


@pytest.mark.parametrize("kind", ["patient", "clinician"])
def test_the_advocate_is_only_in_the_advocate_letter(kind):
    case = lumbar_case().model_copy(update={"advocate": SAM})
    text = _text(case, kind, today=TODAY)
    assert "Sam Carter" not in text


def test_the_advocate_signs_and_the_reason_is_a_template_variable():
    case = _late_case(FIRST_PERSON_REASON).model_copy(update={"advocate": SAM})
    context = build_context(case, lumbar_result(), kind="advocate", today=LATE)
    assert context["signer"] == {"role": "authorized representative", "name": "Sam Carter"}
    assert context["advocate"]["line"] == "Sam Carter of Synthetic Patient Advocates"
    assert context["deadline"]["late_reason"].startswith("The patient was in the hospital")
    patient = build_context(case, lumbar_result(), kind="patient", today=LATE)
    assert patient["deadline"]["late_reason"].startswith("I was in the hospital")
    names = {v["name"] for v in context_variables()}
    assert {"advocate.name", "advocate.organization", "advocate.email",
            "deadline.late_reason"} <= names


@pytest.mark.parametrize("written, as_patient, about_patient", [
    ("I live abroad and my mail is forwarded late.",
     "I live abroad and my mail is forwarded late.",
     "The patient lives abroad and the patient's mail is forwarded late."),
    ("I'm the only carer for my mother and I've been away.",
     "I'm the only carer for my mother and I've been away.",
     "The patient is the only carer for the patient's mother and the patient has been away."),
    ("Patient hospitalized 10/2-11/20.", "I was hospitalized 10/2-11/20.",
     "Patient hospitalized 10/2-11/20."),
    ("The patient does not read English; the notice reached the patient late.",
     "I do not read English; the notice reached me late.",
     "The patient does not read English; the notice reached the patient late."),
    ("Hospitalized from October 2 to November 20.", "Hospitalized from October 2 to November 20.",
     "Hospitalized from October 2 to November 20."),
    ("The notice went to the patient portal, which the patient cannot use.",
     "The notice went to the patient portal, which I cannot use.",
     "The notice went to the patient portal, which the patient cannot use."),
])
def test_a_reason_turned_to_each_voice(written, as_patient, about_patient):
    assert in_voice(written, first_person=True) == as_patient
    assert in_voice(written, first_person=False) == about_patient


def test_the_command_line_writes_them_and_names_a_bad_one(tmp_path):
    import json

    from click.testing import CliRunner

    from appeals.cli import cli

    case = _late_case(FIRST_PERSON_REASON).model_copy(update={"advocate": SAM})
    pair = {"case": case.model_dump(mode="json"), "result": lumbar_result().to_json()}
    source = tmp_path / "case.json"
    source.write_text(json.dumps(pair))
    out = tmp_path / "letter.docx"
    run = CliRunner().invoke(cli, ["letter", str(source), "--kind", "advocate", "-o", str(out)])
    assert run.exit_code == 0, run.output
    text = docx_text(out.read_bytes())
    assert "From: Sam Carter, Synthetic Patient Advocates" in text.splitlines()
    pair["case"]["advocate"]["email"] = "sam at example"
    pair["case"]["denial"]["late_reason"] = "x" * 1001
    source.write_text(json.dumps(pair))
    run = CliRunner().invoke(cli, ["letter", str(source), "--kind", "advocate", "-o", str(out)])
    assert run.exit_code == 2
    assert "advocate.email" in run.stderr and "denial.late_reason" in run.stderr

"""The parts of the letter context added for complete, answer-first letters: the exact study,
the ordering clinician, the answer paragraph and story, the cover page for the sender, the
denial's own reasons (outside the library) and the patient's bill dispute. Re-exported by
schema.py, which stays the one schema templates are checked against.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def _f(description: str, example: Any, **kwargs: Any) -> Any:
    return Field(description=description, examples=[example], **kwargs)


class _Ctx(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StudyContext(_Ctx):
    present: bool = _f("True when the case named the exact study (CPT, side or contrast).", True)
    cpt: str = _f("The one CPT code given (the study's, else the service typed as a code); "
                  "empty when none was given.", "72148")
    side: str = _f("left, right or bilateral; empty when not given.", "left")
    side_label: str = _f("The side in words.", "left")
    contrast: str = _f("without, with or with_and_without; empty when not given.", "without")
    contrast_label: str = _f("The contrast in words.", "without contrast")
    line: str = _f("The study in one line: CPT, name, side and contrast as given.",
                   "CPT 72148 \u00b7 MRI lumbar spine \u00b7 side: left \u00b7 without contrast")


class ClinicianContext(_Ctx):
    present: bool = _f("True when the ordering clinician was named.", True)
    name: str = _f("The ordering clinician's name (in reading order).", "Dr. Maria Lopez, MD")
    npi: str = _f("Their ten-digit NPI; may be empty.", "1234567893")
    facility: str = _f("Their practice or facility; may be empty.", "Springfield Spine Clinic")
    phone: str = _f("Their phone; may be empty.", "(555) 010-4000")
    fax: str = _f("Their fax; may be empty.", "(555) 010-4001")
    address: str = _f("Their address; may be empty.", "400 Main St, Springfield, IL 62701")
    line: str = _f("Name, NPI and facility in one phrase.",
                   "Dr. Maria Lopez, MD, NPI 1234567893, Springfield Spine Clinic")


class AdvocateContext(_Ctx):
    present: bool = _f("True when the case names the advocate (name or organization).", True)
    name: str = _f("The advocate's name; empty when not given.", "Sam Carter")
    organization: str = _f("Their organization; may be empty.", "Synthetic Patient Advocates")
    phone: str = _f("Their phone; may be empty.", "(555) 010-7000")
    email: str = _f("Their email address; may be empty.", "sam@example.org")
    address: str = _f("Their mailing address; may be empty.",
                      "9 Example Court, Springfield, IL 62701")
    line: str = _f("Name and organization in one phrase (\"Sam Carter of Synthetic Patient "
                   "Advocates\"); empty when neither is given.",
                   "Sam Carter of Synthetic Patient Advocates")


class ReasonContext(_Ctx):
    number: int = _f("1-based number.", 1)
    reason: str = _f("One reason the denial itself gives (outside the library, these are the "
                     "checklist).", "lab abnormalities")
    met: bool = _f("True when a supplied record answers it.", True)
    answer: str = _f("The record's words that answer it, or what is missing.",
                     "ALT 182 U/L, three times the upper limit")
    source: str = _f("Where the answer comes from, with its date; empty when missing.",
                     "Lab report, October 2, 2026")
    enclosure: str = _f("The enclosure holding it; empty when missing.", "Enclosure 2")


class CoverContext(_Ctx):
    present: bool = _f("True when the letter has a \"Before you send\" page for the sender "
                       "(never sent to the plan; the plan's page numbers start after it).", True)
    steps: list[str] = _f("What to check or do before sending, in order.",
                          ["Sign and date the letter."])
    send_to: str = _f("Where to send it (the denial's appeal address and fax, when given).",
                      "Cigna National Appeals Unit, PO Box 188011 \u00b7 fax (555) 010-9900")


class BillDisputeContext(_Ctx):
    present: bool = _f("True for a no-authorization denial: the patient's short letter "
                       "disputing the bill.", False)
    to: str = _f("Who it goes to.", "Billing office, Springfield Spine Clinic")
    text: str = _f("The letter's body, in the patient's voice.",
                   "I dispute the bill for ... The claim was denied because no prior "
                   "authorization was obtained ...")


class SummaryContext(_Ctx):
    answer: str = _f("The first paragraph: what the denial said was missing, what the records "
                     "show with dates, and what to approve.",
                     "Your denial of November 16, 2026 said a 6-week trial of treatment was not "
                     "documented. My records show physical therapy from August 31 to October "
                     "26, 2026 ... Please approve CPT 72148 under eviCore SP-6.")
    narrative: str = _f("A short clinical story in plain words, from the dated records.",
                        "Low back pain with leg pain since August 16, 2026 ...")
    treatment_plan: str = _f("What the scan decides, as the records or the patient's answers "
                             "say; may be empty.",
                             "The MRI will guide an epidural steroid injection or a surgical "
                             "referral.")
    remedy: str = _f("The decision asked for, with the plan's decision time and, when urgent, "
                     "the expedited route.",
                     "Please approve CPT 72148 and send your decision within 30 days.")
    criterion_short: str = _f("The criterion in a few words (source and section).",
                              "eviCore SP-6")
    diagnosis: str = _f("The ICD-10 codes, comma-separated; empty when none given.",
                        "M54.16, M51.26")
    patient_statement: str = _f("The patient's own answers on the form, as their statement "
                                "(never as clinical evidence); may be empty.",
                                "I was examined in person by a clinician for this episode.")

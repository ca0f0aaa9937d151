"""Real files for the document-reading tests, made by the tests themselves.

From the example cases (examples/cases/*.json, each with what a person would type), this writes
what that person would actually hold: the denial letter (three payer layouts, payers, reviewers,
plan wording, codes, appeal addresses and deadlines varied by a seeded generator), the records
(visit notes, a PT discharge, a radiology report, each under its own heading) and the order, as
Word files, renders them to PDF with LibreOffice, then makes of them what arrives in practice:
phone photos (rotated 90 and 3 degrees, blurred, unevenly lit, JPEG at low quality) and
scanned-style PDFs without a text layer.

`expected` holds, per letter, the value each denial field must be read as. The parser never sees
it; it is the typed truth the generator wrote into the letter.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "examples" / "cases"

REVIEWERS = [
    ("eviCore healthcare", "eviCore"),
    ("Carelon Medical Benefits Management", "Carelon"),
    ("AIM Specialty Health", "Carelon"),
    ("National Imaging Associates (NIA)", "Evolent"),
    (None, None),
]
PLAN_WORDING = {
    "employer": ("You may also have the right to bring a civil action under section 502(a) of "
                 "the Employee Retirement Income Security Act (ERISA) after your appeal."),
    "medicare_advantage": ("You are a member of our Medicare Advantage plan. If we uphold our "
                           "decision, your appeal goes to an Independent Review Entity."),
    "medicaid": ("As a Medicaid member you may ask for a State Fair Hearing after our appeal "
                 "decision."),
    "marketplace": ("Your plan was bought on the Health Insurance Marketplace; you may ask for "
                    "an external review."),
}
SERVICE_CPT = [  # (words in the service, contrast, CPT) most specific first
    ("lumbar", "with and without", "72158"), ("lumbar", "", "72148"), ("l-spine", "", "72148"),
    ("cervical", "", "72141"), ("brain", "with and without", "70553"), ("brain", "", "70551"),
    ("knee", "", "73721"), ("shoulder", "", "73221"), ("70450", "", "70450"),
    ("72148", "", "72148"),
]
SERVICE_NAMES = {"72148": "MRI lumbar spine without contrast", "70450": "CT head without contrast",
                 "72158": "MRI lumbar spine with and without contrast",
                 "70551": "MRI brain without contrast", "73721": "MRI knee without contrast",
                 "72141": "MRI cervical spine without contrast", "73221": "MRI shoulder"}
ADDRESSES = [
    ("Appeals Unit", "PO Box 14012", "Lexington, KY 40512"),
    ("Grievance and Appeals Department", "2400 Synthetic Parkway, Suite 300", "Tampa, FL 33607"),
    ("Clinical Appeals", "PO Box 30555", "Salt Lake City, UT 84130"),
]
CODES = {"medical": ["CO-50", "CO-50, N386", "50", "CO-150"], "CO-197": ["CO-197"],
         "CO-4": ["CO-4"]}
SOURCE_HEADINGS = {  # a typed note's source -> the heading its record carries
    "pt": "Physical Therapy Discharge Summary", "radiology": "Radiology Report",
    "telehealth": "Telehealth Visit", "urgent": "Urgent Care Visit", "nurse": "Nurse Note",
    "follow": "Follow-up Visit",
}


@dataclass
class Bundle:
    """One case's documents and their typed truth."""

    name: str
    typed: dict
    expected: dict = field(default_factory=dict)  # denial field -> value (letters only)
    letter_docx: Path | None = None
    records_docx: Path | None = None
    order_docx: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)  # kind -> path


def _heading_for(source: str) -> str:
    folded = source.lower()
    for key, heading in SOURCE_HEADINGS.items():
        if key in folded:
            return heading
    return "Office Visit"


def _cpt_and_name(service: str) -> tuple[str, str]:
    """The CPT code and service name a denial letter prints for the typed `service`: the table
    above, else the criteria library's service (its code when typed as one, else its first)."""
    folded = service.lower()
    for words, contrast, code in SERVICE_CPT:
        if words in folded and contrast in folded:
            return code, SERVICE_NAMES[code]
    from appeals.criteria import read_library

    found = read_library().resolve(service)
    if found is None:
        raise ValueError(f"no CPT for {service!r}")
    code = service.strip() if service.strip() in found.codes else found.codes[0]
    return code, found.name


def _long_date(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _letter_lines(bundle: Bundle, rng: random.Random, layout: int) -> list[str]:
    case = bundle.typed
    denial = case["denial"]
    notice = dt.date.fromisoformat(denial["notice_date"])
    cpt, service_name = _cpt_and_name(case["service"])
    if "right" in case["service"].lower():
        service_name = service_name.replace("MRI knee", "MRI right knee")
    if "left" in case["service"].lower():
        service_name = service_name.replace("MRI knee", "MRI left knee").replace(
            "MRI shoulder", "MRI left shoulder")
    reviewer_text, reviewer = REVIEWERS[rng.randrange(len(REVIEWERS))]
    if "evicore" in (denial.get("text") or "").lower():  # a letter citing eviCore's guideline
        reviewer_text, reviewer = REVIEWERS[0]
    address = ADDRESSES[rng.randrange(len(ADDRESSES))]
    fax = f"(8{rng.randint(0, 9)}{rng.randint(0, 9)}) 555-{rng.randint(1000, 9999)}"
    code = denial.get("code") or rng.choice(CODES["medical"])
    reference = denial.get("reference") or f"{rng.choice(['UM', 'PA', 'AUTH'])}-{rng.randint(10**7, 10**8 - 1)}"
    days = {"medicare_advantage": 65, "medicaid": 60}.get(case["plan_type"], 180)
    plan_text = PLAN_WORDING.get(case["plan_type"])
    reason = denial.get("text") or "The information sent does not show that this imaging is medically necessary."
    payer = case.get("payer") or "Synthetic Health Plan"
    date_formats = [_long_date(notice), f"{notice:%m/%d/%Y}", notice.isoformat()]
    notice_text = date_formats[layout % 3]
    deadline_by_date = layout == 1
    deadline_date = notice + dt.timedelta(days=days)
    deadline_text = (f"Your appeal must be received by {deadline_date:%m/%d/%Y}." if deadline_by_date
                     else f"You must ask for an appeal within {days} days of the date of this notice.")
    reviewer_line = (f"This request was reviewed by {reviewer_text} on behalf of {payer}."
                     if reviewer_text else None)
    bundle.expected = {
        "denial.notice_date": notice.isoformat(), "denial.reference": reference,
        "denial.code": code, "denial.text": reason, "payer": payer,
        "denial.reviewer": reviewer, "service": service_name, "study.cpt": cpt,
        "plan_type": case["plan_type"] if plan_text else None,
        "denial.appeal_address": ", ".join(address), "denial.appeal_fax": fax,
        "deadline": deadline_date.isoformat() if deadline_by_date else f"{days} days",
    }
    patient = (case.get("patient") or {}).get("name", "Synthetic Member")
    member = (case.get("patient") or {}).get("member_id", "SYN000000")
    born = _born(case)
    if layout == 0:
        lines = [payer, "Utilization Management", "", f"Date: {notice_text}", "",
                 f"Member: {patient}", f"Member ID: {member}", *born, f"Reference number: {reference}",
                 f"Service requested: {service_name} (CPT {cpt})", "Decision: Denied", "",
                 "Why we made this decision:", reason, "", f"Denial code: {code}"]
    elif layout == 1:
        lines = ["NOTICE OF ADVERSE DETERMINATION", f"Health plan: {payer}",
                 f"Notice date: {notice_text}", f"Case number: {reference}",
                 f"Patient: {patient}", *born, f"Procedure: {cpt} - {service_name}",
                 f"CARC/RARC: {code}", "", "Reason for denial:", reason]
    else:
        lines = ["Notice of Denial of Medical Coverage", f"Plan name: {payer}",
                 f"Date of notice: {notice_text}", f"Member: {patient}", *born,
                 f"Authorization #: {reference}",
                 f"Requested service: {service_name}, CPT code {cpt}", "",
                 f"We denied this request. Reason: {reason}", f"Reason code: {code}"]
    if reviewer_line:
        lines += ["", reviewer_line]
    if plan_text:
        lines += ["", plan_text]
    lines += ["", "How to appeal", deadline_text, "Send your written appeal to:", *address,
              f"Fax: {fax}", "", "Sincerely,", "Medical Director"]
    return lines


def _born(case: dict) -> list[str]:
    """The patient's date of birth as a letter prints it (from the age where only that is typed:
    a person copying the letter would type the date)."""
    patient = case.get("patient") or {}
    if patient.get("date_of_birth"):
        return [f"Date of birth: {patient['date_of_birth']}"]
    if patient.get("age") is not None:
        notice = dt.date.fromisoformat((case.get("denial") or {}).get("notice_date") or "2026-11-20")
        born = dt.date(notice.year - patient["age"] - 1, notice.month, 1) + dt.timedelta(days=45)
        patient["date_of_birth"] = born.isoformat()
        del patient["age"]
        return [f"Date of birth: {born.isoformat()}"]
    return []


def _record_sections(case: dict) -> list[tuple[str, str | None, str]]:
    return [(note.get("source") or "Office Visit", note.get("date"), note["text"])
            for note in case.get("documentation", [])]


def _write_docx(path: Path, lines: list[str], sections: list[tuple[str, str | None, str]] = ()):
    import docx
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10.5)
    style.paragraph_format.space_after = Pt(2)
    for line in lines:
        document.add_paragraph(line)
    for heading, date, text in sections:
        document.add_paragraph(f"{heading}  Date of service: {date}" if date else heading)
        document.add_paragraph(text)
        document.add_paragraph("")
    document.save(path)


def typed_cases() -> list[tuple[str, dict]]:
    """The example cases, with each note's source as its record's heading names it (what a
    person typing from those records would write)."""
    cases = []
    for path in sorted(CASES.glob("*.json")):
        case = json.loads(path.read_text())
        for note in case.get("documentation", []):
            note["source"] = _heading_for(note.get("source") or "")
        cases.append((path.stem, case))
    return cases


def make_bundles(directory: Path, seed: int = 13) -> list[Bundle]:
    """Every case's documents under `directory`: Word, PDF, photos and scans."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    bundles = []
    for name, case in typed_cases():
        bundle = Bundle(name=name, typed=case)
        if case.get("denial"):
            bundle.letter_docx = directory / f"{name}.letter.docx"
            _write_docx(bundle.letter_docx, _letter_lines(bundle, rng, len(bundles) % 3))
        if case.get("documentation"):
            bundle.records_docx = directory / f"{name}.records.docx"
            _write_docx(bundle.records_docx, ["Medical records", *_born(case)],
                        _record_sections(case))
        if case.get("original_request"):
            bundle.order_docx = directory / f"{name}.order.docx"
            _write_docx(bundle.order_docx, ["Imaging Order", "Prior authorization request",
                                            f"Study ordered: {case['service']}",
                                            f"Insurance: {case.get('payer') or 'Self-pay'}", "",
                                            case["original_request"]])
        bundles.append(bundle)
    sources = [path for b in bundles for path in (b.letter_docx, b.records_docx, b.order_docx) if path]
    to_pdf(sources, directory)
    for bundle in bundles:
        for kind, source in (("letter", bundle.letter_docx), ("records", bundle.records_docx),
                             ("order", bundle.order_docx)):
            if source:
                bundle.files[f"{kind}_pdf"] = source.with_suffix(".pdf")
        if bundle.letter_docx:
            pages = rasterise(bundle.files["letter_pdf"])
            bundle.files["letter_photo"] = directory / f"{bundle.name}.letter.photo.jpg"
            bundle.files["letter_photo"].write_bytes(phone_photo(pages[0], rng, quarter_turn=True))
            bundle.files["letter_photo_tilted"] = directory / f"{bundle.name}.letter.tilted.jpg"
            bundle.files["letter_photo_tilted"].write_bytes(phone_photo(pages[0], rng, quarter_turn=False))
        if bundle.records_docx:
            bundle.files["records_scan"] = directory / f"{bundle.name}.records.scan.pdf"
            bundle.files["records_scan"].write_bytes(scanned_pdf(rasterise(bundle.files["records_pdf"])))
    return bundles


def to_pdf(sources: list[Path], directory: Path) -> None:
    """LibreOffice renders every Word file in one run (its start-up is the slow part)."""
    soffice = shutil.which("soffice")
    profile = directory / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(directory), *map(str, sources)],
                   check=True, capture_output=True, timeout=300)


def rasterise(pdf_path: Path, dpi: int = 200) -> list:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path.read_bytes())
    try:
        return [pdf[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(pdf))]
    finally:
        pdf.close()


def phone_photo(page, rng: random.Random, quarter_turn: bool) -> bytes:
    """A page as a phone sees it: turned, tilted, soft, unevenly lit, JPEG-compressed."""
    from PIL import Image, ImageDraw, ImageFilter

    image = page.copy()
    # Uneven light: a gradient from bright to a grey shadow across the page.
    shade = Image.new("L", image.size)
    draw = ImageDraw.Draw(shade)
    for x in range(image.width):
        draw.line([(x, 0), (x, image.height)], fill=int(255 - 90 * x / image.width))
    image = Image.composite(image, Image.new("RGB", image.size, (70, 70, 70)), shade)
    tilt = rng.choice([-3.0, 3.0])
    image = image.rotate(tilt, resample=Image.BICUBIC, expand=True, fillcolor=(90, 85, 80))
    if quarter_turn:
        image = image.rotate(90, expand=True)
    image = image.filter(ImageFilter.GaussianBlur(radius=1.1))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=35)
    return out.getvalue()


def scanned_pdf(pages) -> bytes:
    """Pages as pictures only (no text layer), as a fax or a scanner makes them."""
    from PIL import ImageFilter

    gray = [page.convert("L").filter(ImageFilter.GaussianBlur(0.6)) for page in pages]
    out = io.BytesIO()
    gray[0].save(out, "PDF", resolution=200, save_all=True, append_images=gray[1:])
    return out.getvalue()


def typed_copy(bundle: Bundle) -> dict:
    return copy.deepcopy(bundle.typed)

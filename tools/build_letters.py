"""Build the built-in letter templates (patient.docx, clinician.docx, advocate.docx,
checklist.docx, correction.docx) with python-docx.

The .docx files are committed in appeals/templates/letters/ (where appeals.letters loads them);
run this after changing the wording or the look:

    .venv/bin/python tools/build_letters.py

They are ordinary docxtpl templates (``{%p if %}`` paragraphs, ``{%tr for %}`` table rows) over
the letter context documented in appeals/letters/schema.py, so an advocate can download one, edit
it in Word and upload it as their own. Styles, not direct formatting, carry the look (Normal,
Heading 1/2, Title, List Bullet/Number, and "Notice", "Small", "Table Text", "Quote Text").
"""
from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

# The builder's pieces sit beside this script (tools/letter_docx), which is run by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from letter_docx.kinds import TEMPLATES  # noqa: E402
from letter_docx.styles import ORDER, _local  # noqa: E402,F401  (tests check the schema order)

# Where the package loads the built-in letters from (appeals.letters.builtin_template_bytes).
HERE = Path(__file__).resolve().parents[1] / "appeals" / "templates" / "letters"


def build(out_dir: Path = HERE) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, make in TEMPLATES.items():
        path = out_dir / f"{kind}.docx"
        doc = make()
        doc.core_properties.revision = 1
        doc.save(path)
        _created_when_rendered(path)
        written.append(path)
    return written


def _created_when_rendered(path: Path) -> None:
    """The document's created and modified dates become {{ created }}: a letter is created when
    it is written, not when the template was built (python-docx's default says 2013)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                for name in ("created", "modified"):
                    text = re.sub(rf"(<dcterms:{name}[^>]*>)[^<]*(</dcterms:{name}>)",
                                  r"\g<1>{{ created }}\g<2>", text)
                if "<dcterms:modified" not in text:
                    text = text.replace("</cp:coreProperties>", '<dcterms:modified xsi:type='
                                        '"dcterms:W3CDTF">{{ created }}</dcterms:modified>'
                                        "</cp:coreProperties>")
                data = text.encode("utf-8")
            out.writestr(info, data)


# The five sample letters in docs/letters/: (kind, case file), all judged on one fixed day.
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [
    ("patient", "docs/letters/cases/patient.json"),
    ("clinician", "docs/letters/cases/patient.json"),
    ("advocate", "docs/letters/cases/outside-library.json"),
    ("checklist", "examples/cases/knee_not_met.json"),
    ("correction", "examples/cases/knee_laterality_mismatch.json"),
]
SAMPLE_DAY = "2026-12-01"


def samples(out_dir: Path = ROOT / "docs" / "letters") -> list[Path]:
    """Render the five sample letters to .pdf (LibreOffice) and each page to .png (pdftoppm)."""
    import datetime as dt
    import json
    import subprocess

    sys.path.insert(0, str(ROOT))
    from appeals.contract import Case
    from appeals.letters import render_letter
    from appeals.letters.pdf import docx_to_pdf_many
    from appeals.matching import match_case

    day = dt.date.fromisoformat(SAMPLE_DAY)
    letters = []
    for kind, case_file in SAMPLES:
        case = Case.model_validate(json.loads((ROOT / case_file).read_text()))
        letters.append(render_letter(case, match_case(case, today=day), kind=kind, today=day))
    written = []
    for old in out_dir.glob("sample-*"):
        old.unlink()
    for (kind, _), pdf in zip(SAMPLES, docx_to_pdf_many(letters)):
        path = out_dir / f"sample-{kind}.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(out_dir / f"sample-{kind}")],
                       check=True)
        written.append(path)
        written.extend(sorted(out_dir.glob(f"sample-{kind}-*.png")))
    return written


if __name__ == "__main__":
    if sys.argv[1:] == ["--samples"]:
        for path in samples():
            print(path)
    else:
        for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
            print(path)

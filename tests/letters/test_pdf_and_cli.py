"""LibreOffice opens every built-in letter (one soffice start for the lot), and the command line."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from appeals.cli import cli
from appeals.letters import LETTER_KINDS, render_letter
from appeals.letters import pdf as pdf_module
from appeals.letters.pdf import PdfUnavailable, docx_to_pdf, docx_to_pdf_many
from appeals.letters.text import docx_text

from .helpers import make_docx
from .samples import TODAY, lumbar_case, lumbar_result, scenarios


@pytest.mark.libreoffice
def test_libreoffice_converts_every_template_for_a_spread_of_cases():
    # Every kind at least twice, every outcome, urgency and plan type at least once: 14 letters
    # in one LibreOffice start (CI time matters).
    picked = scenarios()
    letters = []
    for index, (name, case, result) in enumerate(picked):
        for kind in (LETTER_KINDS[index % 5], LETTER_KINDS[(index + 2) % 5]) if index < 5 \
                else (LETTER_KINDS[index % 5],):
            letters.append((name, kind, render_letter(case, result, kind=kind, today=TODAY)))
    assert {kind for _, kind, _ in letters} == set(LETTER_KINDS)
    pdfs = docx_to_pdf_many([data for _, _, data in letters])
    assert len(pdfs) == len(letters)
    for (name, kind, _), pdf in zip(letters, pdfs):
        assert pdf.startswith(b"%PDF-"), (name, kind)
        assert len(pdf) > 5_000, (name, kind)
    if shutil.which("pdftotext"):
        def first_page(pdf: bytes, *crop: str) -> str:
            return subprocess.run(["pdftotext", "-l", "1", *crop, "-", "-"], input=pdf,
                                  capture_output=True, check=True).stdout.decode()

        first = first_page(pdfs[0])  # the sender's cover page: not numbered for the plan
        assert "Before you send" in first and "Page 1" not in first
        letter = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-", "-"], input=pdfs[0],
                                capture_output=True, check=True).stdout.decode()
        assert "Alex Rivera" in letter and "Page 1" in letter
        for (name, kind, _), pdf in zip(letters, pdfs):
            if name.startswith("emergency"):  # on paper too, emergency care comes first
                # Below the running header (top 0.9 in of the Letter page, in points).
                body = first_page(pdf, "-x", "0", "-y", "65", "-W", "612", "-H", "700")
                assert body.lstrip().startswith("Emergency care comes first."), (name, kind)


def test_missing_libreoffice_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(pdf_module, "soffice_path", lambda: None)
    with pytest.raises(PdfUnavailable, match="LibreOffice, which is not installed"):
        docx_to_pdf(b"PK")


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def _prematched(case=None, result=None):
    return {"case": (case or lumbar_case()).model_dump(mode="json"),
            "result": (result or lumbar_result()).model_dump(mode="json")}


def test_cli_writes_the_letter_and_keeps_warnings_out_of_it(tmp_path):
    source = _write(tmp_path, "case.json", _prematched())
    out = tmp_path / "letter.docx"
    run = CliRunner().invoke(cli, ["letter", str(source), "-o", str(out), "--kind", "clinician",
                                   "--date", "2026-03-10"])
    assert run.exit_code == 0, run.output
    text = docx_text(out.read_bytes())
    assert "Letter of medical necessity" in text and "March 10, 2026" in text
    assert "disagree on the number of visits" in run.stderr
    assert "disagree" not in text


def test_cli_template_by_name_and_by_path(tmp_path):
    source = _write(tmp_path, "case.json", _prematched())
    out = tmp_path / "a.docx"
    run = CliRunner().invoke(cli, ["letter", str(source), "-o", str(out), "--template",
                                   "advocate"])
    assert run.exit_code == 0, run.output
    assert "authorized representative" in docx_text(out.read_bytes())
    custom = tmp_path / "mine.docx"
    custom.write_bytes(make_docx("To {{ plan.name }} about {{ patient.name }}"))
    run = CliRunner().invoke(cli, ["letter", str(source), "-o", str(out), "--template",
                                   str(custom)])
    assert run.exit_code == 0, run.output
    assert docx_text(out.read_bytes()) == "To Acme Health & Life about Alex Rivera"


def test_cli_bad_input_exits_2_with_the_reason(tmp_path):
    bad_case = _prematched()
    bad_case["case"]["plan_type"] = "employr"
    run = CliRunner().invoke(cli, ["letter", str(_write(tmp_path, "c.json", bad_case)),
                                   "-o", str(tmp_path / "x.docx")])
    assert run.exit_code == 2 and "plan_type" in run.stderr
    broken = tmp_path / "broken.docx"
    broken.write_bytes(make_docx("{{ patient.nmae }}"))
    run = CliRunner().invoke(cli, ["letter", str(_write(tmp_path, "ok.json", _prematched())),
                                   "-o", str(tmp_path / "x.docx"), "--template", str(broken)])
    assert run.exit_code == 2 and "nmae" in run.stderr and "paragraph 1" in run.stderr
    assert not (tmp_path / "x.docx").exists()
    run = CliRunner().invoke(cli, ["letter", str(tmp_path / "nope.json"), "-o",
                                   str(tmp_path / "x.docx")])
    assert run.exit_code == 2 and "cannot read" in run.stderr


def test_cli_pdf_without_libreoffice_keeps_the_docx(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "soffice_path", lambda: None)
    out = tmp_path / "l.docx"
    run = CliRunner().invoke(cli, ["letter", str(_write(tmp_path, "c.json", _prematched())),
                                   "-o", str(out), "--pdf"])
    assert run.exit_code == 1 and "not installed" in run.stderr
    assert out.exists() and not out.with_suffix(".pdf").exists()


def test_cli_reads_a_case_from_standard_input_and_matches_it(tmp_path):
    from .samples import headache_pair

    case, _ = headache_pair()
    out = tmp_path / "from-stdin.docx"
    run = CliRunner().invoke(cli, ["letter", "-", "-o", str(out), "--date", "2026-04-05"],
                             input=json.dumps(case.model_dump(mode="json")))
    assert run.exit_code == 0, run.output
    assert "wrote" in run.stdout and out.exists()
    assert "Dana" in docx_text(out.read_bytes())


def test_cli_says_emergency_first(tmp_path):
    from .samples import headache_pair

    source = _write(tmp_path, "e.json", _prematched(*headache_pair()))
    run = CliRunner().invoke(cli, ["letter", str(source), "-o", str(tmp_path / "e.docx")])
    assert run.exit_code == 0
    assert run.stderr.startswith("EMERGENCY: these symptoms need emergency care now")

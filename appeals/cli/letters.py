"""`appeals letter CASE.json -o OUT.docx`: the Word letter for a case, from the command line.

CASE.json (or ``-`` for standard input) is a case as in the matching contract; it is matched
first. An object ``{"case": {...}, "result": {...}}`` with an existing result is rendered as it is.
Exit codes: 0 written; 1 the .docx was written but the PDF could not be made; 2 bad input (case,
result or template), with the reason on standard error.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from appeals.contract import CaseError, MatchResult, parse_case, validation_errors

from . import cli


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _read_json(source: str) -> object:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot read {source}: {exc.strerror}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{source} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")


@cli.command("letter", with_appcontext=False)
@click.argument("case_file", metavar="CASE.json")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the .docx.")
@click.option("--kind", type=click.Choice(["patient", "clinician", "advocate", "checklist",
                                           "correction"]),
              help="Which letter (default: the one the result calls for).")
@click.option("--template", "template_name", metavar="NAME|PATH",
              help="A built-in template name (same names as --kind) or a .docx template file.")
@click.option("--pdf", is_flag=True, help="Also write a PDF beside the .docx (needs LibreOffice).")
@click.option("--date", "letter_date", metavar="YYYY-MM-DD",
              help="Date of the letter and of deadline arithmetic (default: today).")
def letter_command(case_file: str, output: str, kind: str | None, template_name: str | None,
                   pdf: bool, letter_date: str | None) -> None:
    """Write the appeal letter (Word) for CASE.json; - reads standard input."""
    from appeals.letters import (
        LETTER_KINDS, PreparedTemplate, TemplateError, builtin_template, default_kind,
        render_letter,
    )

    today = None
    if letter_date:
        try:
            today = dt.date.fromisoformat(letter_date)
        except ValueError:
            _fail(f"--date {letter_date!r} is not a date (YYYY-MM-DD)")

    data = _read_json(case_file)
    try:
        if isinstance(data, dict) and "case" in data and "result" in data:
            case = parse_case(data["case"])
            try:
                result = MatchResult.model_validate(data["result"])
            except ValidationError as exc:
                errors = validation_errors(exc)
                _fail("result: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors))
        else:
            case = parse_case(data)
            from appeals.matching import match_case

            result = match_case(case, today=today)
    except CaseError as exc:
        _fail("the case is not valid: " + str(exc))

    template = None
    if template_name and template_name in LETTER_KINDS:
        kind = kind or template_name
        template = builtin_template(template_name)
    elif template_name:
        path = Path(template_name)
        if not path.is_file():
            _fail(f"--template {template_name!r} is neither a built-in template "
                  f"({', '.join(LETTER_KINDS)}) nor a file")
        try:
            template = PreparedTemplate.from_bytes(path.read_bytes(), name=path.name)
        except TemplateError as exc:
            _fail(f"template {path.name}: {exc}")
    kind = kind or default_kind(result)

    try:
        docx = render_letter(case, result, kind=kind, template=template, today=today)
    except TemplateError as exc:
        _fail(f"template: {exc}")
    out = Path(output)
    out.write_bytes(docx)
    click.echo(f"wrote {out} ({kind} letter; outcome {result.outcome}, urgency {result.urgency})")
    if result.urgency == "emergency":
        click.echo("EMERGENCY: these symptoms need emergency care now; emergency care needs no "
                   "prior authorization. The letter says so first.", err=True)
    if kind in ("patient", "clinician", "advocate") and result.outcome == "not_met":
        click.echo("note: the criteria are not met yet; --kind checklist lists what to obtain "
                   "before appealing.", err=True)
    for warning in result.warnings:  # for the person preparing the letter; never in the letter
        click.echo(f"check before sending: {warning}", err=True)

    if pdf:
        from appeals.letters.pdf import PdfUnavailable, docx_to_pdf

        try:
            pdf_path = out.with_suffix(".pdf")
            pdf_path.write_bytes(docx_to_pdf(docx))
        except PdfUnavailable as exc:
            click.echo(f"no PDF: {exc}", err=True)
            sys.exit(1)
        click.echo(f"wrote {pdf_path}")

"""`appeals read FILE... [-o case.json]`: the denial letter and the records read from PDFs,
photos, Word files and text, field by field with the text each value came from.

Pure core: no database or configuration (the limits are the defaults, or the options). Prints
what was read; `-o` writes the case built from it, to check and correct before `appeals match`.
Exit status: 0 when every file was read, 1 when some were refused (the others are still read),
2 when none could be.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import cli


@cli.command("read", with_appcontext=False)
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the case built from what was read (JSON) to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print everything read as JSON.")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Pages of one PDF.")
@click.option("--time-limit", type=click.FloatRange(min=1), default=None,
              help="Seconds to read one file.")
def read_command(files: tuple[Path, ...], output: Path | None, as_json: bool,
                 max_pages: int | None, time_limit: float | None) -> None:
    """Read denial letters and records (PDF, PNG, JPEG, HEIC, DOCX, TXT) into a case."""
    from dataclasses import replace

    from ..contract import CaseError, parse_case
    from ..intake.documents import FIELD_LABELS, Limits, read_documents

    limits = Limits()
    if max_pages:
        limits = replace(limits, max_pages=max_pages)
    if time_limit:
        limits = replace(limits, time_limit=time_limit)
    reading = read_documents([(path.name, path.read_bytes()) for path in files], limits)
    data = reading.to_json()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for document in reading.documents:
            if document.error:
                click.echo(f"REFUSED {document.error}", err=True)
            else:
                click.echo(f"{document.name}: {document.role}, {document.pages} page(s), "
                           f"{document.method}")
        for item in reading.fields:
            mark = "  (low confidence: check it)" if item.low_confidence else ""
            value = str(item.value).replace("\n", " ")
            click.echo(f"  {FIELD_LABELS.get(item.name, item.name)}: {value[:100]}{mark}")
            click.echo(f"      from {item.document} p.{item.page}: "
                       f"{item.snippet.splitlines()[0][:100]!r}")
        for note in reading.notes:
            mark = "  (low confidence: check it)" if note.low_confidence else ""
            click.echo(f"  note {note.date or 'undated'} [{note.source}] {note.text[:80]}{mark}")
    if output:
        case = data["case"]
        output.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        try:
            parse_case(case)
        except CaseError as error:
            click.echo(f"{output}: written; before matching, fill in:", err=True)
            for item in error.errors:
                click.echo(f"  {item['field']}: {item['message']}", err=True)
    refused = sum(1 for document in reading.documents if document.error)
    if refused:
        sys.exit(2 if refused == len(reading.documents) else 1)

"""`appeals bulk FILE -o OUT.zip`: a spreadsheet of denials in, a ZIP of letters and manifest out."""

from __future__ import annotations

import os
import sys
import tempfile

import click

from . import cli


@cli.command("bulk")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the ZIP (manifest.csv and one .docx per row).")
@click.option("--template", "letter", metavar="NAME",
              help="The letter for rows without a `letter` cell: a built-in kind (patient, "
                   "clinician, advocate, checklist, correction) or a template id. Default: the "
                   "kind that suits each row's outcome.")
@click.option("--user", "email", metavar="EMAIL",
              help="Own the batch as this user (their templates and column mapping apply, and "
                   "the batch shows on their Bulk page). Implies --keep.")
@click.option("--keep", is_flag=True,
              help="Keep the batch and its letters in the database (by default they are "
                   "deleted once the ZIP is written: the ZIP is the result).")
@click.option("--processes", "-p", type=click.IntRange(min=1), default=None,
              help="Processes matching and writing letters (default: one per core).")
def bulk(file: str, output: str, letter: str | None, email: str | None, keep: bool,
         processes: int | None) -> None:
    """Write an appeal letter for every row of FILE (CSV or XLSX) into a ZIP.

    Runs in this process: no web server, broker or worker is needed (it uses the configured
    database, SQLite under instance/ by default). Every row is checked first; invalid rows are
    listed with their row and column, the others get their letters. Progress is shown on the
    terminal. The letters are written on every core (one process each). Exit status: 0 when every row has its letter, 1 when some rows are invalid or
    failed (see manifest.csv), 2 when the file cannot be used.
    """
    from sqlalchemy import inspect

    from ..services import bulk as bulk_service
    from ..access import Principal
    from ..extensions import db
    from ..intake.spreadsheet import SpreadsheetError

    if not inspect(db.engine).has_table("batches"):
        from flask import current_app

        from .service import upgrade_database

        upgrade_database(current_app)

    principal = Principal()
    if email:
        from .accounts import _user_or_exit

        user = _user_or_exit(email)
        principal = Principal(user_id=user.id, organization_id=user.organization_id)
        keep = True
    with open(file, "rb") as handle:
        data = handle.read()
    try:
        batch = bulk_service.stage_file(data, os.path.basename(file), principal, source="cli",
                                   letter=letter)
    except (SpreadsheetError, bulk_service.BatchError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)

    report = bulk_service.validation_report(batch)
    for problem in report:
        click.echo(f"row {problem['row']}, column {problem['column']!r}: {problem['message']}",
                   err=True)
    click.echo(f"{batch.total_rows} rows: {batch.valid_rows} valid, {batch.invalid_rows} "
               "invalid", err=True)

    with click.progressbar(length=batch.valid_rows, label="letters", file=sys.stderr,
                           show_pos=True, show_eta=True) as bar:
        seen = 0

        def advance(progress: bulk_service.Progress) -> None:
            nonlocal seen
            ended = progress.done + progress.failed
            bar.update(ended - seen)
            seen = ended

        bulk_service.run_in_process(batch, on_progress=advance, processes=processes)

    final = bulk_service.progress(batch, resume=False)
    invalid = batch.invalid_rows
    directory = os.path.dirname(os.path.abspath(output))
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".zip.part")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in bulk_service.iter_archive(batch):
                out.write(chunk)
        os.replace(temporary, output)
    except BaseException:
        os.unlink(temporary)
        raise
    if not keep:
        bulk_service.delete_batch(batch)
    click.echo(f"wrote {output}: {final.done} letters, {final.failed} failed, "
               f"{invalid} invalid rows (see manifest.csv)", err=True)
    if final.failed or invalid:
        sys.exit(1)

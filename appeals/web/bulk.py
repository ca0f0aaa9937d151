"""Bulk pages for clinics: upload a spreadsheet, read the validation report, watch the progress
bar (it refreshes itself, no JavaScript), download the ZIP, retry failed rows, and fix invalid rows
(one by one on a form, or as a file of just the fixed rows).

Thin: appeals.services.bulk does the work. Every page needs a signed-in user; every batch is looked up
through appeals.access, so another clinic's batch answers 404.
"""

from __future__ import annotations

import csv
import io

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from ..services import bulk as bulk_service
from ..letters import LETTER_KINDS
from ..access import current_principal, get_owned_or_404, scoped
from ..audit import record_event
from ..delivery.manifest import neutralize
from ..extensions import db
from ..intake.columns import COLUMN_NAMES, COLUMNS, column_reference, normalize_label
from ..intake.spreadsheet import SpreadsheetError
from ..services.letter_library import visible_templates
from ..models.batches import RUNNING, Batch, BatchRow
from ..privacy import delete_record, may_delete
from .forms import ButtonForm
from .forms.bulk import FixedRowsForm, MappingForm, RowForm, UploadForm

bulk = Blueprint("bulk", __name__, url_prefix="/bulk")

REFRESH_SECONDS = 3
REPORT_LIMIT = 500  # problems shown on the page; the CSV of invalid rows has them all
CASE_COLUMNS = [c for c in COLUMN_NAMES if c != "row"]


def _letter_options() -> list[tuple[str, str]]:
    """The built-in kinds, then the library templates this user may use."""
    from .intake import CLINIC_LETTER_LABELS

    # A batch is a clinic's: by default its letters are in the clinician's voice.
    options = [("", "Our clinician's letter (a correction for a paperwork denial)")]
    options += [(k, CLINIC_LETTER_LABELS.get(k, k)) for k in LETTER_KINDS]
    options += [(t.id, f"Template: {t.name}") for t in visible_templates(current_principal())]
    return options


def _upload_form(**kwargs) -> UploadForm:
    form = UploadForm(**kwargs)
    form.letter.choices = _letter_options()
    return form


@bulk.context_processor
def _limits():
    from flask import current_app

    config = current_app.config
    size = min(config["BULK_MAX_BYTES"], config["MAX_CONTENT_LENGTH"] or config["BULK_MAX_BYTES"])
    return {"bulk_max_mb": f"{size / 1e6:.0f}", "bulk_max_rows": f"{config['BULK_MAX_ROWS']:,}"}


def _recent_batches(limit: int = 20) -> list[Batch]:
    return list(db.session.scalars(
        scoped(Batch).order_by(Batch.created_at.desc()).limit(limit)))


@bulk.get("/")
@login_required
def index():
    return render_template("bulk/index.html", form=_upload_form(), batches=_recent_batches(),
                           progress=bulk_service.progress)


@bulk.post("/")
@login_required
def upload():
    form = _upload_form()
    if not form.validate_on_submit():
        return render_template("bulk/index.html", form=form, batches=_recent_batches(),
                               progress=bulk_service.progress), 400
    letter = form.letter.data or None
    try:
        batch = bulk_service.stage_file(form.file.data.read(), form.file.data.filename or "",
                                   current_principal(), source="web", letter=letter)
    except (SpreadsheetError, bulk_service.BatchError) as exc:
        form.file.errors = [str(exc)]
        return render_template("bulk/index.html", form=form, batches=_recent_batches(),
                               progress=bulk_service.progress), 422
    record_event("created", batch, via="web")
    bulk_service.start(batch)
    return redirect(url_for("bulk.batch", batch_id=batch.id), code=303)


@bulk.errorhandler(413)
def too_large(exc):
    """An upload over the size limit, said on the upload page (the body was never read)."""
    from flask import current_app

    limit = current_app.config["MAX_CONTENT_LENGTH"] or 0
    form = _upload_form(formdata=None)
    size = f"{limit / 1e6:.0f} MB" if limit >= 1e6 else f"{limit / 1e3:.0f} KB"
    form.file.errors = [f"The file is larger than {size}. Split it into smaller "
                        "files (or save it as CSV, which is smaller than XLSX) and upload each."]
    return render_template("bulk/index.html", form=form, batches=_recent_batches(),
                           progress=bulk_service.progress), 413


@bulk.get("/<batch_id>")
@login_required
def batch(batch_id: str):
    record = get_owned_or_404(Batch, batch_id)
    progress = bulk_service.progress(record)
    report = bulk_service.validation_report(record, limit=REPORT_LIMIT)
    from . import batch_rows

    view = batch_rows.RowFilter.from_args(request.args)
    return render_template(
        "bulk/batch.html", batch=record, progress=progress, report=report,
        view=view, rows=batch_rows.batch_rows(record.id, view), choices=batch_rows,
        report_limited=record.invalid_rows > 0 and len({p["row"] for p in report}) < record.invalid_rows,
        refresh=REFRESH_SECONDS if record.status == RUNNING else None,
        fixed_form=FixedRowsForm(), retry_form=ButtonForm())


@bulk.get("/<batch_id>/archive")
@login_required
def archive(batch_id: str):
    record = get_owned_or_404(Batch, batch_id)
    record_event("downloaded", record, via="web")
    response = Response(stream_with_context(bulk_service.iter_archive(record)),
                        mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="batch-{record.id[:8]}.zip"'
    return response


@bulk.post("/<batch_id>/retry")
@login_required
def retry(batch_id: str):
    record = get_owned_or_404(Batch, batch_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    count = bulk_service.retry_failed(record)
    flash(f"{count} failed row(s) queued again." if count else "No row had failed.")
    return redirect(url_for("bulk.batch", batch_id=record.id), code=303)


@bulk.get("/<batch_id>/invalid.csv")
@login_required
def invalid_csv(batch_id: str):
    """The invalid rows as typed, with their row numbers and problems: fix them, send back."""
    record = get_owned_or_404(Batch, batch_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["row", *CASE_COLUMNS, "problems"])
    for row in bulk_service.invalid_rows(record):
        cells = row.cells or {}
        problems = "; ".join(f"{p['column']}: {p['message']}" for p in row.problems)
        writer.writerow([row.row_number, *(neutralize(cells.get(c, "")) for c in CASE_COLUMNS),
                         neutralize(problems)])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="batch-{record.id[:8]}-invalid-rows.csv"')
    return response


@bulk.post("/<batch_id>/rows")
@login_required
def upload_fixed(batch_id: str):
    record = get_owned_or_404(Batch, batch_id)
    form = FixedRowsForm()
    if not form.validate_on_submit():
        flash("Choose the file of fixed rows.", "error")
        return redirect(url_for("bulk.batch", batch_id=record.id), code=303)
    try:
        fixed, still = bulk_service.resubmit_file(record, form.file.data.read(), current_principal())
    except SpreadsheetError as exc:
        flash(f"The file of fixed rows was not used: {exc}", "error")
        return redirect(url_for("bulk.batch", batch_id=record.id), code=303)
    flash(f"{fixed} row(s) fixed and queued; {still} still need changes.")
    return redirect(url_for("bulk.batch", batch_id=record.id), code=303)


@bulk.route("/<batch_id>/rows/<int:row_number>", methods=["GET", "POST"])
@login_required
def edit_row(batch_id: str, row_number: int):
    record = get_owned_or_404(Batch, batch_id)
    row = db.session.scalar(select(BatchRow).where(BatchRow.batch_id == record.id,
                                                   BatchRow.row_number == row_number))
    if row is None:
        abort(404)
    if not row.is_invalid:
        flash(f"Row {row_number} is valid; nothing to fix.")
        return redirect(url_for("bulk.batch", batch_id=record.id), code=303)
    form = RowForm(data=row.cells or {})
    status = 200
    if form.validate_on_submit():
        cells = {name: (getattr(form, name).data or "") for name in CASE_COLUMNS}
        bulk_service.fix_row(record, row_number, cells, current_principal())
        if not row.is_invalid:
            flash(f"Row {row_number} is fixed and its letter is on the way.")
            return redirect(url_for("bulk.batch", batch_id=record.id), code=303)
        status = 422
    errors: dict[str, list[str]] = {}
    for problem in row.problems or []:
        errors.setdefault(problem["field"], []).append(problem["message"])
    return render_template("bulk/edit_row.html", batch=record, row=row, form=form,
                           errors=errors, columns=[c for c in COLUMNS if c.name != "row"]), status


@bulk.get("/sample.csv")
def sample_csv():
    """A sample spreadsheet with every column and two synthetic rows."""
    from importlib.resources import files

    data = (files("appeals") / "templates" / "bulk" / "sample.csv").read_bytes()
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="appeals-bulk-sample.csv"'
    return response


@bulk.get("/columns")
def columns():
    return render_template("bulk/columns.html", columns=column_reference())


@bulk.get("/columns.csv")
def columns_csv():
    buffer = io.StringIO()
    reference = column_reference()
    writer = csv.DictWriter(buffer, fieldnames=list(reference[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(reference)
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="appeals-bulk-columns.csv"'
    return response


def parse_mapping_text(text: str) -> tuple[dict[str, str], list[str]]:
    """Lines of ``Header in your file = column`` (an empty column ignores that header)."""
    mapping, problems = {}, []
    known = {normalize_label(c): c for c in COLUMN_NAMES}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        header, sep, column = line.partition("=")
        if not sep or not header.strip():
            problems.append(f"line {number}: write it as `Header in your file = column`")
            continue
        target = known.get(normalize_label(column)) if column.strip() else ""
        if target is None:
            problems.append(f"line {number}: {column.strip()!r} is not a column (see the column "
                            "reference)")
            continue
        mapping[header.strip()] = target
    return mapping, problems


@bulk.route("/mapping", methods=["GET", "POST"])
@login_required
def mapping():
    principal = current_principal()
    form = MappingForm()
    problems: list[str] = []
    if form.validate_on_submit():
        parsed, problems = parse_mapping_text(form.mapping.data or "")
        if not problems:
            bulk_service.save_mapping(principal, parsed)
            flash("Your column names are saved; they apply to your next upload.")
            return redirect(url_for("bulk.mapping"), code=303)
    elif request.method == "GET":
        record = bulk_service.saved_mapping(principal)
        if record:
            form.mapping.data = "\n".join(f"{h} = {c}" for h, c in record.mapping.items())
    return render_template("bulk/mapping.html", form=form, problems=problems,
                           columns=CASE_COLUMNS), (422 if problems else 200)


# ----------------------------------------------------------------------------------------------
# Deleting a batch now, with its rows, appeals and letters (appeals.privacy.delete_record)


@bulk.route("/<batch_id>/delete", methods=["GET", "POST"])
@login_required
def delete(batch_id: str):
    """GET asks; POST (with its CSRF token) deletes. Someone who may see the batch but did not
    file it (and is not an admin) is told who can."""
    record = get_owned_or_404(Batch, batch_id)
    if not may_delete(record, current_user):
        return render_template(
            "accounts/message.html", title="You cannot delete this batch",
            message="Only the person who filed this batch or an admin of your organization can "
                    "delete it.",
        ), 403
    if request.method == "POST":
        if not ButtonForm().validate_on_submit():
            abort(400)
        delete_record(record)
        flash("The batch is deleted, with everything in it. It cannot be brought back.", "info")
        return redirect(url_for("bulk.index"), code=303)
    return render_template(
        "bulk/delete.html", what="batch",
        detail="Every row of the spreadsheet, every appeal made from it and every letter are "
               "deleted now.",
        back=url_for("bulk.batch", batch_id=record.id))


@bulk.errorhandler(CSRFError)
def _csrf_failed(error):
    """A button pressed on a page left open too long: nothing was done; say so (400)."""
    batch_id = (request.view_args or {}).get("batch_id")
    link = url_for("bulk.batch", batch_id=batch_id) if batch_id else url_for("bulk.index")
    return render_template("accounts/message.html", title="The form expired",
                           message="This form had expired, so nothing was done. Please try again.",
                           link=link), 400

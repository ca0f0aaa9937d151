"""The bulk pages' forms: the upload, a file of fixed rows, a clinic's column names, one row."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ...intake.columns import COLUMNS


class UploadForm(FlaskForm):
    file = FileField("Spreadsheet (CSV or XLSX)", validators=[FileRequired("Choose a file.")])
    letter = SelectField("Letter for rows whose letter column is empty", validators=[Optional()])


class FixedRowsForm(FlaskForm):
    file = FileField("File of fixed rows", validators=[FileRequired("Choose a file.")])


class MappingForm(FlaskForm):
    mapping = TextAreaField("Your column names", validators=[Optional(), Length(max=20_000)])


def _row_form_class():
    """A form with one field per contract column (built once: the columns are fixed)."""
    fields = {}
    for column in COLUMNS:
        if column.name == "row":
            continue
        widget = TextAreaField if column.name in ("documentation", "denial_text",
                                                  "original_request") else StringField
        fields[column.name] = widget(column.name, description=column.description,
                                     validators=[Optional(), Length(max=50_000)])
    return type("RowForm", (FlaskForm,), fields)


RowForm = _row_form_class()

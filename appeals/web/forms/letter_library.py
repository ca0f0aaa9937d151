"""The letter library's forms: upload, new version, settings, and its buttons."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ...services import letter_library as store
from ...models.templates import ORGANIZATION, PRIVATE, PUBLIC

VISIBILITY_CHOICES = [
    SelectChoice(PRIVATE, "Private — only me"),
    SelectChoice(ORGANIZATION, "My organization — everyone in my organization can use it"),
    SelectChoice(PUBLIC, "Public — every user of this service can use it"),
]


class UploadForm(FlaskForm):
    file = FileField("Word template (.docx)", validators=[FileRequired("choose a .docx file")])
    name = StringField("Name", validators=[InputRequired("give the template a name"),
                                           Length(max=store.MAX_NAME)])
    description = TextAreaField("Description", validators=[Optional(),
                                                           Length(max=store.MAX_DESCRIPTION)])
    visibility = RadioField("Who can use it", choices=VISIBILITY_CHOICES, default=PRIVATE)


class VersionForm(FlaskForm):
    file = FileField("New version (.docx)", validators=[FileRequired("choose a .docx file")])


class SettingsForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired("give the template a name"),
                                           Length(max=store.MAX_NAME)])
    description = TextAreaField("Description", validators=[Optional(),
                                                           Length(max=store.MAX_DESCRIPTION)])
    visibility = RadioField("Who can use it", choices=VISIBILITY_CHOICES)


class ActionForm(FlaskForm):
    """A button that changes something: CSRF only."""

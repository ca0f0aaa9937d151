"""What was read from a person's uploaded documents, kept until they confirm it.

The files themselves are never stored: they are read in a child process during the upload and
dropped. What was read (fields with their snippets, dated notes) is case data, so a draft is
owned like an appeal and purged by the same retention purge; the person's confirmation is kept
beside it and is the only part the intake form takes."""

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import Owned, new_id


class DocumentDraft(Owned, db.Model):
    __tablename__ = "document_drafts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mode: Mapped[str] = mapped_column(String(20), nullable=False)  # "appeal" or "check"
    # appeals.intake.documents.Reading.to_json() without the case: documents, fields, notes.
    reading_json: Mapped[dict] = mapped_column(JSON, nullable=False)
    # The values and notes the person confirmed (None until then).
    confirmed_json: Mapped[dict | None] = mapped_column(JSON, nullable=True)

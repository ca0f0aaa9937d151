"""The template library: advocates' Word letter templates and their versions.

A template is a name, a description and who may use it; its content lives in versions. Editing
uploads a new version (numbers 1, 2, 3…); older versions are kept because letters record the
version they were written with (Appeal.template_version_id / Letter.template_version_id).
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Owned, new_id, utcnow

PRIVATE = "private"  # the owner only
ORGANIZATION = "organization"  # everyone in the owner's organization
PUBLIC = "public"  # every user of this service
VISIBILITIES = (PRIVATE, ORGANIZATION, PUBLIC)


class LetterTemplate(Owned, db.Model):
    __tablename__ = "letter_templates"
    # A template holds wording, not a patient's data: the retention purge leaves it alone.
    keep_past_retention = True

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    visibility: Mapped[str] = mapped_column(String(20), nullable=False, default=PRIVATE,
                                            index=True)
    # Where it started: "builtin:<kind>" or "template:<id>" (a clone), or None (uploaded).
    based_on: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # The version letters use by default; no foreign key (the two tables point at each other).
    current_version_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow, nullable=False)

    versions = relationship(
        "TemplateVersion", back_populates="template", order_by="TemplateVersion.number",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    @property
    def current_version(self) -> "TemplateVersion | None":
        for version in self.versions:
            if version.id == self.current_version_id:
                return version
        return self.versions[-1] if self.versions else None

    def __repr__(self) -> str:
        return f"<LetterTemplate {self.id} v={self.current_version_id}>"


class TemplateVersion(db.Model):
    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    template_id: Mapped[str] = mapped_column(
        ForeignKey("letter_templates.id", ondelete="CASCADE"), index=True, nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    docx: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False, default="template.docx")
    # appeals.letter_templates.CheckReport.to_json() from the upload check.
    check_report: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 nullable=False)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # The preview against the sample cases (rendered by a Celery task): none|queued|done|failed,
    # and its result: {"ok", "images_note", "samples": [{key, label, ok, error, text, pages: n}]}.
    preview_status: Mapped[str] = mapped_column(String(20), nullable=False, default="none")
    preview: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    preview_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    template = relationship("LetterTemplate", back_populates="versions")
    pages = relationship("TemplatePreviewPage", cascade="all, delete-orphan",
                         passive_deletes=True, order_by="TemplatePreviewPage.page")

    def __repr__(self) -> str:
        return f"<TemplateVersion {self.id} #{self.number}>"


class TemplatePreviewPage(db.Model):
    """One page image (PNG) of a version's preview for one sample case."""

    __tablename__ = "template_preview_pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("template_versions.id", ondelete="CASCADE"), index=True, nullable=False
    )
    sample: Mapped[str] = mapped_column(String(40), nullable=False)
    page: Mapped[int] = mapped_column(Integer, nullable=False)
    png: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)

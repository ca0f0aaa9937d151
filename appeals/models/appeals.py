"""Appeals (a case, its match result and the letter job's state) and their rendered letters.

A job's state lives here, not in Celery's result backend: the status page, the API and the sweep
all read it from the database. Letters are stored in the database too, so any web process on any
machine can serve them.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Owned, new_id, utcnow

QUEUED = "queued"
RENDERING = "rendering"
DONE = "done"
FAILED = "failed"
STATUSES = (QUEUED, RENDERING, DONE, FAILED)


class Appeal(Owned, db.Model):
    __tablename__ = "appeals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # The contract Case and MatchResult as JSON (Case.model_dump(mode="json"), result.to_json()).
    case_json: Mapped[dict] = mapped_column(JSON, nullable=False)
    result_json: Mapped[dict] = mapped_column(JSON, nullable=False)
    # The letter kind (appeals.letters.default_kind(result) unless the caller chose one).
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    # A template library version; no foreign key (the template library owns that table).
    template_version_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED, nullable=False, index=True)
    # Why the job failed, in plain words a person can act on (never letter text or PHI).
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The bulk batch this appeal came from (deleting the batch deletes its appeals).
    batch_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("batches.id", ondelete="CASCADE"), nullable=True, index=True)
    row_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # SHA-256 of an anonymous patient's access key (the key is shown once, in their link).
    access_key_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)

    letter = relationship(
        "Letter", back_populates="appeal", uselist=False, cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_finished(self) -> bool:
        return self.status in (DONE, FAILED)

    def __repr__(self) -> str:  # ids and state only: never case data
        return f"<Appeal {self.id} {self.status}>"


class Letter(db.Model):
    """The rendered .docx of an appeal: written once (appeal_id is unique), by the task."""

    __tablename__ = "letters"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    appeal_id: Mapped[str] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    docx: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    template_version_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    appeal = relationship("Appeal", back_populates="letter")

    def __repr__(self) -> str:
        return f"<Letter {self.id} of appeal {self.appeal_id}>"

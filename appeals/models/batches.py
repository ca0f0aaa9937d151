"""Bulk batches: one uploaded spreadsheet (or JSON list of cases), its rows, and a clinic's saved
column mapping.

A batch's rows are staged here first (valid rows with their contract case, invalid rows with the
cells as typed and each problem), so the validation report exists before any work starts and an
invalid row can be fixed and resubmitted alone. A valid row becomes an Appeal (appeals.models.
appeals, with batch_id and row_number) when a worker takes its chunk; the letter, status and
error then live on that appeal.
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import Owned, new_id, utcnow

# Batch.status
STAGED = "staged"  # rows stored, work not yet enqueued
RUNNING = "running"  # letters being written
FINISHED = "finished"  # every valid row has ended (done or failed)
BATCH_STATUSES = (STAGED, RUNNING, FINISHED)


class Batch(Owned, db.Model):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # The uploaded file's name as the user's computer called it (shown back to them only).
    filename: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="web")  # web|api|cli
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=STAGED, index=True)
    # The letter for rows whose `letter` cell is empty: a built-in kind, or a template version id
    # from the template library; neither means the kind that suits each row's outcome.
    kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    template_version_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    total_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    invalid_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Notes about the file as a whole (columns not used, the header row found), no cell values.
    notes: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # Moves whenever a worker finishes a chunk; the sweep resumes a batch that stopped moving.
    progressed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.invalid_rows

    def __repr__(self) -> str:  # ids and state only: never case data or the file name
        return f"<Batch {self.id} {self.status}>"


class BatchRow(db.Model):
    """One data row of a batch. Valid: ``case_json`` (until its appeal exists) and ``appeal_id``.
    Invalid: ``cells`` (contract column -> text, as typed) and ``problems``."""

    __tablename__ = "batch_rows"
    __table_args__ = (UniqueConstraint("batch_id", "row_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), nullable=False, index=True)
    row_number: Mapped[int] = mapped_column(Integer, nullable=False)
    case_json: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # The row's own letter choice (its `letter` cell): a kind or a template version id.
    letter: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cells: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # [{column, field, message}] naming the file's column and what is wrong.
    problems: Mapped[list | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # Why a valid row could not become an appeal (matching failed): plain words, no PHI.
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The appeal made from this row; no foreign key (appeals are purged on their own schedule).
    appeal_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)

    @property
    def is_invalid(self) -> bool:
        return self.problems is not None

    def __repr__(self) -> str:
        return f"<BatchRow {self.batch_id}:{self.row_number}>"


class ColumnMapping(Owned, db.Model):
    """A clinic's own header names: {header as their export spells it: contract column, or ""
    to ignore it}. One per organization (or per user without one); applied before the aliases."""

    __tablename__ = "column_mappings"
    keep_past_retention = True  # header names only, no health data

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mapping: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

"""Uploaded documents: read them (each file in a limited child process), keep what was read as an
owned draft, and take the person's confirmation of it.

Nothing read is used unconfirmed: the intake form takes only `confirmed_values(draft)`, which is
empty until the person has looked at every field and pressed Confirm. The files are never stored
or logged; the draft holds what was read, and goes with the retention purge like an appeal.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from ..access import assign_owner, get_owned_or_404
from ..extensions import db
from ..intake.documents import FIELD_LABELS, Limits, Reading, build_case, read_documents
from ..models import DocumentDraft

# Fields the person may give that no document shows (always editable on the confirm page).
CONFIRM_ONLY_FIELDS = {
    "denial.received_date": "Date you received the denial",
}


class UploadError(ValueError):
    """An upload that is refused as a whole (no files, too many)."""


def limits() -> Limits:
    config = current_app.config
    return Limits(max_bytes=config["DOCUMENT_MAX_BYTES"], max_pages=config["DOCUMENT_MAX_PAGES"],
                  max_pixels=config["DOCUMENT_MAX_PIXELS"],
                  time_limit=float(config["DOCUMENT_TIME_LIMIT"]),
                  memory_mb=config["DOCUMENT_MEMORY_MB"])


def read_uploads(files: list[tuple[str, bytes]]) -> Reading:
    files = [(name or "upload", data) for name, data in files if data]
    if not files:
        raise UploadError("choose at least one file: the denial letter, your records or both")
    most = current_app.config["DOCUMENT_MAX_FILES"]
    if len(files) > most:
        raise UploadError(f"{len(files)} files; at most {most} are read at once")
    return read_documents(files, limits())


def save_draft(reading: Reading, mode: str, principal=None) -> DocumentDraft:
    data = reading.to_json()
    data.pop("case", None)  # built again from what the person confirms
    draft = DocumentDraft(mode=mode, reading_json=data)
    assign_owner(draft, principal)
    db.session.add(draft)
    db.session.commit()
    return draft


def get_draft(draft_id: str, principal=None) -> DocumentDraft:
    """The caller's draft, or 404 (another's is indistinguishable from a missing one)."""
    return get_owned_or_404(DocumentDraft, draft_id, principal)


def confirm(draft: DocumentDraft, values: dict[str, Any], notes: list[dict[str, Any]]) -> None:
    """Keep what the person confirmed: every field as shown or corrected, blank ones dropped."""
    allowed = set(FIELD_LABELS) | set(CONFIRM_ONLY_FIELDS)
    kept = {name: value.strip() if isinstance(value, str) else value
            for name, value in values.items() if name in allowed}
    kept = {name: value for name, value in kept.items() if value not in (None, "")}
    kept_notes = [note for note in notes if (note.get("text") or "").strip()]
    draft.confirmed_json = {"values": kept, "notes": kept_notes}
    db.session.commit()


def confirmed_case(draft: DocumentDraft) -> dict[str, Any] | None:
    """The contract case from the confirmed fields, or None before confirmation."""
    if not draft.confirmed_json:
        return None
    return build_case(draft.confirmed_json["values"], draft.confirmed_json["notes"])

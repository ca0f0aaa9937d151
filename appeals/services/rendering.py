"""Render and store letters: the one path for a single appeal and a batch chunk alike (a single
appeal is a batch of one).

``render_and_store(appeal_ids)`` claims the appeals that have not ended, writes each letter and
stores it in the same commit that marks its appeal done, so a letter is never lost or doubled:

- an appeal that is done, failed or gone (purged) is skipped; one that already has a letter (a
  redelivered task, or a worker that died after its commit) is only marked done;
- an appeal whose render was cut off ``LETTER_MAX_ATTEMPTS`` times (its worker died, the hard
  time limit) fails with a reason instead of being swept up forever;
- the letters table takes one letter per appeal: when another delivery stored a letter first,
  the commit fails and theirs is kept;
- a template or render failure fails that appeal alone, with a plain reason; database errors
  propagate (the Celery task retries them).
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from typing import Iterable

from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..contract import Case, MatchResult
from ..delivery.archive import download_name
from ..extensions import db
from .letter_library import prepared_version
from ..letters import TemplateError, render_letter
from ..models.appeals import DONE, FAILED, RENDERING, Appeal, Letter
from ..models.base import new_id, utcnow

log = logging.getLogger(__name__)

# Letters per commit: a soft time limit or a dead worker costs at most this many letters' work.
COMMIT_EVERY = 10

STOPPED_REASON = (
    "Writing the letter was stopped {attempts} times before it finished (it took too long, or "
    "the worker stopped). Retry it; if it happens again, the template may be too large."
)


@dataclass(frozen=True)
class LetterJob:
    """What writing one appeal's letter needs, held in memory (no ORM object to expire)."""

    id: str
    row_number: int | None
    case: Case
    result: MatchResult
    kind: str
    template_version_id: str | None


def render_docx(job: LetterJob) -> bytes:
    """The .docx for one job: the library template when one was chosen, else the built-in one
    for the kind. Raises TemplateError (plain message) when the template cannot be used."""
    template = prepared_version(job.template_version_id) if job.template_version_id else None
    return render_letter(job.case, job.result, kind=job.kind, template=template,
                         seconds=current_app.config["LETTER_RENDER_STOP_SECONDS"])


def failure_reason(exc: BaseException) -> str:
    """A plain-language reason for a failed render. Template errors carry their own message
    (written for the person who uploaded the template); anything else gets a generic one, since
    an internal message could quote case data."""
    if isinstance(exc, TemplateError):
        return f"The letter template could not be used: {exc}"
    if isinstance(exc, SoftTimeLimitExceeded):
        return "Writing the letter took too long and was stopped. Retry it; if it happens again, " \
               "the template may be too large."
    return "The letter could not be written because of an internal error. Retry it; if it " \
           "fails again, contact support with the appeal id."


def render_and_store(appeal_ids: Iterable[str], *, fail_slow: bool = True,
                     commit_every: int = COMMIT_EVERY) -> None:
    """Write and store the letters of these appeals, `commit_every` letters a commit.

    `fail_slow`: a soft time limit fails the letter it interrupts (a single appeal); otherwise
    the letters written so far are committed and the limit propagates, so the caller can go on
    in a fresh task (a batch chunk). Only the .docx is stored: the status page reads its text
    when it is viewed (reading it back here cost several times the render itself)."""
    todo = claim(list(appeal_ids))
    for start in range(0, len(todo), commit_every):
        group = todo[start:start + commit_every]
        letters: list[dict] = []
        failed: list[dict] = []
        for job in group:
            try:
                docx = render_docx(job)
            except SoftTimeLimitExceeded as exc:
                if not fail_slow:
                    _store(letters, failed)
                    raise
                failed.append(_failure(job, exc))
                continue
            except Exception as exc:  # noqa: BLE001 — the job fails with a reason; others go on
                failed.append(_failure(job, exc))
                continue
            letters.append({
                "id": new_id(), "appeal_id": job.id, "docx": docx,
                "filename": download_name(job.kind, job.result.service.id, job.id),
                "template_version_id": job.template_version_id, "created_at": utcnow(),
            })
        _store(letters, failed)


def claim(appeal_ids: list[str]) -> list[LetterJob]:
    """Mark the unfinished appeals among these "rendering" (one more attempt) and return their
    jobs in row order; settle those that need no render (a letter exists, too many attempts)."""
    if not appeal_ids:
        return []
    rows = db.session.execute(
        select(Appeal.id, Appeal.row_number, Appeal.case_json, Appeal.result_json, Appeal.kind,
               Appeal.template_version_id, Appeal.attempts)
        .where(Appeal.id.in_(appeal_ids), Appeal.status.not_in((DONE, FAILED)))
        .order_by(Appeal.row_number, Appeal.id)).all()
    if not rows:
        return []
    have = set(db.session.scalars(
        select(Letter.appeal_id).where(Letter.appeal_id.in_([r.id for r in rows]))))
    limit = current_app.config["LETTER_MAX_ATTEMPTS"]
    now = utcnow()
    # Every attempt so far died with its worker or ran past the hard time limit (neither leaves
    # a chance to record why): stop here.
    stopped = [{"appeal_id": r.id, "reason": STOPPED_REASON.format(attempts=r.attempts)}
               for r in rows if r.id not in have and r.attempts >= limit]
    fresh = [r for r in rows if r.id not in have and r.attempts < limit]
    _mark_done(list(have))
    _mark_failed(stopped)
    if fresh:
        db.session.execute(
            update(Appeal).where(Appeal.id.in_([r.id for r in fresh]),
                                 Appeal.status.not_in((DONE, FAILED)))
            .values(status=RENDERING, started_at=now, attempts=Appeal.attempts + 1)
            .execution_options(synchronize_session=False))
    db.session.commit()
    return [LetterJob(r.id, r.row_number, Case.model_validate(r.case_json),
                      MatchResult.model_validate(r.result_json), r.kind, r.template_version_id)
            for r in fresh]


def _failure(job: LetterJob, exc: BaseException) -> dict:
    # The kind of failure and where, never the message or values (they may hold PHI).
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("letter for appeal %s failed: %s\n%s", job.id, type(exc).__name__, frames)
    return {"appeal_id": job.id, "reason": failure_reason(exc)}


def _mark_done(appeal_ids: list[str]) -> None:
    if appeal_ids:
        db.session.execute(
            update(Appeal).where(Appeal.id.in_(appeal_ids), Appeal.status != DONE)
            .values(status=DONE, error=None, finished_at=utcnow())
            .execution_options(synchronize_session=False))


def _mark_failed(failed: list[dict]) -> None:
    if failed:
        table = Appeal.__table__
        db.session.execute(
            update(table).where(table.c.id == bindparam("appeal_id"), table.c.status != DONE)
            .values(status=FAILED, error=bindparam("reason"), finished_at=utcnow()), failed)


def _store(letters: list[dict], failed: list[dict]) -> None:
    """Store a group's letters with their appeals' "done", and its failures, in one commit."""
    try:
        if letters:
            db.session.execute(insert(Letter), letters)
        _mark_done([letter["appeal_id"] for letter in letters])
        _mark_failed(failed)
        db.session.commit()
    except IntegrityError:
        # Another delivery stored some of these letters first: settle them one by one, keeping
        # the letter already stored.
        db.session.rollback()
        for letter in letters:
            try:
                db.session.execute(insert(Letter), [letter])
            except IntegrityError:
                db.session.rollback()
            _mark_done([letter["appeal_id"]])
            db.session.commit()
        _mark_failed(failed)
        db.session.commit()

"""Bulk batches: a spreadsheet's rows staged (staging), fanned out to the workers in chunks
(enqueue) whose letters go through the same render-and-store path as a single appeal
(processing), progress and resuming a stalled batch (progress), and the manifest and ZIP
(export). The web page, the API, the CLI and the Celery tasks all go through here;
appeals.intake reads the file and appeals.delivery writes the manifest and ZIP.
"""

from ...privacy import delete_record
from .choices import LetterChooser, save_mapping, saved_mapping
from .enqueue import PROCESS_CHUNK_TASK, SWEEP_BATCHES_TASK, enqueue_chunks, start
from .export import invalid_rows, iter_archive, manifest_entries, validation_report
from .processing import process_chunk, run_in_process
from .progress import Progress, progress, resume_if_stalled, retry_failed, sweep_batches
from .staging import BatchError, fix_row, resubmit_file, stage_cases, stage_file


def delete_batch(batch) -> None:
    """Remove a batch with its rows and the appeals and letters made from it (audited)."""
    delete_record(batch)


__all__ = [
    "PROCESS_CHUNK_TASK", "SWEEP_BATCHES_TASK", "BatchError", "LetterChooser", "Progress",
    "delete_batch", "enqueue_chunks", "fix_row", "invalid_rows", "iter_archive",
    "manifest_entries", "process_chunk", "progress", "resubmit_file", "resume_if_stalled",
    "retry_failed", "run_in_process", "save_mapping", "saved_mapping", "sweep_batches",
    "stage_cases", "stage_file", "start", "validation_report",
]

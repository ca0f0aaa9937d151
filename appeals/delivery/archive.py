"""The batch's ZIP: manifest.csv first, then one letter per row, named so a person can find it
(``0007_Doe-Jane_mri-lumbar-spine.docx``: row, patient, service).

Pure code: no Flask, Celery or database imports. The ZIP is streamed: each letter is written out
as it comes, so a 10,000-letter archive never sits in memory.
"""

from __future__ import annotations

import re
import time
import unicodedata
import zipfile
from typing import Iterable, Iterator

MANIFEST_NAME = "manifest.csv"
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def slug(text: str, *, max_length: int = 40, lower: bool = False) -> str:
    """ASCII letters and digits joined by hyphens: safe in a file name on every system."""
    text = (text or "").replace("'", "").replace("\u2019", "")  # O'Brien -> OBrien
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in _UNSAFE.split(ascii_text) if w]
    result = "-".join(words)
    if lower:
        result = result.lower()
    return result[:max_length].strip("-")


def name_part(patient_name: str | None) -> str:
    """Last name first, so files sort by surname: "Jane Doe" and "Doe, Jane" -> "Doe-Jane"."""
    name = (patient_name or "").strip()
    if "," in name:
        last, _, first = name.partition(",")
        ordered = f"{last} {first}"
    else:
        words = name.split()
        ordered = " ".join(words[-1:] + words[:-1])
    return slug(ordered, max_length=40)


def letter_filename(row: int, patient_name: str | None, service: str | None, *,
                    extension: str = "docx", width: int = 4) -> str:
    """``0007_Doe-Jane_mri-lumbar-spine.docx``. The row number makes every name unique in a
    batch; the parts that would be empty are left out."""
    parts = [str(row).zfill(width)]
    for part in (name_part(patient_name), slug(service or "", max_length=50, lower=True)):
        if part:
            parts.append(part)
    return "_".join(parts) + "." + extension


def download_name(kind: str, service_id: str | None, appeal_id: str) -> str:
    """A single letter's download name, without PHI: the kind, the service id and the appeal's
    short id (``appeal-letter-patient-mri_lumbar_spine-1a2b3c4d.docx``)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-"
                   for c in f"{kind}-{service_id or 'service'}")
    return f"appeal-letter-{safe}-{appeal_id[:8]}.docx"


def row_width(max_row: int) -> int:
    return max(4, len(str(max_row)))


class _Sink:
    """A write-only, unseekable file: zipfile then streams with data descriptors."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def iter_zip(manifest: Iterable[bytes], letters: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """Stream a ZIP: ``manifest.csv`` (deflated) first, then each ``(file name, .docx bytes)``
    (stored: a .docx is already compressed, so deflating it again costs time and saves nothing)."""
    sink = _Sink()
    stamp = time.localtime()[:6]
    with zipfile.ZipFile(sink, "w") as archive:
        info = zipfile.ZipInfo(MANIFEST_NAME, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            for chunk in manifest:
                member.write(chunk)
        yield sink.drain()
        for name, data in letters:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)
            yield sink.drain()
    yield sink.drain()


def build_zip(manifest: Iterable[bytes], letters: Iterable[tuple[str, bytes]]) -> bytes:
    return b"".join(iter_zip(manifest, letters))

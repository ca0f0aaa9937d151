"""Word to PDF with LibreOffice (``soffice --headless``), when it is installed.

Each conversion runs in its own temporary directory with its own LibreOffice user profile
(``-env:UserInstallation``): two soffice processes sharing a profile block or fail, so parallel
workers would collide. Several documents convert in one soffice start (:func:`docx_to_pdf_many`),
which is how tests and batches keep LibreOffice's start-up cost down.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed (or did not produce a PDF)."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes:
    """Convert one .docx to PDF bytes. Raises :class:`PdfUnavailable`."""
    return docx_to_pdf_many([data])[0]


def docx_to_pdf_many(documents: list[bytes]) -> list[bytes]:
    """Convert several .docx documents with one LibreOffice start; PDFs in the same order."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(
            "PDF needs LibreOffice, which is not installed on this machine "
            "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui). The .docx is ready.")
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="appeals-pdf-") as tmp:
        work = Path(tmp)
        inputs = []
        for number, data in enumerate(documents):
            path = work / f"letter-{number:04d}.docx"
            path.write_bytes(data)
            inputs.append(path)
        outdir = work / "out"
        command = [
            soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--convert-to", "pdf",
            "--outdir", str(outdir), *map(str, inputs),
        ]
        env = dict(os.environ, HOME=str(work))  # LibreOffice writes caches under HOME
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=TIMEOUT_SECONDS, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(
                f"LibreOffice did not finish the PDF within {TIMEOUT_SECONDS} s") from None
        pdfs = []
        for path in inputs:
            pdf = outdir / (path.stem + ".pdf")
            if not pdf.exists() or pdf.stat().st_size == 0:
                detail = done.stderr.decode("utf-8", "replace").strip()[-300:]
                raise PdfUnavailable(
                    f"LibreOffice could not convert the letter to PDF (exit {done.returncode})"
                    + (f": {detail}" if detail else ""))
            pdfs.append(pdf.read_bytes())
        return pdfs

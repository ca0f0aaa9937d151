"""Reading documents: seconds per page for a PDF's text layer (target: under 50 ms) and for OCR
of a phone photo and of a scanned page (target: under 3 s), and the peak memory of the child
process that reads them (each file is read in its own, as in the app).

The files are the tests' own (tests/support/documents.py: denial letters and records rendered
by LibreOffice, photographed badly, scanned), made once in a temporary folder.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the test files' generator

TEXT_TARGET = 0.050
OCR_TARGET = 3.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # Tesseract runs as a child
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _per_page(paths: list[Path], rounds: int) -> tuple[float, float, int]:
    """Median wall-clock and CPU seconds per page reading each file in-process (the child's own
    work). On a shared machine the CPU time is the steadier figure."""
    from appeals.intake.documents import Limits, extract

    timings, cpu_timings, pages = [], [], 0
    for path in paths:
        data = path.read_bytes()
        for _ in range(rounds):
            started, cpu_started = time.perf_counter(), _cpu()
            document = extract(path.name, data, Limits())
            timings.append((time.perf_counter() - started) / document.pages)
            cpu_timings.append((_cpu() - cpu_started) / document.pages)
        pages += document.pages
    return statistics.median(timings), statistics.median(cpu_timings), pages


def _child_peak_mb(path: Path) -> float:
    """Peak resident memory of a child reading one file, as the app runs it (MB)."""
    script = ("import sys, resource; from pathlib import Path;"
              "from appeals.intake.documents import Limits, extract;"
              "p = Path(sys.argv[1]); extract(p.name, p.read_bytes(), Limits());"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    output = subprocess.run([sys.executable, "-c", script, str(path)], check=True,
                            capture_output=True, text=True, env={"OMP_THREAD_LIMIT": "1",
                                                                  "PATH": "/usr/bin:/bin"})
    own = int(output.stdout.strip().splitlines()[-1]) / 1024
    # Tesseract runs as the child's own child: its peak is counted among our children.
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(own, after if after > before / 1024 else 0)


def run() -> None:
    import shutil

    from support.documents import make_bundles

    from appeals.intake.documents import tesseract_available

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as the app's reading child runs Tesseract
    if shutil.which("soffice") is None:
        print("documents: LibreOffice is not installed; the benchmark's files are made with it")
        return
    with tempfile.TemporaryDirectory() as directory:
        bundles = make_bundles(Path(directory))
        letters = [b.files["letter_pdf"] for b in bundles if "letter_pdf" in b.files]
        records = [b.files["records_pdf"] for b in bundles if "records_pdf" in b.files]
        text_seconds, text_cpu, text_pages = _per_page(letters + records, rounds=5)
        print(f"documents: text layer  {text_seconds * 1000:7.1f} ms a page, "
              f"{text_cpu * 1000:.1f} ms CPU (median of "
              f"{text_pages} pages x 5; target < {TEXT_TARGET * 1000:.0f} ms)"
              f"{'' if text_seconds < TEXT_TARGET else '  OVER TARGET'}")
        print(f"documents: peak memory {_child_peak_mb(letters[0]):7.0f} MB (a child reading a "
              "text-layer PDF)")
        if not tesseract_available():
            print("documents: OCR skipped: Tesseract is not installed")
            return
        photos = [b.files["letter_photo"] for b in bundles if "letter_photo" in b.files][:4]
        scans = [b.files["records_scan"] for b in bundles if "records_scan" in b.files][:3]
        for label, paths in (("OCR, phone photo", photos), ("OCR, scanned PDF", scans)):
            seconds, cpu, pages = _per_page(paths, rounds=1)
            print(f"documents: {label} {seconds:6.2f} s a page, {cpu:.2f} s CPU (median of "
                  f"{pages} pages; target "
                  f"< {OCR_TARGET:.0f} s){'' if seconds < OCR_TARGET else '  OVER TARGET'}")
        print(f"documents: peak memory {_child_peak_mb(photos[0]):7.0f} MB (a child reading a "
              "phone photo, Tesseract included)")
        print(json.dumps({"load_average": list(_load())}))


def _load() -> tuple[float, ...]:
    return tuple(round(value, 2) for value in os.getloadavg())


if __name__ == "__main__":
    run()

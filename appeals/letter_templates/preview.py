"""Preview a template: render it for each sample case and show the pages.

The render runs in a child process (isolated.py) with a hard wall-clock timeout and memory and
CPU limits, on top of the sandbox's own budget: whoever asks (a Celery task, the CLI, a web
request in a small deployment) gets an answer within PREVIEW_TIMEOUT seconds, whatever the
template does. When LibreOffice and pdftoppm are installed, the first pages of each letter are
also turned into PNG images. Pure code: no Flask, Celery or database imports.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .samples import PREVIEW_DATE, samples

PREVIEW_TIMEOUT = 30  # seconds for rendering all samples
PREVIEW_MEMORY_BYTES = 1536 * 1024 * 1024  # address space of the render process
MAX_PREVIEW_PAGES = 3  # pages turned into images per sample
MAX_PREVIEW_TEXT = 20_000  # characters of text kept per sample
IMAGE_DPI = 80  # 680 x 880 px for a Letter page: readable on a desktop, scaled down on a phone
PDFTOPPM_TIMEOUT = 30


def _limit_child() -> None:  # runs in the child between fork and exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PREVIEW_MEMORY_BYTES, PREVIEW_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (PREVIEW_TIMEOUT + 5, PREVIEW_TIMEOUT + 5))
    os.setsid()  # its own process group, so a timeout can end it and anything it started


def render_isolated(docx: bytes, contexts: list[dict], timeout: float = PREVIEW_TIMEOUT,
                    seconds: float | None = None) -> list[dict]:
    """Render `docx` for each context in a limited child process, each render stopped after
    `seconds` (the sandbox's own limit by default).

    Returns one {"ok", "error", "docx" (bytes), "text", "seconds"} per context; never raises for
    anything the template does."""
    request = json.dumps({"docx": base64.b64encode(docx).decode(), "contexts": contexts,
                          "seconds": seconds})
    process = subprocess.Popen(
        [sys.executable, "-m", "appeals.letter_templates.isolated"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=_limit_child, env=_child_env(),
    )
    try:
        out, err = process.communicate(request.encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return _all_failed(contexts, f"rendering took longer than {timeout:g} s and was stopped; "
                                     "look for loops that never end or produce huge text")
    if process.returncode != 0:
        reason = "rendering used too much memory or time and was stopped"
        if b"MemoryError" not in err and process.returncode > 0:
            reason = "the preview process failed"
        return _all_failed(contexts, reason)
    results = json.loads(out)
    for result in results:
        if result.get("docx"):
            result["docx"] = base64.b64decode(result["docx"])
        if result.get("text") and len(result["text"]) > MAX_PREVIEW_TEXT:
            result["text"] = result["text"][:MAX_PREVIEW_TEXT] + "\n[… preview shortened]"
    return results


def _child_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH", "")
    return dict(os.environ, PYTHONPATH=root + (os.pathsep + path if path else ""))


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, 9)
    except ProcessLookupError:
        pass
    process.communicate()


def _all_failed(contexts: list[dict], reason: str) -> list[dict]:
    return [{"ok": False, "error": reason} for _ in contexts]


def render_samples(docx: bytes, *, images: bool = True, timeout: float = PREVIEW_TIMEOUT,
                   keep_docx: bool = False) -> dict:
    """Render the template for every sample case.

    Returns {"ok": all rendered, "images": whether page images were made (or why not),
    "samples": [{key, label, outcome, urgency, plan_type, kind, ok, error, text, pages: [png]}]}.
    """
    from appeals.letters import build_context

    cases = samples()
    contexts = [build_context(s.case, s.result, kind=s.kind, today=PREVIEW_DATE) for s in cases]
    rendered = render_isolated(docx, contexts, timeout=timeout)
    previews = []
    for sample, result in zip(cases, rendered):
        previews.append({
            "key": sample.key, "label": sample.label, "outcome": sample.result.outcome,
            "urgency": sample.result.urgency, "plan_type": sample.case.plan_type,
            "kind": sample.kind, "ok": result["ok"], "error": result.get("error"),
            "text": result.get("text", ""), "docx": result.get("docx"), "pages": [],
        })
    note = None
    if images:
        note = _add_page_images(previews)
    if not keep_docx:
        for preview in previews:
            preview.pop("docx", None)
    return {"ok": all(p["ok"] for p in previews), "images_note": note, "samples": previews}


def _add_page_images(previews: list[dict]) -> str | None:
    """PNG images of the first pages (LibreOffice → PDF → pdftoppm). Returns why not, if not."""
    from appeals.letters.pdf import PdfUnavailable, docx_to_pdf_many

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return "page images need pdftoppm (poppler-utils), which is not installed"
    ready = [p for p in previews if p["ok"] and p["docx"]]
    if not ready:
        return None
    try:
        pdfs = docx_to_pdf_many([p["docx"] for p in ready])
    except PdfUnavailable as exc:
        return str(exc)
    for preview, pdf in zip(ready, pdfs):
        preview["pages"] = pdf_pages_to_png(pdf, pdftoppm)
    return None


def pdf_pages_to_png(pdf: bytes, pdftoppm: str, max_pages: int = MAX_PREVIEW_PAGES) -> list[bytes]:
    with tempfile.TemporaryDirectory(prefix="appeals-preview-") as tmp:
        source = Path(tmp) / "letter.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run([pdftoppm, "-png", "-r", str(IMAGE_DPI), "-l", str(max_pages),
                            str(source), str(Path(tmp) / "page")],
                           capture_output=True, timeout=PDFTOPPM_TIMEOUT, check=True)
        except (subprocess.SubprocessError, OSError):
            return []
        return [path.read_bytes() for path in sorted(Path(tmp).glob("page*.png"))]

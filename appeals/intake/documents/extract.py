"""One file's text, by the cheapest faithful route: its own text (PDF text layer, .docx, plain
text) where it has one, OCR where it has not. Runs inside the child process (see isolate.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from . import ocr, text
from .model import DocumentRefused, ExtractedDocument


@dataclass(frozen=True)
class Limits:
    """What one file may cost. The web app takes them from its settings (DOCUMENT_*)."""

    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 50
    max_pixels: int = 60_000_000  # a 12-megapixel phone photo is 12,000,000
    time_limit: float = 120.0  # seconds for one file, OCR included
    memory_mb: int = 1536

    def to_json(self) -> dict:
        return asdict(self)


def extract(name: str, data: bytes, limits: Limits) -> ExtractedDocument:
    if len(data) > limits.max_bytes:
        raise DocumentRefused(f"{name}: {len(data):,} bytes; at most {limits.max_bytes:,} are read")
    if not data:
        raise DocumentRefused(f"{name}: the file is empty")
    kind = text.detect_kind(name, data)
    if kind == "pdf":
        document, scanned = text.pdf_text_layer(name, data, limits.max_pages)
        if scanned:
            lines = ocr.ocr_pdf_pages(name, data, scanned, limits.max_pixels)
            document.lines = sorted(document.lines + lines, key=lambda line: line.page)
            document.method = "ocr" if len(scanned) == document.pages else "text layer + ocr"
            if not lines:
                document.warnings.append("the scanned pages gave no text: scan them again, "
                                         "straight and in good light")
        return document
    if kind == "image":
        return ocr.read_image(name, data, limits.max_pixels)
    if kind == "docx":
        return text.docx_text(name, data, max_bytes_unpacked=limits.max_bytes * 10)
    return text.plain_text(name, data)

"""Text out of a file that carries its own: a PDF's text layer, a .docx, plain text.

The PDF text layer is read with pypdfium2 (PDFium's own text extraction): on the test letters it
was the fastest of pypdf, pdfplumber and pypdfium2 and kept every word in reading order (the
measured comparison is in the README, "Reading documents"). Pages without a text layer are
returned as page numbers for OCR.
"""

from __future__ import annotations

import io
import re
import zipfile

from .model import DocumentRefused, ExtractedDocument, Line

# A page with fewer letters than this in its text layer is a scan: it goes to OCR.
MIN_TEXT_LAYER_CHARS = 40
# Names whose presence in a PDF means it carries script or launches something.
_ACTIVE_PDF_KEYS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


def detect_kind(name: str, data: bytes) -> str:
    """'pdf', 'image', 'docx' or 'text', from the content first and the name second."""
    head = data[:16]
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8")) or (
            head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftypheim")):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        if name.lower().endswith(".docx"):
            return "docx"
        raise DocumentRefused(f"{name}: a ZIP file that is not a Word document (.docx)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentRefused(
            f"{name}: not a PDF, a photo (PNG, JPEG, HEIC), a Word document or plain text") from None
    return "text"


def check_pdf_is_passive(name: str, data: bytes) -> None:
    """Refuse a PDF that carries script, launch actions or embedded files, before any parser
    runs. Names can be written with #xx escapes; those are folded first."""
    folded = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data)
    for key in _ACTIVE_PDF_KEYS:
        if re.search(re.escape(key) + rb"(?![A-Za-z])", folded):
            what = key.decode().lstrip("/")
            raise DocumentRefused(f"{name}: the PDF contains active content ({what}); "
                                  "print it to a new PDF or scan it, and upload that")


def pdf_text_layer(name: str, data: bytes, max_pages: int) -> tuple[ExtractedDocument, list[int]]:
    """The text layer of every page, and the (1-based) pages that have none."""
    import pypdfium2 as pdfium

    check_pdf_is_passive(name, data)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DocumentRefused(f"{name}: the PDF is encrypted (password protected); "
                                  "save or print it without a password and upload that") from None
        raise DocumentRefused(f"{name}: not a readable PDF ({exc})") from None
    try:
        pages = len(pdf)
        if pages > max_pages:
            raise DocumentRefused(f"{name}: {pages:,} pages; at most {max_pages:,} are read "
                                  "(upload the denial letter and the relevant notes)")
        if _is_encrypted(pdf):
            raise DocumentRefused(f"{name}: the PDF is encrypted; save or print it without "
                                  "protection and upload that")
        if _has_script(pdf):  # script hidden in a compressed object stream
            raise DocumentRefused(f"{name}: the PDF contains active content (JavaScript); "
                                  "print it to a new PDF or scan it, and upload that")
        document = ExtractedDocument(name=name, method="text layer", pages=pages)
        scanned: list[int] = []
        for index in range(pages):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded() or ""
            textpage.close()
            page.close()
            if len(re.sub(r"\W", "", text)) < MIN_TEXT_LAYER_CHARS:
                scanned.append(index + 1)
                continue
            document.lines.extend(_lines(text, index + 1))
        return document, scanned
    finally:
        pdf.close()


def _is_encrypted(pdf) -> bool:
    """PDFium opens a file encrypted with an empty user password; it is still refused."""
    import pypdfium2.raw as raw

    try:
        return raw.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1
    except AttributeError:  # an older binding without it: the password check above stands
        return False


def _has_script(pdf) -> bool:
    import pypdfium2.raw as raw

    return raw.FPDFDoc_GetJavaScriptActionCount(pdf.raw) > 0


def _lines(text: str, page: int, confidence: float = 100.0) -> list[Line]:
    lines = []
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = re.sub(r"[ \t\u00a0]+", " ", raw_line).strip()
        if line:
            lines.append(Line(text=line, page=page, confidence=confidence))
    return lines


def docx_text(name: str, data: bytes, max_bytes_unpacked: int) -> ExtractedDocument:
    """The paragraphs and table cells of a .docx, in order (page 1: Word stores no pages)."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > max_bytes_unpacked:
            raise DocumentRefused(f"{name}: unpacks to {unpacked:,} bytes; at most "
                                  f"{max_bytes_unpacked:,} are read")
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        if isinstance(exc, DocumentRefused):
            raise
        raise DocumentRefused(f"{name}: not a readable Word document") from None
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.append(" | ".join(cell.text for cell in row.cells))
    result = ExtractedDocument(name=name, method="docx", pages=1)
    result.lines = _lines("\n".join(texts), 1)
    return result


def plain_text(name: str, data: bytes) -> ExtractedDocument:
    text = data.decode("utf-8-sig")
    pages = text.split("\f")  # a form feed is a page break in exported text
    result = ExtractedDocument(name=name, method="plain text", pages=len(pages))
    for number, page_text in enumerate(pages, start=1):
        result.lines.extend(_lines(page_text, number))
    return result

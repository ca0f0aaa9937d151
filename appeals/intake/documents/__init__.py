"""Documents in, not typing: the denial letter and the records read from PDFs, photos, Word
files and plain text, deterministically and locally (a PDF's own text layer, Tesseract OCR for
pictures), each value with the text it came from. Pure code: no Flask, Celery or database.

    reading = read_documents([("denial.jpg", data), ("records.pdf", data2)], Limits())
    reading.fields   # denial.notice_date, denial.reference, ... each with its snippet
    reading.notes    # dated notes with their source
    build_case(confirmed_values, notes)   # the contract's case, once a person has confirmed
"""

from .extract import Limits, extract
from .model import LOW_CONFIDENCE, DocumentRefused, ExtractedDocument, Line, ReadField, ReadNote
from .ocr import heic_supported, tesseract_available
from .reading import FIELD_LABELS, Reading, build_case, read_documents

__all__ = [
    "FIELD_LABELS", "LOW_CONFIDENCE", "DocumentRefused", "ExtractedDocument", "Limits", "Line",
    "ReadField", "ReadNote", "Reading", "build_case", "extract", "heic_supported",
    "read_documents", "tesseract_available",
]

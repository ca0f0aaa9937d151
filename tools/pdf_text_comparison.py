"""Which library reads a PDF's text layer: pypdf, pdfplumber or pypdfium2, compared on the
tests' own letters and records (rendered by LibreOffice from Word files whose text is known).

Speed: median milliseconds a page. Fidelity: the extracted text against the Word file's text,
word for word in order (rapidfuzz's ratio over the word sequences, 100 = identical), and whether
every line came out whole (a field's label and value on one line is what the readers rely on).

    .venv/bin/pip install pypdf pdfplumber   # pypdfium2 is a dependency already
    .venv/bin/python tools/pdf_text_comparison.py
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def with_pypdf(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def with_pdfplumber(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def with_pypdfium2(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf))]
    finally:
        pdf.close()


def main() -> None:
    import docx
    from rapidfuzz import fuzz
    from support.documents import make_bundles

    with tempfile.TemporaryDirectory() as directory:
        bundles = make_bundles(Path(directory))
        pairs = []
        for bundle in bundles:
            for source in (bundle.letter_docx, bundle.records_docx, bundle.order_docx):
                if source:
                    text = [p.text for p in docx.Document(source).paragraphs if p.text.strip()]
                    pairs.append((text, source.with_suffix(".pdf").read_bytes()))
        print(f"{len(pairs)} PDFs, one page each")
        print("library     ms/page  words in order  lines whole")
        for name, read in (("pypdf", with_pypdf), ("pdfplumber", with_pdfplumber),
                           ("pypdfium2", with_pypdfium2)):
            try:
                read(pairs[0][1])
            except ImportError:
                print(f"{name:<11} not installed")
                continue
            times, ratios, whole = [], [], []
            for paragraphs, data in pairs:
                for _ in range(5):
                    started = time.perf_counter()
                    pages = read(data)
                    times.append(time.perf_counter() - started)
                got = " ".join(" ".join(pages).split())
                want = " ".join(" ".join(paragraphs).split())
                ratios.append(fuzz.ratio(got.split(), want.split()))
                lines = {" ".join(line.split()) for page in pages for line in page.splitlines()}
                short = [" ".join(p.split()) for p in paragraphs if len(p) < 60]
                whole.append(sum(p in lines for p in short) / max(1, len(short)))
            print(f"{name:<11} {statistics.median(times) * 1000:7.1f}  "
                  f"{statistics.mean(ratios):14.1f}  {100 * statistics.mean(whole):10.1f} %")


if __name__ == "__main__":
    main()

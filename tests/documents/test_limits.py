"""Hostile and oversized files are refused, each with a clear message, in a child process with
hard limits, and the other files of the same upload are read all the same."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from appeals.intake.documents import Limits, read_documents

GOOD = ("notes.txt", b"Office Visit  Date of service: 2026-10-01\nLow back pain for 8 weeks.\n")


def pdf(objects: list[bytes]) -> bytes:
    """A well-formed PDF of the given objects (object 1 is the catalog)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def many_pages(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * count
    return pdf(objects)


def pdf_bomb(unpacked: int) -> bytes:
    """One page whose content stream inflates from about a megabyte to `unpacked` bytes."""
    packer = zlib.compressobj(9)
    chunk = b" " * (16 * 1024 * 1024)
    packed = b"".join(packer.compress(chunk) for _ in range(unpacked // len(chunk))) + packer.flush()
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
                + b"\nendstream"])


def huge_png(width: int, height: int) -> bytes:
    """A PNG header declaring width x height pixels (its pixels are never reached)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


def text_pdf_with(make) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    make(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refusal(name: str, data: bytes, limits: Limits | None = None) -> str:
    reading = read_documents([(name, data), GOOD], limits or Limits())
    refused, good = reading.documents
    assert good.role == "records" and good.error is None  # the other file is read all the same
    assert [note.date for note in reading.notes] == ["2026-10-01"]
    assert refused.role == "refused"
    assert refused.error.startswith(name + ":")
    return refused.error


def test_a_twenty_thousand_page_pdf_is_refused_by_its_page_count():
    assert "20,000 pages; at most 50" in refusal("export.pdf", many_pages(20_000))


def test_an_image_of_thirty_thousand_pixels_square_is_refused_before_decoding():
    message = refusal("photo.png", huge_png(30_000, 30_000))
    assert "30,000 x 30,000 pixels" in message


def test_an_encrypted_pdf_is_refused():
    data = text_pdf_with(lambda writer: writer.encrypt("secret"))
    assert "encrypted" in refusal("locked.pdf", data)


def test_an_encrypted_pdf_with_an_empty_password_is_refused_too():
    data = text_pdf_with(lambda writer: writer.encrypt(""))
    assert "encrypted" in refusal("locked.pdf", data)


@pytest.mark.parametrize("action", [b"/S /JavaScript /JS (app.alert(1))",
                                    b"/S /J#61vaScript /J#53 (app.alert(1))"])  # names escaped
def test_a_pdf_with_javascript_is_refused(action):
    data = pdf([b"<< /Type /Catalog /Pages 2 0 R /OpenAction << " + action + b" >> >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"])
    assert "active content (JavaScript)" in refusal("scripted.pdf", data)


def test_a_pdf_bomb_is_stopped_by_the_memory_or_time_limit():
    limits = Limits(memory_mb=400, time_limit=20)
    message = refusal("bomb.pdf", pdf_bomb(1024 * 1024 * 1024), limits)
    assert "memory" in message or "seconds" in message


def test_a_file_over_the_size_limit_is_refused_without_a_process():
    message = refusal("big.pdf", b"%PDF-1.7\n" + b" " * 2000, Limits(max_bytes=1000))
    assert "at most 1,000 are read" in message


def test_a_file_that_is_nothing_readable_says_what_is_accepted():
    message = refusal("data.bin", bytes(range(256)) * 4)
    assert "not a PDF, a photo (PNG, JPEG, HEIC), a Word document or plain text" in message

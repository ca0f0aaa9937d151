"""Build test Word templates in code (python-docx, then zipfile edits), never as opaque binaries."""

from __future__ import annotations

import io
import struct
import zipfile

import docx
from docx.shared import Pt


def make_docx(
    body: list[str | list[str]] = (),
    *,
    header: list[str] = (),
    footer: list[str] = (),
    title: str | None = None,
    subject: str | None = None,
    table: list[list[str]] | None = None,
) -> bytes:
    """A .docx whose paragraphs hold the given text. A paragraph given as a list of strings is
    written as that many runs (alternately bold), the way Word splits text it reformatted."""
    document = docx.Document()
    for paragraph in body:
        _add_paragraph(document.add_paragraph(), paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).paragraphs[0].text = text
    section = document.sections[0]
    for lines, part in ((header, section.header), (footer, section.footer)):
        for i, line in enumerate(lines):
            target = part.paragraphs[0] if i == 0 else part.add_paragraph()
            _add_paragraph(target, line)
    if title is not None:
        document.core_properties.title = title
    if subject is not None:
        document.core_properties.subject = subject
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_paragraph(paragraph, content: str | list[str]) -> None:
    if isinstance(content, str):
        paragraph.add_run(content)
        return
    for i, piece in enumerate(content):
        run = paragraph.add_run(piece)
        run.bold = bool(i % 2)
        run.font.size = Pt(11)


def replace_members(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """Rewrite a .docx with some members replaced (bytes), removed (None) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in changes:
                continue
            target.writestr(info, source.read(info.filename))
        for name, content in changes.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def read_member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def zip_bomb(data: bytes, expanded_bytes: int, name: str = "word/media/image1.png") -> bytes:
    """A real .docx plus one member of zeros that expands to `expanded_bytes` (deflate squeezes
    zeros about 1000:1, so the upload itself stays small)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(expanded_bytes // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """Patch the zip so `name` claims to unpack to `declared` bytes (local header and central
    directory), as a hostile zip would, while its data still expands to the real size."""
    raw = bytearray(data)
    encoded = name.encode()
    # (signature, offset of uncompressed size, offset of name length, offset of name)
    for signature, size_at, length_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                    (b"PK\x01\x02", 24, 28, 46)):
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            length = struct.unpack_from("<H", raw, start + length_at)[0]
            if raw[start + name_at:start + name_at + length] == encoded:
                struct.pack_into("<I", raw, start + size_at, declared)
            start += 4
    return bytes(raw)


def many_members(data: bytes, count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        for i in range(count):
            target.writestr(f"customXml/item{i}.txt", b"x")
    return out.getvalue()

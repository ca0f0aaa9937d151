"""Open an uploaded .docx safely, before anything else looks at it.

A .docx is a zip of XML parts. An upload may be a zip bomb, a zip that lies about its sizes, a
macro-enabled document, or XML with a DTD (external entities, billion laughs). This module reads the
central directory first (counts and declared sizes), then decompresses every member as a stream
with a running cap, and parses XML with defusedxml with DTDs refused. Pure code: no Flask, Celery or
database imports.
"""

from __future__ import annotations

import posixpath
import zipfile
from xml.parsers import expat
from dataclasses import dataclass, field
from io import BytesIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

# Limits for an uploaded template. A letter template with a logo is well under a megabyte;
# these leave room for images while keeping a hostile upload cheap to refuse.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# A part the check reads as a tree (body, header, footer…). A long letter's body is well under
# 1 MB; this bounds the time and memory the check itself can be made to spend.
MAX_READ_PART_BYTES = 5 * 1024 * 1024
CHUNK_BYTES = 64 * 1024

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
MAIN_DOCUMENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
MACRO_DOCUMENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
TEMPLATE_DOCUMENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
)


class PackageError(ValueError):
    """The upload is not a .docx we will open. ``code`` names the check that refused it."""

    def __init__(self, code: str, message: str, part: str | None = None):
        self.code = code
        self.part = part
        super().__init__(message)


@dataclass
class DocxPackage:
    """The XML parts of a checked .docx, parsed, plus how the parts relate."""

    members: int
    unpacked_bytes: int
    xml: dict[str, Element] = field(default_factory=dict)  # member name -> parsed root
    main_part: str = "word/document.xml"
    # relationship type suffix ("header", "footer", "footnotes", ...) -> member names, in order
    related: dict[str, list[str]] = field(default_factory=dict)

    def part(self, name: str) -> Element | None:
        return self.xml.get(name)


def _is_xml_member(name: str) -> bool:
    return name.endswith(".xml") or name.endswith(".rels")


def parse_xml(data: bytes, part: str) -> Element:
    """Parse one XML part, refusing any DTD (so no external entities and no entity expansion)."""
    if len(data) > MAX_READ_PART_BYTES:
        raise PackageError(
            "part_too_large",
            f"{part} is {len(data) / (1024 * 1024):.1f} MB of XML; a letter template's parts are "
            f"far smaller (limit {MAX_READ_PART_BYTES // (1024 * 1024)} MB). Re-save the document "
            "from Word, or split it",
            part,
        )
    try:
        return safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise PackageError(
            "xml_dtd",
            f"{part} declares a DTD or entities ({type(exc).__name__}). Word documents never need "
            "one, and it can be used to read server files or exhaust memory, so the file is "
            "refused. Re-save the document from Word.",
            part,
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise PackageError(
            "xml_malformed",
            f"{part} is not well-formed XML (line {line}, column {column}). Re-save the document "
            "from Word.",
            part,
        ) from None


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, keep: bool
) -> tuple[bytes, int]:
    """Decompress one member in chunks, stopping as soon as the running total passes the budget.

    The declared sizes were already checked, but they can lie; this bounds the real work. Only
    parts we analyse are kept (``keep``); pictures are counted and dropped."""
    chunks = []
    total = 0
    try:
        with zf.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK_BYTES)
                if not chunk:
                    break
                total += len(chunk)
                if total > budget:
                    raise PackageError(
                        "zip_too_large",
                        f"the file unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB "
                        f"(stopped in {info.filename}); this looks like a zip bomb and is refused",
                        info.filename,
                    )
                if keep:
                    chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: encrypted member; BadZipFile: CRC mismatch (sizes that lied), bad data.
        raise PackageError(
            "zip_corrupt", f"{info.filename} cannot be read from the zip ({exc})", info.filename
        ) from None
    return (b"".join(chunks) if keep else b""), total


def open_docx(data: bytes) -> DocxPackage:
    """Check that ``data`` is a .docx that is safe to open and return its parsed XML parts.

    Raises PackageError naming the first check that failed."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PackageError(
            "too_large",
            f"the file is {len(data) / (1024 * 1024):.1f} MB; templates may be at most "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB (compress large pictures in Word)",
        )
    if not data.startswith(b"PK"):
        raise PackageError(
            "not_zip",
            "this is not a Word .docx file (a .docx is a zip archive). Save it from Word as "
            "'Word Document (.docx)'; .doc, .rtf and .pdf files are not accepted",
        )
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PackageError("not_zip", f"this is not a readable .docx (zip) file: {exc}") from None

    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PackageError(
                "zip_too_many_members",
                f"the file holds {len(infos)} parts; a .docx template may hold at most "
                f"{MAX_MEMBERS}",
            )
        declared = sum(info.file_size for info in infos)
        if declared > MAX_UNPACKED_BYTES:
            raise PackageError(
                "zip_too_large",
                f"the file declares {declared / (1024 * 1024):.0f} MB once unpacked; the limit is "
                f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB. This looks like a zip bomb and is "
                "refused",
            )
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise PackageError(
                "zip_duplicate", "the zip holds two parts with the same name; it is refused"
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise PackageError(
                    "zip_encrypted",
                    f"{info.filename} is encrypted; remove the password protection in Word",
                    info.filename,
                )
        for required in ("[Content_Types].xml", "_rels/.rels"):
            if required not in names:
                raise PackageError(
                    "docx_part_missing",
                    f"the file has no {required}, so it is not a Word document",
                    required,
                )
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise PackageError(
                "docx_macros",
                "the document contains macros (VBA); save it as a plain 'Word Document (.docx)'",
            )

        package = DocxPackage(members=len(infos), unpacked_bytes=0)
        raw: dict[str, bytes] = {}
        remaining = MAX_UNPACKED_BYTES
        for info in infos:
            if info.is_dir():
                continue
            is_xml = _is_xml_member(info.filename)
            content, size = _read_member(zf, info, remaining, keep=is_xml)
            remaining -= size
            package.unpacked_bytes += size
            if is_xml:
                raw[info.filename] = content

    # The parts the check reads become trees; every other XML part (styles, theme, settings…,
    # often the largest) is only run through expat to refuse a DTD, which is much cheaper.
    for name in ("[Content_Types].xml", "_rels/.rels"):
        package.xml[name] = parse_xml(raw[name], name)
    _find_main_part(package, raw)
    _find_related_parts(package, raw)
    for name in raw:
        if name.startswith("docProps/"):
            package.xml[name] = parse_xml(raw[name], name)
    for name, content in raw.items():
        if name not in package.xml:
            refuse_dtd(content, name)
    return package


class _DtdFound(Exception):
    pass


def _refuse(*_args) -> None:
    raise _DtdFound


def refuse_dtd(data: bytes, part: str) -> None:
    """Check that an XML part is well-formed and declares no DTD, without building a tree."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        parser.Parse(data, True)
    except _DtdFound:
        raise PackageError(
            "xml_dtd",
            f"{part} declares a DTD or entities. Word documents never need one, and it can be "
            "used to read server files or exhaust memory, so the file is refused. Re-save the "
            "document from Word.",
            part,
        ) from None
    except expat.ExpatError as exc:
        raise PackageError(
            "xml_malformed",
            f"{part} is not well-formed XML (line {exc.lineno}, column {exc.offset}). Re-save "
            "the document from Word.",
            part,
        ) from None


def _find_main_part(package: DocxPackage, raw: dict[str, bytes]) -> None:
    rels = package.xml["_rels/.rels"]
    target = None
    for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
        if rel.get("Type") == OFFICE_DOCUMENT_REL:
            target = (rel.get("Target") or "").lstrip("/")
    if not target:
        raise PackageError(
            "docx_part_missing",
            "_rels/.rels does not point to a main document, so this is not a Word document",
            "_rels/.rels",
        )
    target = posixpath.normpath(target)
    if target not in raw:
        raise PackageError(
            "docx_part_missing",
            f"the main document part {target} is missing, so this is not a Word document",
            target,
        )
    content_type = _content_type(package, target)
    if content_type == MACRO_DOCUMENT_TYPE:
        raise PackageError(
            "docx_macros",
            "this is a macro-enabled document (.docm); save it as 'Word Document (.docx)'",
            target,
        )
    if content_type not in (MAIN_DOCUMENT_TYPE, TEMPLATE_DOCUMENT_TYPE):
        raise PackageError(
            "docx_not_word",
            f"the main part is {content_type or 'of no declared type'}, not a Word document",
            target,
        )
    package.main_part = target
    package.xml[target] = parse_xml(raw[target], target)


def _content_type(package: DocxPackage, member: str) -> str | None:
    types = package.xml["[Content_Types].xml"]
    for override in types.iter(f"{{{CT_NS}}}Override"):
        if (override.get("PartName") or "").lstrip("/") == member:
            return override.get("ContentType")
    extension = member.rsplit(".", 1)[-1]
    for default in types.iter(f"{{{CT_NS}}}Default"):
        if default.get("Extension", "").lower() == extension.lower():
            return default.get("ContentType")
    return None


TEXT_RELATIONS = {"header", "footer", "footnotes", "endnotes", "comments"}


def _find_related_parts(package: DocxPackage, raw: dict[str, bytes]) -> None:
    """Headers, footers, footnotes… as the main document's relationships name them."""
    folder, base = posixpath.split(package.main_part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in raw:
        return
    rels = package.xml[rels_name] = parse_xml(raw[rels_name], rels_name)
    for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = posixpath.normpath(posixpath.join(folder, rel.get("Target") or ""))
        if kind in TEXT_RELATIONS and target in raw and target not in package.xml:
            package.xml[target] = parse_xml(raw[target], target)
            package.related.setdefault(kind, []).append(target)
    for targets in package.related.values():
        targets.sort(key=_natural_key)


def _natural_key(name: str):
    digits = "".join(ch for ch in name if ch.isdigit())
    return (len(digits), digits, name)

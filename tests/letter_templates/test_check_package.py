"""The upload check, continued: hostile packages (not a docx, zip bombs and lying sizes, too many
members, DTDs: XXE and billion laughs, macros, malformed XML), the check's own limits (deep
nesting, huge bodies, thousands of tags, many misspellings), the built-in letters against the real
schema, and the report as JSON. Every file is built here in code."""

from __future__ import annotations

import time

import pytest

from appeals.letter_templates import MAX_MEMBERS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, check_docx

from .docx_factory import (
    lie_about_size,
    make_docx,
    many_members,
    read_member,
    replace_members,
    zip_bomb,
)
from .checking import check, only_error


# --- hostile files ---------------------------------------------------------------------------


def test_not_a_docx():
    for data, fragment in ((b"%PDF-1.7 not a docx", "not a Word .docx"),
                           (b"PK\x03\x04garbage", "not a readable .docx")):
        report = check(data)
        assert not report.ok and fragment in report.errors[0].message


def test_zip_without_the_word_parts_is_refused():
    base = make_docx(["Hello"])
    report = check(replace_members(base, {"word/document.xml": None}))
    assert only_error(report, "docx_part_missing").part == "word/document.xml"
    report = check(replace_members(base, {"[Content_Types].xml": None}))
    assert only_error(report, "docx_part_missing").part == "[Content_Types].xml"


def test_oversized_upload_is_refused_before_opening():
    report = check(b"PK" + bytes(MAX_UPLOAD_BYTES))
    assert only_error(report, "too_large")


def test_zip_bomb_is_refused_from_its_declared_size():
    bomb = zip_bomb(make_docx(["Hello"]), MAX_UNPACKED_BYTES + 8 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # small to upload
    started = time.perf_counter()
    report = check(bomb)
    assert time.perf_counter() - started < 1.0  # refused from the directory, nothing unpacked
    error = only_error(report, "zip_too_large")
    assert "zip bomb" in error.message


def test_zip_that_lies_about_its_size_is_stopped_while_unpacking():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx(["Hello"]))) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("word/media/big.bin", bytes(MAX_UNPACKED_BYTES + 1024 * 1024))
    liar = lie_about_size(out.getvalue(), "word/media/big.bin", 1000)
    report = check(liar)
    assert not report.ok
    assert report.errors[0].code in {"zip_corrupt", "zip_too_large"}
    assert report.errors[0].part == "word/media/big.bin"


def test_too_many_members_is_refused():
    report = check(many_members(make_docx(["Hello"]), MAX_MEMBERS))
    assert "at most 1000" in only_error(report, "zip_too_many_members").message


XXE = (b'<?xml version="1.0" encoding="UTF-8"?>'
       b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
       b'<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')
XXE_DOCTYPE_ONLY = (b'<?xml version="1.0"?><!DOCTYPE w:document SYSTEM "file:///etc/passwd">'
                    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                    b'2006/main"><w:body/></w:document>')
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                             else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
                    b'2006/metadata/core-properties"><dc:title xmlns:dc="http://purl.org/dc/'
                    b'elements/1.1/">&lol9;</dc:title></cp:coreProperties>')


@pytest.mark.parametrize("member, xml", [
    ("word/document.xml", XXE),
    ("word/document.xml", XXE_DOCTYPE_ONLY),
    ("docProps/core.xml", BILLION_LAUGHS),
    ("word/_rels/document.xml.rels", XXE_DOCTYPE_ONLY),
])
def test_xml_with_a_dtd_is_refused(member, xml):
    report = check(replace_members(make_docx(["Hello"]), {member: xml}))
    error = only_error(report, "xml_dtd")
    assert error.part == member
    assert "DTD" in error.message
    assert "root:" not in str(report.to_json())  # /etc/passwd was never read


def test_macro_enabled_document_is_refused():
    base = make_docx(["Hello"])
    report = check(replace_members(base, {"word/vbaProject.bin": b"\x00" * 10}))
    assert "macros" in only_error(report, "docx_macros").message


def test_malformed_xml_is_refused_with_its_part():
    report = check(replace_members(make_docx(["Hello"]), {"word/document.xml": b"<w:document"}))
    assert only_error(report, "xml_malformed").part == "word/document.xml"


def test_report_json_round_trip():
    report = check(make_docx(["{{ patient.nme }}"]))
    data = report.to_json()
    assert data["ok"] is False and data["error_count"] == 1
    assert data["problems"][0]["location"] == "body, paragraph 1"
    assert data["variables"][0]["suggestion"] == "patient.name"


def test_every_built_in_template_passes_the_check_against_the_real_schema():
    # Cloning a built-in must give a template the library accepts.
    from appeals.letters import LETTER_KINDS, builtin_template_bytes

    for kind in LETTER_KINDS:
        report = check_docx(builtin_template_bytes(kind))
        assert report.ok, (kind, [(p.location, p.message) for p in report.errors])
        assert report.variables and all(v.known for v in report.variables)


def test_real_schema_suggestions():
    report = check_docx(make_docx(["{{ patient.nme }} {{ plan_type }}",
                                   "{% for r in requirements %}{{ r.evidence_txt }}{% endfor %}"]))
    messages = " ".join(p.message for p in report.errors)
    assert "did you mean `patient.name`?" in messages
    assert "did you mean `plan.type`?" in messages
    assert "did you mean `r.evidence_text`?" in messages


def test_fill_in_lines_are_not_mistaken_for_internals():
    assert check(make_docx(['{{ patient.name or "__________" }}'])).ok


def test_deeply_nested_expressions_are_refused_not_crashing():
    deep = "{{ " + "(" * 400 + "patient.name" + ")" * 400 + " }}"
    report = check(make_docx([deep]))
    assert not report.ok
    assert report.errors[0].code in {"too_complex", "syntax_error"}


def test_a_huge_body_is_refused_before_it_is_read():
    from appeals.letter_templates.package import MAX_READ_PART_BYTES

    base = make_docx(["Hello"])
    body = read_member(base, "word/document.xml")
    filler = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * (MAX_READ_PART_BYTES // 30)
    huge = body.replace(b"<w:body>", b"<w:body>" + filler, 1)
    started = time.perf_counter()
    report = check(replace_members(base, {"word/document.xml": huge}))
    assert time.perf_counter() - started < 2
    assert only_error(report, "part_too_large").part == "word/document.xml"


def test_thousands_of_tags_are_refused_quickly():
    from appeals.letter_templates.check import MAX_TAGS

    data = make_docx([" ".join("{{ x%d.y }}" % (i * 50 + j) for j in range(50))
                      for i in range(MAX_TAGS // 50 + 2)])
    started = time.perf_counter()
    report = check(data)
    assert time.perf_counter() - started < 2
    assert only_error(report, "too_many_tags").part == "body"


def test_many_misspellings_are_listed_up_to_a_limit():
    from appeals.letter_templates.check import MAX_PROBLEMS

    report = check(make_docx([" ".join("{{ x%d.y }}" % (i * 50 + j) for j in range(50))
                              for i in range(6)]))
    assert len(report.problems) == MAX_PROBLEMS + 1
    assert report.problems[-1].message == "100 more problem(s) are not listed; fix these and " \
                                          "check again"

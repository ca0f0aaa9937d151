"""PreparedTemplate and the sandbox: docxtpl syntax, clear errors with locations, and hostile
templates refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from appeals.letters import PreparedTemplate, TemplateError
from appeals.letters import sandbox
from appeals.letters.text import docx_text

from .helpers import make_docx, split_runs_docx


def render_text(template_bytes: bytes, context: dict) -> str:
    return docx_text(PreparedTemplate.from_bytes(template_bytes).render(context))


def test_variables_loops_and_conditions():
    data = make_docx("Dear {{ name }},", "{%p for item in items %}", "- {{ item }}",
                     "{%p endfor %}", "{%p if flag %}", "flag is on", "{%p endif %}")
    text = render_text(data, {"name": "Ana", "items": ["one", "two"], "flag": False})
    assert text.splitlines() == ["Dear Ana,", "- one", "- two"]


def test_tags_split_across_runs_are_joined():
    data = split_runs_docx(["Hello {", "{ pat", "ient.name }", "} bye"])
    assert render_text(data, {"patient": {"name": "Kim"}}) == "Hello Kim bye"


def test_header_and_table_rows_render():
    data = make_docx("Body {{ a }}", header="Header {{ b }}",
                     table=[["{%tr for r in rows %}", ""], ["{{ r.x }}", "{{ r.y }}"],
                            ["{%tr endfor %}", ""]])
    text = render_text(data, {"a": 1, "b": "H", "rows": [{"x": "x1", "y": "y1"},
                                                         {"x": "x2", "y": "y2"}]})
    assert "Body 1" in text and "Header H" in text
    assert "x1 | y1" in text and "x2 | y2" in text


def test_column_loop_fixes_the_table_grid():
    data = make_docx(table=[["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"]])
    out = PreparedTemplate.from_bytes(data).render({"cols": ["a", "b", "c"]})
    table = Document(io.BytesIO(out)).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["a", "b", "c"]


def test_one_prepared_template_renders_many_different_letters():
    template = PreparedTemplate.from_bytes(make_docx("{{ n }}"))
    assert [docx_text(template.render({"n": i})) for i in range(3)] == ["0", "1", "2"]
    assert template.variables == {"n"}


def test_rendered_package_keeps_every_part():
    data = make_docx("{{ x }}", header="h")
    out = PreparedTemplate.from_bytes(data).render({"x": "y"})
    assert sorted(zipfile.ZipFile(io.BytesIO(out)).namelist()) == sorted(
        zipfile.ZipFile(io.BytesIO(data)).namelist())


# --- errors with locations ---------------------------------------------------------------------

def test_undefined_variable_names_the_paragraph():
    data = make_docx("First paragraph", "Dear {{ patient.nmae }},")
    template = PreparedTemplate.from_bytes(data)
    with pytest.raises(TemplateError) as info:
        template.render({"patient": {"name": "x"}})
    err = info.value
    assert err.part == "word/document.xml" and err.paragraph == 2
    assert "nmae" in str(err) and "Dear {{ patient.nmae }}," in str(err)


def test_syntax_error_is_reported_at_preparation():
    with pytest.raises(TemplateError) as info:
        PreparedTemplate.from_bytes(make_docx("ok", "{% if x %}never closed"))
    assert info.value.part == "word/document.xml"
    assert "endif" in str(info.value) or "end of template" in str(info.value)


def test_error_in_header_names_the_header():
    with pytest.raises(TemplateError) as info:
        PreparedTemplate.from_bytes(make_docx("ok", header="{{ missing }}")).render({})
    assert info.value.part.startswith("word/header")


@pytest.mark.parametrize("data, message", [
    (b"not a zip at all", "not a Word document"),
    (b"", "not a Word document"),
])
def test_not_a_docx(data, message):
    with pytest.raises(TemplateError, match=message):
        PreparedTemplate.from_bytes(data)


def test_package_without_document_part():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(TemplateError, match=r"\[Content_Types\].xml is missing"):
        PreparedTemplate.from_bytes(buffer.getvalue())


def test_doctype_and_entities_are_refused():
    data = make_docx("x")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(
                    b"<w:document", b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                    b"<w:document", 1)
            out.writestr(info, content)
    with pytest.raises(TemplateError, match="DOCTYPE"):
        PreparedTemplate.from_bytes(buffer.getvalue())


def test_tag_inside_a_field_that_breaks_the_xml_is_an_error():
    with pytest.raises(TemplateError, match="not valid XML"):
        PreparedTemplate.from_bytes(make_docx("{{ x }}")).render({"x": _Raw("<w:p>")})


class _Raw(str):
    """A value claiming to be safe markup (what a RichText does); must not corrupt silently."""

    def __html__(self):
        return str(self)


# --- hostile templates -------------------------------------------------------------------------

HOSTILE = [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "unsafe"),
    ("{{ self._TemplateReference__context }}", "unsafe"),
    ("{{ lipsum.__globals__ }}", "undefined"),
    ("{{ config }}", "undefined"),
    ("{{ x|safe }}", "safe"),
    ("{% include 'other.docx' %}", "include"),
    ("{% for i in range(10000000) %}{% endfor %}", "range"),
    ("{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}", "loops"),
    ("{{ 'A' * 1000000000 }}", "more than"),
    ("{{ ['A'] * 1000000000 }}", "more than"),
    ("{{ 2 ** 99999999 }}", "exponent"),
    ("{{ '%999999999s' % 'x' }}", "format"),
    ("{{ '{:>999999999}'.format('x') }}", "unsafe"),
    ("{{ 'x'.ljust(999999999) }}", "unsafe"),
    ("{{ 'x'|center(999999999) }}", "center"),
    ("{% set s = 'A' * 1000000 %}{{ s|replace('A', s) }}", "replace"),
    ("{% set s = 'A' * 1000000 %}{{ ([s] * 100)|join }}", "join"),
    ("{% set s = 'A' * 1000000 %}{% for i in range(50) %}{{ s }}{% endfor %}", "longer"),
    ("{% set ns = namespace(s='AB') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}", "longer"),
    ("{% set l = [1] %}{{ l.append(2) }}", "unsafe"),
    ("{{ ('\\n' * 1000000)|indent(9000) }}", "indent"),
    ("{{ (range(10000)|list)|tojson(indent=9000) }}", "indent"),
    ("{{ ('a' * 1000000).translate({97: 'bbbbbbbbbb'}) }}", "unsafe"),
    ("{{ ((range(10000)|list) * 200)|join }}", "join"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursion"),
]


@pytest.mark.parametrize("source, expected", HOSTILE, ids=[h[0][:40] for h in HOSTILE])
def test_hostile_template_is_refused(source, expected):
    with pytest.raises(TemplateError) as info:
        PreparedTemplate.from_bytes(make_docx(source)).render({"x": "<b>"})
    assert expected in str(info.value).lower()


def test_limits_are_module_constants():
    assert sandbox.MAX_RANGE <= 100_000
    assert sandbox.MAX_OUTPUT_CHARS <= 50_000_000
    assert sandbox.MAX_LOOP_ITERATIONS <= 1_000_000
    assert sandbox.MAX_RENDER_SECONDS <= 30


def test_render_time_limit(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_RENDER_SECONDS", 0.0)
    template = PreparedTemplate.from_bytes(
        make_docx("{% for i in range(5000) %}{{ i }}{% endfor %}"))
    with pytest.raises(TemplateError, match="longer than"):
        template.render({})


def test_autoescape_keeps_markup_out_of_the_document():
    text = render_text(make_docx("{{ x }}"), {"x": "</w:t></w:r><w:r><w:t>injected"})
    assert text == "</w:t></w:r><w:r><w:t>injected"


def test_error_messages_do_not_quote_patient_data():
    template = PreparedTemplate.from_bytes(make_docx("{{ lookup[patient.name] }}"))
    with pytest.raises(TemplateError) as info:
        template.render({"lookup": {}, "patient": {"name": "Alex Rivera"}})
    assert "Alex" not in str(info.value)


def test_rich_text_tags_are_refused_with_advice():
    with pytest.raises(TemplateError, match=r"rich-text tags .* write \{\{ \.\.\. \}\} instead"):
        PreparedTemplate.from_bytes(make_docx("Name: {{r patient.name }}"))

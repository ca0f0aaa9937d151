"""The upload check: hostile files refused with a clear reason, honest mistakes located and
explained. Every file is built here in code (python-docx, then zipfile edits)."""

from __future__ import annotations

import pytest

from appeals.letter_templates import check_docx

from .checking import check, codes, only_error
from .docx_factory import make_docx, read_member, replace_members


# --- a good template --------------------------------------------------------------------------


def test_clean_template_passes_and_lists_its_variables():
    data = make_docx(
        ["Dear {{ payer }},", "I appeal on behalf of {{ patient.name }} ({{ patient.member_id }}).",
         "{% for r in requirements %}", "{{ r.text }}: {% for e in r.evidence %}{{ e.quote }} "
         "({{ e.date }}){% endfor %}", "{% endfor %}",
         "{% if urgency == 'expedited' %}Please decide within 72 hours.{% endif %}",
         "{% if plan_type == 'medicare_advantage' %}42 CFR 422.101(b)(6){% endif %}"],
        header=["Member {{ patient.member_id }}"], footer=["Deadline {{ deadline.date }}"],
        title="Appeal letter",
    )
    report = check(data)
    assert report.ok, report.problems
    assert report.problems == []
    assert report.parts == ["body", "header 1", "footer 1", "document properties"]
    paths = {v.path for v in report.variables}
    assert {"patient.name", "requirements[].text", "requirements[].evidence[].quote",
            "deadline.date", "urgency", "plan_type"} <= paths
    assert all(v.known for v in report.variables)
    member_id = next(v for v in report.variables if v.path == "patient.member_id")
    assert member_id.locations == ["body, paragraph 2", "header 1, paragraph 1"]


def test_value_methods_loop_helpers_and_docxtpl_tags_are_accepted():
    data = make_docx(
        ["{{ patient.name.upper() }} {{ deadline.date }}",
         "{%p for r in requirements %}", "{{ loop.index }}. {{ r.text }}", "{%p endfor %}",
         "{{ “quoted” if urgency == ‘standard’ else '' }}"],
        table=[["{%tr for r in requirements %}"], ["{{ r.status }}"], ["{%tr endfor %}"]],
    )
    report = check(data)
    assert report.ok, [(p.code, p.message) for p in report.problems]


# --- honest mistakes: located, with a suggestion -----------------------------------------------


def test_misspelled_variable_is_located_with_the_nearest_name():
    report = check(make_docx(["Re: appeal", "Dear {{ patient.nme }},"]))
    problem = only_error(report, "unknown_variable")
    assert "`patient.nme` is not a letter variable — did you mean `patient.name`?" in problem.message
    assert (problem.part, problem.paragraph) == ("body", 2)
    assert problem.location == "body, paragraph 2"
    assert "Dear {{ patient.nme }}" in problem.snippet
    assert problem.suggestion == "write `patient.name`"


def test_misspelling_inside_a_loop_is_suggested_with_the_loop_variable():
    report = check(make_docx(["{% for r in requirements %}{{ r.txet }}{% endfor %}"]))
    problem = only_error(report, "unknown_variable")
    assert "`r.txet`" in problem.message and "did you mean `r.text`?" in problem.message
    variable = next(v for v in report.variables if not v.known)
    assert variable.path == "requirements[].txet"


def test_unknown_variable_in_a_table_cell_names_the_cell():
    report = check(make_docx(["Intro"], table=[["Service", "{{ servise.name }}"]]))
    problem = only_error(report, "unknown_variable")
    assert problem.where == "table 1, row 1, cell 2"
    assert "did you mean `service.name`?" in problem.message


def test_tag_split_across_runs_is_reported_where_it_is():
    # Word split the tag in three runs (the middle one bold), as it does after a format change.
    data = make_docx(["Dear patient,", ["Name: {{ pat", "ient.na", "me }} here"]])
    assert b"{{ pat</w:t>" in read_member(data, "word/document.xml")  # really split in the XML
    report = check(data)
    assert report.ok  # docxtpl joins the pieces, so it is advice, not a refusal
    problem = next(p for p in report.warnings if p.code == "split_tag")
    assert (problem.part, problem.paragraph) == ("body", 2)
    assert "`{{ patient.name }}` into 3 pieces" in problem.message
    assert "retype it" in problem.suggestion
    assert [v.path for v in report.variables] == ["patient.name"]


def test_split_tags_really_render_so_a_warning_is_right():
    # The check calls split tags a warning because the renderer (docxtpl's patching) joins them.
    from appeals.letters import PreparedTemplate
    from appeals.letters.text import docx_text

    data = make_docx([["Name: {{ pat", "ient.na", "me }} here"], ["{", "{ patient.name }", "}"],
                      ["{%p if is_expedited %}"], ["hidden"], ["{%p en", "dif %}"]])
    report = check_docx(data)
    assert report.ok and [p.code for p in report.warnings] == ["split_tag"] * 3
    text = docx_text(PreparedTemplate.from_bytes(data).render(
        {"patient": {"name": "Alex"}, "is_expedited": False}))
    assert text.split("\n")[:2] == ["Name: Alex here", "Alex"] and "hidden" not in text


def test_split_braces_are_reported_too():
    report = check(make_docx([["{", "{ patient.name }", "}"]]))
    assert "split_tag" in codes(report)


def test_missing_endfor_points_at_the_loop_that_is_never_closed():
    data = make_docx(["Dear {{ patient.name }},", "{% for r in requirements %}",
                      "- {{ r.text }}", "Sincerely"])
    report = check(data)
    problem = only_error(report, "unclosed_block")
    assert (problem.part, problem.paragraph) == ("body", 2)
    assert "`{% for r in requirements %}` is never closed" in problem.message
    assert "{% endfor %}" in problem.message


def test_missing_endif_in_a_footer():
    report = check(make_docx(["Body"], footer=["{% if urgency == 'expedited' %}URGENT"]))
    problem = only_error(report, "unclosed_block")
    assert problem.part == "footer 1"
    assert "{% endif %}" in problem.message


def test_unclosed_tag_in_a_paragraph():
    report = check(make_docx(["Hello", "Dear {{ patient.name,"]))
    problem = only_error(report, "unclosed_tag")
    assert (problem.part, problem.paragraph) == ("body", 2)
    assert "not closed with `}}`" in problem.message


def test_stray_endfor_and_bad_syntax_are_located():
    report = check(make_docx(["One", "{{ patient.name }}{% endfor %}"]))
    problem = only_error(report, "syntax_error")
    assert problem.paragraph == 2
    assert "endfor" in problem.message

    report = check(make_docx(["{{ patient.name | }}"]))
    assert only_error(report, "syntax_error").paragraph == 1


def test_unknown_filter_is_reported():
    report = check(make_docx(["x", "{{ patient.name | uper }}", "{{ patient.name | safe }}"]))
    problem = only_error(report, "unknown_filter")
    assert "no filter named `uper` — did you mean `upper`?" in problem.message
    assert problem.paragraph == 2
    # `safe` would switch autoescape off: the sandbox does not offer it, so it is refused too
    assert [p.paragraph for p in report.errors] == [2, 3]


def test_spaced_braces_and_stray_closers_are_warnings():
    report = check(make_docx(["Dear { { patient.name } },", "total }} here"]))
    assert report.ok
    assert {"spaced_delimiter", "stray_closer"} <= set(codes(report))


# --- hostile templates: refused at upload, wherever the payload hides --------------------------

SSTI = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__.__builtins__ }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{{ patient.name|attr('__class__') }}",
    "{{ patient['__class__'] }}",
    "{{ joiner.__init__.__globals__ }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
]


@pytest.mark.parametrize("payload", SSTI)
@pytest.mark.parametrize("where", ["body", "header", "footer"])
def test_injection_payloads_are_refused_in_body_headers_and_footers(payload, where):
    kwargs = {"body": ["Dear {{ patient.name }},"]}
    if where == "body":
        kwargs["body"] = ["Dear {{ patient.name }},", payload]
    else:
        kwargs[where] = [payload]
    report = check(make_docx(**kwargs))
    assert not report.ok
    error = report.errors[0]
    assert error.code in {"forbidden_attribute", "forbidden_name", "forbidden_statement"}, error
    assert error.part == ("body" if where == "body" else f"{where} 1")
    assert "refused" in error.message or "not allowed" in error.message


@pytest.mark.parametrize("prop", ["title", "subject"])
def test_injection_in_rendered_document_properties_is_refused(prop):
    # Core properties are rendered like the body (the built-ins title themselves with a tag),
    # so they get the same checks.
    payload = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    report = check(make_docx(["Hello"], **{prop: payload}))
    error = only_error(report, "forbidden_attribute")
    assert error.part == "document properties" and error.where == f"property '{prop}'"
    assert "`__init__`, `__globals__`, `popen`" in error.message


def test_variables_in_the_title_are_checked_like_the_body():
    report = check(make_docx(["Hello"], title="Appeal · {{ patient.nmae }}"))
    error = only_error(report, "unknown_variable")
    assert "did you mean `patient.name`?" in error.message
    assert error.location == "document properties, paragraph 1, property 'title'" or \
        error.where == "property 'title'"
    assert check(make_docx(["Hello"], title="Appeal · {{ patient.name }}")).ok


def test_payload_in_custom_and_app_properties_is_refused():
    base = make_docx(["Hello"])
    custom = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
              b'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
              b'2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
              b'pid="2" name="x"><vt:lpwstr>{{ self.__dict__ }}</vt:lpwstr></property>'
              b'</Properties>')
    report = check(replace_members(base, {"docProps/custom.xml": custom}))
    error = only_error(report, "tags_in_properties")
    assert error.snippet == "{{ self.__dict__ }}" and "never filled in" in error.message


def test_a_syntax_error_cannot_hide_an_injection_payload():
    report = check(make_docx(["{% for r in requirements %}",
                              "{{ ''.__class__.__mro__[1].__subclasses__() }}"]))
    assert {"unclosed_block", "forbidden_attribute"} <= {p.code for p in report.errors}


@pytest.mark.parametrize("payload", [
    "{% for i in range(10**9) %}x{% endfor %}",
    "{% for i in range(1000000000) %}x{% endfor %}",
    "{{ 'x' * 10000000000 }}",
    "{{ 'x' * 10**10 }}",
])
def test_obvious_runaway_work_is_refused_at_upload(payload):
    report = check(make_docx([payload]))
    assert {p.code for p in report.errors} & {"too_much_work", "forbidden_operator"}

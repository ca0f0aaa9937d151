"""`appeals templates …` from a terminal."""

from __future__ import annotations

from appeals.cli import cli

from .docx_factory import make_docx


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_check_reports_locations_and_exit_status(runner, tmp_path):
    bad = write(tmp_path, "bad.docx", make_docx(["Hi", "{{ patient.nme }}",
                                                 "{% for r in requirements %}"]))
    result = runner.invoke(cli, ["templates", "check", bad])
    assert result.exit_code == 1
    assert "error: body, paragraph 3: `{% for r in requirements %}` is never closed" in \
        result.output
    assert "template refused" in result.output

    good = write(tmp_path, "good.docx", make_docx(["{{ patient.name }}"]))
    result = runner.invoke(cli, ["templates", "check", good, "--json"])
    assert result.exit_code == 0 and '"ok": true' in result.output


def test_variables_lists_the_schema(runner):
    result = runner.invoke(cli, ["templates", "variables"])
    assert result.exit_code == 0
    assert "patient.name  (string)" in result.output
    assert "requirements[].evidence[].quote  (string)" in result.output


def test_add_and_list(runner, user, tmp_path):
    good = write(tmp_path, "good.docx", make_docx(["{{ patient.name }}"]))
    result = runner.invoke(cli, ["templates", "add", good, "--name", "Short letter",
                                 "--user", "clinic.user@example.test", "--visibility",
                                 "organization"])
    assert result.exit_code == 0, result.output
    assert "added template" in result.output
    listed = runner.invoke(cli, ["templates", "list", "--user", "clinic.user@example.test"])
    assert "organization" in listed.output and "Short letter" in listed.output
    public = runner.invoke(cli, ["templates", "list"])
    assert "Short letter" not in public.output and "builtin  advocate" in public.output

    bad = write(tmp_path, "bad.docx", make_docx(["{{ self.__dict__ }}"]))
    result = runner.invoke(cli, ["templates", "add", bad, "--name", "Bad",
                                 "--user", "clinic.user@example.test"])
    assert result.exit_code == 1 and "forbidden" not in result.output.lower().split("error")[0]
    assert "`__dict__` is an internal attribute" in result.output


def test_preview_writes_one_letter_per_sample(runner, tmp_path):
    good = write(tmp_path, "good.docx", make_docx(["Dear {{ plan.name }}, {{ outcome_label }}"]))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["templates", "preview", good, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "expedited: ok" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "administrative.docx", "appeal.docx", "check_before_filing.docx", "expedited.docx",
        "not_met.docx"]

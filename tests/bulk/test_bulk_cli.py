"""`appeals bulk FILE -o OUT.zip`: in-process, progress on the terminal, the same ZIP."""

from __future__ import annotations

import csv
import io
import zipfile

from sqlalchemy import func, select

from appeals.cli import cli
from appeals.extensions import db
from appeals.models import Appeal, Batch

from .synthetic import spreadsheet_rows, to_csv, to_xlsx


def test_cli_writes_the_zip_reports_invalid_rows_and_keeps_nothing(app, tmp_path):
    rows, expected = spreadsheet_rows(12, 2)
    source = tmp_path / "denials.xlsx"
    source.write_bytes(to_xlsx(rows))
    out = tmp_path / "letters.zip"
    result = app.test_cli_runner().invoke(cli, ["bulk", str(source), "-o", str(out),
                                                "--template", "clinician"])
    assert result.exit_code == 1, result.output  # some rows need attention
    for row, (header, _) in expected.items():
        assert f"row {row}, column {header!r}" in result.output
    assert "12 rows: 10 valid, 2 invalid" in result.output
    assert "letters" in result.output and "wrote" in result.output
    archive = zipfile.ZipFile(out)
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert len(manifest) == 12 and len(archive.namelist()) == 11
    with app.app_context():  # the ZIP is the result: nothing left in the database
        assert db.session.scalar(select(func.count()).select_from(Batch)) == 0
        assert db.session.scalar(select(func.count()).select_from(Appeal)) == 0


def test_cli_all_valid_exits_0_and_refuses_unusable_files(app, tmp_path):
    rows, _ = spreadsheet_rows(3, 0)
    source = tmp_path / "denials.csv"
    source.write_bytes(to_csv(rows, ";", bom=True))
    out = tmp_path / "letters.zip"
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--keep"])
    assert result.exit_code == 0, result.output
    assert len(zipfile.ZipFile(out).namelist()) == 4
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appeal)) == 3

    bad = tmp_path / "scan.csv"
    bad.write_bytes(b"\x00\x01\x02 not text")
    result = runner.invoke(cli, ["bulk", str(bad), "-o", str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "not a spreadsheet" in result.output
    assert not (tmp_path / "x.zip").exists()
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(tmp_path / "y.zip"),
                                 "--template", "sonnet"])
    assert result.exit_code == 2 and "unknown letter" in result.output


def test_cli_on_several_processes_writes_the_same_zip_as_on_one(app, tmp_path):
    rows, _ = spreadsheet_rows(30, 0)
    source = tmp_path / "denials.csv"
    source.write_bytes(to_csv(rows))
    runner = app.test_cli_runner()
    archives = {}
    for processes in (1, 2):
        out = tmp_path / f"letters-{processes}.zip"
        result = runner.invoke(cli, ["bulk", str(source), "-o", str(out),
                                     "--processes", str(processes)])
        assert result.exit_code == 0, result.output
        assert "30 letters, 0 failed" in result.output
        archives[processes] = zipfile.ZipFile(out)
    one, two = archives[1], archives[2]
    assert one.namelist() == two.namelist() and len(one.namelist()) == 31
    assert one.read("manifest.csv") == two.read("manifest.csv")
    for name in one.namelist()[1:]:
        assert zipfile.ZipFile(io.BytesIO(two.read(name))).namelist()  # a whole .docx
    with app.app_context():  # each child's work is in the database, then deleted with the batch
        assert db.session.scalar(select(func.count()).select_from(Appeal)) == 0

"""The built-in templates (and letters made from them) keep the element order the
WordprocessingML schema requires: Word refuses documents LibreOffice would still open."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from appeals.letters import LETTER_KINDS, builtin_template_bytes, render_letter

from .samples import TODAY, headache_pair, lumbar_case, lumbar_result

BUILD = Path(__file__).resolve().parents[2] / "tools" / "build_letters.py"
_spec = importlib.util.spec_from_file_location("letters_build", BUILD)
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def _order_problems(data: bytes) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not name.endswith(".xml"):
                continue
            root = etree.fromstring(package.read(name))
            for parent_name, order in build.ORDER.items():
                for parent in root.iter("{*}" + parent_name):
                    seen = [build._local(c.tag) for c in parent if build._local(c.tag) in order]
                    ranks = [order.index(t) for t in seen]
                    if ranks != sorted(ranks):
                        problems.append(f"{name}: {parent_name} children {seen}")
    return problems


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_template_and_letters_keep_schema_order(kind):
    assert _order_problems(builtin_template_bytes(kind)) == []
    for case, result in ((lumbar_case(), lumbar_result()), headache_pair()):
        assert _order_problems(render_letter(case, result, kind=kind, today=TODAY)) == []


def test_templates_are_up_to_date_with_the_builder(tmp_path):
    """The committed .docx files are what build.py makes (compared by document text)."""
    from appeals.letters.text import docx_text

    for path in build.build(tmp_path):
        assert docx_text(path.read_bytes()) == docx_text(builtin_template_bytes(path.stem)), (
            f"{path.name} is stale: run .venv/bin/python tools/build_letters.py")

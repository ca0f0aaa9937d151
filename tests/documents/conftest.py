"""The test files, made once per session (LibreOffice and OCR are the slow parts) and their
readings cached, so each test asks only what it checks."""

from __future__ import annotations

import shutil

import pytest
from support.documents import make_bundles

from appeals.intake.documents import Limits, extract

LIMITS = Limits()


@pytest.fixture(scope="session")
def bundles(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed: the test documents are rendered with it")
    return make_bundles(tmp_path_factory.mktemp("documents"))


class Readings:
    """extract() of each file once for the session."""

    def __init__(self):
        self._cache: dict[str, object] = {}

    def of(self, path):
        key = str(path)
        if key not in self._cache:
            self._cache[key] = extract(path.name, path.read_bytes(), LIMITS)
        return self._cache[key]


@pytest.fixture(scope="session")
def readings():
    return Readings()

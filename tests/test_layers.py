"""The layer contract (pyproject.toml, [tool.importlinter]): the pure core imports no framework or
database, services never import their adapters, and no package has an import circle. A change
that breaks it fails here, naming the import."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.fail("lint-imports is missing: pip install -e '.[dev]' installs import-linter")
    run = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_the_pure_core_imports_alone():
    """Importing the matcher or the letters loads no web framework, database or task queue."""
    code = ("import sys, appeals.matching, appeals.letters, appeals.intake, appeals.delivery; "
            "print(sorted(m for m in ('flask', 'sqlalchemy', 'celery') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"

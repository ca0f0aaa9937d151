"""Appeal letters: the letter context built from a case and its result, and Word documents
rendered from docxtpl-style templates in a sandbox. Pure code: no Flask, Celery or database.

    from appeals.letters import build_context, render_letter, builtin_template, PreparedTemplate
    docx = render_letter(case, result)                      # built-in template for the result
    docx = render_letter(case, result, kind="clinician")    # letter of medical necessity
    tpl = PreparedTemplate.from_bytes(uploaded)             # prepare once...
    docx = tpl.render(build_context(case, result, kind="advocate"))   # ...render many
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources

from appeals.contract import Case, MatchResult

from .context import KIND_LABELS, LETTER_KINDS, build_context, default_kind
from .errors import TemplateError
from .render import PreparedTemplate
from .schema import context_variables

__all__ = [
    "KIND_LABELS", "LETTER_KINDS", "PreparedTemplate", "TemplateError", "build_context",
    "builtin_template", "builtin_template_bytes", "context_variables", "default_kind",
    "render_letter",
]

TEMPLATE_DIR = ("templates", "letters")  # inside the appeals package (not a package itself)


def builtin_template_bytes(kind: str) -> bytes:
    """The .docx bytes of the built-in template for ``kind``."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; choose one of {', '.join(LETTER_KINDS)}")
    return resources.files("appeals").joinpath(*TEMPLATE_DIR, f"{kind}.docx").read_bytes()


@functools.lru_cache(maxsize=None)
def builtin_template(kind: str) -> PreparedTemplate:
    """The built-in template for ``kind``, prepared once per process."""
    return PreparedTemplate.from_bytes(builtin_template_bytes(kind), name=kind)


def render_letter(case: Case, result: MatchResult, *, kind: str | None = None,
                  template: PreparedTemplate | None = None,
                  today: dt.date | None = None, seconds: float | None = None) -> bytes:
    """The .docx bytes of one letter. ``kind`` defaults to :func:`default_kind`; ``template``
    to the built-in template for that kind; a render still running after ``seconds`` is
    stopped (TemplateError)."""
    kind = kind or default_kind(result)
    template = template or builtin_template(kind)
    return template.render(build_context(case, result, kind=kind, today=today), seconds=seconds)

"""check_docx(data) -> CheckReport: is an uploaded Word template safe, and will it render?

The order matters: the file is opened as a zip with every size capped and its XML parsed with DTDs
refused (package.py) before any template code looks at it. Then each part that is filled in when a
letter is rendered (body, headers, footers, footnotes) is read paragraph by paragraph, its tags are
found, parsed with the same sandboxed Jinja environment the renderer uses, and the variables they
read are compared with the letter context schema.

Document properties: the core properties (docProps/core.xml: title, subject, author, keywords…)
ARE rendered, through the same sandbox, exactly like the body (the built-in letters title
themselves "Letter of medical necessity · {{ patient.name }}"), so they get the same checks: a
template-injection payload hidden in the title is refused like one in the body. The extended and
custom properties (docProps/app.xml, custom.xml) are never rendered, so a tag there is refused
as an error: it would never be filled in, and it is a known hiding place for payloads.

Pure code: no Flask, Celery or database imports.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Iterable

from jinja2 import TemplateSyntaxError, nodes

from ..letters.sandbox import LetterSandbox
from . import package as pkg
from .budget import measure_render_time
from .document import OPENER, Paragraph, Tag, all_text, paragraphs, scan_tags, snippet
from .report import CheckReport, Problem, VariableReport
from .variables import Forbidden, KnownVariables, analyse, attribute_message

# Parts filled in at render time, by relationship type, in the order they are reported.
RENDERED_PARTS = (("header", "header"), ("footer", "footer"), ("footnotes", "footnotes"))
# Parts that may hold text but are never filled in.
UNRENDERED_PARTS = (("endnotes", "endnotes"), ("comments", "comments"))
CORE_PROPERTIES = "docProps/core.xml"  # rendered
UNRENDERED_PROPERTIES = ("docProps/app.xml", "docProps/custom.xml")

# docxtpl's own tag forms, turned into plain Jinja before parsing (docxtpl does the same).
DOCXTPL_PREFIX = re.compile(r"(\{[{%#])(?:p|tr|tc|r)\s")
DOCXTPL_CELL = re.compile(r"\{%-?\s*(?:colspan|cellbg)\s+(.*?)-?%\}", re.S)
DOCXTPL_MERGE = re.compile(r"\{%-?\s*(?:vm|hm)\s*-?%\}")
SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
STATEMENT_KEYWORD = re.compile(r"\{%[-+]?\s*(\w+)")
MAX_PROBLEMS = 200  # listed in one report
# Tags in one template. The built-in letters have 60–125; parsing costs ~50 µs a tag, so this
# keeps the check (which runs in the web request) well under a second whatever is uploaded.
MAX_TAGS = 3000
BLOCK_KEYWORDS = {"for", "if", "with", "filter", "macro", "call", "block", "autoescape", "raw"}


def letter_variable_names() -> list[str]:
    """Every variable the letter context provides, from the renderer's own schema."""
    from appeals.letters.schema import context_variables

    names = []
    for variable in context_variables():
        names.append(variable["name"])
        if variable["type"].startswith("list"):
            names.append(variable["name"] + "[]")  # an item, as a loop variable reads it
    return names


@functools.lru_cache(maxsize=1)
def template_environment():
    """The Jinja environment the renderer uses (its filters and tests), for parsing only."""
    return LetterSandbox()


@functools.lru_cache(maxsize=8)
def _known(names: tuple[str, ...]) -> KnownVariables:
    return KnownVariables(names)


def check_docx(data: bytes, variable_names: Iterable[str] | None = None, *,
               render_budget: float | None = None) -> CheckReport:
    """Check an uploaded Word template. Never raises for bad input: every refusal is a Problem.
    With ``render_budget`` (seconds), a template that passes is also timed on the sample letters
    and refused when one takes longer (budget.py)."""
    report = CheckReport(size_bytes=len(data))
    try:
        package = pkg.open_docx(data)
    except pkg.PackageError as exc:
        report.problems.append(Problem("error", exc.code, str(exc), part=exc.part))
        return report
    report.members = package.members
    report.unpacked_bytes = package.unpacked_bytes

    known = _known(tuple(letter_variable_names() if variable_names is None else variable_names))
    environment = template_environment()
    uses: dict[tuple[str, str], VariableReport] = {}

    for label, member in _rendered_parts(package):
        report.parts.append(label)
        _check_part(label, paragraphs(package.xml[member]), environment, known, report, uses)
    core = package.xml.get(CORE_PROPERTIES)
    if core is not None:
        report.parts.append("document properties")
        _check_part("document properties", _property_paragraphs(core), environment, known,
                    report, uses)
    for relation, label in UNRENDERED_PARTS:
        for member in package.related.get(relation, []):
            if OPENER.search(all_text(package.xml[member])):
                report.problems.append(Problem(
                    "warning", "tags_not_rendered",
                    f"the {label} contain template tags, but {label} are not filled in when a "
                    "letter is made; move the tags into the body", part=label))
    _check_properties(package, report)
    # Errors first (they block the upload), each group in document order.
    order = {label: i for i, label in enumerate(report.parts)}
    report.problems.sort(key=lambda p: (p.severity != "error", order.get(p.part, len(order)),
                                        p.paragraph or 0))
    if len(report.problems) > MAX_PROBLEMS:
        hidden = report.problems[MAX_PROBLEMS:]
        report.problems = report.problems[:MAX_PROBLEMS]
        report.problems.append(Problem(
            "error" if any(p.severity == "error" for p in hidden) else "warning", "more_problems",
            f"{len(hidden)} more problem(s) are not listed; fix these and check again"))
    report.variables = sorted(uses.values(), key=lambda v: (v.known, v.path))
    if render_budget and report.ok:  # only a template that would be stored is worth timing
        measure_render_time(data, report, render_budget)
    return report


def _rendered_parts(package: pkg.DocxPackage) -> list[tuple[str, str]]:
    parts = [("body", package.main_part)]
    for relation, label in RENDERED_PARTS:
        members = package.related.get(relation, [])
        for number, member in enumerate(members, start=1):
            parts.append((f"{label} {number}" if len(members) > 1 or relation != "footnotes"
                          else label, member))
    return parts


def _property_paragraphs(root) -> list[Paragraph]:
    """Each core property (title, subject…) as one 'paragraph' named by its property."""
    found = []
    for element in root:
        name = element.tag.rsplit("}", 1)[-1]
        found.append(Paragraph(len(found) + 1, element.text or "", [0], f"property '{name}'"))
    return found


def _check_properties(package: pkg.DocxPackage, report: CheckReport) -> None:
    for member in UNRENDERED_PROPERTIES:
        root = package.xml.get(member)
        if root is None:
            continue
        for element in root.iter():
            text = element.text or ""
            if OPENER.search(text):
                name = element.get("name") or element.tag.rsplit("}", 1)[-1]
                report.problems.append(Problem(
                    "error", "tags_in_properties",
                    f"the document property '{name}' ({member}) contains a template tag, but "
                    "these properties are never filled in, so the tag is refused. Clear it in "
                    "Word under File > Info > Properties > Advanced Properties.",
                    part="document properties", snippet=_short(text)))


def _check_part(label: str, found: list[Paragraph], environment, known: KnownVariables,
                report: CheckReport, uses: dict[tuple[str, str], VariableReport]) -> None:
    all_tags: list[Tag] = []
    lines: list[str] = []
    for paragraph in found:
        scan = scan_tags(paragraph)
        for para, offset, code, message in scan.issues:
            severity = "warning" if code in ("stray_closer", "spaced_delimiter") else "error"
            report.problems.append(_at(severity, code, message, label, para,
                                       snippet(para, offset, offset + 2)))
        for tag in scan.tags:
            pieces = paragraph.pieces_between(tag.start, tag.end)
            if pieces > 1:
                report.problems.append(_at(
                    "warning", "split_tag",
                    f"Word split the tag `{_short(tag.text)}` into {pieces} pieces of "
                    "formatting. It still works, but any formatting that differs inside the tag "
                    "is lost, and a half-formatted tag is easy to break later.",
                    label, paragraph, snippet(paragraph, tag.start, tag.end),
                    suggestion="select the whole tag, clear its formatting (Ctrl+Space) or "
                               "retype it in one go"))
        all_tags.extend(scan.tags)
        # Only the tags matter to Jinja; text that is not in a tag cannot break the template.
        lines.append(" ".join(_as_jinja(tag.text) for tag in scan.tags))

    if not all_tags:
        return
    report.tag_count += len(all_tags)
    if report.tag_count > MAX_TAGS:
        report.problems.append(Problem(
            "error", "too_many_tags",
            f"the template has more than {MAX_TAGS:,} tags (up to the {label}); a letter needs "
            "far fewer. Use loops over the lists instead of repeating tags", part=label))
        return
    source = "\n".join(lines)
    try:
        ast = environment.parse(source)
    except TemplateSyntaxError as exc:
        report.problems.append(_syntax_problem(exc, label, found, all_tags))
        _check_tags_one_by_one(label, all_tags, environment, known, report)
        return
    except RecursionError:
        report.problems.append(Problem("error", "too_complex",
                                       "a tag is nested too deeply to read", part=label))
        return
    offered = [name for name in environment.globals if not name.startswith("_")]
    try:
        found_uses, forbidden = analyse(ast, known, offered)
    except RecursionError:
        report.problems.append(Problem("error", "too_complex",
                                       "an expression is nested too deeply to check", part=label))
        return
    for paragraph, code, message in _grouped(forbidden, lambda n: _paragraph_at(found, n)):
        report.problems.append(_at("error", code, message, label, paragraph,
                                   _line_snippet(paragraph)))
    for use in found_uses:
        paragraph = _paragraph_at(found, use.lineno)
        location = ", ".join(b for b in (label, f"paragraph {paragraph.number}" if paragraph
                                         else "", paragraph.where if paragraph else "") if b)
        key = (use.typed, use.path)
        if key not in uses:
            uses[key] = VariableReport(use.typed, use.path, use.known, 0, [], use.suggestion)
        uses[key].count += 1
        uses[key].locations.append(location)
        if not use.known:
            hint = f" — did you mean `{use.suggestion}`?" if use.suggestion else ""
            report.problems.append(_at(
                "error", "unknown_variable",
                f"`{use.typed}` is not a letter variable{hint}",
                label, paragraph, _line_snippet(paragraph),
                suggestion=(f"write `{use.suggestion}`" if use.suggestion
                            else "see the variables reference for the names you can use")))
    # Jinja itself only finds an unknown filter or test when compiling; this is the same check
    # against the renderer's environment, without compiling.
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        kind, known_names = (("filter", environment.filters) if isinstance(node, nodes.Filter)
                             else ("test", environment.tests))
        if node.name not in known_names:
            paragraph = _paragraph_at(found, node.lineno)
            nearest = difflib.get_close_matches(node.name, list(known_names), n=1)
            report.problems.append(_at(
                "error", "unknown_filter", f"there is no {kind} named `{node.name}`"
                + (f" — did you mean `{nearest[0]}`?" if nearest else ""), label, paragraph,
                _line_snippet(paragraph),
                suggestion=f"see the authoring guide for the {kind}s a letter may use"))


def _check_tags_one_by_one(label: str, tags: list[Tag], environment, known: KnownVariables,
                           report: CheckReport) -> None:
    """When the part as a whole does not parse, still look at each tag on its own for forbidden
    constructs, so a syntax error cannot hide an injection attempt. (Variable names are not
    judged here: without the enclosing loops, loop variables would look unknown.)"""
    offered = [name for name in environment.globals if not name.startswith("_")]
    for tag in tags:
        source = _as_jinja(tag.text)
        match = STATEMENT_KEYWORD.match(source)
        if match and match.group(1) in BLOCK_KEYWORDS:
            source += f"{{% end{match.group(1)} %}}"
        elif match and match.group(1) in ("elif", "else") or (match and match.group(1).startswith("end")):
            continue
        try:
            ast = environment.parse(source)
        except (TemplateSyntaxError, RecursionError):
            continue
        try:
            _, forbidden = analyse(ast, known, offered)
        except RecursionError:
            forbidden = []
        for paragraph, code, message in _grouped(forbidden, lambda _: tag.paragraph):
            report.problems.append(_at("error", code, message, label, paragraph,
                                       snippet(tag.paragraph, tag.start, tag.end)))


def _grouped(forbidden: list[Forbidden], paragraph_for) -> list[tuple[Paragraph | None, str, str]]:
    """One problem per paragraph and kind: `__class__`, `__mro__`… in one tag are one finding."""
    grouped: dict[tuple[int, str], list[Forbidden]] = {}
    for item in forbidden:
        grouped.setdefault((item.lineno, item.code), []).append(item)
    found = []
    for (lineno, code), items in grouped.items():
        paragraph = paragraph_for(lineno)
        if code == "forbidden_attribute" and all(i.attribute for i in items):
            text = paragraph.text if paragraph else ""
            names = sorted({i.attribute for i in items}, key=lambda a: (text.find(a), a))
            found.append((paragraph, code, attribute_message(names)))
        else:
            for message in dict.fromkeys(i.message for i in items):
                found.append((paragraph, code, message))
    return found


def _as_jinja(tag_text: str) -> str:
    text = tag_text.translate(SMART_QUOTES)
    text = DOCXTPL_PREFIX.sub(r"\1 ", text)
    text = DOCXTPL_CELL.sub(r"{{ \1 }}", text)
    return DOCXTPL_MERGE.sub("", text)


def _syntax_problem(exc: TemplateSyntaxError, label: str, found: list[Paragraph],
                    tags: list[Tag]) -> Problem:
    message = exc.message or "the template does not parse"
    if "Unexpected end of template" in message:
        opener = _unclosed_block(tags)
        if opener is not None:
            keyword = STATEMENT_KEYWORD.match(_as_jinja(opener.text)).group(1)
            return _at(
                "error", "unclosed_block",
                f"`{_short(opener.text)}` is never closed: add `{{% end{keyword} %}}` where the "
                f"{'repeated' if keyword == 'for' else 'conditional' if keyword == 'if' else ''} "
                "part ends".replace("  ", " "),
                label, opener.paragraph, snippet(opener.paragraph, opener.start, opener.end),
                suggestion=f"add {{% end{keyword} %}}")
    paragraph = _paragraph_at(found, exc.lineno)
    if "Encountered unknown tag" in message:
        message = message.split(". Jinja was looking")[0].split(".  Jinja")[0]
    return _at("error", "syntax_error", f"this tag does not parse: {message}", label,
               paragraph, _line_snippet(paragraph),
               suggestion="check the spelling of the tag and that every {% for %} / {% if %} "
                          "has its {% endfor %} / {% endif %}")


def _unclosed_block(tags: list[Tag]) -> Tag | None:
    stack: list[tuple[str, Tag]] = []
    for tag in tags:
        match = STATEMENT_KEYWORD.match(_as_jinja(tag.text))
        if not match:
            continue
        keyword = match.group(1)
        if keyword in BLOCK_KEYWORDS or (keyword == "set" and "=" not in tag.text):
            stack.append((keyword, tag))
        elif keyword.startswith("end") and stack and stack[-1][0] == keyword[3:]:
            stack.pop()
    return stack[-1][1] if stack else None


def _paragraph_at(found: list[Paragraph], lineno: int | None) -> Paragraph | None:
    if not lineno or not found:
        return None
    return found[min(lineno, len(found)) - 1]


def _line_snippet(paragraph: Paragraph | None) -> str | None:
    return snippet(paragraph, 0, 0, width=80) if paragraph else None


def _at(severity: str, code: str, message: str, label: str, paragraph: Paragraph | None,
        excerpt: str | None, suggestion: str | None = None) -> Problem:
    return Problem(severity, code, message, part=label,
                   paragraph=paragraph.number if paragraph else None,
                   where=(paragraph.where or None) if paragraph else None,
                   snippet=excerpt, suggestion=suggestion)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"



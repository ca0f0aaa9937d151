"""Render a docxtpl-style Word template, prepared once and reused for many letters.

docxtpl does four costly things for every letter: unzip and parse the package with python-docx,
clean the XML so that Jinja tags split across Word runs become whole (``patch_xml``), compile the
result with Jinja, and serialize and re-zip the whole package. Only the Jinja render depends on
the letter, so :class:`PreparedTemplate` does the rest once:

- reads the package, parses each templated part (main document, headers, footers, footnotes,
  core properties) with a safe parser and serializes it the way python-docx does;
- runs docxtpl's own ``patch_xml`` on it (so templates behave exactly as docxtpl documents them:
  ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{{r }}``...), guards the AST (see sandbox.py) and
  compiles it once;
- keeps a zip of every member that is not templated, already compressed.

``render(context)`` then renders the compiled templates, applies docxtpl's post-processing
(escaped braces, line breaks/tabs in values), checks that each part is well-formed XML, and
appends the parts to a copy of the prebuilt zip. A PreparedTemplate holds no per-render state:
one instance may render from many threads at once.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaTemplateError
from jinja2 import meta
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from lxml import etree

from .errors import TemplateError
from .sandbox import LetterSandbox, guard_ast, new_budget, render_limited

# --- what a template package may be ------------------------------------------------------------
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
MAX_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                    "officeDocument")
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_TEMPLATED_TYPES = (  # content types whose parts are Jinja templates (as in docxtpl)
    _WML + "header+xml",
    _WML + "footer+xml",
    _WML + "footnotes+xml",
    "application/vnd.openxmlformats-package.core-properties+xml",
)
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# docxtpl's patching and post-processing are pure string functions on an instance that never
# loads a document; one shared instance is only read from.
_DOCXTPL = DocxTemplate(None)
_SPECIAL_IN_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")
_TAG = re.compile(r"<[^>]+>")
_RICH_TEXT_TAG = re.compile(r"\{\{r\s|\{%r\s")
_UNDEFINED_NAME = re.compile(r"'([^']*)' is undefined|has no attribute '([^']*)'")


def _parser() -> etree.XMLParser:
    # As python-docx parses (blank text removed, which patch_xml relies on), and never resolving
    # entities or fetching anything.
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True,
                           huge_tree=False, load_dtd=False)


def _parse_xml(data: bytes | str, part: str) -> etree._Element:
    try:
        root = etree.fromstring(data.encode("utf-8") if isinstance(data, str) else data,
                                parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"not well-formed XML ({exc.msg})", part=part) from None
    if root.getroottree().docinfo.doctype:
        raise TemplateError("a DOCTYPE is not allowed in a Word document part", part=part)
    return root


class _Part:
    """One templated package part: its compiled Jinja template and what error messages need."""

    __slots__ = ("name", "template", "lines", "needs_tree_fix", "variables", "has_body")

    def __init__(self, name: str, xml: str, env: LetterSandbox):
        self.name = name
        if _RICH_TEXT_TAG.search(_TAG.sub("", xml)):
            # {{r x}} inserts x as raw Word runs (docxtpl RichText). Letter variables are plain
            # text, so the tag could only produce text outside a run, which Word rejects.
            raise TemplateError("rich-text tags ({{r ...}}) are not supported: every letter "
                                "variable is plain text; write {{ ... }} instead", part=name)
        patched = _DOCXTPL.patch_xml(xml)
        # One paragraph per line, as docxtpl does, so a line number names a paragraph.
        patched = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
        self.lines = patched.split("\n")
        self.has_body = name.endswith("document.xml") or "<w:body" in xml[:2000]
        # Column loops change a table's column count and repeated pictures duplicate drawing ids:
        # only then is the rendered tree fixed up (docxtpl always does; it costs a parse).
        self.needs_tree_fix = "{%tc" in xml or "<wp:docPr" in xml
        try:
            tree = env.parse(patched)
            self.variables = meta.find_undeclared_variables(tree)
            guard_ast(env, tree)
            self.template = env.from_string(tree)
        except (TemplateSyntaxError, SecurityError) as exc:
            raise self.error(exc, getattr(exc, "lineno", None)) from None

    def error(self, exc: BaseException, lineno: int | None) -> TemplateError:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        # Python's own messages for these can quote a value, which may be patient data; the
        # message is shown to template authors and stored with failed jobs, so say it plainly.
        if isinstance(exc, RecursionError):
            message = "the template calls itself without end (recursion)"
        elif isinstance(exc, LookupError):
            message = "the template looks up a key or position that does not exist"
        elif isinstance(exc, ValueError) and not isinstance(exc, JinjaTemplateError):
            message = f"a value could not be used here ({type(exc).__name__})"
        elif isinstance(exc, UndefinedError):
            # "... has no attribute 'nmae'" names what the author typed; a name that is not in
            # the template came from the data (d[patient.name]) and is not repeated.
            named = _UNDEFINED_NAME.search(message)
            name = named and (named.group(1) or named.group(2))
            if name and name not in "\n".join(self.lines):
                message = "the template looks up a name that is not in the letter data"
        paragraph = snippet = None
        if lineno and 1 <= lineno <= len(self.lines):
            paragraph = lineno - 1 or None
            text = _TAG.sub("", self.lines[lineno - 1]).strip()
            snippet = (text[:77] + "...") if len(text) > 80 else (text or None)
        return TemplateError(message, part=self.name, paragraph=paragraph, snippet=snippet)

    def render(self, context: dict[str, Any], budget: Any) -> bytes:
        chunks: list[str] = []
        try:
            render_limited(self.template, context, chunks, budget)
        except (JinjaTemplateError, RecursionError, TypeError, ValueError, ArithmeticError,
                AttributeError, LookupError) as exc:
            raise self.error(exc, _template_lineno(exc)) from None
        xml = "".join(chunks).replace("\n<w:p", "<w:p")
        xml = (xml.replace("{_{", "{{").replace("}_}", "}}")
               .replace("{_%", "{%").replace("%_}", "%}"))
        if _SPECIAL_IN_TEXT.search(xml):  # a value held a line break, tab, ... (docxtpl Listing)
            xml = _DOCXTPL.resolve_listing(xml)
        try:
            root = etree.fromstring(xml.encode("utf-8"), parser=_parser())
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                "the rendered part is not valid XML (a tag is probably placed inside a Word "
                f"field or attribute, or a {{%p/tr/tc %}} block is unbalanced): {exc.msg}",
                part=self.name) from None
        if self.needs_tree_fix:
            root = self._fix_tree(root)
            return _XML_DECLARATION.encode() + etree.tostring(root, encoding="utf-8")
        return (_XML_DECLARATION + xml).encode("utf-8") if not xml.startswith("<?xml") else (
            xml.encode("utf-8"))

    def _fix_tree(self, root: etree._Element) -> etree._Element:
        if self.has_body:
            body = root.find("{%s}body" % root.nsmap["w"])
            if body is not None:
                fixed = _DOCXTPL.fix_tables(etree.tostring(body, encoding="unicode"))
                root.replace(body, fixed)
        for number, doc_pr in enumerate(root.iter("{*}docPr"), start=1001):
            doc_pr.set("id", str(number))
        return root


def _template_lineno(exc: BaseException) -> int | None:
    """The template line where a render error happened (Jinja rewrites tracebacks so that
    template frames carry template line numbers)."""
    lineno = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


class PreparedTemplate:
    """A Word letter template, prepared once; :meth:`render` is cheap and thread-safe."""

    def __init__(self, static_zip: bytes, parts: list[_Part], name: str | None = None):
        self._static_zip = static_zip
        self._parts = parts
        self.name = name

    @classmethod
    def from_bytes(cls, data: bytes, name: str | None = None) -> "PreparedTemplate":
        """Check and prepare a .docx template. Raises :class:`TemplateError`."""
        if len(data) > MAX_TEMPLATE_BYTES:
            raise TemplateError(f"the template is larger than {MAX_TEMPLATE_BYTES // 2**20} MB")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise TemplateError("not a Word document (.docx is a zip package)") from None
        if len(infos) > MAX_MEMBERS:
            raise TemplateError(f"the package has more than {MAX_MEMBERS} parts")
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise TemplateError(
                f"the package unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
        names = {i.filename for i in infos}
        for required in ("[Content_Types].xml", "_rels/.rels"):
            if required not in names:
                raise TemplateError(f"not a Word document: the part {required} is missing")
        try:
            main = _main_part(archive)
            templated = [main] + sorted(
                n for n in _parts_of_types(archive, _TEMPLATED_TYPES) if n in names)
            if main not in names:
                raise TemplateError(f"not a Word document: the part {main} is missing")
            env = _environment()
            parts = []
            for member in templated:
                root = _parse_xml(archive.read(member), member)
                xml = etree.tostring(root, encoding="unicode")
                if member != main and "{{" not in xml and "{%" not in xml:
                    continue  # nothing to render: copied as it is
                parts.append(_Part(member, xml, env))
            static = io.BytesIO()
            rendered = {p.name for p in parts}
            with zipfile.ZipFile(static, "w", zipfile.ZIP_DEFLATED) as out:
                for info in infos:
                    if info.filename not in rendered:
                        out.writestr(info, archive.read(info.filename))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, RuntimeError,
                NotImplementedError, EOFError) as exc:
            raise TemplateError(f"the package cannot be read: {exc}") from None
        return cls(static.getvalue(), parts, name)

    @property
    def variables(self) -> set[str]:
        """Top-level context names the template uses (``patient``, ``requirements``...)."""
        names: set[str] = set()
        for part in self._parts:
            names |= part.variables
        return names - set(_environment().globals)

    def render(self, context: dict[str, Any], *, seconds: float | None = None) -> bytes:
        """The .docx bytes for one letter, stopped after ``seconds`` (at most the sandbox's
        own limit). Raises :class:`TemplateError`."""
        budget = new_budget(seconds)
        rendered = [(part.name, part.render(context, budget)) for part in self._parts]
        buffer = io.BytesIO(self._static_zip)
        buffer.seek(0, io.SEEK_END)
        # Level 1: the rendered XML compresses nearly as well and several times faster.
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name, xml in rendered:
                out.writestr(name, xml)
        return buffer.getvalue()


_ENV: LetterSandbox | None = None


def _environment() -> LetterSandbox:
    # One sandbox for all templates: compiled templates keep a reference to it, and it holds no
    # per-render state (budgets live in a context variable).
    global _ENV
    if _ENV is None:
        _ENV = LetterSandbox()
    return _ENV


def _main_part(archive: zipfile.ZipFile) -> str:
    rels = _parse_xml(archive.read("_rels/.rels"), "_rels/.rels")
    for rel in rels.iter(_REL_NS + "Relationship"):
        if rel.get("Type") == _OFFICE_DOCUMENT:
            return rel.get("Target", "").lstrip("/")
    raise TemplateError("not a Word document: no main document part", part="_rels/.rels")


def _parts_of_types(archive: zipfile.ZipFile, types: tuple[str, ...]) -> list[str]:
    ct = _parse_xml(archive.read("[Content_Types].xml"), "[Content_Types].xml")
    return [o.get("PartName", "").lstrip("/") for o in ct.iter(_CT_NS + "Override")
            if o.get("ContentType") in types]

"""What a parsed template uses: the letter variables it reads, and constructs it may not use.

The template's Jinja syntax tree is walked with the loop variables resolved, so
`{% for r in requirements %}{{ r.text }}` reads `requirements[].text`, the same names the letter
context schema documents. Anything reaching for Python internals (`__class__`, `cycler`, `self`,
`config`…), other files (`include`, `import`), or huge work (`**`, `range(10**9)`, `'x' * 10**10`)
is reported as forbidden; the sandbox refuses these at render time too, this says so at upload with
a clear reason. Pure code.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

from jinja2 import nodes

from ..letters.sandbox import ALLOWED_STR_METHODS

# Jinja globals a letter may call (the renderer's environment may widen this; see analyse()).
ALLOWED_GLOBALS = frozenset({"range", "dict", "namespace"})
# Names a server-side template injection reaches for; never letter variables.
INTERNAL_NAMES = {
    "self", "config", "request", "session", "g", "url_for", "get_flashed_messages", "lipsum",
    "os", "sys", "builtins", "__builtins__", "globals", "environ", "import",
    "eval", "exec", "open", "getattr", "application", "current_app",
}
# Attributes that lead out of the data into the interpreter (besides anything starting with "_").
INTERNAL_ATTRIBUTES = {
    "mro", "format", "format_map", "func_globals", "func_code", "gi_frame", "gi_code", "cr_frame",
    "cr_code", "ag_frame", "ag_code", "f_globals", "f_locals", "f_back", "f_builtins", "tb_frame",
    "tb_next", "im_func", "im_self", "popen", "system", "subclasses", "globals", "builtins",
    "modules", "environ", "load_module", "get_data",
}
# Methods of a text value a template may call (`patient.name.upper()`): the renderer's own
# allow-list (every letter value is text, a number, a flag or a list).
VALUE_METHODS = ALLOWED_STR_METHODS
VALUE_ATTRIBUTES: set[str] = set()  # none: letter values have no data attributes
FORBIDDEN_STATEMENTS = {
    nodes.Include: "`{% include %}` (templates cannot read other files)",
    nodes.Import: "`{% import %}` (templates cannot read other files)",
    nodes.FromImport: "`{% from … import %}` (templates cannot read other files)",
    nodes.Extends: "`{% extends %}` (templates cannot read other files)",
    nodes.Macro: "`{% macro %}` (not supported in letter templates; repeat the text or use a loop)",
    nodes.CallBlock: "`{% call %}` (not supported in letter templates)",
    nodes.Block: "`{% block %}` (not supported in letter templates)",
}
DUNDER = re.compile(r"__[A-Za-z]\w*__")  # "__class__"; a "_____" fill-in line is fine
MAX_LITERAL_COUNT = 10_000
MAX_SUGGESTIONS = 200  # largest literal in range(…) or text * n accepted at upload


@dataclass
class VariableUse:
    typed: str  # as written: "r.txt"
    path: str  # as resolved: "requirements[].txt"
    lineno: int
    known: bool
    suggestion: str | None = None  # as the author would write it: "r.text"


@dataclass
class Forbidden:
    lineno: int
    code: str
    message: str
    attribute: str | None = None  # for forbidden_attribute: the name, so reports can group them


class KnownVariables:
    """The letter context's variable names, as the schema lists them."""

    def __init__(self, names: Iterable[str]):
        self.names = set(names)
        self.prefixes: set[str] = set()
        for name in self.names:
            for i, ch in enumerate(name):
                if ch == "." or name.startswith("[]", i):
                    self.prefixes.add(name[:i])
        self.prefixes.discard("")
        self.roots = {name.split(".")[0].split("[")[0] for name in self.names}
        self._all = sorted(self.names | self.prefixes)
        self._suggestions: dict[str, str | None] = {}

    def is_known(self, path: str) -> bool:
        return path in self.names or path in self.prefixes

    def leaf_prefix(self, path: str) -> str | None:
        """The longest documented value `path` starts with (`patient.name` of
        `patient.name.upper`)."""
        best = None
        dot = path.find(".")
        while dot != -1:
            if path[:dot] in self.names:
                best = path[:dot]
            dot = path.find(".", dot + 1)
        return best

    def nearest(self, path: str) -> str | None:
        """The schema name closest to a misspelt `path` (cached; after MAX_SUGGESTIONS distinct
        misspellings, none: a template made of thousands of unknown names gets no free CPU)."""
        if path not in self._suggestions:
            if len(self._suggestions) >= MAX_SUGGESTIONS:
                return None
            self._suggestions[path] = self._nearest(path)
        return self._suggestions[path]

    def _nearest(self, path: str) -> str | None:
        # Compare within the same scope first (siblings), then anywhere.
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        siblings = [n for n in self._all if n.rsplit(".", 1)[0] == parent] if parent else []
        for pool in (siblings, self._all):
            match = difflib.get_close_matches(path, pool, n=1, cutoff=0.6)
            if match:
                return match[0]
        return None


LOOP = "\0loop"  # scope marker for Jinja's `loop` object
LOCAL = "\0local"  # a name the template set itself ({% set %}, a tuple loop target)


class _Walker:
    def __init__(self, known: KnownVariables, allowed_globals: frozenset[str]):
        self.known = known
        self.allowed_globals = allowed_globals
        self.uses: list[VariableUse] = []
        self.forbidden: list[Forbidden] = []

    # -- statements ------------------------------------------------------------------------

    def template(self, ast: nodes.Template) -> None:
        self.body(ast.body, {})

    def body(self, statements: list[nodes.Node], scope: dict[str, str]) -> None:
        for node in statements:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict[str, str]) -> None:
        for kind, what in FORBIDDEN_STATEMENTS.items():
            if isinstance(node, kind):
                self.forbid(node, "forbidden_statement", f"{what} is not allowed")
                return
        if isinstance(node, nodes.For):
            self.expr(node.iter, scope)
            inner = dict(scope)
            self.bind(node.target, self.path_of(node.iter, scope), inner, element=True)
            inner["loop"] = LOOP
            if node.test is not None:
                self.expr(node.test, inner)
            self.body(node.body, inner)
            self.body(node.else_, scope)
            return
        if isinstance(node, nodes.Assign):
            self.expr(node.node, scope)
            self.bind(node.target, self.path_of(node.node, scope), scope)
            return
        if isinstance(node, nodes.AssignBlock):
            self.body(node.body, dict(scope))
            self.bind(node.target, None, scope)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.expr(value, scope)
                self.bind(target, self.path_of(value, scope), inner)
            self.body(node.body, inner)
            return
        if isinstance(node, nodes.If):
            self.expr(node.test, scope)
            self.body(node.body, scope)
            for elif_ in node.elif_:
                self.statement(elif_, scope)
            self.body(node.else_, scope)
            return
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scope)
            return
        if isinstance(node, nodes.FilterBlock):
            self.expr(node.filter, scope)
            self.body(node.body, scope)
            return
        # Anything else (ExprStmt, ScopedEvalContextModifier…): look at every expression in it.
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expr(child, scope)
            else:
                self.statement(child, scope)

    def bind(self, target: nodes.Node, path: str | None, scope: dict[str, str],
             element: bool = False) -> None:
        if isinstance(target, nodes.Name):
            if path is not None and element:
                path = path + "[]"
            scope[target.name] = path if path is not None else LOCAL
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, None, scope)
        elif isinstance(target, nodes.NSRef):
            pass

    # -- expressions -----------------------------------------------------------------------

    def expr(self, node: nodes.Node, scope: dict[str, str], called: bool = False) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self.chain(node, scope, called)
            return
        if isinstance(node, nodes.Const):
            self.const(node)
            return
        if isinstance(node, nodes.Pow):
            self.forbid(node, "forbidden_operator",
                        "the `**` (power) operator is not allowed in letter templates; it can "
                        "make numbers too large to print")
        if isinstance(node, nodes.Mul):
            self.check_count(node, (node.left, node.right), "repeating text")
        if isinstance(node, nodes.Call):
            if isinstance(node.node, nodes.Name) and node.node.name == "range":
                self.check_count(node, node.args, "range(…)")
            self.expr(node.node, scope, called=True)
            for child in node.args + [kw.value for kw in node.kwargs]:
                self.expr(child, scope)
            for child in (node.dyn_args, node.dyn_kwargs):
                if child is not None:
                    self.expr(child, scope)
            return
        if isinstance(node, nodes.Filter) and node.name == "attr" and node.args and \
                isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str):
            self.check_attribute(node, node.args[0].value)
        for child in node.iter_child_nodes():
            self.expr(child, scope)

    def chain(self, node: nodes.Node, scope: dict[str, str], called: bool) -> None:
        """A variable read: `patient.name`, `r.evidence[0].quote`, `requirements|length`…"""
        parts: list[str] = []
        typed: list[str] = []
        current = node
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            if isinstance(current, nodes.Getattr):
                self.check_attribute(current, current.attr)
                parts.append("." + current.attr)
                typed.append("." + current.attr)
            else:
                argument = current.arg
                if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
                    self.check_attribute(current, argument.value)
                    parts.append("." + argument.value)
                    typed.append(f"[{argument.value!r}]")
                else:
                    if not isinstance(argument, nodes.Const):
                        self.expr(argument, scope)
                    parts.append("[]")
                    typed.append("[…]" if not isinstance(argument, nodes.Const)
                                 else f"[{argument.value!r}]")
            current = current.node
        parts.reverse()
        typed.reverse()
        if not isinstance(current, nodes.Name):
            self.expr(current, scope)  # `(x|first).name`: check what it is built from
            return
        name = current.name
        bound = scope.get(name)
        if bound in (LOOP, LOCAL):
            return
        if bound is None and name in self.allowed_globals and not parts:
            return
        if bound is None and name in INTERNAL_NAMES and name not in self.known.roots:
            self.forbid(current, "forbidden_name",
                        f"`{name}` is not a letter variable; templates can only use the letter's "
                        "own variables, and names that reach the server's internals are refused")
            return
        root = bound if bound is not None else name
        path = root + "".join(parts)
        text = name + "".join(typed)
        use = VariableUse(typed=text, path=path, lineno=node.lineno, known=True)
        if not self.known.is_known(path):
            leaf = self.known.leaf_prefix(path)
            method = path[len(leaf) + 1:] if leaf else None
            if not (method in VALUE_METHODS and (called or method in VALUE_ATTRIBUTES)):
                use.known = False
                suggestion = self.known.nearest(path)
                if suggestion and bound is not None and suggestion.startswith(bound):
                    suggestion = name + suggestion[len(bound):]
                use.suggestion = suggestion
        self.uses.append(use)

    def path_of(self, node: nodes.Node, scope: dict[str, str]) -> str | None:
        """The schema path an expression stands for, if it is a plain variable read."""
        parts: list[str] = []
        while isinstance(node, (nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Getattr):
                parts.append("." + node.attr)
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                parts.append("." + node.arg.value)
            else:
                parts.append("[]")
            node = node.node
        if isinstance(node, nodes.Filter) and node.node is not None and node.name in (
            "sort", "reverse", "unique", "list", "select", "reject", "selectattr", "rejectattr",
            "batch", "slice",
        ):
            # `{% for r in requirements|selectattr(...) %}` still loops over requirements.
            inner = self.path_of(node.node, scope)
            return inner + "".join(reversed(parts)) if inner and not parts else None
        if not isinstance(node, nodes.Name):
            return None
        bound = scope.get(node.name)
        if bound in (LOOP, LOCAL):
            return None
        return (bound if bound is not None else node.name) + "".join(reversed(parts))

    def check_attribute(self, node: nodes.Node, attribute: str) -> None:
        if attribute.startswith("_") or attribute in INTERNAL_ATTRIBUTES:
            self.forbid(node, "forbidden_attribute", attribute_message([attribute]), attribute)

    def const(self, node: nodes.Const) -> None:
        value = node.value
        if isinstance(value, str) and DUNDER.search(value):
            self.forbid(node, "forbidden_attribute",
                        f"the text {value!r} names Python internals (`__…`); it is refused")

    def check_count(self, node: nodes.Node, operands, what: str) -> None:
        for operand in operands:
            if isinstance(operand, nodes.Const) and isinstance(operand.value, int) and \
                    not isinstance(operand.value, bool) and abs(operand.value) > MAX_LITERAL_COUNT:
                self.forbid(node, "too_much_work",
                            f"{what} with {operand.value:,} is far more than a letter needs "
                            f"(at most {MAX_LITERAL_COUNT:,})")

    def forbid(self, node: nodes.Node, code: str, message: str,
               attribute: str | None = None) -> None:
        self.forbidden.append(Forbidden(getattr(node, "lineno", 1) or 1, code, message, attribute))


def attribute_message(attributes: list[str]) -> str:
    names = ", ".join(f"`{a}`" for a in attributes)
    verb = "is an internal attribute" if len(attributes) == 1 else "are internal attributes"
    return (f"{names} {verb} of Python objects; a letter template may only read the letter's "
            "variables, so this is refused (it could never run on our server)")


def analyse(ast: nodes.Template, known: KnownVariables,
            allowed_globals: Iterable[str] = ALLOWED_GLOBALS,
            ) -> tuple[list[VariableUse], list[Forbidden]]:
    """The variables `ast` reads and the forbidden constructs it holds. ``allowed_globals`` are
    the functions the renderer's environment offers (range, dict, namespace, cycler…)."""
    walker = _Walker(known, frozenset(allowed_globals) - INTERNAL_NAMES)
    walker.template(ast)
    return walker.uses, walker.forbidden

"""The Jinja sandbox every letter template runs in, built-in or uploaded.

Templates may come from users, so a template is treated as hostile code:

- ``ImmutableSandboxedEnvironment``: no access to ``_private`` or interpreter internals, no
  mutation of lists/dicts/sets (the shared letter context cannot be changed mid-render);
- autoescape on (``&`` and ``<`` in a patient's text would otherwise corrupt the XML, or inject
  Word markup), and no ``safe`` filter to switch it off;
- ``StrictUndefined``: a misspelt variable is an error, never a silent blank in a letter;
- no ``include``/``import``/``extends`` (there is no loader, and the checker refuses them);
- limits on work and size, all constants below: ``range()`` length, loop iterations per render,
  length of any string or list an operator, filter or method builds, total output, wall time.

Rendering must go through :func:`render_limited`, which installs the per-render budget.
"""

from __future__ import annotations

import contextvars
import functools
import re
import time
from typing import Any, Callable, Iterable, Iterator

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_eval_context
from jinja2.visitor import NodeTransformer

# --- limits (the template-library checks and tests use these names) ---------------------------
MAX_RANGE = 10_000  # items one range() call may produce
MAX_LOOP_ITERATIONS = 200_000  # for-loop iterations in one render, all loops together
MAX_VALUE_LENGTH = 2_000_000  # characters/items of any string or list built inside a template
MAX_OUTPUT_CHARS = 20_000_000  # characters one render may write (all parts together)
MAX_RENDER_SECONDS = 10.0  # wall time of one render
MAX_FILTER_NUMBER = 10_000  # largest width/count argument to center, indent, wordwrap, ...
MAX_FORMAT_WIDTH = 1_000  # largest width/precision in a %-format string
MAX_EXPONENT = 128  # largest integer exponent for **

# Filters a letter template may use. Everything else (``safe``, ``random``, ``pprint``...) is
# unknown, which Jinja reports at compile time.
ALLOWED_FILTERS = frozenset({
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e",
    "escape", "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent",
    "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject",
    "rejectattr", "replace", "reverse", "round", "select", "selectattr", "slice", "sort",
    "string", "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper",
    "urlencode", "wordcount", "wordwrap", "xmlattr",
})
_SIZED_FILTERS = frozenset({"batch", "center", "indent", "slice", "truncate", "wordwrap",
                            "tojson"})
MAX_JSON_INDENT = 8
# str methods a template may call. The others (center, ljust, zfill, expandtabs, format,
# translate, encode...) allocate by a number, a table or a format spec the template chooses.
ALLOWED_STR_METHODS = frozenset({
    "upper", "lower", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip",
    "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "replace", "join",
    "count", "find", "rfind", "index", "rindex", "partition", "rpartition", "removeprefix",
    "removesuffix", "isalpha", "isdigit", "isalnum", "isspace", "isupper", "islower",
    "istitle", "isnumeric", "isdecimal",
})
# XML 1.0 cannot carry these characters; a stray one in pasted text must not break the document.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")

LOOP_GUARD = "__letters_loop_guard"
CONCAT_GUARD = "__letters_concat_guard"


class _Budget:
    __slots__ = ("deadline", "iterations", "output", "seconds")

    def __init__(self, seconds: float | None = None) -> None:
        # A caller may stop a render sooner (the app's render budget), never later.
        self.seconds = min(seconds, MAX_RENDER_SECONDS) if seconds else MAX_RENDER_SECONDS
        self.deadline = time.monotonic() + self.seconds
        self.iterations = 0
        self.output = 0

    def tick(self, n: int = 1) -> None:
        self.iterations += n
        if self.iterations > MAX_LOOP_ITERATIONS:
            raise SecurityError(
                f"the template loops more than {MAX_LOOP_ITERATIONS:,} times (limit)")
        if self.iterations % 1024 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise SecurityError(f"rendering took longer than {self.seconds:g} s (limit)")


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "letters_budget", default=None)


def _tick() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.tick()


def check_size(value: Any, what: str = "a value") -> Any:
    """Raise SecurityError when ``value`` is a string or sequence longer than the limit."""
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)) and (
        len(value) > MAX_VALUE_LENGTH
    ):
        raise SecurityError(f"{what} would be longer than {MAX_VALUE_LENGTH:,} (limit)")
    return value


def _check_percent_format(fmt: str) -> None:
    for match in _PERCENT_SPEC.finditer(fmt):
        for number in match.groups():
            if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                raise SecurityError(
                    f"format width/precision above {MAX_FORMAT_WIDTH} is not allowed")


def _check_replace(text: str, old: Any, new: Any, count: Any = -1) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        hits = len(text) + 1 if old == "" else text.count(old)
        if isinstance(count, int) and count >= 0:
            hits = min(hits, count)
        if len(text) + hits * len(new) > MAX_VALUE_LENGTH:
            raise SecurityError(f"replace() would build more than {MAX_VALUE_LENGTH:,} characters")


def _check_join(items: Any) -> None:
    if isinstance(items, (list, tuple)):
        total = 0
        for item in items:
            total += len(item) if isinstance(item, str) else len(str(item))
            if total > MAX_VALUE_LENGTH:
                break
        if total > MAX_VALUE_LENGTH:
            raise SecurityError(f"join() would build more than {MAX_VALUE_LENGTH:,} characters")


def safe_range(*args: int) -> range:
    """``range`` for templates: at most MAX_RANGE items."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range() may produce at most {MAX_RANGE:,} items")
    return rng


def _loop_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every template for-loop iterates through this (inserted by :func:`guard_ast`)."""
    for item in iterable:
        _tick()
        yield item


@pass_eval_context
def _concat_guard(eval_ctx: Any, *parts: Any) -> Any:
    """The ``~`` operator with a size check (inserted by :func:`guard_ast`)."""
    joined = markup_join(parts) if eval_ctx.autoescape else str_join(parts)
    return check_size(joined, "a ~ concatenation")


def _finalize(value: Any) -> Any:
    """Applied to every ``{{ }}`` output: None prints nothing, XML-invalid characters go."""
    if value is None:
        return ""
    if isinstance(value, str) and _XML_INVALID.search(value):
        cleaned = _XML_INVALID.sub("", value)
        return type(value)(cleaned) if hasattr(value, "__html__") else cleaned
    return value


def _limit_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    sized = name in _SIZED_FILTERS

    @functools.wraps(func)  # keeps jinja_pass_arg (pass_environment / pass_eval_context)
    def limited(*args: Any, **kwargs: Any) -> Any:
        if sized:
            for arg in list(args[1:]) + list(kwargs.values()):
                if isinstance(arg, int) and not isinstance(arg, bool) and (
                    abs(arg) > MAX_FILTER_NUMBER
                ):
                    raise SecurityError(
                        f"the {name} filter takes numbers up to {MAX_FILTER_NUMBER:,}")
        plain = [a for a in args if not hasattr(a, "autoescape")]  # drop the eval context
        if name == "indent" and plain and isinstance(plain[0], str):
            width = plain[1] if len(plain) > 1 else kwargs.get("width", 4)
            width = len(width) if isinstance(width, str) else width
            if isinstance(width, int) and (plain[0].count("\n") + 1) * width > MAX_VALUE_LENGTH:
                raise SecurityError(
                    f"indent() would build more than {MAX_VALUE_LENGTH:,} characters")
        elif name == "tojson":
            indent = plain[1] if len(plain) > 1 else kwargs.get("indent")
            if isinstance(indent, int) and indent > MAX_JSON_INDENT:
                raise SecurityError(f"tojson indent is at most {MAX_JSON_INDENT}")
        elif name == "format" and plain and isinstance(plain[0], str):
            _check_percent_format(plain[0])
        elif name == "replace" and len(plain) >= 3:
            _check_replace(*plain[:4])
        elif name == "join" and plain:
            items = plain[0]
            _check_join(list(items) if not isinstance(items, (str, dict)) else [])
        return check_size(func(*args, **kwargs), f"the {name} filter's result")

    return limited


class LetterSandbox(ImmutableSandboxedEnvironment):
    """The environment for letter templates. See the module docstring for what it refuses."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, finalize=_finalize,
                         auto_reload=False, cache_size=0)
        self.filters = {name: _limit_filter(name, func)
                        for name, func in self.filters.items() if name in ALLOWED_FILTERS}
        self.globals = {
            "range": safe_range,
            "dict": dict,
            "cycler": self.globals["cycler"],
            "joiner": self.globals["joiner"],
            "namespace": self.globals["namespace"],
            LOOP_GUARD: _loop_guard,
            CONCAT_GUARD: _concat_guard,
        }

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr not in ALLOWED_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        # str.format is refused outright (is_safe_attribute): a width in a format spec allocates
        # before any check could run. Templates use the ``format`` filter (%-style, checked).
        return None

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    if len(seq) * n > MAX_VALUE_LENGTH:
                        raise SecurityError(
                            f"* would build more than {MAX_VALUE_LENGTH:,} items (limit)")
        elif operator == "**":
            if isinstance(right, int) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exponents above {MAX_EXPONENT} are not allowed")
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        try:
            result = self.binop_table[operator](left, right)
        except OverflowError:
            raise SecurityError(f"the {operator} operation overflowed") from None
        return check_size(result, f"the result of {operator}")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        name = getattr(__obj, "__name__", "")
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            if name == "replace" and len(args) >= 2:
                _check_replace(owner, *args[:3])
            elif name == "join" and args:
                items = args[0]
                _check_join(list(items) if not isinstance(items, (str, dict)) else [])
        result = super().call(__context, __obj, *args, **kwargs)
        return check_size(result, f"the result of {name or 'a call'}()")


class _Guard(NodeTransformer):
    def __init__(self, env: LetterSandbox):
        self.env = env

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        node.iter = _guard_call(self.env, LOOP_GUARD, [node.iter], node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        return _guard_call(self.env, CONCAT_GUARD, list(node.nodes), node.lineno)


def guard_ast(env: LetterSandbox, tree: nodes.Template) -> nodes.Template:
    """Route every for-loop and ``~`` through the budgeted guards, and refuse template
    inclusion (a letter template is one self-contained document)."""
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        kind = type(node).__name__.lower()
        raise SecurityError(f"{kind} is not allowed in a letter template (line {node.lineno})")
    return _Guard(env).visit(tree)


def _guard_call(env: LetterSandbox, name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    call = nodes.Call(nodes.Name(name, "load"), args, [], None, None)
    call.set_lineno(lineno)
    call.set_environment(env)
    return call


def render_limited(template: Any, context: dict[str, Any], parts: list[str],
                   budget: _Budget | None = None) -> int:
    """Render ``template`` into the list ``parts`` under the budget; return characters written.

    One budget spans all the parts of one document (pass the same object for each)."""
    budget = budget or _Budget()
    token = _budget.set(budget)
    try:
        for chunk in template.generate(context):
            budget.output += len(chunk)
            if budget.output > MAX_OUTPUT_CHARS:
                raise SecurityError(f"the letter would be longer than {MAX_OUTPUT_CHARS:,} "
                                    "characters (limit)")
            parts.append(chunk)
        budget.check_time()
    finally:
        _budget.reset(token)
    return budget.output


new_budget = _Budget

"""Parse a pasted constructor call into a small tree, safely: `ast` only, never `eval`.

Allowed, and nothing else:

- a call to a (possibly dotted) name, alone or assigned as pasted from training code
  (``self.scheduler = StepLR(optimizer, step_size=10),``: the target and a trailing comma are
  ignored);
- literals: numbers, strings, ``True``/``False``/``None``, and lists, tuples and dicts (also
  ``dict(key=value)``) of allowed values;
- calls nested as arguments (``SequentialLR(optimizer, schedulers=[LinearLR(...), ...])``);
- a name or attribute chain (``optimizer``, ``self.optimizer``): a value given with ``--let``
  (``EPOCHS``, ``args.epochs``), a framework's constant (``SchedulerType.COSINE``), or else
  unbound, which only the optimizer may be (the dispatcher lists every other one);
- arithmetic on numbers and bound names (``3 * 1000``, ``math.ceil(0.1 * EPOCHS)``,
  `lrsched_cli.frameworks.arithmetic`), computed as the call is read;
- ``lambda epoch: <arithmetic>`` (for LambdaLR, MultiplicativeLR and CyclicLR's ``scale_fn``),
  checked here and computed each time it is called.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from typing import TypeAlias

from lrsched_cli.errors import DialectError, LrschedError
from lrsched_cli.frameworks import arithmetic
from lrsched_cli.records import Record

ALLOWED = (
    "a scheduler call like StepLR(optimizer, step_size=10) (or `scheduler = ...`), whose "
    "arguments are numbers, strings, True/False/None, lists, tuples, dicts, nested scheduler "
    "calls, the optimizer's name, names given with --let NAME=VALUE, arithmetic on them "
    "(3 * 1000, math.ceil(0.1 * EPOCHS)), or `lambda epoch: <arithmetic on epoch>`"
)
MAX_INTEGER = 2**63 - 1
"""The largest integer an expression may hold (and -MAX_INTEGER the smallest): a 64-bit step
counter's range, past which no framework counts and lrsched cannot show rows."""


class Name(Record):
    """A name no ``--let`` gave a value: the optimizer the scheduler is attached to (its value is
    never needed), or, anywhere else, an unbound name the dispatcher reports."""

    id: str

    def __str__(self) -> str:
        return self.id


class Unbound(Record):
    """Arithmetic or a lambda reading names no ``--let`` gave: the dispatcher reports them all."""

    names: tuple[str, ...]
    source: str

    def __str__(self) -> str:
        return self.source


class Lambda(Record):
    """``lambda <parameter>: <body>``, with a body already checked against the whitelist and the
    ``--let`` values it reads."""

    parameter: str
    body: ast.expr
    source: str
    env: tuple[tuple[str, object], ...] = ()

    def __call__(self, x: float) -> float:
        try:
            return arithmetic.evaluate(self.body, {**dict(self.env), self.parameter: x})
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            raise DialectError(
                "lr_lambda", f"`{self.source}` failed at {self.parameter}={x!r}: {arithmetic.reason(exc)}"
            ) from None

    def __str__(self) -> str:
        return self.source


class ComputedInt(int):
    """An integer computed from what the user wrote (``3 * 1000``), which messages quote."""

    source: str


class ComputedFloat(float):
    """A float computed from what the user wrote (``0.1 * 3``), which messages quote rather than
    its float noise (0.30000000000000004)."""

    source: str


def computed(value: object, source: str) -> object:
    """``value``, remembering ``source`` if it is a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    number = ComputedInt(value) if isinstance(value, int) else ComputedFloat(value)
    number.source = source
    return number


class Call(Record):
    """``name(*args, **kwargs)`` with ``name`` dotted as written; equal only to itself."""

    name: str
    args: tuple[Value, ...]
    kwargs: Mapping[str, Value]
    source: str

    __eq__ = object.__eq__
    __hash__ = object.__hash__


Value: TypeAlias = (
    int
    | float
    | str
    | bool
    | Name
    | Unbound
    | Lambda
    | Call
    | list["Value"]
    | tuple["Value", ...]
    | dict["Value", "Value"]
    | None
)


def parse(
    expression: str, names: Mapping[str, Value] | None = None, constants: Mapping[str, Value] | None = None
) -> Call:
    """The call ``expression`` spells, or `DialectError` saying what is allowed.

    ``names`` are the ``--let`` values, by the dotted name as written; ``constants`` the
    frameworks' (``SchedulerType.COSINE``), matched by their trailing parts too.
    """
    text = expression.strip()
    try:
        return _Reader(Source(text), names or {}, constants or {}).statement(ast.parse(text))
    except SyntaxError as exc:
        reason = exc.msg
        if "integer string conversion" in reason:
            reason = "an integer literal longer than 4300 digits"
        raise DialectError(
            None, f"not a Python expression ({reason}): {_shown(expression)}; expected {ALLOWED}"
        ) from None
    except ValueError as exc:  # a null byte
        if isinstance(exc, LrschedError):
            raise
        raise DialectError(None, f"not a Python expression ({exc}); expected {ALLOWED}") from None
    except (RecursionError, MemoryError):
        raise DialectError(
            None, f"the expression is nested too deeply to parse: {_shown(expression)}; expected {ALLOWED}"
        ) from None


DOTTED = r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*"
"""A name ``--let`` gives (compiled when one is given: a pattern costs each start 0.2 ms)."""


def bindings(items: Sequence[str]) -> dict[str, Value]:
    """The values ``--let NAME=VALUE`` gives, each VALUE a literal or arithmetic on earlier ones;
    `LrschedError` on ``let`` for a malformed one."""
    bound: dict[str, Value] = {}
    for item in items:
        name, equals, written = (part.strip() for part in item.partition("="))
        if not equals or not re.fullmatch(DOTTED, name):
            raise LrschedError(
                "let", f"expected NAME=VALUE with NAME like EPOCHS or args.epochs, got {item!r}"
            )
        try:
            tree = ast.parse(written, mode="eval")
            value = _Reader(Source(written), bound, {}).value(tree.body)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            reason = exc.message if isinstance(exc, LrschedError) else "not a Python value"
            raise LrschedError("let", f"{name}: {reason}, got {written!r}") from None
        if isinstance(value, Name):
            raise LrschedError(
                "let", f"{name}: `{value}` has no value; a string needs quotes: {name}='{value}'"
            )
        if isinstance(value, (Unbound, Call, Lambda)):
            raise LrschedError("let", f"{name}: expected a number or a string, got {written!r}")
        bound[name] = value
    return bound


class Source:
    """The text a tree was parsed from, to quote what the user wrote for any node of it.

    ``ast.get_source_segment`` splits the whole text into lines on every call, so quoting each
    call of a 2,000-scheduler ChainedScheduler took seconds; this splits and encodes it once.
    """

    def __init__(self, text: str) -> None:
        # the lines as Python's tokenizer counts them (\n, \r\n, \r), in UTF-8: ast's columns
        # are byte offsets
        self._lines: list[bytes] = [line.encode() for line in lines(text)]

    def segment(self, node: ast.AST) -> str:
        """What the user wrote for ``node`` (its unparsed form if ast gave no position)."""
        first: int | None = getattr(node, "lineno", None)
        last: int | None = getattr(node, "end_lineno", None)
        start: int | None = getattr(node, "col_offset", None)
        end: int | None = getattr(node, "end_col_offset", None)
        if first is None or last is None or start is None or end is None:
            return ast.unparse(node)
        if first == last:
            return self._lines[first - 1][start:end].decode()
        parts = [self._lines[first - 1][start:], *self._lines[first : last - 1], self._lines[last - 1][:end]]
        return b"".join(parts).decode()


LINES = r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$"
"""Python's tokenizer's lines: each ends at \n, \r\n or \r, the last one perhaps at the end."""

OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
"""Where ``str.splitlines`` also ends a line and the tokenizer does not."""


def lines(text: str) -> list[str]:
    """The text's lines as the tokenizer counts them, each with its line ending: what
    ``splitlines`` gives for a text without `OTHER_BREAKS`, else `LINES` (compiled only then)."""
    if any(mark in text for mark in OTHER_BREAKS):
        return re.findall(LINES, text)
    return text.splitlines(keepends=True)


def _shown(expression: str, limit: int = 200) -> str:
    """The expression as an error message echoes it: repr, cut short when long."""
    if len(expression) <= limit:
        return repr(expression)
    return f"{expression[:limit]!r}... ({len(expression)} characters)"


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


class _Reader:
    """Turns the tree of one text into `Value`s, with the names it may read."""

    def __init__(self, source: Source, names: Mapping[str, Value], constants: Mapping[str, Value]) -> None:
        self.source = source
        self.names = names
        self.constants = constants

    def statement(self, module: ast.Module) -> Call:
        """The call a pasted line makes: alone, or assigned (``self.scheduler = ...``)."""
        if len(module.body) != 1:
            what = "nothing" if not module.body else f"{len(module.body)} statements"
            raise DialectError(None, f"expected one line: {ALLOWED}; got {what}")
        statement = module.body[0]
        node: ast.expr | None = None
        if isinstance(statement, (ast.Expr, ast.Assign)) or (
            isinstance(statement, ast.AnnAssign) and statement.value is not None
        ):
            node = statement.value
        if isinstance(node, ast.Tuple) and len(node.elts) == 1:  # a trailing comma
            node = node.elts[0]
        if isinstance(node, ast.List):  # MMEngine's `param_scheduler = [...]`: the chain its Runner builds
            return Call("param_scheduler", (self.value(node),), {}, self.source.segment(node))
        if not isinstance(node, ast.Call) or arithmetic.is_arithmetic(node):
            raise DialectError(None, f"expected {ALLOWED}, got {_shown(self.source.segment(statement))}")
        return self.call(node)

    def call(self, node: ast.Call) -> Call:
        name = arithmetic.dotted(node.func)
        if name is None:
            raise self.refuse(node.func, "a scheduler name")
        args: list[Value] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(arg, "an argument")
            args.append(self.value(arg))
        return Call(name, tuple(args), self.keywords(node), self.source.segment(node))

    def keywords(self, node: ast.Call) -> dict[str, Value]:
        kwargs: dict[str, Value] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.refuse(keyword.value, "an argument", "**kwargs")
            if keyword.arg in kwargs:  # Python's compiler refuses it; `ast.parse` does not
                raise DialectError(keyword.arg, f"keyword argument repeated: {keyword.arg}")
            kwargs[keyword.arg] = self.value(keyword.value)
        return kwargs

    def value(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
            return self.in_range(node.value, node)
        if isinstance(node, ast.Constant) and node.value is None:
            return None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = node.operand
            if (
                isinstance(operand, ast.Constant)
                and isinstance(operand.value, (int, float))
                and not isinstance(operand.value, bool)
            ):  # a negative literal is a literal
                signed = -operand.value if isinstance(node.op, ast.USub) else +operand.value
                return self.in_range(signed, node)
        if isinstance(node, (ast.Name, ast.Attribute)) and arithmetic.dotted(node) is not None:
            return self.name(str(arithmetic.dotted(node)))
        if arithmetic.is_arithmetic(node):
            return self.arithmetic(node)
        if isinstance(node, ast.List):
            return [self.value(item) for item in node.elts]
        if isinstance(node, ast.Tuple):
            return tuple(self.value(item) for item in node.elts)
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise self.refuse(node, "a value", "**mapping")
            try:
                return {
                    self.value(key): self.value(value)  # type: ignore[arg-type]
                    for key, value in zip(node.keys, node.values, strict=True)
                }
            except TypeError:  # a list as a key
                raise self.refuse(node, "a value", "a dict with a list as a key") from None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            if node.args:
                raise self.refuse(node, "a value", "dict() with positional arguments (write {...})")
            entries: dict[Value, Value] = {}
            entries.update(self.keywords(node))
            return entries
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Lambda):
            return self.lambda_(node)
        raise self.refuse(node, "a value")

    def name(self, name: str) -> Value:
        """A name's value: given with --let, a framework's constant, or `Name` (unbound)."""
        if name in self.names:
            return self.named(self.names[name], name)
        if name in arithmetic.CONSTANTS:
            return computed(arithmetic.CONSTANTS[name], name)  # type: ignore[return-value]
        for constant, value in self.constants.items():
            if name == constant or name.endswith(f".{constant}"):
                return value
        return Name(name)

    @staticmethod
    def named(value: Value, name: str) -> Value:
        """A --let value, which messages quote by its name when it is a number."""
        return computed(value, name)  # type: ignore[return-value]

    def env(self, names: list[str]) -> dict[str, object] | list[str]:
        """The values of ``names``, or the ones without a value."""
        unbound = [name for name in names if name not in self.names]
        if unbound:
            return unbound
        return {name: self.names[name] for name in names}

    def arithmetic(self, node: ast.expr) -> Value:
        text = self.source.segment(node)
        try:
            read = arithmetic.names(node)
        except arithmetic.NotArithmetic as exc:
            raise self.refuse(
                exc.node, "arithmetic", kind=f"arithmetic may use {arithmetic.ALLOWED}"
            ) from None
        env = self.env(read)
        if isinstance(env, list):
            return Unbound(tuple(env), text)
        try:
            value = arithmetic.evaluate(node, env)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise DialectError(None, f"`{_cut(text)}` fails: {arithmetic.reason(exc)}") from None
        return self.in_range(computed(value, text), node)  # type: ignore[arg-type]

    def lambda_(self, node: ast.Lambda) -> Value:
        arguments = node.args
        text = self.source.segment(node)
        if (
            len(arguments.args) != 1
            or arguments.posonlyargs
            or arguments.kwonlyargs
            or arguments.vararg
            or arguments.kwarg
            or arguments.defaults
        ):
            raise DialectError(
                None, f"a lambda takes exactly one parameter (the epoch); it may use {arithmetic.ALLOWED}"
            )
        parameter = arguments.args[0].arg
        try:
            read = [name for name in arithmetic.names(node.body) if name != parameter]
        except arithmetic.NotArithmetic as exc:
            shown = self.source.segment(exc.node)
            raise DialectError(
                None, f"`{shown}` is not allowed in a lambda; it may use {arithmetic.ALLOWED}"
            ) from None
        env = self.env(read)
        if isinstance(env, list):
            return Unbound(tuple(env), text)
        return Lambda(parameter, node.body, text, tuple(env.items()))

    def in_range(self, value: Value, node: ast.AST) -> Value:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            raise DialectError(
                None,
                f"`{_cut(self.source.segment(node))}` is out of range: integers must be within "
                f"-{MAX_INTEGER} to {MAX_INTEGER} (a 64-bit step count)",
            )
        return value

    def refuse(
        self, node: ast.AST, role: str, what: str | None = None, kind: str | None = None
    ) -> DialectError:
        text = what or _cut(self.source.segment(node), 200)
        reason = kind or {
            ast.Attribute: "attribute access",
            ast.Starred: "*args",
            ast.ListComp: "a comprehension",
            ast.GeneratorExp: "a comprehension",
            ast.Subscript: "indexing: write the value, or a name given with --let NAME=VALUE",
        }.get(type(node), "not allowed")
        return DialectError(None, f"{role} cannot be `{text}` ({reason}); expected {ALLOWED}")


ROWS = r"#\s*lrsched:\s*([0-9]{1,19})\s+rows\s*"
"""The comment an ``--emit`` line ends with (compiled when an expression has a comment)."""


def intended_rows(expression: str) -> int | None:
    """The row count an ``--emit`` line states in its trailing comment (``# lrsched: 30 rows``),
    read with Python's tokenizer so that a ``#`` inside a string is not one; None without it."""
    import io
    import tokenize

    comments = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(expression.strip()).readline):
            if token.type == tokenize.COMMENT:
                comments.append(token.string)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None  # parse() reports what is wrong with the expression
    found = re.fullmatch(ROWS, comments[-1].strip()) if comments else None
    return int(found.group(1)) if found else None

"""Parse a pasted constructor call into a small tree, safely: `ast` only, never `eval`.

Allowed, and nothing else:

- a call to a (possibly dotted) name: ``StepLR(optimizer, step_size=10)``;
- literals: numbers (with unary ``-``/``+``), strings, ``True``/``False``/``None``, and lists,
  tuples and dicts of allowed values;
- calls nested as arguments (``SequentialLR(optimizer, schedulers=[LinearLR(...), ...])``);
- a bare name, standing for the optimizer (``optimizer``, ``opt``);
- ``lambda epoch: <arithmetic>`` (for LambdaLR, MultiplicativeLR and CyclicLR's ``scale_fn``):
  numbers and the parameter combined with ``+ - * / // % **``, comparisons, ``a if c else b``,
  and the functions in `LAMBDA_FUNCTIONS` (``min``, ``max``, ``math.cos``, ...). The body is
  checked here and evaluated by walking the tree, with Python's own semantics.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias, cast

from lrsched_cli.errors import DialectError

ALLOWED = (
    "a scheduler call like StepLR(optimizer, step_size=10), whose arguments are numbers, "
    "strings, True/False/None, lists, tuples, dicts, nested scheduler calls, a bare name for "
    "the optimizer, or `lambda epoch: <arithmetic on epoch>`"
)


@dataclass(frozen=True)
class Name:
    """A bare name: the optimizer the scheduler is attached to (its value is never needed)."""

    id: str

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Lambda:
    """``lambda <parameter>: <body>``, with a body already checked against the whitelist."""

    parameter: str
    body: ast.expr
    source: str

    def __call__(self, x: float) -> float:
        try:
            value = _evaluate(self.body, self.parameter, x)
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            raise DialectError(
                "lr_lambda", f"`{self.source}` failed at {self.parameter}={x!r}: {exc}"
            ) from None
        return value

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True, eq=False)
class Call:
    """``name(*args, **kwargs)`` with ``name`` dotted as written."""

    name: str
    args: tuple[Value, ...]
    kwargs: Mapping[str, Value]
    source: str


Value: TypeAlias = (
    int
    | float
    | str
    | bool
    | Name
    | Lambda
    | Call
    | list["Value"]
    | tuple["Value", ...]
    | dict["Value", "Value"]
    | None
)


def parse(expression: str) -> Call:
    """The call ``expression`` spells, or `DialectError` saying what is allowed."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
        if not isinstance(tree.body, ast.Call):
            raise DialectError(None, f"expected {ALLOWED}, got {_shown(expression)}")
        return _call(tree.body, Source(expression.strip()))
    except SyntaxError as exc:
        reason = exc.msg
        if "integer string conversion" in reason:
            reason = "an integer literal longer than 4300 digits"
        raise DialectError(
            None, f"not a Python expression ({reason}): {_shown(expression)}; expected {ALLOWED}"
        ) from None
    except ValueError as exc:  # a null byte
        if isinstance(exc, DialectError):
            raise
        raise DialectError(None, f"not a Python expression ({exc}); expected {ALLOWED}") from None
    except (RecursionError, MemoryError):
        raise DialectError(
            None, f"the expression is nested too deeply to parse: {_shown(expression)}; expected {ALLOWED}"
        ) from None


class Source:
    """The text a tree was parsed from, to quote what the user wrote for any node of it.

    ``ast.get_source_segment`` splits the whole text into lines on every call, so quoting each
    call of a 2,000-scheduler ChainedScheduler took seconds; this splits and encodes it once.
    """

    def __init__(self, text: str) -> None:
        # the lines as Python's tokenizer counts them (\n, \r\n, \r), in UTF-8: ast's columns
        # are byte offsets
        self._lines: list[bytes] = [line.encode() for line in _LINES.findall(text)]

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


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _shown(expression: str, limit: int = 200) -> str:
    """The expression as an error message echoes it: repr, cut short when long."""
    if len(expression) <= limit:
        return repr(expression)
    return f"{expression[:limit]!r}... ({len(expression)} characters)"


def _call(node: ast.Call, source: Source) -> Call:
    name = _dotted(node.func)
    if name is None:
        raise _refuse(node.func, source, "a scheduler name")
    args: list[Value] = []
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            raise _refuse(arg, source, "an argument")
        args.append(_value(arg, source))
    kwargs: dict[str, Value] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise _refuse(keyword.value, source, "an argument", "**kwargs")
        if keyword.arg in kwargs:  # Python's compiler refuses it; `ast.parse` does not
            raise DialectError(keyword.arg, f"keyword argument repeated: {keyword.arg}")
        kwargs[keyword.arg] = _value(keyword.value, source)
    return Call(name, tuple(args), kwargs, source.segment(node))


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        prefix = _dotted(node.value)
        return None if prefix is None else f"{prefix}.{node.attr}"
    return None


MAX_INTEGER = 2**63 - 1
"""The largest integer an expression may hold (and -MAX_INTEGER the smallest): a 64-bit step
counter's range, past which no framework counts and lrsched cannot show rows."""


def _in_range(value: Value, node: ast.AST, source: Source) -> Value:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise DialectError(
            None,
            f"`{_cut(source.segment(node))}` is out of range: integers must be within "
            f"-{MAX_INTEGER} to {MAX_INTEGER} (a 64-bit step count)",
        )
    return value


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _value(node: ast.expr, source: Source) -> Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
        return _in_range(node.value, node, source)
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = node.operand
        if (
            isinstance(operand, ast.Constant)
            and isinstance(operand.value, (int, float))
            and not isinstance(operand.value, bool)
        ):
            signed = -operand.value if isinstance(node.op, ast.USub) else +operand.value
            return _in_range(signed, node, source)
    if isinstance(node, ast.Name):
        return Name(node.id)
    if isinstance(node, ast.List):
        return [_value(item, source) for item in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(_value(item, source) for item in node.elts)
    if isinstance(node, ast.Dict):
        if any(key is None for key in node.keys):
            raise _refuse(node, source, "a value", "**mapping")
        try:
            return {
                _value(key, source): _value(value, source)  # type: ignore[arg-type]
                for key, value in zip(node.keys, node.values, strict=True)
            }
        except TypeError:  # a list as a key
            raise _refuse(node, source, "a value", "a dict with a list as a key") from None
    if isinstance(node, ast.Call):
        return _call(node, source)
    if isinstance(node, ast.Lambda):
        return _lambda(node, source)
    raise _refuse(node, source, "a value")


def _refuse(node: ast.AST, source: Source, role: str, what: str | None = None) -> DialectError:
    text = what or source.segment(node)
    kind = {
        ast.Attribute: "attribute access",
        ast.BinOp: "arithmetic (write the number itself; arithmetic is allowed only in a lambda)",
        ast.Starred: "*args",
        ast.ListComp: "a comprehension",
        ast.GeneratorExp: "a comprehension",
        ast.Subscript: "indexing",
    }.get(type(node), "not allowed")
    return DialectError(None, f"{role} cannot be `{text}` ({kind}); expected {ALLOWED}")


# --- lambdas ---------------------------------------------------------------------------------

LAMBDA_FUNCTIONS: Mapping[str, Callable[..., float]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "float": float,
    "int": int,
    "round": round,
    **{
        f"math.{name}": getattr(math, name)
        for name in (
            "cos",
            "sin",
            "tan",
            "tanh",
            "exp",
            "log",
            "log2",
            "log10",
            "sqrt",
            "floor",
            "ceil",
            "pow",
        )
    },
}
"""What a lambda body may call."""

LAMBDA_CONSTANTS: Mapping[str, float] = {"math.pi": math.pi, "math.e": math.e}

_BINARY: Mapping[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE: Mapping[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_LAMBDA_ALLOWED = (
    "a lambda may use its one parameter, numbers, + - * / // % **, comparisons, "
    "`a if condition else b`, math.pi, math.e and " + ", ".join(LAMBDA_FUNCTIONS)
)
_MAX_BITS = 1 << 16
"""An integer a lambda computes may have this many bits: more is far past any float (2**1024),
and exact giant integers (``(10**4000)**4000``) would take minutes to compute."""
_MIN_NDIGITS = -25_000
"""``round(x, n)`` with ``n`` below this is ``round(x, _MIN_NDIGITS)``: the same 0 for any number
within `_MAX_BITS`, without computing ``10 ** -n``."""


def _lambda(node: ast.Lambda, source: Source) -> Lambda:
    arguments = node.args
    if (
        len(arguments.args) != 1
        or arguments.posonlyargs
        or arguments.kwonlyargs
        or arguments.vararg
        or arguments.kwarg
        or arguments.defaults
    ):
        raise DialectError(None, f"a lambda takes exactly one parameter (the epoch); {_LAMBDA_ALLOWED}")
    parameter = arguments.args[0].arg
    _check(node.body, parameter, source)
    return Lambda(parameter, node.body, source.segment(node))


def _check(node: ast.expr, parameter: str, source: Source) -> None:
    def refuse() -> DialectError:
        text = source.segment(node)
        return DialectError(None, f"`{text}` is not allowed in a lambda; {_LAMBDA_ALLOWED}")

    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise refuse()
    elif isinstance(node, ast.Name):
        if node.id != parameter:
            raise refuse()
    elif isinstance(node, ast.Attribute):
        if _dotted(node) not in LAMBDA_CONSTANTS:
            raise refuse()
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise refuse()
        _check(node.operand, parameter, source)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise refuse()
        _check(node.left, parameter, source)
        _check(node.right, parameter, source)
    elif isinstance(node, ast.Compare):
        if not all(type(op) in _COMPARE for op in node.ops):
            raise refuse()
        for operand in (node.left, *node.comparators):
            _check(operand, parameter, source)
    elif isinstance(node, ast.IfExp):
        for part in (node.test, node.body, node.orelse):
            _check(part, parameter, source)
    elif isinstance(node, ast.Call):
        if _dotted(node.func) not in LAMBDA_FUNCTIONS or node.keywords:
            raise refuse()
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise refuse()
            _check(arg, parameter, source)
    else:
        raise refuse()


def _evaluate(node: ast.expr, parameter: str, x: float) -> float:
    """The body's value at ``parameter = x``, for a body `_check` accepted."""
    if isinstance(node, ast.Constant):
        return cast(float, node.value)
    if isinstance(node, ast.Name):
        return x
    if isinstance(node, ast.Attribute):
        return LAMBDA_CONSTANTS[str(_dotted(node))]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, parameter, x)
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, parameter, x)
        right = _evaluate(node.right, parameter, x)
        if (
            isinstance(node.op, ast.Pow)
            and isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and abs(left).bit_length() * abs(right) > _MAX_BITS
        ):
            left = float(left)  # an exact giant integer would take forever, then overflow
        return _bounded(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, parameter, x)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, parameter, x)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        branch = node.body if _evaluate(node.test, parameter, x) else node.orelse
        return _evaluate(branch, parameter, x)
    assert isinstance(node, ast.Call)
    name = str(_dotted(node.func))
    args = [_evaluate(arg, parameter, x) for arg in node.args]
    if name == "round" and len(args) == 2 and isinstance(args[1], int) and args[1] < _MIN_NDIGITS:
        args[1] = _MIN_NDIGITS
    return _bounded(LAMBDA_FUNCTIONS[name](*args))


def _bounded(value: float) -> float:
    if isinstance(value, int) and value.bit_length() > _MAX_BITS:
        raise OverflowError(f"integer too large to be a rate (more than {_MAX_BITS} bits)")
    return value

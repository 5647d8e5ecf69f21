"""The arithmetic a pasted call may hold, checked against a whitelist and computed by walking it.

In an argument (``3 * 1000``, ``math.ceil(0.1 * EPOCHS)``) it is computed once, as the call is
read; in a lambda's body (``lambda epoch: 0.95 ** epoch``) each time the framework calls it. Names
stand for values given with ``--let`` (and for a lambda's parameter). Python's own operators
compute, with its semantics; nothing is handed to ``eval``, and integers are bounded so that
``10 ** 10 ** 10`` fails at once instead of computing for hours.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import cast

FUNCTIONS: Mapping[str, Callable[..., float]] = {
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
"""What arithmetic may call."""

CONSTANTS: Mapping[str, float] = {"math.pi": math.pi, "math.e": math.e}

BINARY: Mapping[type[ast.operator], Callable[[float, float], float]] = {
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
ALLOWED = (
    "numbers, names given with --let, + - * / // % **, comparisons, `a if condition else b`, "
    "math.pi, math.e and " + ", ".join(FUNCTIONS)
)
MAX_BITS = 1 << 16
"""An integer arithmetic computes may have this many bits: more is far past any float (2**1024),
and exact giant integers (``(10**4000)**4000``) would take minutes to compute."""
_MIN_NDIGITS = -25_000
"""``round(x, n)`` with ``n`` below this is ``round(x, _MIN_NDIGITS)``: the same 0 for any number
within `MAX_BITS`, without computing ``10 ** -n``."""


class NotArithmetic(Exception):
    """``node`` is outside the whitelist."""

    def __init__(self, node: ast.AST) -> None:
        super().__init__(node)
        self.node = node


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a name or a chain of attributes on one, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        prefix = dotted(node.value)
        return None if prefix is None else f"{prefix}.{node.attr}"
    return None


def is_arithmetic(node: ast.expr) -> bool:
    """Whether ``node`` is an operation arithmetic computes (not a literal or a bare name)."""
    if isinstance(node, ast.Call):
        return dotted(node.func) in FUNCTIONS
    return isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp))


MAX_DEPTH = 400
"""How deeply arithmetic may nest: `evaluate` recurses, and Python's stack holds about 1000."""


def names(node: ast.expr) -> list[str]:
    """The names ``node`` reads (``math.pi`` and ``math.e`` aside), once each, in order; raises
    `NotArithmetic` at the first node outside the whitelist, RecursionError past `MAX_DEPTH`.
    One visit per node."""
    found: dict[str, None] = {}
    pending = [(node, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise RecursionError(f"arithmetic nested more than {MAX_DEPTH} deep")
        children: list[ast.expr] = []
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise NotArithmetic(node)
        elif isinstance(node, (ast.Name, ast.Attribute)):
            name = dotted(node)
            if name is None:
                raise NotArithmetic(node)
            if name not in CONSTANTS:
                found[name] = None
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise NotArithmetic(node)
            children = [node.operand]
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in BINARY:
                raise NotArithmetic(node)
            children = [node.left, node.right]
        elif isinstance(node, ast.Compare):
            if not all(type(op) in _COMPARE for op in node.ops):
                raise NotArithmetic(node)
            children = [node.left, *node.comparators]
        elif isinstance(node, ast.IfExp):
            children = [node.test, node.body, node.orelse]
        elif isinstance(node, ast.Call):
            if dotted(node.func) not in FUNCTIONS or node.keywords:
                raise NotArithmetic(node)
            if any(isinstance(arg, ast.Starred) for arg in node.args):
                raise NotArithmetic(node)
            children = node.args
        else:
            raise NotArithmetic(node)
        pending += [(child, depth + 1) for child in reversed(children)]
    return list(found)


def evaluate(node: ast.expr, env: Mapping[str, object]) -> float:
    """The value of ``node``, which `names` accepted, with each name it reads from ``env``.

    Raises what Python would (ArithmeticError, ValueError, TypeError), and OverflowError for an
    integer past `MAX_BITS`.
    """
    if isinstance(node, ast.Constant):
        return cast(float, node.value)
    if isinstance(node, (ast.Name, ast.Attribute)):
        name = str(dotted(node))
        if name in CONSTANTS:
            return CONSTANTS[name]
        value = env[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} is {value!r}, not a number")
        return value
    if isinstance(node, ast.UnaryOp):
        operand = evaluate(node.operand, env)
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        left = evaluate(node.left, env)
        right = evaluate(node.right, env)
        if (
            isinstance(node.op, ast.Pow)
            and isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and abs(left).bit_length() * abs(right) > MAX_BITS
        ):
            left = float(left)  # an exact giant integer would take forever, then overflow
        return _bounded(BINARY[type(node.op)](left, right))
    if isinstance(node, ast.Compare):
        left = evaluate(node.left, env)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = evaluate(comparator, env)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return evaluate(node.body if evaluate(node.test, env) else node.orelse, env)
    assert isinstance(node, ast.Call)
    name = str(dotted(node.func))
    args = [evaluate(arg, env) for arg in node.args]
    if name == "round" and len(args) == 2 and isinstance(args[1], int) and args[1] < _MIN_NDIGITS:
        args[1] = _MIN_NDIGITS
    return _bounded(FUNCTIONS[name](*args))


def reason(exc: Exception) -> str:
    """Why arithmetic failed, in words (a float overflow's own message is an errno tuple)."""
    if isinstance(exc, OverflowError) and not (exc.args and isinstance(exc.args[0], str)):
        return "the result is too large for a float"
    return str(exc)


def _bounded(value: float) -> float:
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise OverflowError(f"integer too large (more than {MAX_BITS} bits)")
    return value

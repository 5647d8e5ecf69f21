"""An MMEngine Python config, read as data: ``ast`` only, nothing imported or executed.

A config is a sequence of assignments whose values are literals, ``dict(...)``, lists, tuples,
names assigned before (in the file or its ``_base_`` files) and arithmetic on numbers. Anything
else (an import, ``read_base()``, a call other than ``dict``, a comprehension, an attribute) is
refused, naming the line: MMEngine would execute it. ``_base_`` files (a path or a list, relative
to the file) are read first and merged as ``Config.fromfile`` merges them: the file's dicts
update the bases' key by key, ``_delete_=True`` replaces instead, any other value replaces.
"""

from __future__ import annotations

import ast
import copy
import operator
from pathlib import Path
from typing import Any

from lrsched_cli.errors import LrschedError

BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


def read(path: str, text: str | None = None, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The config's variables, its ``_base_`` files merged in (``text``: the file's, already read)."""
    source = Path(path) if path != "-" else Path("<stdin>")
    if text is None:
        try:
            text = source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise LrschedError(
                "config", f"cannot read {path}: {getattr(error, 'strerror', None) or error}"
            ) from None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        raise LrschedError(
            "config", f"{path}{f' line {line}' if line else ''}: not a Python config ({error})"
        ) from None
    names: dict[str, Any] = {}
    reader = _Reader(path, text)
    for statement in tree.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring
        if not isinstance(statement, ast.Assign) or not all(
            isinstance(t, ast.Name) for t in statement.targets
        ):
            raise reader.refuse(statement, "a statement")
        value = reader.value(statement.value, names)
        for target in statement.targets:
            names[target.id] = value  # type: ignore[attr-defined]
    bases = names.pop("_base_", [])
    if isinstance(bases, str):
        bases = [bases]
    if not isinstance(bases, list) or not all(isinstance(base, str) for base in bases):
        raise LrschedError("config", f"{path}: _base_ is a path or a list of paths, got {bases!r}")
    merged: dict[str, Any] = {}
    folder = source.parent if path != "-" else Path.cwd()
    for base in bases:
        file = (folder / base).resolve()
        if file in seen:
            raise LrschedError("config", f"{path}: _base_ {base} includes itself")
        if file.suffix != ".py":
            raise LrschedError("config", f"{path}: _base_ {base}: lrsched reads Python bases (.py) only")
        values = read(str(file), None, (*seen, file))
        duplicate = sorted(set(values) & set(merged))
        if duplicate:
            raise LrschedError("config", f"{path}: Duplicate key is not allowed among bases: {duplicate[0]}")
        merged.update(values)
    return merge(merged, names)


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``Config._merge_a_into_b``: dicts key by key (``_delete_=True``: replaced), else replaced."""
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not value.get("_delete_", False):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = (
                {k: v for k, v in value.items() if k != "_delete_"} if isinstance(value, dict) else value
            )
    return merged


class _Reader:
    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text

    def refuse(self, node: ast.AST, what: str) -> LrschedError:
        shown = (ast.get_source_segment(self.text, node) or "").splitlines()
        quoted = (
            (shown[0][:60] + " ...")
            if len(shown) > 1 or (shown and len(shown[0]) > 60)
            else shown[0]
            if shown
            else ""
        )
        return LrschedError(
            "config",
            f"{self.path} line {getattr(node, 'lineno', '?')}: `{quoted}` is {what} MMEngine would execute; "
            "lrsched reads a config as data (assignments of literals, dict(...), lists and arithmetic)",
        )

    def value(self, node: ast.expr, names: dict[str, Any]) -> Any:
        if isinstance(node, ast.Constant) and (
            node.value is None or isinstance(node.value, (int, float, str, bool))
        ):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(item, names) for item in node.elts]
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise self.refuse(node, "an unpacking")
            return {self.value(k, names): self.value(v, names) for k, v in zip(node.keys, node.values)}  # type: ignore[arg-type]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            if node.args or any(keyword.arg is None for keyword in node.keywords):
                raise self.refuse(node, "a call")
            return {keyword.arg: self.value(keyword.value, names) for keyword in node.keywords}
        if isinstance(node, ast.Name):
            if node.id in names:
                return copy.deepcopy(names[node.id])
            raise LrschedError(
                "config",
                f"{self.path} line {node.lineno}: `{node.id}` is not assigned in the config or its bases",
            )
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.value(node.operand, names)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            left, right = self.value(node.left, names), self.value(node.right, names)
            numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (left, right))
            texts = isinstance(node.op, ast.Add) and all(isinstance(x, str) for x in (left, right))
            if isinstance(node.op, ast.Pow) and numbers and abs(right) > 64:
                raise self.refuse(node, "a power too large for a config")
            if numbers or texts:
                try:
                    return BINARY[type(node.op)](left, right)
                except ArithmeticError as error:
                    raise LrschedError("config", f"{self.path} line {node.lineno}: {error}") from None
        raise self.refuse(node, "a call" if isinstance(node, ast.Call) else "an expression")

"""The folders are the layers: no import cycles, typer only in cli/, imports only downwards.

Read from the source with `ast` (every import, including those inside functions and under
``TYPE_CHECKING``), so a lazy import counts as much as a top-level one. The checks are functions
of a folder, tested on a small made-up package too, so that a broken rule cannot pass silently.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from helpers import ROOT

PACKAGE = "lrsched_cli"

LAYERS: list[set[str]] = [
    {"cli", "__main__"},
    {"frameworks", "trainers", "output", "check"},
    {"registry", "plan", "inputs"},
    {"schedules"},
    {"errors", "records", "__init__"},
]
"""Top to bottom, by the first part of the module's name under the package: a module imports its
own layer or lower ones."""

MIDDLE = 1
"""The layer of the frameworks, trainers, output and check: each on its own."""

ALLOWED_SIDEWAYS = {("output", "check")}
"""Imports within the middle layer that are meant: ``output`` delivers checks through ``check``
(lazily, only when --expect or --check is given). The frameworks, trainers, output and check
otherwise know nothing of each other."""

ONLY_IN_CLI = ("typer", "click")
STANDARD_LIBRARY_ONLY = ("schedules", "errors", "records")


def modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package under root, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported module, line) for each import in the module, relative ones resolved; ``from
    pkg import sub`` names the submodule when ``sub`` is one."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield (sub if sub in known else base), node.lineno


def graph(root: Path, package: str = PACKAGE) -> dict[str, dict[str, int]]:
    """Module -> the package's modules it imports, with the line of the first such import."""
    known = modules(root, package)
    edges: dict[str, dict[str, int]] = {name: {} for name in known}
    for name, path in known.items():
        for target, line in imports(name, path, known):
            if target in known and target != name and not name.startswith(target + "."):
                edges[name].setdefault(target, line)  # a module's own package face is not a cycle
    return edges


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def outside_imports(root: Path, package: str = PACKAGE) -> dict[str, list[tuple[str, int]]]:
    """Module -> the modules it imports from outside the package, with their lines."""
    known = modules(root, package)
    return {
        name: [
            (target, line) for target, line in imports(name, path, known) if target.split(".")[0] != package
        ]
        for name, path in known.items()
    }


def _part(module: str, package: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(part: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if part in layer)


def layer_breaches(root: Path, package: str = PACKAGE) -> list[str]:
    """Imports that go up a layer, or sideways where that is not meant."""
    breaches = []
    for name, targets in graph(root, package).items():
        own = _part(name, package)
        for target, line in targets.items():
            theirs = _part(target, package)
            if own == theirs:
                continue
            up = _layer(theirs) < _layer(own)
            sideways = _layer(theirs) == _layer(own) == MIDDLE and (own, theirs) not in ALLOWED_SIDEWAYS
            if up or sideways:
                breaches.append(f"{name} (line {line}) imports {target}")
    return breaches


def misplaced_imports(root: Path, package: str = PACKAGE) -> list[str]:
    """typer or click imported outside cli/, and anything but the standard library in the core."""
    found = []
    for name, targets in outside_imports(root, package).items():
        part = _part(name, package)
        for target, line in targets:
            top = target.split(".")[0]
            if top == "click" or (top in ONLY_IN_CLI and part != "cli"):
                found.append(f"{name} (line {line}) imports {target}")
            elif part in STANDARD_LIBRARY_ONLY and top not in sys.stdlib_module_names and top != "__future__":
                found.append(f"{name} (line {line}) imports {target}, not the standard library")
    return found


def test_no_import_cycles() -> None:
    edges = graph(ROOT)
    found = cycles(edges)
    described = [
        " <-> ".join(cycle)
        + ": "
        + ", ".join(f"{a}:{edges[a][b]} -> {b}" for a in cycle for b in cycle if b in edges[a])
        for cycle in found
    ]
    assert found == [], described


def test_imports_go_down_the_layers() -> None:
    assert layer_breaches(ROOT) == []


def test_typer_only_in_cli_and_the_core_on_the_standard_library() -> None:
    assert misplaced_imports(ROOT) == []


def test_every_framework_is_one_folder_reading_and_writing_it() -> None:
    from lrsched_cli.frameworks import FRAMEWORKS

    folders = [path for path in (ROOT / PACKAGE / "frameworks").iterdir() if (path / "__init__.py").exists()]
    assert folders, "no framework folders found"
    assert sorted(folder.name for folder in folders) == sorted(FRAMEWORKS)
    for folder in folders:
        assert (folder / "reproduce.py").exists(), folder.name
        assert (folder / "emit.py").exists() == FRAMEWORKS[folder.name].emits, folder.name


def test_the_checks_catch_a_cycle_a_stray_typer_and_an_upward_import(tmp_path: Path) -> None:
    package = tmp_path / PACKAGE
    for folder in ["schedules", "output", "cli"]:
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "registry.py").write_text("from lrsched_cli import plan\n")
    (package / "plan.py").write_text("def f():\n    from . import registry\n")
    (package / "output" / "text.py").write_text("import typer\nfrom lrsched_cli.cli import app\n")
    (package / "cli" / "app.py").write_text("import typer\n")
    (package / "schedules" / "core.py").write_text("import numpy\nimport math\n")
    assert cycles(graph(tmp_path)) == [["lrsched_cli.plan", "lrsched_cli.registry"]]
    assert layer_breaches(tmp_path) == ["lrsched_cli.output.text (line 2) imports lrsched_cli.cli.app"]
    assert misplaced_imports(tmp_path) == [
        "lrsched_cli.output.text (line 1) imports typer",
        "lrsched_cli.schedules.core (line 1) imports numpy, not the standard library",
    ]

"""Write tests/parity/catalogue.json: what the real frameworks compute for each generic command.

    ../shared/refenv.sh /work/refenv        # once: torch, keras, optax, transformers, timm
    KERAS_BACKEND=torch /work/refenv/bin/python scripts/gen_catalogue_goldens.py

Cases live in `scripts/catalogue_cases/<group>.py` (every module not starting with ``_``), each a
list ``CASES`` of ``(argv, build)``: ``argv`` is the lrsched command line (a list, or a string
split as a shell would), ``build`` either a
callable returning the framework's rates for rows 1, 2, ... (use the helpers in
`catalogue_cases/_frameworks.py`, which also carry the framework's name and tolerance), or a code
snippet that sets ``rates`` (and may set ``framework`` and ``rtol``). Add a group by adding a
module; this script needs no change.

Detectron2 is not installed anywhere: its cases load detectron2/solver/lr_scheduler.py from a
checkout, ``DETECTRON2_SRC=DIR DETECTRON2_COMMIT=SHA`` (the commit is recorded in the file).

`tests/test_catalogue_parity.py` runs every argv through lrsched with ``-f json`` and compares.

    /work/venvs/trainenv/bin/python scripts/gen_catalogue_goldens.py --keep-missing

runs only the frameworks the venv has (e.g. torch, transformers, timm without Keras and optax):
a case whose framework is not installed keeps its recorded rates, found by its id (so its argv
must not change), and an installed framework must be the version the file records.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import math
import os
import pkgutil
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "parity" / "catalogue.json"
FRAMEWORKS = ["torch", "transformers", "keras", "optax", "jax", "timm", "mmengine", "fvcore"]
MAX_ROWS = 300
NEAR_ZERO = 1e-15
"""Absolute tolerance of float64 cases, for rates that are 0 up to rounding."""

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue_cases  # noqa: E402
from catalogue_cases._frameworks import FLOAT64  # noqa: E402


def groups() -> Iterator[tuple[str, list[tuple[list[str], Any]]]]:
    for module in sorted(pkgutil.iter_modules(catalogue_cases.__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            yield module.name, importlib.import_module(f"catalogue_cases.{module.name}").CASES


RECORDED: dict[str, dict[str, Any]] = {}
"""With --keep-missing: the file's cases by id, for those whose framework is not installed."""


def run(build: Any) -> tuple[str, list[float], float]:
    """The framework's name, its rates, and the relative tolerance they are compared at."""
    if isinstance(build, str):
        scope: dict[str, Any] = {}
        exec(build, scope)
        return scope.get("framework", "snippet"), list(scope["rates"]), scope.get("rtol", FLOAT64)
    return getattr(build, "framework", "unknown"), list(build()), getattr(build, "rtol", FLOAT64)


def case(group: str, argv: list[str], build: Any) -> dict[str, Any]:
    try:
        framework, rates, rtol = run(build)
    except ModuleNotFoundError as missing:
        if not RECORDED:
            raise
        named = getattr(build, "framework", None)  # a helper's Run knows it; a snippet says it inside
        kept = RECORDED.get(f"{named}: {' '.join(argv)}") if named else None
        if kept is None and not named:
            found = [c for c in RECORDED.values() if c["argv"] == argv and c["group"] == group]
            kept = found[0] if len(found) == 1 else None
        if kept is None:
            raise SystemExit(
                f"{group}: {argv}: {missing.name} is not installed and no rates are recorded"
            ) from None
        return kept
    rates = [float(rate) for rate in rates]
    if not rates or len(rates) > MAX_ROWS or not all(map(math.isfinite, rates)):
        raise SystemExit(f"{group}: {argv}: {len(rates)} rates, want 1 to {MAX_ROWS}, all finite")
    # float32 frameworks round near 0 too: their absolute error scales with the largest rate.
    atol = NEAR_ZERO if rtol <= FLOAT64 else rtol * max(map(abs, rates))
    return {
        "id": f"{framework}: {' '.join(argv)}",
        "group": group,
        "framework": framework,
        "argv": argv,
        "rtol": rtol,
        "atol": atol,
        "rates": rates,
    }


def main() -> None:
    recorded_versions: dict[str, str] = {}
    if "--keep-missing" in sys.argv[1:]:
        document = json.loads(OUT.read_text(encoding="utf-8"))
        RECORDED.update({c["id"]: c for c in document["cases"]})
        recorded_versions = document["versions"]
    cases = [
        case(group, shlex.split(argv) if isinstance(argv, str) else list(argv), build)
        for group, listed in groups()
        for argv, build in listed
    ]
    ids = [c["id"] for c in cases]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise SystemExit(f"case ids must be unique: {repeated}")
    versions = dict(recorded_versions)
    for name in FRAMEWORKS:
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # its cases fail unless kept (--keep-missing), with the recorded version
        if name in recorded_versions and recorded_versions[name] != installed:
            raise SystemExit(
                f"{name} {installed} is installed, the file records {recorded_versions.get(name)}"
            )
        versions[name] = installed
    versions["keras_backend"] = os.environ["KERAS_BACKEND"]
    if os.environ.get("DETECTRON2_SRC"):  # not installed: its solver module is read from a checkout
        versions["detectron2"] = os.environ.get("DETECTRON2_COMMIT", "unknown commit")
    head = json.dumps({"generator": "scripts/gen_catalogue_goldens.py", "versions": versions})
    lines = ",\n  ".join(json.dumps(c, allow_nan=False) for c in cases)  # a case a line: reviewable diffs
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(f'{head[:-1]}, "cases": [\n  {lines}\n]}}\n', encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(cases)} cases")


if __name__ == "__main__":
    main()

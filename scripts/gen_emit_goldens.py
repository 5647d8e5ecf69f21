"""Write tests/parity/emit.json: what the real frameworks compute from lrsched's ``--emit`` code.

    ../shared/refenv.sh /work/refenv        # once: torch, keras, optax, transformers, timm
    /work/refenv/bin/python scripts/gen_emit_goldens.py [--lrsched PATH]

For every command line in `tests/frameworks/emit_cases.py` and every framework it emits for, the script asks
lrsched (``PATH``, default the dev venv's, else ``lrsched`` on PATH) for the expression and the
row count, evaluates the expression in the real framework on an optimizer built with
``lr=--lr`` (1.0 for schedules without one), and steps it as `gen_dialect_goldens.py` does (its
runners are reused). It records the argv, the expression, the framework's versions and its rates.
`tests/test_emit_parity.py` compares lrsched's own rows against them, and the emitted expression
against the recorded one.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "parity" / "emit.json"
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests" / "frameworks")]

import gen_dialect_goldens as frameworks  # noqa: E402
from emit_cases import CASES  # noqa: E402

RUNNER_OF = {"torch": "torch", "keras": "keras", "optax": "optax", "hf": "hf", "timm": "timm"}


def lrsched_path(given: str | None) -> str:
    dev = ROOT.parent / "venv" / "bin" / "lrsched"
    found = given or (str(dev) if dev.exists() else shutil.which("lrsched"))
    if not found:
        sys.exit("lrsched not found: install it (pip install -e .) or give --lrsched PATH")
    return found


def lrsched(program: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([program, *argv], capture_output=True, text=True, check=False)


def record(program: str, command: str, framework: str) -> dict[str, Any]:
    argv = shlex.split(command)
    emitted = lrsched(program, [*argv, "--emit", framework])
    if emitted.returncode != 0:
        raise SystemExit(f"{command} --emit {framework}: {emitted.stderr.strip()}")
    rows = len(json.loads(lrsched(program, [*argv, "-f", "json"]).stdout)["rows"])
    expression = emitted.stdout.strip()
    lr = float(argv[argv.index("--lr") + 1]) if "--lr" in argv else None
    run, _ = frameworks.RUNNERS[RUNNER_OF[framework]]
    ran = run({"id": command, "expression": expression, "lr": lr, "rows": rows, "steps": None})
    assert ran["end"] is None and len(ran["rates"]) == rows, (command, framework, ran["end"])
    return {"argv": argv, "framework": framework, "expression": expression, "rates": ran["rates"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lrsched", help="the lrsched program to ask for expressions")
    program = lrsched_path(parser.parse_args().lrsched)
    packages = ("torch", "transformers", "keras", "optax", "jax", "timm")
    document = {
        "generator": "scripts/gen_emit_goldens.py",
        "versions": {p: importlib.metadata.version(p) for p in packages}
        | {"keras_backend": os.environ["KERAS_BACKEND"]},
        "cases": [
            record(program, command, framework)
            for command, emitting in CASES.items()
            for framework in emitting
        ],
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"{OUT}: {len(document['cases'])} cases")


if __name__ == "__main__":
    main()

"""Write tests/parity/port.json: each call of `tests/frameworks/port_cases.py` run in its real
framework, and what `lrsched from CALL --emit TARGET` wrote for every target, run in the real
target framework (or what it refused, and why).

    ../shared/refenv.sh                     # once: torch, keras, optax, transformers, timm
    KERAS_BACKEND=torch REFENV/bin/python scripts/gen_port_goldens.py --lrsched PATH

For each source call the script asks lrsched (``PATH``, default ``lrsched`` on PATH) how many
rows ``from`` prints and runs the call in its framework for those rows, stepped as
`gen_dialect_goldens.py` steps it (its runners are reused: a real optimizer named ``optimizer``
with the call's ``--lr``). Then, per target, it asks for ``--emit TARGET``: an expression is run
in the target framework on an optimizer with the rate lrsched names (the call's --lr, or the one
its note asks for), for the same rows; the ``lrsched`` target's command line is recorded as
printed (`tests/frameworks/test_port.py` runs it); a refusal records lrsched's message. The
frameworks' versions are in the file. Nothing here is needed by the tests, which read the file.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "parity" / "port.json"
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests" / "frameworks")]

import gen_dialect_goldens as frameworks  # noqa: E402
from port_cases import SOURCES, TARGETS, Source  # noqa: E402

LR_NOTE = re.compile(r"build it with lr=(\S+)")


def lrsched(program: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([program, *argv], capture_output=True, text=True, check=False)


def run(framework: str, expression: str, lr: float | None, rows: int) -> list[float]:
    runner, _ = frameworks.RUNNERS[framework]
    ran = runner({"id": expression, "expression": expression, "lr": lr, "rows": rows, "steps": None})
    rates: list[float] = ran["rates"]
    return rates


def record(program: str, source: Source) -> dict[str, Any]:
    shown = lrsched(program, [*source.argv(), "-f", "json"])
    assert shown.returncode == 0, (source, shown.stderr)
    rows = len(json.loads(shown.stdout)["rows"])
    ports: dict[str, Any] = {}
    for target in TARGETS:
        emitted = lrsched(program, [*source.argv(), "--emit", target])
        if emitted.returncode != 0:
            assert emitted.returncode == 2 and not emitted.stdout, (source, target, emitted.stderr)
            ports[target] = {"refused": emitted.stderr.strip().splitlines()[-1]}
            continue
        code = emitted.stdout.strip()
        if target == "lrsched":
            ports[target] = {"code": code}
            continue
        note = LR_NOTE.search(emitted.stderr)
        lr = float(note.group(1)) if note else source.lr
        rates = run(target, code, lr, rows)
        assert len(rates) == rows, (source, target, len(rates))
        ports[target] = {"code": code, "lr": lr, "rates": rates}
    return {
        "framework": source.framework,
        "expression": source.expression,
        "lr": source.lr,
        "epochs": source.epochs,
        "rates": run(source.framework, source.expression, source.lr, rows),
        "ports": ports,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lrsched", help="the lrsched program to ask")
    program = parser.parse_args().lrsched or shutil.which("lrsched")
    if not program:
        sys.exit("lrsched not found: install it (pip install -e .) or give --lrsched PATH")
    packages = ("torch", "transformers", "keras", "optax", "jax", "timm")
    document = {
        "generator": "scripts/gen_port_goldens.py",
        "versions": {p: importlib.metadata.version(p) for p in packages}
        | {"keras_backend": os.environ["KERAS_BACKEND"]},
        "cases": [record(program, source) for source in SOURCES],
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n")
    ported = sum("code" in port for case in document["cases"] for port in case["ports"].values())
    print(f"{OUT}: {len(document['cases'])} calls, {ported} ports")


if __name__ == "__main__":
    main()
